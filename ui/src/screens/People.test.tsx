// People and accountability on the fake backend: staff sign-in after unlock (wrong PIN in
// Japanese), an inquiry and a complaint taken through its response procedure, the roster and
// the audit verification shown to the manager, and management screens hidden from staff.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { FakeBackend } from "../api/fake";

async function unlocked(backend: FakeBackend) {
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
}

test("staff sign in with ID and PIN; a wrong PIN is refused and cleared; staff do not see management screens", async () => {
  const backend = new FakeBackend();
  backend.actor = null;
  await unlocked(backend);
  await userEvent.type(await screen.findByLabelText("職員番号"), "s001");
  await userEvent.type(screen.getByLabelText("暗証番号"), "0000{Enter}");
  expect(await screen.findByRole("alert")).toHaveTextContent("職員番号または暗証番号が違います");
  expect(screen.getByLabelText("暗証番号")).toHaveValue("");
  await userEvent.type(screen.getByLabelText("暗証番号"), "1111{Enter}");
  expect(await screen.findByTestId("who")).toHaveTextContent("窓口 花子（従事者）");
  expect(screen.queryByRole("link", { name: "職員・勤怠" })).toBeNull();
  expect(screen.getByRole("link", { name: "問い合わせ・クレーム" })).toBeInTheDocument();
  await userEvent.click(within(screen.getByTestId("who")).getByRole("button", { name: "サインアウト" }));
  expect(await screen.findByText("職員のサインイン")).toBeInTheDocument();
});

test("an inquiry is logged and a complaint is escalated and resolved step by step", async () => {
  const backend = new FakeBackend();
  await unlocked(backend);
  await userEvent.click(await screen.findByRole("link", { name: "問い合わせ・クレーム" }));
  const form = await screen.findByTestId("inquiry-form");
  await userEvent.selectOptions(within(form).getByLabelText("内容の分類"), "outside_card_work");
  await userEvent.type(within(form).getByLabelText("内容"), "転入届の受付時間");
  await userEvent.type(within(form).getByLabelText("回答・対応"), "ガイドブックで案内");
  await userEvent.click(within(form).getByRole("button", { name: "記録する" }));
  expect(await screen.findByTestId("inquiry-list")).toHaveTextContent("回答済");

  await userEvent.selectOptions(within(form).getByLabelText("種類"), "complaint");
  await userEvent.selectOptions(within(form).getByLabelText("受付方法"), "visitor");
  await userEvent.type(within(form).getByLabelText("内容"), "待ち時間が長い");
  await userEvent.click(within(form).getByRole("button", { name: "記録する" }));
  const complaintCard = async () => (await screen.findByText("待ち時間が長い")).closest("[data-kind=complaint]") as HTMLElement;
  for (const [button, status] of [
    ["対応を記録", "対応中"],
    ["管理者へ報告", "管理者へ報告済"],
    ["市へ報告", "市へ報告済"],
    ["解決にする", "解決"],
  ]) {
    const fresh = await complaintCard();
    await userEvent.type(within(fresh).getByLabelText("対応の内容"), `${button}した`);
    await userEvent.click(within(fresh).getByRole("button", { name: button }));
    expect(await within(await complaintCard()).findByTestId("inquiry-status")).toHaveTextContent(status);
  }
  expect(backend.inquiryList[0].steps.map((s) => s.step)).toEqual(["respond", "escalate_manager", "escalate_city", "resolve"]);
});

test("the manager sees the roster, adds a member and verifies the audit trail", async () => {
  const backend = new FakeBackend();
  await unlocked(backend);
  await userEvent.click(await screen.findByRole("link", { name: "職員・勤怠" }));
  expect(await screen.findByTestId("roster")).toHaveTextContent("市役所 田中");
  const add = screen.getByTestId("add-staff");
  await userEvent.type(within(add).getByLabelText("職員番号"), "s010");
  await userEvent.type(within(add).getByLabelText("氏名"), "新人 三郎");
  await userEvent.type(within(add).getByLabelText("暗証番号（4〜8桁）"), "4321");
  await userEvent.click(within(add).getByRole("button", { name: "職員を追加" }));
  expect(await screen.findByTestId("roster")).toHaveTextContent("新人 三郎");
  expect(backend.roster.find((m) => m.code === "S010")?.role).toBe("staff");

  await userEvent.click(screen.getByRole("link", { name: "操作記録" }));
  await userEvent.click(await screen.findByRole("button", { name: "記録を検証する" }));
  expect(await screen.findByTestId("audit-result")).toHaveTextContent("改ざんはありません");
});

test("a new seat's 'no staff yet' advice goes away by itself when the roster arrives by sync", async () => {
  const backend = new FakeBackend();
  backend.actor = null;
  const roster = backend.roster;
  backend.roster = [];
  await unlocked(backend);
  expect(await screen.findByText(/職員がまだ登録されていません/)).toBeInTheDocument();
  backend.roster = roster; // the hub's snapshot arrived while the seat waits at sign-in
  await waitFor(() => expect(screen.queryByText(/職員がまだ登録されていません/)).toBeNull(), { timeout: 4000 });
});
