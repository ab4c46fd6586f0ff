// The two-visit outcome in the UI: the phone intake says it before booking (in the words the
// back office reads aloud), the booking's read-back repeats it, and the counter checklist shows
// it with the reason; a fact answered at the counter switches it.
import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { FakeBackend } from "../api/fake";

test("a two-visit case is said before booking, read back, and shown at the counter with why", async () => {
  const backend = new FakeBackend();
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "予約の登録" }));
  await userEvent.type(screen.getByLabelText("氏名（漢字）"), "見本 花子");
  await userEvent.type(screen.getByLabelText("氏名（カナ）"), "ミホン ハナコ");
  await userEvent.click(screen.getByLabelText("電子証明書の更新"));
  expect(screen.queryByTestId("visit-notice-0")).not.toBeInTheDocument();
  await userEvent.click(await screen.findByLabelText("電子証明書の有効期限はもう過ぎていますか？"));
  const notice = await screen.findByTestId("visit-notice-0");
  expect(notice).toHaveTextContent("今回は書類のお預かりのみで、後日もう一度お越しいただきます。");
  expect(notice).toHaveTextContent("有効期限が過ぎている");
  await userEvent.click(await screen.findByRole("radio", { name: /10:00/ }));
  await userEvent.click(screen.getByRole("button", { name: "この内容で予約する" }));
  const number = (await screen.findByTestId("reservation-number")).textContent!;
  expect(screen.getByTestId("two-visits-0")).toHaveTextContent("後日もう一度お越しいただきます");
  expect(screen.getByTestId("bring-list")).toHaveTextContent("ご本人の本人確認書類");

  await userEvent.click(screen.getByRole("link", { name: "書類の確認" }));
  await userEvent.type(screen.getByLabelText("予約番号"), `${number}{Enter}`);
  const card = await screen.findByTestId("checklist-0");
  expect(within(card).getByTestId("visit-plan")).toHaveTextContent("2回の来庁になります");
  expect(within(card).getByTestId("visit-plan")).toHaveTextContent("文書照会");
  // The fact was wrong after all: one visit.
  await userEvent.click(within(card).getByLabelText("電子証明書の有効期限はもう過ぎていますか？"));
  expect(await within(card).findByTestId("visit-plan")).toHaveTextContent("今日で手続きが終わります");
  expect(backend.cases.get(`${number}/0/counter`)?.facts).toEqual({ certificate_expired: false });
});
