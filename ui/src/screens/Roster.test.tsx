// 従事者名簿 on the fake backend: the manager sets a member's details in the edit panel
// (Ctrl+Enter saves), records the first submission, then a member trained and made active shows
// as 追加 in the change report, which is shown before its paper is saved.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { FakeBackend } from "../api/fake";

async function unlocked(backend: FakeBackend) {
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
}

test("the manager edits details, records a submission, and the change report lists a new member", async () => {
  const backend = new FakeBackend();
  await unlocked(backend);
  await userEvent.click(await screen.findByRole("link", { name: "従事者名簿" }));
  const table = await screen.findByTestId("roster-table");
  expect(await within(table).findByText("窓口 花子")).toBeInTheDocument();
  expect(within(table).queryByText("市役所 田中")).toBeNull();
  expect(within(table).getByText("要件未確認")).toBeInTheDocument();

  // The manager's details: regular employment and experience clear the §8(2)イ flag.
  await userEvent.click(screen.getByRole("button", { name: "管理 一郎 の詳細を編集" }));
  const panel = await screen.findByRole("dialog", { name: "管理 一郎 の名簿情報" });
  await userEvent.selectOptions(within(panel).getByLabelText("雇用形態"), "正規雇用");
  await userEvent.type(within(panel).getByLabelText("特定個人情報取扱業務の経験"), "市窓口での交付業務 5年");
  await userEvent.click(within(panel).getByLabelText("管理"));
  await userEvent.keyboard("{Control>}{Enter}{/Control}");
  expect(screen.queryByRole("dialog")).toBeNull();
  expect(backend.details.get("M001")?.duties).toEqual(["management"]);
  expect(within(screen.getByTestId("roster-table")).queryByText("要件未確認")).toBeNull();

  await userEvent.click(screen.getByRole("button", { name: "提出を記録" }));
  expect(await screen.findByTestId("roster-history")).toHaveTextContent("当初");

  // A new member, trained, made active: 追加 in the change report.
  backend.roster.push({ code: "S010", name: "新人 三郎", role: "staff", active: true, lockedUntil: null, pin: "4321" });
  await userEvent.click(screen.getByRole("button", { name: "変更報告を出力" }));
  const changes = await screen.findByRole("region", { name: "名簿変更報告" });
  expect(changes).toHaveTextContent("追加");
  expect(changes).toHaveTextContent("新人 三郎");
  await userEvent.click(within(changes).getByRole("button", { name: "PDFを保存" }));
  expect(await screen.findByTestId("roster-saved")).toHaveTextContent("従事者名簿変更_");
});

test("counter staff do not see the roster screen", async () => {
  const backend = new FakeBackend();
  backend.actor = { kind: "staff", code: "S001", name: "窓口 花子", role: "staff" };
  await unlocked(backend);
  await screen.findByRole("link", { name: "問い合わせ・クレーム" });
  expect(screen.queryByRole("link", { name: "従事者名簿" })).toBeNull();
  expect(screen.queryByRole("link", { name: "研修記録" })).toBeNull();
});
