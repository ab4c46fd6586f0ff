// The 業務日誌 screen on the fake backend: the manager picks the day, sees the day's figures
// read-only, adds coded notes (words with 「語句は印刷されません」), closes the log (notes then
// refused with the Japanese sentence for work_log_closed), reopens, saves the PDF and records the
// submission; counter staff are not offered the screen.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { today } from "../api/backend";
import { FakeBackend } from "../api/fake";

async function openWorkLog(backend: FakeBackend) {
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "業務日誌" }));
  return screen.findByTestId("worklog-form");
}

test("the manager adds coded notes, closes, reopens, saves and submits the day's log", async () => {
  const backend = new FakeBackend();
  const form = await openWorkLog(backend);
  expect(await screen.findByTestId("worklog-figures")).toHaveTextContent("来庁・受付");
  expect(within(form).getByText("語句は印刷されません。市民の氏名などは書かないでください。")).toBeInTheDocument();
  await userEvent.selectOptions(within(form).getByLabelText("区分"), "system");
  await userEvent.selectOptions(within(form).getByLabelText("事項"), "printer_fault");
  await userEvent.clear(within(form).getByLabelText("件数"));
  await userEvent.type(within(form).getByLabelText("件数"), "2");
  await userEvent.type(within(form).getByLabelText("語句（任意）"), "午後に紙詰まり{Enter}");
  const notes = await screen.findByTestId("worklog-notes");
  expect(notes).toHaveTextContent("システム・機器");
  expect(notes).toHaveTextContent("プリンタの不具合");
  expect(notes).toHaveTextContent("午後に紙詰まり");

  await userEvent.click(screen.getByRole("button", { name: "締める" }));
  expect(await screen.findByTestId("worklog-state")).toHaveTextContent("締め済み");
  expect(screen.queryByTestId("worklog-form")).toBeNull();
  await expect(
    backend.addWorkLogNote(null, today(), { category: "other", code: "other", count: 1, words: "", incidentId: null }),
  ).rejects.toMatchObject({ code: "work_log_closed" });

  await userEvent.click(screen.getByRole("button", { name: "再開" }));
  expect(await screen.findByTestId("worklog-form")).toBeInTheDocument();
  await userEvent.click(screen.getByRole("button", { name: "締める" }));
  await screen.findByRole("button", { name: "再開" });
  await userEvent.click(screen.getByRole("button", { name: "出力" }));
  expect(await screen.findByRole("status")).toHaveTextContent(`業務日誌_main_${today()}.pdf`);
  await userEvent.click(screen.getByRole("button", { name: "提出済み" }));
  expect(await screen.findByTestId("worklog-state")).toHaveTextContent("提出日");
  expect((await backend.workLog(null, today())).submittedOn).toBe(today());
});

test("counter staff are not offered the work log", async () => {
  const backend = new FakeBackend();
  backend.actor = { kind: "staff", code: "S001", name: "窓口 花子", role: "staff" };
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await screen.findByTestId("who");
  expect(screen.queryByRole("link", { name: "業務日誌" })).toBeNull();
  await expect(backend.workLog(null, today())).rejects.toMatchObject({ code: "forbidden" });
});
