// Counter staff per site (拠点) on the fake backend: the manager restricts a member to some sites
// on the roster (none ticked: every site), the attendance says at which site each sign-in was, a
// member signing in at another site's PC is refused, and a one-site city sees none of it.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { FakeBackend } from "../api/fake";
import type { Site } from "../bindings/Site";
import errors from "../locales/ja/errors.json";
import { StaffScreen } from "./StaffScreen";

function site(id: string, name: string, position: number, active = true): Site {
  return { id, name, kind: "counter", position, active, day: null, sealed: false, weekends: false, procedures: null };
}

/** A city with 本庁舎 and 駅前 (and a closed 分室), this PC at `here`, the manager signed in. */
function city(here = "main", state: "locked" | "unlocked" = "unlocked"): FakeBackend {
  const fake = new FakeBackend(undefined, undefined, state);
  fake.siteList = [site("main", "本庁舎", 1), site("ekimae", "駅前", 2), site("bunshitsu", "分室", 3, false)];
  fake.here = here;
  return fake;
}

const row = async (code: string) => (await screen.findByTestId("roster")).querySelector(`tr[data-code=${code}]`) as HTMLElement;

test("the manager restricts a member of the counter staff to one site, and the row shows it", async () => {
  const fake = city();
  render(<StaffScreen backend={fake} />);
  const editor = await screen.findByTestId("staff-sites-S001");
  expect(editor).toHaveTextContent("全拠点");
  // One box per open site (the closed 分室 is not offered); none ticked: every site.
  const boxes = editor.querySelectorAll<HTMLInputElement>('input[name="staffSite-S001"]');
  expect([...boxes].map((b) => b.value)).toEqual(["main", "ekimae"]);
  expect([...boxes].every((b) => !b.checked)).toBe(true);
  // Managers and city staff work anywhere: no editor on their rows.
  expect(screen.queryByTestId("staff-sites-M001")).toBeNull();
  expect(screen.queryByTestId("staff-sites-C001")).toBeNull();

  await userEvent.click(within(editor).getByRole("checkbox", { name: "駅前" }));
  await userEvent.click(editor.querySelector('[data-action="save-staff-sites"]')!);
  await waitFor(() => expect(fake.staffSiteMap.get("S001")).toEqual(["ekimae"]));
  await waitFor(async () => expect(within(await row("S001")).getByTestId("staff-sites-summary-S001")).toHaveTextContent("駅前"));
  expect(within(await row("S001")).getByTestId("staff-sites-summary-S001")).not.toHaveTextContent("全拠点");
  expect(within(await row("S001")).getByRole("checkbox", { name: "駅前" })).toBeChecked();

  // Unticking every box makes the member work at every site again.
  await userEvent.click(within(await row("S001")).getByRole("checkbox", { name: "駅前" }));
  await userEvent.click((await row("S001")).querySelector('[data-action="save-staff-sites"]')!);
  await waitFor(() => expect(fake.staffSiteMap.has("S001")).toBe(false));
  await waitFor(async () => expect(within(await row("S001")).getByTestId("staff-sites-summary-S001")).toHaveTextContent("全拠点"));
});

test("with several sites the attendance says at which site each sign-in was", async () => {
  const fake = city("ekimae");
  render(<StaffScreen backend={fake} />);
  const attendance = await screen.findByTestId("attendance");
  await waitFor(() => expect(within(attendance).getAllByRole("row")).toHaveLength(2));
  expect(within(attendance).getByRole("columnheader", { name: "拠点" })).toBeInTheDocument();
  expect(within(attendance).getAllByRole("row")[1]).toHaveTextContent("駅前");
});

test("a member rostered at 駅前 only is refused at 本庁舎's PC, and signs in at 駅前's", async () => {
  const fake = city("main", "locked");
  fake.actor = null;
  await expect(fake.setStaffSites("S001", ["ekimae"])).rejects.toMatchObject({ code: "not_signed_in" });
  fake.staffSiteMap.set("S001", ["ekimae"]);
  render(<App backend={fake} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.type(await screen.findByLabelText("職員番号"), "s001");
  await userEvent.type(screen.getByLabelText("暗証番号"), "1111{Enter}");
  expect(await screen.findByRole("alert")).toHaveTextContent(errors.not_rostered_here);
  expect(fake.actor).toBeNull();

  fake.here = "ekimae";
  await userEvent.type(screen.getByLabelText("暗証番号"), "1111{Enter}");
  expect(await screen.findByTestId("who")).toHaveTextContent("窓口 花子（従事者）");
});

test("a one-site city shows no sites on the roster or the attendance", async () => {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  render(<StaffScreen backend={fake} />);
  await row("S001");
  const attendance = await screen.findByTestId("attendance");
  await waitFor(() => expect(within(attendance).getAllByRole("row")).toHaveLength(2));
  expect(screen.queryByTestId("staff-sites-S001")).toBeNull();
  expect(screen.queryByText("勤務拠点")).toBeNull();
  expect(screen.queryByText("全拠点")).toBeNull();
  expect(within(attendance).queryByRole("columnheader", { name: "拠点" })).toBeNull();
});

test("two sites of which one is closed: nothing to choose, so no editor", async () => {
  const fake = city();
  fake.siteList[1].active = false;
  render(<StaffScreen backend={fake} />);
  await row("S001");
  await waitFor(() => expect(screen.getByTestId("attendance")).toBeInTheDocument());
  expect(screen.queryByTestId("staff-sites-S001")).toBeNull();
});
