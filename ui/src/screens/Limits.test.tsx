// Field length limits (issue 19): inputs stop at the core's limits (ui/src/limits.ts, which a Rust
// test keeps equal to crates/core/src/limits.rs), and text that gets past an input anyway is
// refused by the backend with `too_long`, shown in Japanese, with nothing recorded.
import { fireEvent, render, screen, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import type { AppError } from "../bindings/AppError";
import { checkLength, FakeBackend } from "../api/fake";
import errors from "../locales/ja/errors.json";
import { MAX_LENGTH } from "../limits";

async function unlocked(backend: FakeBackend) {
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
}

test("the booking form's inputs stop at the core's limits", async () => {
  await unlocked(new FakeBackend());
  await userEvent.click(await screen.findByRole("link", { name: "予約の登録" }));
  expect(screen.getByLabelText("氏名（漢字）")).toHaveAttribute("maxlength", String(MAX_LENGTH.name));
  expect(screen.getByLabelText("氏名（カナ）")).toHaveAttribute("maxlength", String(MAX_LENGTH.kanaName));
  expect(screen.getByLabelText("メモ")).toHaveAttribute("maxlength", String(MAX_LENGTH.bookingNote));
  const phone = screen.getByLabelText("電話番号");
  expect(phone).toHaveAttribute("maxlength", "30");
  await userEvent.type(phone, "0".repeat(35));
  expect(phone).toHaveValue("0".repeat(30));
});

test("an over-long inquiry that gets past the input is refused in Japanese and nothing is recorded", async () => {
  const backend = new FakeBackend();
  await unlocked(backend);
  await userEvent.click(await screen.findByRole("link", { name: "問い合わせ・クレーム" }));
  const form = await screen.findByTestId("inquiry-form");
  const summary = within(form).getByLabelText("内容");
  expect(summary).toHaveAttribute("maxlength", "2000");
  // Set as a paste by script would (maxLength binds typing only).
  fireEvent.change(summary, { target: { value: "長".repeat(2001) } });
  await userEvent.type(within(form).getByLabelText("回答・対応"), "説明した");
  await userEvent.click(within(form).getByRole("button", { name: "記録する" }));
  expect(await screen.findByRole("alert")).toHaveTextContent(errors.too_long);
  expect(screen.getByRole("alert")).toHaveTextContent("入力が長すぎます");
  expect(backend.inquiryList).toEqual([]);
  // At the limit it is taken.
  fireEvent.change(summary, { target: { value: "長".repeat(2000) } });
  await userEvent.click(within(form).getByRole("button", { name: "記録する" }));
  expect(await screen.findByTestId("inquiry-list")).toHaveTextContent("回答済");
  expect(backend.inquiryList).toHaveLength(1);
});

test("the fake backend counts characters as the core does, not UTF-16 units", () => {
  const code = (f: () => void) => {
    try {
      f();
      return null;
    } catch (e) {
      return (e as AppError).code;
    }
  };
  // 𠮷 is one character and two UTF-16 units.
  expect(code(() => checkLength("reasonLabel", "𠮷".repeat(30)))).toBeNull();
  expect(code(() => checkLength("reasonLabel", "𠮷".repeat(31)))).toBe("too_long");
  expect(code(() => checkLength("phone", null, undefined, ""))).toBeNull();
  expect(code(() => checkLength("bookingNote", "a".repeat(1001)))).toBe("too_long");
});
