import { render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "./App";
import { FakeBackend } from "./api/fake";

test("a wrong passphrase shows the Japanese error and clears the field", async () => {
  render(<App backend={new FakeBackend()} />);
  const input = await screen.findByLabelText("サイトの合言葉");
  await userEvent.type(input, "not it{Enter}");
  expect(await screen.findByRole("alert")).toHaveTextContent("合言葉が違います");
  expect(input).toHaveValue("");
});

test("unlocking shows the status from the backend, and Ctrl+L locks again", async () => {
  render(<App backend={new FakeBackend()} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "ストアの状態" }));
  expect(await screen.findByText("ストアの状態", { selector: "h1 *, h1" })).toBeInTheDocument();
  expect(screen.getByTestId("status")).toHaveTextContent("テスト市 特設窓口");
  expect(screen.getByTestId("status")).toHaveTextContent("40 件");
  await userEvent.keyboard("{Control>}l{/Control}");
  expect(await screen.findByLabelText("サイトの合言葉")).toBeInTheDocument();
});

test("no store: tells how to create one", async () => {
  render(<App backend={new FakeBackend(undefined, undefined, "no_store")} />);
  expect(await screen.findByText("ストアがありません")).toBeInTheDocument();
});

/** Unlocks, opens the booking form and types the applicant's names. */
async function openBookingForm(): Promise<FakeBackend> {
  const backend = new FakeBackend();
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "予約の登録" }));
  await userEvent.type(screen.getByLabelText("氏名（漢字）"), "見本 花子");
  await userEvent.type(screen.getByLabelText("氏名（カナ）"), "ミホン ハナコ");
  return backend;
}

test("book by phone, read back the number, find it by phone, check it in on the board", async () => {
  const backend = await openBookingForm();
  await userEvent.type(screen.getByLabelText("電話番号"), "09000001234");
  await userEvent.click(screen.getByLabelText("カード交付"));
  await userEvent.click(await screen.findByRole("radio", { name: /09:30/ }));
  await userEvent.click(screen.getByRole("button", { name: "この内容で予約する" }));
  expect(await screen.findByTestId("reservation-number")).toHaveTextContent("1000-0000");

  await userEvent.keyboard("{Alt>}3{/Alt}");
  await userEvent.type(await screen.findByRole("searchbox"), "09000001234");
  expect(await screen.findByTestId("reservation-table")).toHaveTextContent("ミホン ハナコ");
  expect(backend.reservations[0].people[0].procedures).toEqual(["card_issue"]);
});

test("a booking without a procedure is refused with a Japanese message", async () => {
  render(<App backend={new FakeBackend()} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "予約の登録" }));
  await userEvent.type(screen.getByLabelText("氏名（漢字）"), "見本 花子");
  await userEvent.type(screen.getByLabelText("氏名（カナ）"), "ミホン ハナコ");
  await userEvent.click(screen.getByRole("button", { name: "この内容で予約する" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("手続きを入力してください");
});

test("phone intake with the booking, then at the counter a missing ID leads to a revisit with what to bring", async () => {
  const backend = await openBookingForm();
  await userEvent.click(screen.getByLabelText("カード交付"));
  // The script appears once a procedure is chosen; answer it.
  await userEvent.selectOptions(await screen.findByRole("combobox", { name: "交付通知書（はがき）をお持ちですか？" }), "confirmed_orally");
  await userEvent.selectOptions(screen.getByRole("combobox", { name: "ご本人の本人確認書類をお持ちですか？" }), "confirmed_orally");
  await userEvent.click(await screen.findByRole("radio", { name: /10:00/ }));
  await userEvent.click(screen.getByRole("button", { name: "この内容で予約する" }));
  const number = (await screen.findByTestId("reservation-number")).textContent!;
  expect(screen.getByTestId("bring-list")).toHaveTextContent("交付通知書（はがき）");

  // At the counter: the postcard is there, the only ID is one B document.
  await userEvent.click(screen.getByRole("link", { name: "書類の確認" }));
  await userEvent.type(screen.getByLabelText("予約番号"), `${number}{Enter}`);
  const card = await screen.findByTestId("checklist-0");
  expect(card).toHaveTextContent("電話で口頭確認済み");
  await userEvent.click(within(card).getByRole("button", { name: "提示あり" }));
  await userEvent.click(await within(card).findByLabelText("B 健康保険証"));
  expect(await within(card).findByTestId("verdict")).toHaveTextContent("不足があります（1件）");
  expect(within(card).getByRole("button", { name: "準備完了にする" })).toBeDisabled();
  // The missing ID suggests the reason's code; no words are needed.
  expect(within(card).getByLabelText("再来庁の理由")).toHaveDisplayValue("本人確認書類の不足");
  await userEvent.click(within(card).getByRole("button", { name: "再来庁にする" }));
  expect(await within(card).findByTestId("outcome")).toHaveTextContent("再来庁：本人確認書類の不足");
  expect(within(card).getByTestId("next-time")).toHaveTextContent("A 1点、または B 2点");
  expect(backend.outcomes.get(`${number}/0`)).toEqual({ outcome: "revisit", code: "identity_documents", reason: "", missing: ["holder_id"] });
});
