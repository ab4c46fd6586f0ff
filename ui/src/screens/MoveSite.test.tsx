// Moving a booking to another site (拠点を変更) from the board, on the fake backend: with two
// serving sites a booked reservation moves from 本庁舎 to 駅前 by keyboard and leaves 本庁舎's
// board; Escape gives up; a refusal is shown in Japanese and moves nothing; a one-site city (or
// one whose other sites serve nobody) shows no such action; a desk or a closed site is never
// offered, and the fake refuses them as core does.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { addDays, today } from "../api/backend";
import { FakeBackend } from "../api/fake";
import type { BookRequest } from "../bindings/BookRequest";
import type { Site } from "../bindings/Site";
import errors from "../locales/ja/errors.json";
import { BoardScreen } from "./BoardScreen";

/** Tomorrow: every slot of the fake's day is still ahead, whatever the time of the test. */
const DAY = addDays(today(), 1);

function site(id: string, name: string, kind: Site["kind"], position: number, active = true, day: string | null = null): Site {
  return { id, name, kind, position, active, day, sealed: false, weekends: false, procedures: null };
}

/** A city with 本庁舎 and 駅前 (and whatever else), this PC at 本庁舎. */
function city(...more: Site[]): FakeBackend {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  fake.siteList = [site("main", "本庁舎", "counter", 1), site("ekimae", "駅前", "counter", 2), ...more];
  fake.here = "main";
  return fake;
}

const person = (kana: string): BookRequest["people"][number] => ({
  nameKanji: "見本 太郎",
  nameKana: kana,
  phone: null,
  birthDate: null,
  applicantType: "self",
  procedures: ["card_issue"],
});

const request = (kana: string, starts: string, at?: string, ...more: string[]): BookRequest => ({
  day: DAY,
  starts,
  channel: "phone",
  people: [person(kana), ...more.map(person)],
  notes: "",
  site: at,
});

/** The board of `DAY` (the screen opens on today: one step forward). */
async function boardOfDay() {
  await userEvent.click(await screen.findByRole("button", { name: "次の日" }));
  await waitFor(() => expect(screen.getByLabelText("日付")).toHaveValue(DAY));
}

/** The board's line of a reservation, once shown. */
async function bookingLine(number: string): Promise<HTMLElement> {
  return waitFor(() => {
    const line = screen.getByTestId("board").querySelector<HTMLElement>(`.booking[data-number="${number}"]`);
    expect(line).not.toBeNull();
    return line!;
  });
}

const numbersOnBoard = () => [...screen.getByTestId("board").querySelectorAll<HTMLElement>(".booking")].map((b) => b.dataset.number!);
const options = (select: HTMLElement) => within(select).queryAllByRole("option").map((o) => o.textContent);

/** Opens 拠点を変更 on the reservation's line; the form, once the first site's free times are read. */
async function openMove(number: string): Promise<HTMLElement> {
  await userEvent.click(within(await bookingLine(number)).getByRole("button", { name: "拠点を変更" }));
  const form = await screen.findByRole("form", { name: `予約 ${number} の拠点を変更` });
  await waitFor(() => expect(options(within(form).getByLabelText("時間（空きのある枠）")).length).toBeGreaterThan(0));
  return form;
}

test("with two serving sites a booking moves from 本庁舎 to 駅前 by keyboard, with its people, and leaves the board", async () => {
  const fake = city();
  // 駅前's 09:00 is full: the form offers 駅前's free times, not 本庁舎's.
  await fake.book(request("エキマエ イチ", "09:00", "ekimae"));
  await fake.book(request("エキマエ ニ", "09:00", "ekimae"));
  const moving = await fake.book(request("ミホン タロウ", "09:00", "main", "ミホン ハナコ"));
  const staying = await fake.book(request("ホンチョウ ニ", "09:15", "main"));
  render(<BoardScreen backend={fake} />);
  await boardOfDay();
  await bookingLine(moving.number);
  expect(numbersOnBoard()).toEqual([moving.number, staying.number]);

  const form = await openMove(moving.number);
  const to = within(form).getByLabelText("移す先の拠点");
  const date = within(form).getByLabelText("日付");
  const time = within(form).getByLabelText("時間（空きのある枠）");
  expect(to).toHaveFocus();
  expect(options(to)).toEqual(["駅前"]);
  expect(date).toHaveValue(DAY);
  expect(options(time)[0]).toBe("09:15");
  expect(options(time)).not.toContain("09:00");

  // Keyboard only: Tab to the time, choose 10:00, Enter moves.
  await userEvent.tab();
  expect(date).toHaveFocus();
  await userEvent.tab();
  expect(time).toHaveFocus();
  await userEvent.selectOptions(time, "10:00");
  await userEvent.keyboard("{Enter}");

  const message = await screen.findByTestId("moved-site");
  expect(message).toHaveTextContent(`予約 ${moving.number} を駅前へ移しました。`);
  expect(message).toHaveAttribute("role", "status");
  await waitFor(() => expect(numbersOnBoard()).toEqual([staying.number]));
  expect(screen.queryByTestId("move-site")).toBeNull();
  expect(screen.getByRole("region", { name: "予約状況" })).toHaveAttribute("data-site", "main");

  const held = fake.reservations.find((r) => r.number === moving.number)!;
  expect(fake.reservationSites.get(held.id)).toBe("ekimae");
  expect(held).toMatchObject({ day: DAY, starts: "10:00:00", status: "booked" });
  expect(held.people.map((p) => p.nameKana)).toEqual(["ミホン タロウ", "ミホン ハナコ"]);
  const station = await fake.dayBoard(DAY, "ekimae");
  expect(station.reservations.map((r) => r.number)).toContain(moving.number);
  expect(station.slots.find((s) => s.starts === "10:00:00")!.taken).toBe(1);
  expect((await fake.dayBoard(DAY, "main")).reservations.map((r) => r.number)).toEqual([staying.number]);
});

test("every control of the form is reached by Tab; Escape closes it, moves nothing and returns to 拠点を変更", async () => {
  const fake = city();
  const booked = await fake.book(request("ミホン タロウ", "09:00", "main"));
  render(<BoardScreen backend={fake} />);
  await boardOfDay();

  const form = await openMove(booked.number);
  const button = within(await bookingLine(booked.number)).getByRole("button", { name: "拠点を変更" });
  expect(button).toHaveAttribute("aria-expanded", "true");
  const order = [
    within(form).getByLabelText("移す先の拠点"),
    within(form).getByLabelText("日付"),
    within(form).getByLabelText("時間（空きのある枠）"),
    within(form).getByRole("button", { name: "この拠点へ移す" }),
    within(form).getByRole("button", { name: "やめる" }),
  ];
  expect(order[0]).toHaveFocus();
  for (const control of order.slice(1)) {
    await userEvent.tab();
    expect(control).toHaveFocus();
  }

  await userEvent.keyboard("{Escape}");
  expect(screen.queryByTestId("move-site")).toBeNull();
  expect(button).toHaveFocus();
  expect(button).toHaveAttribute("aria-expanded", "false");
  expect(fake.reservationSites.get(booked.id)).toBe("main");
  expect(numbersOnBoard()).toEqual([booked.number]);

  // やめる does the same.
  await userEvent.click(button);
  await userEvent.click(await screen.findByRole("button", { name: "やめる" }));
  expect(screen.queryByTestId("move-site")).toBeNull();
  expect(fake.reservationSites.get(booked.id)).toBe("main");
});

test("a refusal (駅前 filled meanwhile) is shown in Japanese in the form and moves nothing", async () => {
  const fake = city();
  const booked = await fake.book(request("ミホン タロウ", "09:00", "main"));
  render(<BoardScreen backend={fake} />);
  await boardOfDay();

  const form = await openMove(booked.number);
  expect(within(form).getByLabelText("時間（空きのある枠）")).toHaveValue("09:00");
  // Another PC fills 駅前's 09:00 after the form read it.
  await fake.book(request("エキマエ イチ", "09:00", "ekimae"));
  await fake.book(request("エキマエ ニ", "09:00", "ekimae"));
  await userEvent.click(within(form).getByRole("button", { name: "この拠点へ移す" }));

  expect(await within(form).findByRole("alert")).toHaveTextContent(errors.slot_full);
  expect(screen.getByTestId("move-site")).toBeInTheDocument();
  expect(screen.queryByTestId("moved-site")).toBeNull();
  expect(fake.reservationSites.get(booked.id)).toBe("main");
  expect(fake.reservations.find((r) => r.number === booked.number)!.starts).toBe("09:00:00");
});

test("a one-site city's board has no 拠点を変更, nor one whose other sites serve nobody or are closed", async () => {
  const alone = new FakeBackend(undefined, undefined, "unlocked");
  const booked = await alone.book(request("ミホン タロウ", "09:00"));
  const { unmount } = render(<BoardScreen backend={alone} />);
  await boardOfDay();
  const line = await bookingLine(booked.number);
  expect(within(line).getByRole("button", { name: "受付" })).toBeInTheDocument();
  expect(within(line).queryByRole("button", { name: "拠点を変更" })).toBeNull();
  unmount();

  const fake = new FakeBackend(undefined, undefined, "unlocked");
  fake.siteList = [site("main", "本庁舎", "counter", 1), site("callcenter", "コールセンター", "desk", 2), site("koshikiiwa", "越木岩分室", "counter", 3, false)];
  const other = await fake.book(request("ミホン ハナコ", "09:00", "main"));
  render(<BoardScreen backend={fake} />);
  await boardOfDay();
  const otherLine = await bookingLine(other.number);
  expect(within(otherLine).getByRole("button", { name: "受付" })).toBeInTheDocument();
  expect(within(otherLine).queryByRole("button", { name: "拠点を変更" })).toBeNull();
});

test("a desk or a closed site is never offered; an outreach venue offers its day; the fake refuses as core does", async () => {
  const fake = city(
    site("callcenter", "コールセンター", "desk", 3),
    site("koshikiiwa", "越木岩分室", "counter", 4, false),
    site("kgu", "出張 関西学院", "outreach", 5, true, addDays(DAY, 1)),
  );
  const booked = await fake.book(request("ミホン タロウ", "09:00", "main"));
  const arrived = await fake.book(request("ミホン ハナコ", "09:15", "main"));
  await fake.setReservationStatus(arrived.number, "checked_in");
  render(<BoardScreen backend={fake} />);
  await boardOfDay();

  // A reservation no longer booked stays where it is: no action on its line.
  expect(within(await bookingLine(arrived.number)).queryByRole("button", { name: "拠点を変更" })).toBeNull();

  const form = await openMove(booked.number);
  const to = within(form).getByLabelText("移す先の拠点");
  expect(within(to).getAllByRole("option").map((o) => (o as HTMLOptionElement).value)).toEqual(["ekimae", "kgu"]);
  expect(options(to)).not.toContain("コールセンター");
  expect(options(to)).not.toContain("越木岩分室");
  await userEvent.selectOptions(to, "kgu");
  await waitFor(() => expect(within(form).getByLabelText("日付")).toHaveValue(addDays(DAY, 1)));

  // Core's refusals, in the fake: a desk, a closed site, a reservation no longer booked.
  await expect(fake.reschedule(booked.number, DAY, "10:00", "callcenter")).rejects.toMatchObject({ code: "invalid_input" });
  await expect(fake.reschedule(booked.number, DAY, "10:00", "koshikiiwa")).rejects.toMatchObject({ code: "invalid_input" });
  await expect(fake.reschedule(booked.number, DAY, "10:00", "nowhere")).rejects.toMatchObject({ code: "invalid_input" });
  await expect(fake.reschedule(arrived.number, DAY, "10:00", "ekimae")).rejects.toMatchObject({ code: "not_allowed" });
  expect(fake.reservationSites.get(booked.id)).toBe("main");
  expect(fake.reservationSites.get(arrived.id)).toBe("main");
  // Without a site, or with its own, it moves within its site as before.
  await fake.reschedule(booked.number, DAY, "10:00");
  await fake.reschedule(booked.number, DAY, "10:15", "main");
  expect(fake.reservationSites.get(booked.id)).toBe("main");
  expect(fake.reservations.find((r) => r.number === booked.number)!.starts).toBe("10:15:00");
});
