// The reservation slip (予約票を印刷) on the fake backend: the panel previews the number, the day,
// the site and each person's bring-list, the kana names on the screen only beside the note that
// the printed slip names nobody; A6 is the default and A4 passes "a4"; the saved path is shown;
// Escape closes it, the focus back on the button; a refusal is said in Japanese. It sits on the
// booking screen's done view beside 「続けて予約」 (which keeps the focus) and on each booked line
// of the board (data-action="slip").
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { addDays, today } from "../api/backend";
import { FakeBackend } from "../api/fake";
import type { BookRequest } from "../bindings/BookRequest";
import errors from "../locales/ja/errors.json";
import { BoardScreen } from "../screens/BoardScreen";
import { BookingScreen } from "../screens/BookingScreen";
import { SlipButton } from "./SlipButton";

const DAY = addDays(today(), 1);

const person = (kana: string, procedure: BookRequest["people"][number]["procedures"][number] = "card_issue"): BookRequest["people"][number] => ({
  nameKanji: "見本 太郎",
  nameKana: kana,
  phone: "0721000000",
  birthDate: null,
  applicantType: "self",
  procedures: [procedure],
});

async function booked(fake: FakeBackend, ...kana: string[]) {
  return fake.book({ day: DAY, starts: "10:00", channel: "phone", people: kana.map((k) => person(k)), notes: "" });
}

function unlocked(): FakeBackend {
  return new FakeBackend(undefined, undefined, "unlocked");
}

/** Opens the panel; it, once the slip's contents are shown. */
async function openSlip(): Promise<HTMLElement> {
  await userEvent.click(screen.getByRole("button", { name: "予約票を印刷" }));
  const panel = await screen.findByRole("dialog", { name: /予約票/ });
  await within(panel).findByTestId("slip-preview");
  return panel;
}

test("the preview shows the number large, the day, the site and each person's bring-list", async () => {
  const fake = unlocked();
  const r = await booked(fake, "ミホン タロウ", "ミホン ハナコ");
  render(<SlipButton backend={fake} number={r.number} />);
  expect(screen.queryByTestId("slip-panel")).toBeNull();
  const panel = await openSlip();
  expect(screen.getByRole("button", { name: "予約票を印刷" })).toHaveAttribute("aria-expanded", "true");
  const preview = within(panel).getByTestId("slip-preview");
  expect(within(preview).getByTestId("slip-number")).toHaveTextContent(r.number);
  expect(within(preview).getByTestId("slip-number")).toHaveClass("number");
  const [y, m, d] = DAY.split("-").map(Number);
  expect(within(preview).getByTestId("slip-when")).toHaveTextContent(new RegExp(`^${y}年${m}月${d}日（.）\\s10:00$`));
  expect(within(preview).getByTestId("slip-site")).toHaveTextContent("本庁舎");
  expect(preview).toHaveTextContent("持ち物");
  const people = within(preview).getAllByTestId("slip-person");
  expect(people).toHaveLength(2);
  expect(people[0]).toHaveTextContent("1人目（本人）：カード交付");
  expect(people[1]).toHaveTextContent("2人目（本人）：カード交付");
  for (const p of people) {
    expect(within(p).getAllByRole("listitem").map((li) => li.textContent)).toEqual(["交付通知書（はがき）", "ご本人の本人確認書類"]);
  }
});

test("the kana names are shown in the preview only, with the note that the printed slip has no name", async () => {
  const fake = unlocked();
  const r = await booked(fake, "ミホン タロウ", "ミホン ハナコ");
  render(<SlipButton backend={fake} number={r.number} />);
  const panel = await openSlip();
  const preview = within(panel).getByTestId("slip-preview");
  expect(within(preview).getAllByTestId("slip-kana").map((k) => k.textContent)).toEqual(["ミホン タロウ", "ミホン ハナコ"]);
  expect(within(preview).getByTestId("slip-name-note")).toHaveTextContent("印刷される予約票には氏名は載りません");
  // Nowhere else: not the heading, the paper choice or the saved message; the kanji name never.
  await userEvent.click(within(panel).getByRole("button", { name: "PDFを作成" }));
  await within(panel).findByTestId("slip-saved");
  for (const kana of ["ミホン タロウ", "ミホン ハナコ"]) {
    expect(screen.getAllByText(kana).every((el) => preview.contains(el))).toBe(true);
    expect(within(panel).getByTestId("slip-saved")).not.toHaveTextContent(kana);
  }
  expect(document.body).not.toHaveTextContent("見本 太郎");
  expect(document.body).not.toHaveTextContent("0721000000");
});

test("A6 is the default; choosing A4 passes \"a4\"; the saved path is shown", async () => {
  const fake = unlocked();
  const r = await booked(fake, "ミホン タロウ");
  const save = vi.spyOn(fake, "saveSlip");
  render(<SlipButton backend={fake} number={r.number} />);
  const panel = await openSlip();
  expect(within(panel).getByRole("radio", { name: /A6/ })).toBeChecked();
  expect(within(panel).getByRole("radio", { name: /A4/ })).not.toBeChecked();

  await userEvent.click(within(panel).getByRole("button", { name: "PDFを作成" }));
  expect(await within(panel).findByTestId("slip-saved")).toHaveTextContent(`保存しました：/tmp/madoguchi-test/reports/予約票_${r.number}.pdf`);
  expect(save).toHaveBeenLastCalledWith(r.number, "a6");

  await userEvent.click(within(panel).getByRole("radio", { name: /A4/ }));
  await userEvent.click(within(panel).getByRole("button", { name: "PDFを作成" }));
  await waitFor(() => expect(within(panel).getByTestId("slip-saved")).toHaveTextContent(`予約票_${r.number}_A4.pdf`));
  expect(save).toHaveBeenLastCalledWith(r.number, "a4");
  expect(save).toHaveBeenCalledTimes(2);
  expect(within(panel).getByTestId("slip-saved")).toHaveAttribute("data-path", `/tmp/madoguchi-test/reports/予約票_${r.number}_A4.pdf`);
});

test("by keyboard: Enter opens it on 「PDFを作成」, Enter makes the A6 PDF, Escape closes it back on the button", async () => {
  const fake = unlocked();
  const r = await booked(fake, "ミホン タロウ");
  const save = vi.spyOn(fake, "saveSlip");
  render(<SlipButton backend={fake} number={r.number} />);
  const button = screen.getByRole("button", { name: "予約票を印刷" });
  button.focus();
  await userEvent.keyboard("{Enter}");
  const panel = await screen.findByRole("dialog", { name: `予約票 ${r.number}` });
  const make = within(panel).getByRole("button", { name: "PDFを作成" });
  await waitFor(() => expect(make).toHaveFocus());
  await userEvent.keyboard("{Enter}");
  await within(panel).findByTestId("slip-saved");
  expect(save).toHaveBeenCalledWith(r.number, "a6");

  // The paper is reachable backwards from 「PDFを作成」.
  await userEvent.tab({ shift: true });
  expect(within(panel).getByRole("radio", { name: /A6/ })).toHaveFocus();
  await userEvent.keyboard("{Escape}");
  expect(screen.queryByTestId("slip-panel")).toBeNull();
  expect(button).toHaveFocus();
  expect(button).toHaveAttribute("aria-expanded", "false");

  // Opened again: A6 again, nothing saved yet.
  await userEvent.keyboard("{Enter}");
  const again = await screen.findByTestId("slip-panel");
  expect(within(again).getByRole("radio", { name: /A6/ })).toBeChecked();
  expect(within(again).queryByTestId("slip-saved")).toBeNull();
  await userEvent.click(within(again).getByRole("button", { name: "閉じる" }));
  expect(screen.queryByTestId("slip-panel")).toBeNull();
  expect(button).toHaveFocus();
});

test("a booking that holds no place has no slip: said in Japanese, nothing saved", async () => {
  const fake = unlocked();
  const r = await booked(fake, "ミホン タロウ");
  await fake.setReservationStatus(r.number, "cancelled");
  render(<SlipButton backend={fake} number={r.number} />);
  await userEvent.click(screen.getByRole("button", { name: "予約票を印刷" }));
  const panel = await screen.findByTestId("slip-panel");
  expect(await within(panel).findByRole("alert")).toHaveTextContent(errors.not_allowed);
  await userEvent.click(within(panel).getByRole("button", { name: "PDFを作成" }));
  expect(await within(panel).findByRole("alert")).toHaveTextContent(errors.not_allowed);
  expect(within(panel).queryByTestId("slip-saved")).toBeNull();
});

test("the booking screen's done view offers it beside 「続けて予約」, which keeps the focus", async () => {
  const fake = unlocked();
  render(<BookingScreen backend={fake} />);
  await userEvent.type(screen.getByLabelText("氏名（漢字）"), "見本 花子");
  await userEvent.type(screen.getByLabelText("氏名（カナ）"), "ミホン ハナコ");
  await userEvent.click(screen.getByLabelText("カード交付"));
  await userEvent.click(await screen.findByRole("radio", { name: /10:00/ }));
  await userEvent.click(screen.getByRole("button", { name: "この内容で予約する" }));
  const number = (await screen.findByTestId("reservation-number")).textContent!;
  const another = screen.getByRole("button", { name: "続けて別の予約を登録する" });
  expect(another).toHaveFocus();
  const slip = screen.getByRole("button", { name: "予約票を印刷" });
  expect(slip).toHaveAttribute("data-action", "slip");
  expect(slip.parentElement).toBe(another.parentElement);
  const panel = await openSlip();
  expect(within(panel).getByTestId("slip-number")).toHaveTextContent(number);
  await userEvent.click(within(panel).getByRole("button", { name: "PDFを作成" }));
  expect(await within(panel).findByTestId("slip-saved")).toHaveTextContent(`予約票_${number}.pdf`);
});

test("each booked line of the board has it as a row action; a checked-in line does not", async () => {
  const fake = unlocked();
  const first = await booked(fake, "ミホン タロウ");
  const second = await fake.book({ day: DAY, starts: "10:15", channel: "phone", people: [person("ミホン ジロウ")], notes: "" });
  await fake.setReservationStatus(second.number, "checked_in");
  render(<BoardScreen backend={fake} />);
  await userEvent.click(await screen.findByRole("button", { name: "次の日" }));
  const line = (number: string) => screen.getByTestId("board").querySelector<HTMLElement>(`.booking[data-number="${number}"]`);
  await waitFor(() => expect(line(first.number)).not.toBeNull());
  await waitFor(() => expect(line(second.number)).not.toBeNull());
  expect(line(second.number)!.querySelector('[data-action="slip"]')).toBeNull();
  const action = line(first.number)!.querySelector<HTMLButtonElement>('[data-action="slip"]')!;
  expect(action).toHaveTextContent("予約票を印刷");
  await userEvent.click(action);
  const panel = await screen.findByTestId("slip-panel");
  expect(panel).toHaveAttribute("data-number", first.number);
  expect(line(first.number)!.contains(panel)).toBe(true);
  expect(await within(panel).findByTestId("slip-number")).toHaveTextContent(first.number);
  await userEvent.keyboard("{Escape}");
  expect(screen.queryByTestId("slip-panel")).toBeNull();
  expect(action).toHaveFocus();
});
