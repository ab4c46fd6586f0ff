// The planner on the fake backend: raising a take-up assumption updates the staffing table and
// the chart at once; saving keeps the assumptions. Per site (拠点): with two serving sites the
// planner picks the site, shows that site's plan and saves that site's assumptions only; a
// one-site city shows no picker; a desk (the call center) or a closed site is never offered, and
// the fake refuses a plan for a desk or an unknown site as core does. The PDF and CSV save the
// plan of the site shown, another site's too.
import { render, screen, waitFor, within } from "@testing-library/react";
import userEvent from "@testing-library/user-event";
import { App } from "../App";
import { FakeBackend } from "../api/fake";
import type { Site } from "../bindings/Site";
import { PlannerScreen } from "./PlannerScreen";

test("a what-if take-up changes the staff and the chart, and is saved on request", async () => {
  const backend = new FakeBackend();
  render(<App backend={backend} />);
  await userEvent.type(await screen.findByLabelText("サイトの合言葉"), "correct horse{Enter}");
  await userEvent.click(await screen.findByRole("link", { name: "体制計画" }));
  const row = async () => (await screen.findByTestId("plan-table")).querySelector("tr[data-month='2026-12']") as HTMLElement;
  const counter = async () => within(await row()).getByText((_, el) => el?.getAttribute("data-col") === "counter").textContent;
  const bar = async () => (await screen.findByTestId("plan-chart")).querySelector("rect")?.getAttribute("data-value");
  expect(await counter()).toBe("5");
  expect(await bar()).toBe("83");

  const field = screen.getByLabelText(/電子証明書の来庁率/);
  await userEvent.clear(field);
  await userEvent.type(field, "90");
  await waitFor(async () => expect(await bar()).toBe("135"));
  expect(await counter()).toBe("7");
  expect(backend.assumptionsAt("main").takeUpCertificate).toBe(0.45);

  await userEvent.click(screen.getByRole("button", { name: "前提を保存" }));
  expect(await screen.findByTestId("plan-message")).toHaveTextContent("保存しました");
  expect(backend.assumptionsAt("main").takeUpCertificate).toBe(0.9);
});

function site(id: string, name: string, kind: Site["kind"], position: number, active = true): Site {
  return { id, name, kind, position, active, day: null, sealed: false, weekends: false, procedures: null };
}

/** A city of `sites`, this PC at `here`, signed in as a manager. */
function city(here: string, ...sites: Site[]): FakeBackend {
  const fake = new FakeBackend(undefined, undefined, "unlocked");
  fake.siteList = sites;
  fake.here = here;
  return fake;
}

/** The plan table's figure in `column` (0-based) for 2026-12, once the table is shown. */
async function cell(column: number): Promise<string | null> {
  const row = (await screen.findByTestId("plan-table")).querySelector("tr[data-month='2026-12']") as HTMLElement;
  return row.querySelectorAll("td")[column].textContent;
}
const PLACES = 4;

test("with two serving sites the planner plans 駅前 on its own, and saving there leaves 本庁舎's assumptions alone", async () => {
  const fake = city("main", site("main", "本庁舎", "counter", 1), site("ekimae", "駅前", "counter", 2), site("call", "コールセンター", "desk", 3), site("old", "旧出張所", "counter", 4, false));
  // 駅前 has a slot plan of its own (4 places a slot: 48 a day against 本庁舎's 24) and its own take-up.
  fake.siteCapacity.set("ekimae", 4);
  fake.siteAssumptions.set("ekimae", { ...fake.assumptions, takeUpCard: 0.2, takeUpCertificate: 0.1 });
  const asked = vi.spyOn(fake, "capacityPlan");
  const saved = vi.spyOn(fake, "savePlan");
  render(<PlannerScreen backend={fake} />);

  // The picker, labelled 拠点, at the top: the serving sites only, starting on this PC's.
  const picker = await screen.findByLabelText("拠点");
  expect(within(picker).getAllByRole("option").map((o) => o.textContent)).toEqual(["本庁舎", "駅前"]);
  expect(picker).toHaveValue("main");
  expect(await screen.findByTestId("plan-heading")).toHaveTextContent("本庁舎の計画");
  await waitFor(async () => expect(await cell(PLACES)).toBe("24"));
  expect(screen.getByLabelText(/電子証明書の来庁率/)).toHaveValue(45);

  // From the keyboard: the picker is the first stop of the screen's Tab order.
  (document.activeElement as HTMLElement | null)?.blur();
  await userEvent.tab();
  expect(picker).toHaveFocus();
  await userEvent.selectOptions(picker, "駅前");
  expect(picker).toHaveValue("ekimae");
  expect(await screen.findByTestId("plan-heading")).toHaveTextContent("駅前の計画");
  await waitFor(async () => expect(await cell(PLACES)).toBe("48"));
  await waitFor(() => expect(screen.getByLabelText(/電子証明書の来庁率/)).toHaveValue(10));
  expect(screen.getByLabelText(/カードの来庁率/)).toHaveValue(20);
  // 駅前's take-up: (0.2 × 700 + 0.1 × 2300) / 20 days = 18.5 a day.
  expect(await cell(2)).toBe("19");
  expect(asked).toHaveBeenCalledWith(null, "ekimae");
  expect(asked.mock.calls.every(([, at]) => at === "main" || at === "ekimae")).toBe(true);

  // A what-if and 保存 at 駅前: 駅前's assumptions change, 本庁舎's do not.
  const field = screen.getByLabelText(/電子証明書の来庁率/);
  await userEvent.clear(field);
  await userEvent.type(field, "30");
  await waitFor(async () => expect(await cell(2)).toBe("42"));
  await userEvent.click(screen.getByRole("button", { name: "前提を保存" }));
  expect(await screen.findByTestId("plan-message")).toHaveTextContent("駅前の前提を保存しました。");
  expect(fake.assumptionsAt("ekimae").takeUpCertificate).toBe(0.3);
  expect(fake.siteAssumptions.has("main")).toBe(false);
  expect(fake.assumptionsAt("main").takeUpCertificate).toBe(0.45);
  // 駅前's plan saves as PDF and CSV too: 駅前's, not this PC's.
  expect(screen.queryByTestId("plan-export-note")).toBeNull();
  await userEvent.click(screen.getByRole("button", { name: /PDF/ }));
  expect(await screen.findByTestId("plan-message")).toHaveTextContent("体制計画_ekimae.pdf");
  expect(saved).toHaveBeenLastCalledWith("pdf", "ekimae");

  // Back at 本庁舎: its own plan and assumptions, untouched.
  await userEvent.selectOptions(picker, "本庁舎");
  expect(await screen.findByTestId("plan-heading")).toHaveTextContent("本庁舎の計画");
  await waitFor(() => expect(screen.getByLabelText(/電子証明書の来庁率/)).toHaveValue(45));
  await waitFor(async () => expect(await cell(PLACES)).toBe("24"));
  expect(screen.queryByTestId("plan-message")).toBeNull();
  await userEvent.click(screen.getByRole("button", { name: /CSV/ }));
  expect(await screen.findByTestId("plan-message")).toHaveTextContent("体制計画_main.csv");
  expect(saved).toHaveBeenLastCalledWith("csv", "main");
  expect(saved).toHaveBeenCalledTimes(2);
});

test("a one-site city shows no site picker and plans this PC's site", async () => {
  const fake = city("main", site("main", "本庁舎", "counter", 1));
  const asked = vi.spyOn(fake, "capacityPlan");
  render(<PlannerScreen backend={fake} />);
  await waitFor(async () => expect(await cell(PLACES)).toBe("24"));
  expect(screen.queryByLabelText("拠点")).toBeNull();
  expect(screen.queryByTestId("plan-site")).toBeNull();
  expect(screen.queryByTestId("plan-heading")).toBeNull();
  expect(asked.mock.calls.every(([, at]) => at === undefined)).toBe(true);
  await userEvent.click(screen.getByRole("button", { name: "前提を保存" }));
  expect(await screen.findByTestId("plan-message")).toHaveTextContent(/^前提を保存しました。$/);
  expect(fake.siteAssumptions.has("main")).toBe(true);
  // Its PDF is this PC's plan: no site is sent.
  const saved = vi.spyOn(fake, "savePlan");
  await userEvent.click(screen.getByRole("button", { name: /PDF/ }));
  expect(await screen.findByTestId("plan-message")).toHaveTextContent("体制計画.pdf");
  expect(saved).toHaveBeenCalledWith("pdf", undefined);
});

test("a desk is never offered: a call-center PC plans the counters, and the fake refuses a desk's plan", async () => {
  // A call-center PC in a city of one counter (and a closed one): no picker, the counter's plan.
  const fake = city("call", site("call", "コールセンター", "desk", 1), site("main", "本庁舎", "counter", 2), site("old", "旧出張所", "counter", 3, false));
  const asked = vi.spyOn(fake, "capacityPlan");
  const { unmount } = render(<PlannerScreen backend={fake} />);
  await waitFor(async () => expect(await cell(PLACES)).toBe("24"));
  expect(screen.queryByLabelText("拠点")).toBeNull();
  expect(asked.mock.calls.length).toBeGreaterThan(0);
  expect(asked.mock.calls.every(([, at]) => at === "main")).toBe(true);
  unmount();

  // With two counters the picker offers them both, starting on the first, and never the desk.
  fake.siteList.push(site("ekimae", "駅前", "counter", 4));
  render(<PlannerScreen backend={fake} />);
  const picker = await screen.findByLabelText("拠点");
  expect(within(picker).getAllByRole("option").map((o) => o.textContent)).toEqual(["本庁舎", "駅前"]);
  expect(picker).toHaveValue("main");
  expect(await screen.findByTestId("plan-heading")).toHaveTextContent("本庁舎の計画");

  // The fake refuses a desk, a closed site and an unknown one as core does.
  for (const at of ["call", "old", "nowhere"]) {
    await expect(fake.capacityPlan(null, at)).rejects.toMatchObject({ code: "invalid_input" });
    await expect(fake.setPlanAssumptions(fake.assumptions, at)).rejects.toMatchObject({ code: "invalid_input" });
    await expect(fake.savePlan("pdf", at)).rejects.toMatchObject({ code: "invalid_input" });
  }
  expect(fake.siteAssumptions.size).toBe(0);
});
