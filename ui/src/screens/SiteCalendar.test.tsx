// Holiday sessions (休日交付) and closures (臨時休止) per site on the fake backend: in a city of
// several sites the settings offer a 拠点 select (「全拠点」 first, then each site that serves: no
// call center, no closed site), reachable by keyboard; the chosen site goes to the backend, the
// lists name each row's site, and removing a row passes that row's own site. A closure of one
// site hits that site's bookings only and closes that site's board only. A one-site city sees no
// select and no site names, as before.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { addDays, today } from "../api/backend";
import { FakeBackend } from "../api/fake";
import type { BookRequest } from "../bindings/BookRequest";
import type { Site } from "../bindings/Site";
import errors from "../locales/ja/errors.json";
import { SettingsScreen } from "./SettingsScreen";

const DAY = addDays(today(), 1);
const SATURDAY = "2026-12-05";

function site(id: string, name: string, kind: Site["kind"], position: number, active = true): Site {
  return { id, name, kind, position, active, day: null, sealed: false, weekends: false, procedures: null };
}

/** 本庁舎 and 駅前, a call center (a desk) and a closed branch; this PC at 本庁舎, the manager signed in. */
function city(): FakeBackend {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  fake.siteList = [
    site("main", "本庁舎", "counter", 1),
    site("ekimae", "駅前", "counter", 2),
    site("callcenter", "コールセンター", "desk", 3),
    site("bunshitsu", "分室", "counter", 4, false),
  ];
  fake.here = "main";
  return fake;
}

const request = (kana: string, starts: string, at: string): BookRequest => ({
  day: DAY,
  starts,
  channel: "phone",
  people: [{ nameKanji: "見本 太郎", nameKana: kana, phone: "09000000001", birthDate: null, applicantType: "self", procedures: ["card_issue"] }],
  notes: "",
  site: at,
});

function input(container: HTMLElement, name: string): HTMLInputElement {
  const el = container.querySelector<HTMLInputElement>(`[name="${name}"]`);
  if (!el) throw new Error(`no input named ${name}`);
  return el;
}

const optionsOf = (select: HTMLElement) => within(select).getAllByRole("option").map((o) => [(o as HTMLOptionElement).value, o.textContent]);

test("with two sites a holiday session is designated at 駅前 only, chosen by keyboard; the list names the site; removing passes that row's site", async () => {
  const fake = city();
  const sent = vi.spyOn(fake, "setHolidaySession");
  render(<SettingsScreen backend={fake} />);
  const sessions = await screen.findByTestId("sessions");
  const select = await within(sessions).findByLabelText("休日交付を行う拠点");
  expect(select.tagName).toBe("SELECT");
  // 「全拠点」 first, then the sites that serve: no call center, no closed branch.
  expect(optionsOf(select)).toEqual([
    ["", "全拠点"],
    ["main", "本庁舎"],
    ["ekimae", "駅前"],
  ]);
  expect(select).toHaveValue("");
  expect(select).toHaveAccessibleDescription(/その拠点だけが開きます/);

  // From the day, Tab reaches the select, where 駅前 is chosen; Tab goes on to the note.
  await userEvent.type(input(sessions, "sessionDay"), SATURDAY);
  await userEvent.tab();
  expect(select).toHaveFocus();
  await userEvent.selectOptions(select, "ekimae");
  expect(select).toHaveValue("ekimae");
  expect(select).toHaveFocus();
  await userEvent.tab();
  expect(input(sessions, "sessionNote")).toHaveFocus();
  await userEvent.keyboard("駅前で休日交付{Enter}");

  await waitFor(() => expect(sent).toHaveBeenCalledWith(SATURDAY, "駅前で休日交付", "ekimae"));
  expect(fake.settings.holidaySessions).toEqual([{ day: SATURDAY, site: "ekimae", note: "駅前で休日交付" }]);
  const row = (await within(sessions).findByText(/駅前で休日交付/)).closest("li")!;
  expect(row).toHaveAttribute("data-site", "ekimae");
  expect(row).toHaveTextContent("2026-12-05（土）");
  expect(within(row).getByTestId("session-site")).toHaveTextContent("駅前");

  // The city's session of the same day stands beside it, named 全拠点, listed first.
  await userEvent.selectOptions(select, "");
  await userEvent.type(input(sessions, "sessionDay"), SATURDAY);
  await userEvent.type(input(sessions, "sessionNote"), "全庁で休日交付{Enter}");
  await waitFor(() => expect(sent).toHaveBeenLastCalledWith(SATURDAY, "全庁で休日交付", null));
  await waitFor(() => expect(within(sessions).getAllByRole("listitem")).toHaveLength(2));
  const rows = within(sessions).getAllByRole("listitem");
  expect(rows.map((li) => within(li).getByTestId("session-site").textContent)).toEqual(["全拠点", "駅前"]);

  // Removing 駅前's row takes away that row only.
  await userEvent.click(within(sessions).getByRole("button", { name: "2026-12-05（駅前）の指定を外す" }));
  await waitFor(() => expect(within(sessions).queryByText(/駅前で休日交付/)).toBeNull());
  expect(sent).toHaveBeenLastCalledWith(SATURDAY, null, "ekimae");
  expect(fake.settings.holidaySessions).toEqual([{ day: SATURDAY, site: null, note: "全庁で休日交付" }]);
  expect(within(sessions).getByRole("button", { name: "2026-12-05（全拠点）の指定を外す" })).toBeInTheDocument();

  // The fake refuses, as core does, a session at a desk or a closed site.
  await expect(fake.setHolidaySession(SATURDAY, "x", "callcenter")).rejects.toMatchObject({ code: "invalid_input" });
  await expect(fake.setHolidaySession(SATURDAY, "x", "bunshitsu")).rejects.toMatchObject({ code: "invalid_input" });
});

test("a closure of 駅前 hits 駅前's bookings only, closes 駅前's board only, stands beside the city's, and is lifted by itself", async () => {
  const fake = city();
  const main = await fake.book(request("ホンチョウ イチ", "10:00", "main"));
  const ekimae = await fake.book(request("エキマエ イチ", "10:00", "ekimae"));
  const sent = vi.spyOn(fake, "setClosure");
  render(<SettingsScreen backend={fake} />);
  const form = await screen.findByTestId("closure-form");
  const select = await within(form).findByLabelText("休止する拠点");
  expect(optionsOf(select)).toEqual([
    ["", "全拠点"],
    ["main", "本庁舎"],
    ["ekimae", "駅前"],
  ]);
  expect(select).toHaveAccessibleDescription(/その拠点だけを休止/);

  await userEvent.type(input(form, "closureDay"), DAY);
  await userEvent.tab();
  expect(select).toHaveFocus();
  await userEvent.selectOptions(select, "ekimae");
  await userEvent.selectOptions(input(form, "closureReason"), "maintenance");
  await userEvent.type(input(form, "closureNote"), "駅ビル設備点検{Enter}");

  expect(await within(form).findByRole("status")).toHaveTextContent("休止を登録しました");
  expect(sent).toHaveBeenCalledWith(DAY, { reason: "maintenance", note: "駅ビル設備点検", from: null, until: null }, "ekimae");
  const affected = await screen.findByTestId("affected");
  expect(affected).toHaveTextContent("連絡・予約変更が必要な予約 1件");
  expect(within(affected).getByText(ekimae.number)).toBeInTheDocument();
  expect(within(affected).queryByText(main.number)).toBeNull();
  expect(fake.settings.closures.map((c) => [c.day, c.site])).toEqual([[DAY, "ekimae"]]);
  expect((await fake.dayBoard(DAY, "ekimae")).status.kind).toBe("closed");
  expect((await fake.dayBoard(DAY, "main")).status.kind).toBe("open");

  const records = screen.getByTestId("closures");
  const incident = await within(records).findByTestId("incident");
  expect(incident).toHaveAttribute("data-site", "ekimae");
  expect(within(incident).getByTestId("closure-site")).toHaveTextContent("駅前");
  expect(incident).toHaveTextContent("駅ビル設備点検");

  // The city's closure of the same day: every site's bookings, listed first as 全拠点.
  await userEvent.selectOptions(select, "");
  await userEvent.selectOptions(input(form, "closureReason"), "system_outage");
  await userEvent.type(input(form, "closureNote"), "J-LIS 障害{Enter}");
  await waitFor(() => expect(within(records).getAllByTestId("incident")).toHaveLength(2));
  expect(sent).toHaveBeenLastCalledWith(DAY, { reason: "system_outage", note: "J-LIS 障害", from: null, until: null }, null);
  expect(within(records).getAllByTestId("closure-site").map((b) => b.textContent)).toEqual(["全拠点", "駅前"]);
  expect((await fake.dayBoard(DAY, "main")).status.kind).toBe("closed");

  // Lifting 駅前's passes 駅前: the city's stays.
  await userEvent.click(within(records).getByRole("button", { name: `${DAY}（駅前）の休止を取り消す` }));
  await waitFor(() => expect(within(records).getAllByTestId("incident")).toHaveLength(1));
  expect(sent).toHaveBeenLastCalledWith(DAY, null, "ekimae");
  expect(within(records).getByTestId("incident")).toHaveAttribute("data-site", "");
  expect(fake.settings.closures.map((c) => [c.day, c.site])).toEqual([[DAY, null]]);

  // Lifting the city's passes null: every site opens again.
  await userEvent.click(within(records).getByRole("button", { name: `${DAY}（全拠点）の休止を取り消す` }));
  await waitFor(() => expect(within(records).queryByTestId("incident")).toBeNull());
  expect(sent).toHaveBeenLastCalledWith(DAY, null, null);
  expect((await fake.dayBoard(DAY, "ekimae")).status.kind).toBe("open");
  expect((await fake.dayBoard(DAY, "main")).status.kind).toBe("open");
});

test("a refusal of a site's closure is shown in Japanese and records nothing", async () => {
  const fake = city();
  vi.spyOn(fake, "setClosure").mockRejectedValueOnce({ code: "invalid_input", message: "no open site ekimae" });
  render(<SettingsScreen backend={fake} />);
  const form = await screen.findByTestId("closure-form");
  await userEvent.type(input(form, "closureDay"), DAY);
  await userEvent.selectOptions(await within(form).findByLabelText("休止する拠点"), "ekimae");
  await userEvent.click(within(form).getByRole("button", { name: "休止を登録" }));
  expect(await within(form).findByRole("alert")).toHaveTextContent(errors.invalid_input);
  expect(fake.settings.closures).toEqual([]);
});

test("a one-site city shows no 拠点 select and no site names; sessions and closures are the city's", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  const session = vi.spyOn(fake, "setHolidaySession");
  const closure = vi.spyOn(fake, "setClosure");
  render(<SettingsScreen backend={fake} />);
  const sessions = await screen.findByTestId("sessions");
  const form = await screen.findByTestId("closure-form");
  expect(within(sessions).queryByLabelText(/拠点/)).toBeNull();
  expect(within(form).queryByLabelText(/拠点/)).toBeNull();
  expect(screen.queryByText(/全拠点/)).toBeNull();
  expect(sessions.querySelector("select")).toBeNull();

  await userEvent.type(input(sessions, "sessionDay"), SATURDAY);
  await userEvent.type(input(sessions, "sessionNote"), "土曜開庁{Enter}");
  const row = (await within(sessions).findByText(/土曜開庁/)).closest("li")!;
  expect(session).toHaveBeenCalledWith(SATURDAY, "土曜開庁", null);
  expect(within(row).queryByTestId("session-site")).toBeNull();
  await userEvent.click(within(row).getByRole("button", { name: "2026-12-05 の指定を外す" }));
  await waitFor(() => expect(within(sessions).queryByText(/土曜開庁/)).toBeNull());
  expect(session).toHaveBeenLastCalledWith(SATURDAY, null, null);

  await userEvent.type(input(form, "closureDay"), DAY);
  await userEvent.click(within(form).getByRole("button", { name: "休止を登録" }));
  const incident = await screen.findByTestId("incident");
  expect(closure).toHaveBeenCalledWith(DAY, { reason: "system_outage", note: "", from: null, until: null }, null);
  expect(within(incident).queryByTestId("closure-site")).toBeNull();
  expect(screen.queryByText(/全拠点/)).toBeNull();
  await userEvent.click(within(incident).getByRole("button", { name: `${DAY} の休止を取り消す` }));
  await waitFor(() => expect(screen.queryByTestId("incident")).toBeNull());
  expect(closure).toHaveBeenLastCalledWith(DAY, null, null);
});
