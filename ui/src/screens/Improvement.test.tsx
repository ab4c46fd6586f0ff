// The 業務改善 screen on the fake backend: a notice received 8 days ago shows its plan due day
// (the 7th day counting the receipt), the payment stop day and the overdue alert, on the screen
// and on the board; submitting the plan with its target day moves the status and offers the
// city's answers as the next buttons.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { addDays, today } from "../api/backend";
import { FakeBackend } from "../api/fake";
import { dayLabel } from "../i18n";

test("an overdue plan shows the payment stop day; a submitted plan moves the cycle on", async () => {
  const backend = new FakeBackend();
  const received = addDays(today(), -8);
  await backend.receiveImprovementNotice({ docRef: "市民第1号", receivedOn: received, items: ["privacy"], incidentId: null, summary: "" });
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  const card = await screen.findByTestId("improvement-deadlines");
  expect(card).toHaveTextContent("市民第1号");
  expect(card).toHaveTextContent("計画書の期限超過");
  expect(card).toHaveTextContent("1か月以上の停止で契約解除可");

  await userEvent.click(screen.getByRole("link", { name: "業務改善" }));
  const form = await screen.findByTestId("improvement-form");
  await userEvent.type(within(form).getByLabelText("文書番号"), "市民第2号");
  await userEvent.click(within(form).getByLabelText("研修"));
  await userEvent.type(within(form).getByLabelText("概要（印刷されません）"), "研修記録の不備");
  await userEvent.click(within(form).getByRole("button", { name: "登録" }));
  expect(await screen.findAllByTestId("improvement-notice")).toHaveLength(2);

  const notice = screen.getByRole("article", { name: "市民第1号" });
  expect(notice).toHaveTextContent(dayLabel(addDays(received, 6)));
  expect(notice).toHaveTextContent(dayLabel(addDays(received, 7)));
  expect(within(notice).getByTestId("improvement-alert")).toHaveTextContent("計画書の期限超過");
  expect(within(notice).queryByRole("button", { name: "市が確認した" })).toBeNull();
  await userEvent.type(within(notice).getByLabelText("改善完了予定日"), addDays(today(), 10));
  await userEvent.type(within(notice).getByLabelText("文書番号"), "改善計画第1号");
  await userEvent.click(within(notice).getByRole("button", { name: "計画書を提出" }));
  expect(await within(notice).findByTestId("improvement-status")).toHaveTextContent("計画書提出済み");
  expect(within(notice).queryByTestId("improvement-alert")).toBeNull();
  expect(within(notice).getByRole("button", { name: "計画が了承された" })).toBeInTheDocument();
  expect(within(notice).getByRole("button", { name: "計画が差し戻された" })).toBeInTheDocument();
  expect(within(notice).getByRole("list", { name: "経過" })).toHaveTextContent("改善計画第1号");
});
