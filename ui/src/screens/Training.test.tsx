// 研修記録 on the fake backend: a security session recorded with the keyboard grid (Space
// toggles attendance, P/F set results, digits a score), the 受講状況 tab's flags, and the gate:
// a member added untrained is inactive and cannot be activated until they passed.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { FakeBackend } from "../api/fake";

async function unlocked(backend: FakeBackend) {
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
}

test("a manager records a security session with attendees and results from the keyboard", async () => {
  const backend = new FakeBackend();
  await backend.addStaff({ code: "S010", name: "新人 三郎", role: "staff", pin: "4321" });
  expect(backend.roster.find((m) => m.code === "S010")?.active).toBe(false);
  await expect(backend.updateStaff("S010", "staff", true)).rejects.toMatchObject({ code: "security_training_missing" });
  await unlocked(backend);
  await userEvent.click(await screen.findByRole("link", { name: "研修記録" }));
  const form = await screen.findByRole("region", { name: "研修を記録" });
  await userEvent.type(within(form).getByLabelText("研修名"), "守秘義務と情報セキュリティ");
  await userEvent.type(within(form).getByLabelText("講師"), "研修 講師");
  const grid = within(form).getByRole("grid", { name: "受講者" });
  const row = (name: string) => within(grid).getByRole("row", { name });
  row("新人 三郎").focus();
  await userEvent.keyboard("p95");
  row("窓口 花子").focus();
  await userEvent.keyboard("f");
  row("管理 一郎").focus();
  await userEvent.keyboard(" ");
  await userEvent.keyboard(" ");
  expect(within(grid).getByLabelText("新人 三郎 出席")).toBeChecked();
  expect(within(grid).getByLabelText("新人 三郎 結果")).toHaveValue("passed");
  expect(within(grid).getByTestId("score-S010")).toHaveTextContent("95");
  expect(within(grid).getByLabelText("管理 一郎 出席")).not.toBeChecked();
  await userEvent.click(within(form).getByRole("button", { name: "研修を保存" }));
  expect(await screen.findByTestId("training-saved")).toHaveTextContent("研修を記録しました");

  const s = backend.sessions[0];
  expect(s.session.topic).toBe("privacy_security");
  expect(s.attendance.map((a) => [a.staffCode, a.attended, a.result, a.score])).toEqual([
    ["M001", false, null, null],
    ["S001", true, "failed", null],
    ["S010", true, "passed", 95],
  ]);
  expect(await screen.findByTestId("training-sessions")).toHaveTextContent("守秘義務と情報セキュリティ");

  // Passed: the new member may now be made active; 受講状況 flags the one who failed.
  await backend.updateStaff("S010", "staff", true);
  await userEvent.click(screen.getByRole("tab", { name: "受講状況" }));
  const status = await screen.findByTestId("training-status");
  expect(within(status).getByText("窓口 花子").closest("tr")).toHaveTextContent("セキュリティ研修未受講");
  expect(within(status).getByText(/新人 三郎/).closest("tr")).not.toHaveTextContent("セキュリティ研修未受講");
  await userEvent.click(screen.getByRole("button", { name: "研修実施報告を出力" }));
  expect(await screen.findByTestId("training-saved")).toHaveTextContent("研修実施報告_");
});
