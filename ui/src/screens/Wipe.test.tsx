// The end-of-contract wipe on the fake backend: the typed seat name guards the run button, a
// required handover export requires the city's key (a bad one is refused in Japanese and the
// form is kept), a run shows its progress and then the certificate's checks and the quit
// button; a wipe stopped after the key is gone, or found interrupted at start-up, is resumed.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { FakeBackend } from "../api/fake";

const CONFIRM = "確認のため、席名「窓口1」を入力してください";
const RECIPIENT = "age1ql3z7hjy54pw3hyww5ayyfg7zqgvc7w3j2elw8zmrj2kg5sfn9aqmcac8p";

async function openWipe(backend: FakeBackend) {
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "データ消去" }));
  await screen.findByTestId("wipe-form");
}

/** Types into the field labelled `label` at once (long values; typing is slow in jsdom). */
async function paste(label: string, text: string) {
  await userEvent.click(screen.getByLabelText(label));
  await userEvent.paste(text);
}

async function fillContract() {
  await paste("受託者（所属）", "株式会社テスト窓口");
  await paste("契約名", "令和8年度 マイナンバーカード特設窓口運営業務委託");
}

test.each([
  ["staff", { kind: "staff", code: "S001", name: "窓口 花子", role: "staff" }],
  ["a site actor", { kind: "site", tool: "hub" }],
] as const)("%s: no データ消去 in the navigation (the certificate names a manager or deputy)", async (_, actor) => {
  const backend = new FakeBackend();
  backend.actor = actor;
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await screen.findByRole("link", { name: "同期" });
  expect(screen.queryByRole("link", { name: "データ消去" })).toBeNull();
});

test("the preflight is shown, and the run button stays disabled until the seat name is typed", async () => {
  const backend = new FakeBackend();
  await openWipe(backend);
  expect(screen.getByTestId("wipe-machine")).toHaveTextContent("ハブに登録された席");
  expect(screen.getByTestId("wipe-outbox")).toHaveTextContent("未送信 0 件");
  expect(screen.getByTestId("wipe-records")).toHaveTextContent("合計 402 件（3 表）");
  expect(screen.getByTestId("wipe-handover-optional")).toBeInTheDocument();
  const items = screen.getByTestId("wipe-items");
  expect(items).toHaveTextContent("データ鍵（最初に破棄）");
  expect(items).toHaveTextContent("/tmp/madoguchi-test/madoguchi.db");
  expect(screen.getByTestId("wipe-total")).toHaveTextContent("合計 3.0 MB");
  // Snapshots the wipe cannot reach are listed, and "none found" is never "none there".
  const snapshots = screen.getByTestId("wipe-snapshots");
  expect(snapshots).toHaveTextContent("ZFS スナップショット：/srv/.zfs/snapshot/daily-2026-11-28（データフォルダを含む）");
  expect(snapshots).toHaveTextContent("下記は自動で検出できたものだけです");
  expect(screen.getByLabelText("証明書の保存先")).toHaveValue("/home/madoguchi/Documents");
  expect(screen.getByText(/消去は取り消せません/)).toHaveClass("error");

  const run = screen.getByRole("button", { name: "消去を実行" });
  expect(document.getElementById("wipe-run")).toBe(run);
  await fillContract();
  expect(run).toBeDisabled();
  await userEvent.type(screen.getByLabelText(CONFIRM), "窓口");
  expect(run).toBeDisabled();
  await userEvent.type(screen.getByLabelText(CONFIRM), "1");
  expect(run).toBeEnabled();
  // The export is optional here; asking for it makes its fields required.
  expect(screen.queryByLabelText("市の公開鍵（age1…）")).toBeNull();
  await userEvent.click(screen.getByLabelText("引継ぎデータをエクスポートする"));
  expect(screen.getByLabelText("エクスポート先フォルダ")).toHaveValue("/home/madoguchi/Documents");
  expect(run).toBeDisabled();
  await paste("市の公開鍵（age1…）", RECIPIENT);
  expect(run).toBeEnabled();
});

test("a required handover needs the city's key; a bad key is refused in Japanese and the form is kept", async () => {
  const backend = new FakeBackend();
  backend.preflight = {
    ...backend.preflight,
    outbox: { pending: 3, provisional: 1, failing: 0, conflicts: 0 },
    localOnly: [{ table: "sign_ins", rows: 12 }],
    handoverRequired: true,
  };
  await openWipe(backend);
  expect(screen.getByTestId("wipe-handover-required")).toHaveTextContent("ハブに届いていない変更が 3 件あるためです");
  expect(screen.getByTestId("wipe-local-only")).toHaveTextContent("サインイン記録（勤怠） 12 件");
  expect(screen.queryByLabelText("引継ぎデータをエクスポートする")).toBeNull();
  const run = screen.getByRole("button", { name: "消去を実行" });
  await fillContract();
  await userEvent.type(screen.getByLabelText(CONFIRM), "窓口1");
  expect(run).toBeDisabled();

  await userEvent.type(screen.getByLabelText("市の公開鍵（age1…）"), "age1bad");
  await userEvent.click(run);
  expect(await screen.findByRole("alert")).toHaveTextContent("引継ぎデータのエクスポートに失敗した");
  expect(screen.getByLabelText("受託者（所属）")).toHaveValue("株式会社テスト窓口");
  expect(screen.getByRole("navigation")).toBeInTheDocument();
  expect(backend.wipeRequests).toEqual([]);

  await userEvent.clear(screen.getByLabelText("市の公開鍵（age1…）"));
  await paste("市の公開鍵（age1…）", RECIPIENT);
  await userEvent.click(screen.getByRole("button", { name: "消去を実行" }));
  expect(await screen.findByRole("heading", { name: "消去が完了しました" })).toBeInTheDocument();
  expect(document.getElementById("wipe-handover-file")).toHaveTextContent("/home/madoguchi/Documents/引継ぎデータ_");
  expect(document.getElementById("wipe-handover-sha256")).toHaveTextContent(/^9f2c0+$/);
  expect(backend.wipeRequests[0]).toMatchObject({ recipient: RECIPIENT, exportDir: "/home/madoguchi/Documents", confirmation: "窓口1" });
});

test("a run shows its progress, then the checks, the certificate and the quit button", async () => {
  const backend = new FakeBackend();
  let release!: () => void;
  backend.wipeGate = new Promise((resolve) => (release = resolve));
  await openWipe(backend);
  await fillContract();
  await userEvent.clear(screen.getByLabelText("証明書の保存先"));
  await paste("証明書の保存先", "/media/usb");
  await userEvent.type(screen.getByLabelText(CONFIRM), "窓口1");
  await userEvent.click(screen.getByRole("button", { name: "消去を実行" }));

  expect(await screen.findByRole("progressbar", { name: "消去の進み具合" })).toBeInTheDocument();
  expect(screen.getByTestId("wipe-phase")).toHaveTextContent("データ鍵の破棄");
  expect(screen.queryByRole("navigation")).toBeNull();
  release();

  expect(await screen.findByRole("heading", { name: "消去が完了しました" })).toHaveAttribute("id", "wipe-done");
  expect(document.getElementById("wipe-certificate-pdf")).toHaveTextContent("/media/usb/データ消去証明書_窓口1_20270331_0193a1b2.pdf");
  expect(document.getElementById("wipe-digest")).toHaveTextContent(/^5d1ea+$/);
  const checks = within(screen.getByTestId("wipe-verification")).getAllByRole("row").slice(1);
  expect(checks).toHaveLength(4);
  expect(checks[0]).toHaveTextContent("消去対象がすべて削除されている合格3 件すべて削除済み");
  expect(checks[3]).toHaveTextContent("残存データの走査合格");
  expect(screen.getByText("引継ぎデータのエクスポートは行っていません。")).toBeInTheDocument();
  expect(backend.wipeRequests[0]).toMatchObject({ recipient: null, exportDir: null, certificateDir: "/media/usb" });

  const quit = screen.getByRole("button", { name: "アプリを終了" });
  expect(quit).toHaveAttribute("id", "wipe-quit");
  await userEvent.click(quit);
  expect(backend.quit).toBe(true);
});

test("a wipe that stops after the key is gone offers to resume it in place", async () => {
  const backend = new FakeBackend();
  backend.wipeIncomplete = true;
  await openWipe(backend);
  await fillContract();
  await userEvent.type(screen.getByLabelText(CONFIRM), "窓口1");
  await userEvent.click(screen.getByRole("button", { name: "消去を実行" }));
  expect(await screen.findByRole("heading", { name: "データ消去が中断されています" })).toBeInTheDocument();
  expect(screen.getByRole("alert")).toHaveTextContent("まだ残っているものが見つかりました");
  expect(screen.queryByRole("navigation")).toBeNull();
  await userEvent.type(await screen.findByLabelText("確認のため「再開」と入力してください"), "再開");
  await userEvent.click(screen.getByRole("button", { name: "消去を再開" }));
  expect(await screen.findByRole("heading", { name: "消去が完了しました" })).toBeInTheDocument();
  expect(document.getElementById("wipe-certificate-pdf")).toHaveTextContent(/^\/home\/madoguchi\/Documents\//);
});

test("an interrupted wipe replaces the unlock screen and is finished by typing 再開", async () => {
  const backend = new FakeBackend();
  backend.pendingWipe = {
    wipeId: "0193a1b2-0000-7000-8000-0000000000w1",
    startedAt: "2027-03-31T09:00:00Z",
    performer: { name: "管理 一郎", role: "業務管理者", staffCode: "M001", organisation: "株式会社テスト窓口" },
    keyDestroyed: true,
    certificateDir: "/media/usb",
  };
  render(<App backend={backend} />);
  expect(await screen.findByRole("heading", { name: "データ消去が中断されています" })).toBeInTheDocument();
  expect(screen.queryByLabelText("サイトの合言葉")).toBeNull();
  const facts = await screen.findByTestId("wipe-pending");
  expect(facts).toHaveTextContent("管理 一郎（業務管理者）");
  expect(facts).toHaveTextContent("破棄済み");
  expect(facts).toHaveTextContent("/media/usb");

  const resume = screen.getByRole("button", { name: "消去を再開" });
  expect(resume).toHaveAttribute("id", "wipe-resume");
  expect(resume).toBeDisabled();
  const word = screen.getByLabelText("確認のため「再開」と入力してください");
  expect(word).toHaveAttribute("id", "wipe-resume-confirmation");
  await userEvent.type(word, "再開");
  await userEvent.click(resume);
  expect(await screen.findByRole("heading", { name: "消去が完了しました" })).toBeInTheDocument();
  expect(within(screen.getByTestId("wipe-verification")).getByText("実施せず")).toBeInTheDocument();
  expect(document.getElementById("wipe-certificate-pdf")).toHaveTextContent(/^\/media\/usb\//);
  expect(backend.pendingWipe).toBeNull();
});
