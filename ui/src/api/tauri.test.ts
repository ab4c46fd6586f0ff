// The Tauri backend's `reschedule` sends the arguments the command takes: `site` null when not
// given (the booking stays at its site), the site's code when it moves. The planner's commands
// likewise: `site` null for this PC's site's plan, the site's code for another's (saving it as
// PDF/CSV too). A site's pattern: its weekends, and its procedures (null: every one). A holiday
// session or closure: `site` null for every site (全拠点), the site's code for that site only.
// The reservation slip: its number, and the paper ("a6" or "a4").
import { invoke } from "@tauri-apps/api/core";
import { tauriBackend } from "./tauri";

vi.mock("@tauri-apps/api/core", () => ({ invoke: vi.fn(async () => ({})) }));

test("reschedule sends site as null without one, and the site's code with one", async () => {
  await tauriBackend.reschedule("12345678", "2026-12-07", "10:00");
  await tauriBackend.reschedule("12345678", "2026-12-07", "10:15", "ekimae");
  expect(vi.mocked(invoke).mock.calls).toEqual([
    ["reschedule", { number: "12345678", day: "2026-12-07", starts: "10:00", site: null }],
    ["reschedule", { number: "12345678", day: "2026-12-07", starts: "10:15", site: "ekimae" }],
  ]);
});

test("the planner sends site as null without one, and the site's code with one", async () => {
  vi.mocked(invoke).mockClear();
  const a = { takeUpCard: 0.5 } as unknown as Parameters<typeof tauriBackend.setPlanAssumptions>[0];
  await tauriBackend.capacityPlan(null);
  await tauriBackend.capacityPlan(a, "ekimae");
  await tauriBackend.setPlanAssumptions(a);
  await tauriBackend.setPlanAssumptions(a, "ekimae");
  await tauriBackend.savePlan("pdf");
  await tauriBackend.savePlan("csv", "ekimae");
  expect(vi.mocked(invoke).mock.calls).toEqual([
    ["capacity_plan", { whatIf: null, site: null }],
    ["capacity_plan", { whatIf: a, site: "ekimae" }],
    ["set_plan_assumptions", { assumptions: a, site: null }],
    ["set_plan_assumptions", { assumptions: a, site: "ekimae" }],
    ["save_plan", { format: "pdf", site: null }],
    ["save_plan", { format: "csv", site: "ekimae" }],
  ]);
});

test("a site's pattern sends its weekends and its procedures, null for every procedure", async () => {
  vi.mocked(invoke).mockClear();
  await tauriBackend.setSitePattern("ekimae", true, ["certificate_renewal"]);
  await tauriBackend.setSitePattern("main", false, null);
  expect(vi.mocked(invoke).mock.calls).toEqual([
    ["set_site_pattern", { id: "ekimae", weekends: true, procedures: ["certificate_renewal"] }],
    ["set_site_pattern", { id: "main", weekends: false, procedures: null }],
  ]);
});

test("holiday sessions and closures send site as null for every site, and the site's code for one", async () => {
  vi.mocked(invoke).mockClear();
  const closure = { reason: "maintenance" as const, note: "", from: null, until: null };
  await tauriBackend.setHolidaySession("2026-12-05", "休日交付");
  await tauriBackend.setHolidaySession("2026-12-05", null, "ekimae");
  await tauriBackend.setClosure("2026-12-07", closure, null);
  await tauriBackend.setClosure("2026-12-07", null, "ekimae");
  expect(vi.mocked(invoke).mock.calls).toEqual([
    ["set_holiday_session", { day: "2026-12-05", note: "休日交付", site: null }],
    ["set_holiday_session", { day: "2026-12-05", note: null, site: "ekimae" }],
    ["set_closure", { day: "2026-12-07", closure, site: null }],
    ["set_closure", { day: "2026-12-07", closure: null, site: "ekimae" }],
  ]);
});

test("the reservation slip sends the number, and the paper as \"a6\" or \"a4\"", async () => {
  vi.mocked(invoke).mockClear();
  await tauriBackend.reservationSlip("1234-5678");
  await tauriBackend.saveSlip("1234-5678", "a6");
  await tauriBackend.saveSlip("1234-5678", "a4");
  expect(vi.mocked(invoke).mock.calls).toEqual([
    ["reservation_slip", { number: "1234-5678" }],
    ["save_slip", { number: "1234-5678", size: "a6" }],
    ["save_slip", { number: "1234-5678", size: "a4" }],
  ]);
});
