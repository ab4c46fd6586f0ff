// 事故・トラブル on the fake backend: counter staff open a personal-data incident (the red
// banner and the city's seven steps appear) and add a note, but are offered no other steps and no
// 「完了」; the manager's 「完了」 first lists what is missing, then closes the incident once it is
// reported with its cause and measure, and 「事故報告書を出力」 saves the paper.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { FakeBackend } from "../api/fake";

async function openScreen(backend: FakeBackend) {
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "事故・トラブル" }));
}

async function newIncident(category: string, kind: string, description: string) {
  await userEvent.click(await screen.findByRole("button", { name: "新しい事故・トラブルを記録" }));
  const form = await screen.findByTestId("incident-form");
  await userEvent.selectOptions(within(form).getByLabelText("分類"), category);
  await userEvent.selectOptions(within(form).getByLabelText("内容"), kind);
  await userEvent.type(within(form).getByLabelText("何が起きたか（印刷されません）"), description);
  await waitFor(() => expect(within(form).getByLabelText("発見日時")).not.toHaveValue(""));
  await userEvent.click(within(form).getByRole("button", { name: "記録する" }));
  return screen.findByTestId("incident-detail");
}

test("staff open a personal-data incident and add a note; the other steps and closing are not offered", async () => {
  const backend = new FakeBackend();
  backend.actor = { kind: "staff", code: "S001", name: "窓口 花子", role: "staff" };
  await openScreen(backend);
  const detail = await newIncident("personal_data", "wrong_handover", "山田さんに別の方の通知書を渡した");
  expect(await screen.findByTestId("incident-urgent")).toHaveTextContent("直ちに市へ報告してください");
  const steps = within(detail).getByTestId("incident-city-steps");
  expect(steps).toHaveTextContent("① 市へ第一報");
  expect(steps).toHaveTextContent("⑦ 事後の措置状況の報告");
  const form = within(detail).getByTestId("incident-step-form");
  const options = within(within(form).getByLabelText("対応")).getAllByRole("option").map((o) => o.textContent);
  expect(options).toEqual(["メモ", "応急措置"]);
  await userEvent.type(within(form).getByLabelText("補足（印刷されません）"), "本人に電話で連絡");
  await userEvent.click(within(form).getByRole("button", { name: "記録" }));
  expect(await within(detail).findByTestId("incident-timeline")).toHaveTextContent("メモ");
  expect(within(detail).queryByRole("button", { name: "完了" })).toBeNull();
  expect(within(detail).queryByRole("button", { name: "フォローアップを追加" })).toBeNull();
  expect(backend.incidentList[0].steps.map((s) => [s.step, s.staff])).toEqual([["note", "S001"]]);
  // The list shows it open; Esc closes the detail.
  expect(screen.getByTestId("incident-list")).toHaveTextContent("未報告");
  await userEvent.keyboard("{Escape}");
  await waitFor(() => expect(screen.queryByTestId("incident-detail")).toBeNull());
});

test("the manager's 完了 lists what is missing, then closes the incident with its measures and saves the report", async () => {
  const backend = new FakeBackend();
  await openScreen(backend);
  const detail = await newIncident("system_outage", "printer_down", "窓口2のプリンタが停止");
  await userEvent.click(within(detail).getByRole("button", { name: "完了" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("まだ完了できません");
  const missing = within(detail).getByTestId("incident-missing");
  expect(missing).toHaveTextContent("市への第一報");
  expect(missing).toHaveTextContent("原因");
  expect(missing).toHaveTextContent("再発防止策（1件以上）");

  const form = () => within(screen.getByTestId("incident-detail")).getByTestId("incident-step-form");
  await userEvent.selectOptions(within(form()).getByLabelText("対応"), "first_report");
  await userEvent.selectOptions(within(form()).getByLabelText("区分"), "phone");
  await userEvent.type(within(form()).getByLabelText("報告先（役職）"), "市民課 担当係長");
  await userEvent.click(within(form()).getByRole("button", { name: "記録" }));
  await waitFor(() => expect(screen.getByTestId("incident-status")).toHaveTextContent("市へ報告済み"));
  await userEvent.selectOptions(within(form()).getByLabelText("対応"), "cause");
  await userEvent.selectOptions(within(form()).getByLabelText("区分"), "equipment_fault");
  await userEvent.click(within(form()).getByRole("button", { name: "記録" }));
  await userEvent.selectOptions(within(form()).getByLabelText("対応"), "measure");
  await userEvent.selectOptions(within(form()).getByLabelText("区分"), "equipment_fixed");
  await userEvent.click(within(form()).getByRole("button", { name: "記録" }));
  await waitFor(() => expect(screen.queryByTestId("incident-missing")).toBeNull());
  const timeline = screen.getByTestId("incident-timeline");
  expect(timeline).toHaveTextContent("市へ第一報：電話");
  expect(timeline).toHaveTextContent("原因：機器の故障");
  expect(timeline).toHaveTextContent("再発防止策：機器の修理");

  await userEvent.click(within(screen.getByTestId("incident-detail")).getByRole("button", { name: "完了" }));
  await waitFor(() => expect(screen.getByTestId("incident-status")).toHaveTextContent("完了"));
  expect(backend.incidentList[0].status).toBe("closed");
  await userEvent.click(screen.getByRole("button", { name: "事故報告書を出力" }));
  expect(await screen.findByRole("status")).toHaveTextContent(`事故報告_${backend.incidentList[0].number}.pdf`);
});

test("the board shows an open personal-data incident with the city's steps until it is closed", async () => {
  const backend = new FakeBackend();
  await openScreen(backend);
  await newIncident("personal_data", "document_lost", "書類の所在が不明");
  await userEvent.click(screen.getByRole("link", { name: "本日の予約状況" }));
  const card = await screen.findByTestId("board-incidents");
  expect(card).toHaveTextContent("対応中の事故");
  expect(card).toHaveTextContent("書類の紛失");
  expect(card).toHaveTextContent("直ちに市へ報告してください");
  expect(card).toHaveTextContent("□ ① 市へ第一報");
});
