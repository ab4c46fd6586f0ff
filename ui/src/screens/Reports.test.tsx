// The reports screen on the fake backend: an overdue daily report is flagged on the board and
// in the list; opening it shows the preview; saving says where; submitting clears the flag.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { FakeBackend } from "../api/fake";

test("an overdue report is produced, previewed, saved and submitted", async () => {
  const backend = new FakeBackend();
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  expect(await screen.findByTestId("overdue-reports")).toHaveTextContent("1 件");

  await userEvent.click(screen.getByRole("link", { name: "報告書" }));
  const row = (await screen.findByTestId("reports-due")).querySelector("tr[data-period='2026-12-01']") as HTMLElement;
  expect(row).toHaveTextContent("期限超過");
  await userEvent.click(within(row).getByRole("button", { name: "開く" }));
  const preview = await screen.findByTestId("report-preview");
  expect(preview).toHaveTextContent("日報 2026-12-01");
  expect(within(preview).getByText("来庁・受付")).toBeInTheDocument();

  await userEvent.click(screen.getByRole("button", { name: "PDF を保存" }));
  expect(await screen.findByTestId("report-message")).toHaveTextContent("日報_2026-12-01.pdf");
  await userEvent.click(screen.getByRole("button", { name: "提出済みにする" }));
  expect(await screen.findByTestId("report-message")).toHaveTextContent("提出済み");
  expect(backend.submitted.has("daily/2026-12-01")).toBe(true);
  expect((await screen.findByTestId("reports-due")).querySelector("tr[data-period='2026-12-01']")).not.toHaveTextContent("期限超過");
});

test("counter staff are not offered the reports screen", async () => {
  const backend = new FakeBackend();
  backend.actor = { kind: "staff", code: "S001", name: "窓口 花子", role: "staff" };
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await screen.findByTestId("who");
  expect(screen.queryByRole("link", { name: "報告書" })).toBeNull();
});
