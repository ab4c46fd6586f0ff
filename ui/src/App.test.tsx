import { render, screen } from "@testing-library/react";
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

test("book by phone, read back the number, find it by phone, check it in on the board", async () => {
  const backend = new FakeBackend();
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "予約の登録" }));
  await userEvent.type(screen.getByLabelText("氏名（漢字）"), "見本 花子");
  await userEvent.type(screen.getByLabelText("氏名（カナ）"), "ミホン ハナコ");
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
