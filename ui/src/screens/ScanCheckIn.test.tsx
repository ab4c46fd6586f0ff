// One-scan check-in on the board (reception): F4 puts the cursor in the field
// 「予約番号（スキャンまたは入力）」; eight digits and Enter — as a USB scanner types them, or
// full-width with a space or a hyphen — check today's booking in and say who (kana) and when. A wrong check digit or a
// number of the wrong length is refused before the backend is asked; a booking of another day,
// an unknown number and one already checked in are explained in Japanese.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { addDays, today } from "../api/backend";
import { FakeBackend } from "../api/fake";
import type { BookRequest } from "../bindings/BookRequest";
import type { ReservationSummary } from "../bindings/ReservationSummary";
import { withCheckDigit } from "../reservationNumber";
import { BoardScreen } from "./BoardScreen";

const request = (kana: string, day = today()): BookRequest => ({
  day,
  starts: "10:00",
  channel: "phone",
  people: [{ nameKanji: "見本 花子", nameKana: kana, phone: null, birthDate: null, applicantType: "self", procedures: ["card_issue"] }],
  notes: "",
});

/** A booking with a real reservation number (the fake's own have no check digit). */
async function booked(fake: FakeBackend, kana: string, body: string, day = today()): Promise<ReservationSummary> {
  const r = await fake.book(request(kana, day));
  r.number = withCheckDigit(body);
  return r;
}

const fullWidth = (s: string) => s.replace(/[0-9]/g, (d) => String.fromCharCode(0xff10 + Number(d)));

async function board(fake: FakeBackend) {
  render(<BoardScreen backend={fake} />);
  await screen.findByTestId("board");
  return screen.getByLabelText(/予約番号（スキャンまたは入力）/);
}

test("F4, then eight digits and Enter check today's booking in and say who and when", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  const r = await booked(fake, "ミホン ハナコ", "1234567");
  const field = await board(fake);
  expect(screen.getByText("予約番号（スキャンまたは入力）［F4］")).toBeInTheDocument();

  await userEvent.keyboard("{F4}");
  expect(field).toHaveFocus();
  await userEvent.keyboard(`${r.number.replace("-", "")}{Enter}`);

  const result = await screen.findByTestId("scan-checkin-result");
  expect(result).toHaveTextContent(`受付しました：${r.number}`);
  expect(result).toHaveTextContent("ミホン ハナコ");
  expect(result).toHaveTextContent("09:00 受付");
  expect(fake.reservations[0].status).toBe("checked_in");
  // The field is empty and keeps the cursor for the next scan; the board shows the check-in.
  expect(field).toHaveValue("");
  expect(field).toHaveFocus();
  await waitFor(() => expect(within(screen.getByTestId("serving-order")).getByText("ミホン ハナコ")).toBeInTheDocument());
});

test("full-width digits with a space or a hyphen are read the same", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  fake.capacityOverrides.set(today(), 3);
  const a = await booked(fake, "ミホン イチ", "2345678");
  const b = await booked(fake, "ミホン ニ", "3456789");
  const field = await board(fake);
  await userEvent.type(field, `${fullWidth(a.number.replace("-", " "))}{Enter}`);
  expect(await screen.findByTestId("scan-checkin-result")).toHaveTextContent("ミホン イチ");
  await userEvent.type(field, `${fullWidth(b.number).replace("-", "－")}{Enter}`);
  await waitFor(() => expect(screen.getByTestId("scan-checkin-result")).toHaveTextContent("ミホン ニ"));
  expect(fake.reservations.map((x) => x.status)).toEqual(["checked_in", "checked_in"]);
});

test("a wrong check digit or length is refused without asking the backend", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  const r = await booked(fake, "ミホン ハナコ", "1234567");
  const field = await board(fake);
  const calls = [vi.spyOn(fake, "setReservationStatus"), vi.spyOn(fake, "dayBoard"), vi.spyOn(fake, "search"), vi.spyOn(fake, "now")];
  const digits = r.number.replace("-", "");
  const wrong = `${digits.slice(0, 7)}${(Number(digits[7]) + 1) % 10}`;

  await userEvent.type(field, `${wrong}{Enter}`);
  expect(await screen.findByRole("alert")).toHaveTextContent("予約番号が正しくありません（確認の数字が合いません）");
  await userEvent.clear(field);
  await userEvent.type(field, `${digits.slice(0, 7)}{Enter}`);
  expect(screen.getByRole("alert")).toHaveTextContent("予約番号が正しくありません（確認の数字が合いません）");

  for (const spy of calls) expect(spy).not.toHaveBeenCalled();
  expect(fake.reservations[0].status).toBe("booked");
  expect(screen.queryByTestId("scan-checkin-result")).toBeNull();
});

test("another day's booking, an unknown number and one already checked in are explained", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  const tomorrow = await booked(fake, "ミホン アス", "4567890", addDays(today(), 1));
  const here = await booked(fake, "ミホン キョウ", "5678901");
  await fake.setReservationStatus(here.number, "checked_in");
  const field = await board(fake);
  const checkIn = vi.spyOn(fake, "setReservationStatus");

  await userEvent.type(field, `${tomorrow.number}{Enter}`);
  expect(await screen.findByRole("alert")).toHaveTextContent(`予約番号 ${tomorrow.number} は ${addDays(today(), 1)}`);
  expect(screen.getByRole("alert")).toHaveTextContent("本日の受付はできません");

  const unknown = withCheckDigit("9876543");
  await userEvent.type(field, `${unknown}{Enter}`);
  await waitFor(() => expect(screen.getByRole("alert")).toHaveTextContent(`予約番号 ${unknown} の予約は見つかりません`));

  await userEvent.type(field, `${here.number}{Enter}`);
  const result = await screen.findByTestId("scan-checkin-result");
  expect(result).toHaveTextContent(`${here.number} はすでに受付済みです。`);
  expect(result).toHaveTextContent("ミホン キョウ");
  expect(checkIn).not.toHaveBeenCalled();
  expect(tomorrow.status).toBe("booked");
});

test("the backend's refusal is shown in Japanese", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  const r = await booked(fake, "ミホン ハナコ", "1234567");
  const field = await board(fake);
  vi.spyOn(fake, "setReservationStatus").mockRejectedValue({ code: "not_allowed", message: "this booking is for another day" });
  await userEvent.type(field, `${r.number}{Enter}`);
  expect(await screen.findByRole("alert")).toHaveTextContent("この操作は現在の状態ではできません。");
});
