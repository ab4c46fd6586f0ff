// Keyboard counts (issue 22 item 4): a phone booking at the counter takes at most 15 keys beyond
// typing the applicant's name, kana and phone, for the common case (one person, 本人, one
// procedure, a day a few days ahead, a free slot). Every other key is counted: Tab, Space, Enter,
// arrows, shortcuts (Alt+P is two keys: Alt and P). The slots are one radio group whose arrows
// skip full slots; a booking with something missing says what and where.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { addDays, today } from "../api/backend";
import { FakeBackend } from "../api/fake";
import type { BookRequest } from "../bindings/BookRequest";
import type { Procedure } from "../bindings/Procedure";
import { BookingScreen } from "./BookingScreen";

type User = ReturnType<typeof userEvent.setup>;

/** The keys a user-event keyboard string presses: a character, `{Key}` or `[Code]` is one key,
 * `{Key>}` (held down) one, `{/Key}` (let go) none. */
function keysIn(sequence: string): number {
  let n = 0;
  for (const token of sequence.match(/\{[^}]*\}|\[[^\]]*\]|./gsu) ?? []) {
    if (token.startsWith("{/") || token.startsWith("[/")) continue;
    if (/^[{[].*>\d/.test(token) || token === "{{" || token === "[[") throw new Error(`count ${token} by hand`);
    n += 1;
  }
  return n;
}

/** user-event's keyboard and Tab, counting every key sent; `pressed` cross-checks with the
 * keydown events the document saw during those sends (the typing of names is not counted). */
function counted(user: User) {
  let sent = 0;
  let seen = 0;
  let counting = false;
  const onKeyDown = () => {
    if (counting) seen += 1;
  };
  document.addEventListener("keydown", onKeyDown, { capture: true });
  const send = async (n: number, go: () => Promise<void>) => {
    sent += n;
    counting = true;
    try {
      await go();
    } finally {
      counting = false;
    }
  };
  return {
    keyboard: (sequence: string) => send(keysIn(sequence), () => user.keyboard(sequence)),
    tab: () => send(1, () => user.tab()),
    get count() {
      return sent;
    },
    get pressed() {
      return seen;
    },
    stop() {
      document.removeEventListener("keydown", onKeyDown, { capture: true });
    },
  };
}

const THREE_DAYS = addDays(today(), 3);

const request = (day: string, starts: string, kana: string): BookRequest => ({
  day,
  starts,
  channel: "phone",
  people: [{ nameKanji: "見本 太郎", nameKana: kana, phone: null, birthDate: null, applicantType: "self", procedures: ["card_issue"] }],
  notes: "",
});

/** Fills `starts` on `day` (the fake's slots hold 2). */
async function fill(fake: FakeBackend, day: string, ...starts: string[]) {
  for (const s of starts) {
    await fake.book(request(day, s, "マンセキ イチ"));
    await fake.book(request(day, s, "マンセキ ニ"));
  }
}

/** The booking screen on a one-site fake, the board of the default day (tomorrow) shown. */
async function openForm(fake = new FakeBackend(undefined, undefined, "unlocked")) {
  const user = userEvent.setup();
  render(<BookingScreen backend={fake} />);
  const group = await screen.findByRole("radiogroup");
  await waitFor(() => expect(within(group).getAllByRole("radio").length).toBeGreaterThan(0));
  return { fake, user, group };
}

/** Types the name, kana and phone (not counted) and the Tabs between them (counted). */
async function typeApplicant(user: User, keys: ReturnType<typeof counted>) {
  expect(screen.getByRole("textbox", { name: "氏名（漢字）" })).toHaveFocus();
  await user.keyboard("見本 花子");
  await keys.tab();
  await user.keyboard("ミホン ハナコ");
  await keys.tab();
  expect(screen.getByRole("textbox", { name: "電話番号" })).toHaveFocus();
  await user.keyboard("09000001234");
}

test.each<[Procedure, string, string]>([
  // Alt+P focuses the first procedure (カード交付); Space ticks it.
  ["card_issue", "カード交付", " "],
  // Alt+P, then the procedure's number ticks it (電子証明書の更新 is the fifth).
  ["certificate_renewal", "電子証明書の更新", "5"],
])("a phone booking (one person, 本人, %s, 3 days ahead, a free slot) takes at most 15 keys beyond the name, kana and phone", async (procedure, label, tick) => {
  // Both full on that day: 「次の空き」 finds 09:30.
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  await fill(fake, THREE_DAYS, "09:00", "09:15");
  const { user } = await openForm(fake);
  const keys = counted(user);

  // The exact sequence (12 keys for either procedure):
  //   見本 花子 {Tab} ミホン ハナコ {Tab} 09000001234      names and phone; the 2 Tabs count
  //   {Alt>}p{/Alt}                                    Alt+P: the first procedure      2
  //   " " (カード交付) or "5" (電子証明書の更新)         tick the procedure              1
  //   {Alt>}d{/Alt}                                    Alt+D: the day (tomorrow)       2
  //   {ArrowUp}{ArrowUp}                               two days on: 3 days ahead       2
  //   {Alt>}n{/Alt}                                    Alt+N: the next free slot       2
  //   {Enter}                                          book it                         1
  //                                                                          total 2 + 10 = 12
  await typeApplicant(user, keys);
  await keys.keyboard("{Alt>}p{/Alt}");
  expect(screen.getByRole("checkbox", { name: "カード交付" })).toHaveFocus();
  await keys.keyboard(tick);
  expect(screen.getByRole("checkbox", { name: label })).toBeChecked();
  expect(screen.getByRole("checkbox", { name: label })).toHaveFocus();
  await keys.keyboard("{Alt>}d{/Alt}");
  const day = document.querySelector<HTMLInputElement>('input[name="day"]')!;
  expect(day).toHaveFocus();
  await keys.keyboard("{ArrowUp}{ArrowUp}");
  expect(day).toHaveValue(THREE_DAYS);
  await keys.keyboard("{Alt>}n{/Alt}");
  const slot = await screen.findByRole("radio", { name: /09:30/, checked: true });
  await waitFor(() => expect(slot).toHaveFocus());
  await keys.keyboard("{Enter}");

  expect(await screen.findByTestId("reservation-number")).toHaveTextContent(/^\d{4}-\d{4}$/);
  const booked = fake.reservations[fake.reservations.length - 1];
  expect(booked).toMatchObject({ day: THREE_DAYS, starts: "09:30:00", channel: "phone" });
  expect(booked.people).toEqual([
    { nameKanji: "見本 花子", nameKana: "ミホン ハナコ", phone: "09000001234", applicantType: "self", procedures: [procedure] },
  ]);

  keys.stop();
  console.log("phone booking keystrokes:", keys.count, `(${label})`);
  expect(keys.pressed).toBe(keys.count);
  expect(keys.count).toBe(12);
  expect(keys.count).toBeLessThanOrEqual(15);
});

test("the slots are one Tab stop; arrows, Home and End move between the free ones and select, skipping full slots", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  const tomorrow = addDays(today(), 1);
  await fill(fake, tomorrow, "09:00", "09:30", "09:45", "11:45");
  const { user, group } = await openForm(fake);
  await waitFor(() => expect(within(group).getByRole("radio", { name: /09:00/ })).toBeDisabled());
  const radio = (time: string) => within(group).getByRole("radio", { name: new RegExp(time) });

  // One Tab stop: the first free slot (09:15); full ones are disabled, the rest -1.
  const stops = within(group).getAllByRole("radio").filter((r) => r.tabIndex === 0);
  expect(stops).toEqual([radio("09:15")]);
  for (const time of ["09:00", "09:30", "09:45", "11:45"]) expect(radio(time)).toBeDisabled();

  await user.keyboard("{Alt>}s{/Alt}");
  expect(radio("09:15")).toHaveFocus();
  expect(radio("09:15")).not.toBeChecked();
  // → skips 09:30 and 09:45 (full).
  await user.keyboard("{ArrowRight}");
  expect(radio("10:00")).toHaveFocus();
  expect(radio("10:00")).toBeChecked();
  expect(radio("10:00")).toHaveAttribute("tabindex", "0");
  expect(radio("09:15")).toHaveAttribute("tabindex", "-1");
  await user.keyboard("{ArrowLeft}");
  expect(radio("09:15")).toHaveFocus();
  expect(radio("09:15")).toBeChecked();
  expect(radio("10:00")).not.toBeChecked();
  // ← from the first free one wraps to the last free one (11:30; 11:45 is full); ↓ wraps back.
  await user.keyboard("{ArrowLeft}");
  expect(radio("11:30")).toHaveFocus();
  expect(radio("11:30")).toBeChecked();
  await user.keyboard("{ArrowDown}");
  expect(radio("09:15")).toBeChecked();
  await user.keyboard("{End}");
  expect(radio("11:30")).toHaveFocus();
  await user.keyboard("{Home}");
  expect(radio("09:15")).toHaveFocus();
  await user.keyboard("{ArrowUp}");
  expect(radio("11:30")).toBeChecked();
  // Tab leaves the group in one step (to the submit button), Shift+Tab comes back to the chosen slot.
  await user.tab();
  expect(screen.getByRole("button", { name: "この内容で予約する" })).toHaveFocus();
  await user.tab({ shift: true });
  expect(radio("11:30")).toHaveFocus();
  expect(within(group).getAllByRole("radio", { checked: true })).toHaveLength(1);
});

test("Enter in a text field books; what is missing is said and focused (the procedure, then the slot)", async () => {
  const { fake, user, group } = await openForm();
  await user.keyboard("見本 花子{Tab}ミホン ハナコ{Enter}");
  const alert = await screen.findByRole("alert");
  expect(alert).toHaveTextContent("手続きを入力してください。");
  expect(alert).toHaveTextContent("時間枠を選んでください（Alt+S で時間枠へ、Alt+N で次の空き枠）。");
  expect(screen.getByRole("checkbox", { name: "カード交付" })).toHaveFocus();

  await user.keyboard(" ");
  await user.click(screen.getByRole("textbox", { name: "メモ" }));
  await user.keyboard("{Enter}");
  await waitFor(() => expect(screen.getByRole("alert")).not.toHaveTextContent("手続き"));
  expect(screen.getByRole("alert")).toHaveTextContent("時間枠を選んでください");
  expect(within(group).getByRole("radio", { name: /09:00/ })).toHaveFocus();
  expect(fake.reservations).toEqual([]);

  // Enter on a focused slot books that slot.
  await user.keyboard("{ArrowRight}{Enter}");
  expect(await screen.findByTestId("reservation-number")).toBeInTheDocument();
  expect(fake.reservations[0]).toMatchObject({ day: addDays(today(), 1), starts: "09:15:00" });
});

test("「次の空き」 moves to the next day with a free slot when the chosen one is full, and the shortcuts jump over the phone intake", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  const tomorrow = addDays(today(), 1);
  const slots = Array.from({ length: 12 }, (_, i) => `${String(9 + Math.floor(i / 4)).padStart(2, "0")}:${String((i % 4) * 15).padStart(2, "0")}`);
  await fill(fake, tomorrow, ...slots);
  const { user, group } = await openForm(fake);
  await user.keyboard("見本 花子{Tab}ミホン ハナコ{Alt>}p{/Alt} ");
  // The intake questions are there, in the Tab order after the procedures…
  const intake = await screen.findByTestId("intake-0");
  expect(within(intake).getAllByRole("combobox").length).toBeGreaterThan(0);
  // …and Alt+D, Alt+N go past them.
  await user.keyboard("{Alt>}d{/Alt}");
  expect(document.querySelector('input[name="day"]')).toHaveFocus();
  await user.keyboard("{Alt>}n{/Alt}");
  await waitFor(() => expect(group).toHaveAttribute("data-day", addDays(today(), 2)));
  const first = await within(group).findByRole("radio", { name: /09:00/, checked: true });
  await waitFor(() => expect(first).toHaveFocus());
  expect(document.querySelector('input[name="day"]')).toHaveValue(addDays(today(), 2));
  // ↓ in the day field goes back a day (and the choice with it).
  await user.keyboard("{Alt>}d{/Alt}{ArrowDown}");
  await waitFor(() => expect(group).toHaveAttribute("data-day", tomorrow));
  expect(within(group).queryAllByRole("radio", { checked: true })).toEqual([]);
  await user.keyboard("{Enter}");
  expect(await screen.findByRole("alert")).toHaveTextContent("時間枠を選んでください");
  expect(group).toHaveFocus();
});
