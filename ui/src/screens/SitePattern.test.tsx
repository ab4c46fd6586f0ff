// A site's own pattern (拠点の開く日と受け付ける手続き) on the fake backend: the manager sets 駅前
// to open on weekends and take 電子証明書の更新 only, in the settings, by keyboard; the booking
// screen then offers 駅前 that procedure only; a desk shows no pattern; the fake opens 駅前 on
// Saturdays and Sundays with the holiday-session plan and refuses, as core does, a booking or a
// move there for a procedure it does not take, and a pattern for a desk, an unknown site or no
// procedure at all.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { addDays, today } from "../api/backend";
import { FakeBackend } from "../api/fake";
import type { AppError } from "../bindings/AppError";
import type { BookRequest } from "../bindings/BookRequest";
import type { Procedure } from "../bindings/Procedure";
import type { Site } from "../bindings/Site";
import errors from "../locales/ja/errors.json";
import { BookingScreen } from "./BookingScreen";
import { SettingsScreen } from "./SettingsScreen";

const DAY = addDays(today(), 1);

function site(id: string, name: string, kind: Site["kind"], position: number, day: string | null = null): Site {
  return { id, name, kind, position, active: true, day, sealed: false, weekends: false, procedures: null };
}

/** 本庁舎 and 駅前 (and whatever else), this PC at 本庁舎, the manager signed in. */
function city(...more: Site[]): FakeBackend {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  fake.siteList = [site("main", "本庁舎", "counter", 1), site("ekimae", "駅前", "counter", 2), ...more];
  fake.here = "main";
  return fake;
}

const request = (kana: string, starts: string, at: string, day: string, procedures: Procedure[] = ["card_issue"]): BookRequest => ({
  day,
  starts,
  channel: "phone",
  people: [{ nameKanji: "見本 太郎", nameKana: kana, phone: null, birthDate: null, applicantType: "self", procedures }],
  notes: "",
  site: at,
});

/** The first day on or after `from` with weekday `w` (0: Sunday … 6: Saturday). */
function nextWeekday(from: string, w: number): string {
  let day = from;
  while (new Date(`${day}T00:00:00Z`).getUTCDay() !== w) day = addDays(day, 1);
  return day;
}

const ALL = ["カード交付", "カード再交付", "記載事項変更", "電子証明書の発行", "電子証明書の更新", "申請サポート（写真撮影・申請書記入）"];

/** A site's row in the 拠点 section, once listed. */
async function rowOf(id: string): Promise<HTMLElement> {
  const section = await screen.findByTestId("sites");
  return waitFor(() => {
    const li = section.querySelector<HTMLElement>(`li[data-site="${id}"]`);
    expect(li).not.toBeNull();
    return li!;
  });
}

test("the manager sets 駅前 to open on weekends and take 電子証明書の更新 only, by keyboard; the fake keeps it", async () => {
  const fake = city();
  render(<SettingsScreen backend={fake} />);
  const section = await screen.findByTestId("sites");
  const row = await rowOf("ekimae");
  const form = within(row).getByRole("form", { name: "「駅前」の開く日と受け付ける手続き" });

  // Every procedure checked (none listed), weekends off; nothing changed yet, so 保存 waits.
  const weekends = within(form).getByLabelText("土日も開く");
  expect(weekends).not.toBeChecked();
  expect(weekends).toHaveAccessibleDescription(/休日開庁の予約枠/);
  const procedures = within(form).getByRole("group", { name: "受け付ける手続き" });
  expect(within(procedures).getAllByRole("checkbox").map((c) => (c as HTMLInputElement).labels?.[0].textContent)).toEqual(ALL);
  expect(within(procedures).getAllByRole("checkbox").every((c) => (c as HTMLInputElement).checked)).toBe(true);
  const save = within(form).getByRole("button", { name: "「駅前」の開く日と受け付ける手続きを保存" });
  expect(save).toHaveTextContent("保存");
  expect(save).toBeDisabled();

  // From the keyboard: 土日も開く, then each procedure in turn; Space toggles, 電子証明書の更新 stays.
  weekends.focus();
  await userEvent.keyboard(" ");
  expect(weekends).toBeChecked();
  for (const label of ALL) {
    await userEvent.tab();
    expect(within(procedures).getByLabelText(label)).toHaveFocus();
    if (label !== "電子証明書の更新") await userEvent.keyboard(" ");
  }
  await userEvent.tab();
  expect(save).toHaveFocus();
  expect(save).toBeEnabled();
  await userEvent.keyboard("{Enter}");

  expect(await within(section).findByRole("status")).toHaveTextContent("「駅前」を保存しました：土日も開きます。受け付ける手続きは電子証明書の更新です。");
  expect(fake.siteList.find((x) => x.id === "ekimae")).toMatchObject({ weekends: true, procedures: ["certificate_renewal"] });
  expect(fake.siteList.find((x) => x.id === "main")).toMatchObject({ weekends: false, procedures: null });
  // Read back from the fake: the row shows what is stored.
  await waitFor(() => expect(within(procedures).getByLabelText("カード交付")).not.toBeChecked());
  expect(within(procedures).getByLabelText("電子証明書の更新")).toBeChecked();
  expect(within(form).getByLabelText("土日も開く")).toBeChecked();

  // No procedure at all is stopped before anything is sent.
  const sent = vi.spyOn(fake, "setSitePattern");
  await userEvent.click(within(procedures).getByLabelText("電子証明書の更新"));
  await userEvent.click(within(form).getByRole("button", { name: /保存/ }));
  expect(await within(section).findByRole("alert")).toHaveTextContent("受け付ける手続きを1つ以上選んでください。");
  expect(sent).not.toHaveBeenCalled();

  // A refusal from the backend is shown in Japanese and changes nothing.
  sent.mockRejectedValueOnce({ code: "invalid_input", message: "refused" } satisfies AppError);
  await userEvent.click(within(procedures).getByLabelText("電子証明書の発行"));
  await userEvent.click(within(form).getByRole("button", { name: /保存/ }));
  await waitFor(() => expect(within(section).getByRole("alert")).toHaveTextContent(errors.invalid_input));
  expect(fake.siteList.find((x) => x.id === "ekimae")!.procedures).toEqual(["certificate_renewal"]);

  // Every procedure checked again is saved as none listed (every procedure).
  sent.mockRestore();
  for (const label of ALL) {
    const box = within(procedures).getByLabelText(label);
    if (!(box as HTMLInputElement).checked) await userEvent.click(box);
  }
  await userEvent.click(within(form).getByLabelText("土日も開く"));
  await userEvent.click(within(form).getByRole("button", { name: /保存/ }));
  expect(await within(section).findByRole("status")).toHaveTextContent("「駅前」を保存しました：土日は休みです。受け付ける手続きはすべての手続きです。");
  expect(fake.siteList.find((x) => x.id === "ekimae")).toMatchObject({ weekends: false, procedures: null });
});

test("a desk shows no pattern; a counter and an outreach venue do, the venue with its one day noted", async () => {
  const fake = city(site("callcenter", "コールセンター", "desk", 3), site("kgu", "出張 関西学院", "outreach", 4, "2027-01-15"));
  render(<SettingsScreen backend={fake} />);
  const desk = await rowOf("callcenter");
  expect(within(desk).queryByRole("form", { name: /開く日と受け付ける手続き/ })).toBeNull();
  expect(within(desk).queryByLabelText("土日も開く")).toBeNull();
  expect(within(desk).queryByRole("group", { name: "受け付ける手続き" })).toBeNull();
  expect(within(desk).queryByTestId("site-pattern")).toBeNull();

  for (const id of ["main", "ekimae", "kgu"]) expect(within(await rowOf(id)).getByTestId("site-pattern")).toBeInTheDocument();
  const venue = await rowOf("kgu");
  expect(within(venue).getByLabelText("土日も開く")).toHaveAccessibleDescription(/開設日だけ開きます/);
  // The fake refuses a desk's pattern as core does.
  await expect(fake.setSitePattern("callcenter", true, null)).rejects.toMatchObject({ code: "invalid_input" });
});

test("the booking screen offers 駅前 its one procedure: the others are greyed out with a note, and a booking with one is stopped", async () => {
  const fake = city();
  await fake.setSitePattern("ekimae", true, ["certificate_renewal"]);
  const booked = vi.spyOn(fake, "book");
  render(<BookingScreen backend={fake} />);
  const group = () => screen.getByRole("group", { name: "手続き" });
  const enabled = () => within(group()).getAllByRole("checkbox").filter((c) => !(c as HTMLInputElement).disabled).map((c) => (c as HTMLInputElement).labels?.[0].textContent);

  // At 本庁舎 every procedure, no note. カード交付 chosen there.
  const picker = await screen.findByLabelText("拠点");
  await waitFor(() => expect(enabled()).toEqual(ALL));
  expect(screen.queryByTestId("not-offered")).toBeNull();
  await userEvent.type(screen.getByLabelText("氏名（漢字）"), "見本 花子");
  await userEvent.type(screen.getByLabelText("氏名（カナ）"), "ミホン ハナコ");
  await userEvent.click(within(group()).getByLabelText("カード交付"));

  // At 駅前: 電子証明書の更新 only; カード交付, already checked, stays to be unchecked.
  await userEvent.selectOptions(picker, "ekimae");
  await waitFor(() => expect(enabled()).toEqual(["カード交付", "電子証明書の更新"]));
  const note = screen.getByTestId("not-offered");
  expect(note).toHaveTextContent("この拠点では受け付けていません：カード交付・カード再交付・記載事項変更・電子証明書の発行・申請サポート（写真撮影・申請書記入）");
  expect(within(group()).getByLabelText("カード再交付")).toHaveAccessibleDescription(note.textContent!);
  expect(within(group()).getByLabelText("電子証明書の更新")).not.toHaveAccessibleDescription();

  const slots = await screen.findByRole("radiogroup");
  await waitFor(() => expect(slots).toHaveAttribute("data-site", "ekimae"));
  await userEvent.click(await within(slots).findByRole("radio", { name: /09:15/ }));
  await userEvent.click(screen.getByRole("button", { name: "この内容で予約する" }));
  expect(await screen.findByRole("alert")).toHaveTextContent("カード交付は、この拠点では受け付けていません。手続きか拠点を変えてください。");
  expect(booked).not.toHaveBeenCalled();

  // Unchecked, it greys out too; 電子証明書の更新 books at 駅前.
  await userEvent.click(within(group()).getByLabelText("カード交付"));
  expect(enabled()).toEqual(["電子証明書の更新"]);
  await userEvent.click(within(group()).getByLabelText("電子証明書の更新"));
  await userEvent.click(screen.getByRole("button", { name: "この内容で予約する" }));
  const number = (await screen.findByTestId("reservation-number")).textContent!;
  const r = fake.reservations.find((x) => x.number === number)!;
  expect(fake.reservationSites.get(r.id)).toBe("ekimae");
  expect(r.people[0].procedures).toEqual(["certificate_renewal"]);
});

test("the fake honours a pattern: 駅前 opens on weekends with the holiday-session plan, and refuses what it does not take", async () => {
  const fake = city();
  fake.closedOnWeekends = true;
  fake.settings.holidaySession = { slotMinutes: 30, bands: [{ starts: "10:00:00", ends: "12:00:00", capacity: 3 }] };
  const saturday = nextWeekday(DAY, 6);
  const sunday = addDays(saturday, 1);
  const monday = addDays(saturday, 2);

  // Before: 駅前 is closed on weekends like 本庁舎.
  expect((await fake.dayBoard(saturday, "ekimae")).status).toEqual({ kind: "closed", reason: { kind: "weekend" } });
  await fake.setSitePattern("ekimae", true, ["certificate_renewal", "certificate_issue", "certificate_renewal"]);
  // Kept in core's order, each once.
  expect(fake.siteList[1].procedures).toEqual(["certificate_issue", "certificate_renewal"]);

  for (const day of [saturday, sunday]) {
    const board = await fake.dayBoard(day, "ekimae");
    expect(board.status).toMatchObject({ kind: "open", session: "holiday_session", opens: "10:00:00", closes: "12:00:00" });
    expect(board.slots).toEqual(["10:00:00", "10:30:00", "11:00:00", "11:30:00"].map((starts) => ({ starts, capacity: 3, taken: 0 })));
    expect((await fake.dayBoard(day, "main")).status).toEqual({ kind: "closed", reason: { kind: "weekend" } });
  }
  // A weekday is the regular plan's; the year end stays closed.
  expect((await fake.dayBoard(monday, "ekimae")).status).toMatchObject({ kind: "open", session: "regular" });
  expect((await fake.dayBoard("2027-01-02", "ekimae")).status).toEqual({ kind: "closed", reason: { kind: "year_end" } });

  // A Saturday booking at 駅前 for a procedure it takes; one it does not take is refused.
  const weekend = await fake.book(request("ドヨウ", "10:30", "ekimae", saturday, ["certificate_renewal"]));
  expect((await fake.dayBoard(saturday, "ekimae")).slots[1].taken).toBe(1);
  expect(weekend.starts).toBe("10:30:00");
  await expect(fake.book(request("カード", "09:00", "ekimae", monday))).rejects.toMatchObject({ code: "not_allowed" });
  await expect(fake.book(request("フタリ", "09:00", "ekimae", monday, ["certificate_issue", "details_change"]))).rejects.toMatchObject({ code: "not_allowed" });
  await expect(fake.book(request("ドヨウ ホンチョウ", "10:00", "main", saturday, ["certificate_renewal"]))).rejects.toMatchObject({ code: "day_closed" });

  // Moving to 駅前: a card_issue booking is refused and stays; a certificate one moves.
  const card = await fake.book(request("ホンチョウ", "09:00", "main", monday));
  await expect(fake.reschedule(card.number, monday, "09:15", "ekimae")).rejects.toMatchObject({ code: "not_allowed" });
  expect(fake.reservationSites.get(card.id)).toBe("main");
  const certificate = await fake.book(request("ショウメイショ", "09:00", "main", monday, ["certificate_issue"]));
  await fake.reschedule(certificate.number, sunday, "11:00", "ekimae");
  expect(fake.reservationSites.get(certificate.id)).toBe("ekimae");
  expect(certificate).toMatchObject({ day: sunday, starts: "11:00:00" });

  // Refused as core does: a desk, an unknown site, an empty list; and a member of the counter staff.
  fake.siteList.push(site("callcenter", "コールセンター", "desk", 3));
  await expect(fake.setSitePattern("callcenter", false, null)).rejects.toMatchObject({ code: "invalid_input" });
  await expect(fake.setSitePattern("nowhere", false, null)).rejects.toMatchObject({ code: "invalid_input" });
  await expect(fake.setSitePattern("ekimae", false, [])).rejects.toMatchObject({ code: "invalid_input" });
  fake.actor = { kind: "staff", code: "S001", name: "窓口 花子", role: "staff" };
  await expect(fake.setSitePattern("ekimae", false, null)).rejects.toMatchObject({ code: "forbidden" });
  expect(fake.siteList[1]).toMatchObject({ weekends: true, procedures: ["certificate_issue", "certificate_renewal"] });
});
