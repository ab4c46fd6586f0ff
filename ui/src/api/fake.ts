// An in-memory Backend for component tests: a small model of the core rules (capacity per
// slot, closures, the follow-up list), not a copy of them. The core's own tests prove the rules.
import type { ConflictView } from "../bindings/ConflictView";
import type { OutreachReadiness } from "../bindings/OutreachReadiness";
import type { SeatRecord } from "../bindings/SeatRecord";
import type { Site } from "../bindings/Site";
import type { SiteKind } from "../bindings/SiteKind";
import type { SiteSection } from "../bindings/SiteSection";
import type { SyncView } from "../bindings/SyncView";
import type { AppError } from "../bindings/AppError";
import type { BookingRules } from "../bindings/BookingRules";
import type { BookPersonRequest } from "../bindings/BookPersonRequest";
import type { BookRequest } from "../bindings/BookRequest";
import type { ApplicantType } from "../bindings/ApplicantType";
import type { CaseInput } from "../bindings/CaseInput";
import type { CheckOutcome } from "../bindings/CheckOutcome";
import type { CityReason } from "../bindings/CityReason";
import type { ReasonKind } from "../bindings/ReasonKind";
import type { Closure } from "../bindings/Closure";
import type { Evaluation } from "../bindings/Evaluation";
import type { IntakeScript } from "../bindings/IntakeScript";
import type { ItemCheck } from "../bindings/ItemCheck";
import type { ReservationChecklist } from "../bindings/ReservationChecklist";
import type { ReservationSlip } from "../bindings/ReservationSlip";
import type { Stage } from "../bindings/Stage";
import type { CaseView } from "../bindings/CaseView";
import type { Reconciliation } from "../bindings/Reconciliation";
import type { VisitState } from "../bindings/VisitState";
import type { VisitStep } from "../bindings/VisitStep";
import type { DayBoard } from "../bindings/DayBoard";
import type { PlanKind } from "../bindings/PlanKind";
import type { PlanSettings } from "../bindings/PlanSettings";
import type { Procedure } from "../bindings/Procedure";
import type { ProcedureBundle } from "../bindings/ProcedureBundle";
import type { ReservationStatus } from "../bindings/ReservationStatus";
import type { ReservationSummary } from "../bindings/ReservationSummary";
import type { SlotPlan } from "../bindings/SlotPlan";
import type { StoreState } from "../bindings/StoreState";
import type { StoreStatus } from "../bindings/StoreStatus";
import { hhmm, today, WIPE_RESUME_WORD, type Backend, type NewStaff, type SlipSize } from "./backend";
import type { Actor } from "../bindings/Actor";
import type { Attendance } from "../bindings/Attendance";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { ComplaintStep } from "../bindings/ComplaintStep";
import type { Inquiry } from "../bindings/Inquiry";
import type { FollowupWhat } from "../bindings/FollowupWhat";
import type { Incident } from "../bindings/Incident";
import type { IncidentMissing } from "../bindings/IncidentMissing";
import type { IncidentStep } from "../bindings/IncidentStep";
import type { NewIncident } from "../bindings/NewIncident";
import type { NewIncidentStep } from "../bindings/NewIncidentStep";
import type { OpenIncident } from "../bindings/OpenIncident";
import type { ImprovementNotice } from "../bindings/ImprovementNotice";
import type { NewImprovementNotice } from "../bindings/NewImprovementNotice";
import type { NewImprovementStep } from "../bindings/NewImprovementStep";
import type { NewWorkLogNote } from "../bindings/NewWorkLogNote";
import type { WorkLog } from "../bindings/WorkLog";
import type { WorkLogDue } from "../bindings/WorkLogDue";
import type { WorkLogNote } from "../bindings/WorkLogNote";
import type { ImprovementStatus } from "../bindings/ImprovementStatus";
import type { ImprovementStep } from "../bindings/ImprovementStep";
import type { ImprovementAlert } from "../bindings/ImprovementAlert";
import type { InquiryStatus } from "../bindings/InquiryStatus";
import type { LentMaterial } from "../bindings/LentMaterial";
import type { NewInquiry } from "../bindings/NewInquiry";
import type { NewLentMaterial } from "../bindings/NewLentMaterial";
import type { Role } from "../bindings/Role";
import type { StaffMember } from "../bindings/StaffMember";
import type { StaffSites } from "../bindings/StaffSites";
import type { DailyReport } from "../bindings/DailyReport";
import type { DayFigures } from "../bindings/DayFigures";
import type { MonthlyReport } from "../bindings/MonthlyReport";
import type { ReportDue } from "../bindings/ReportDue";
import type { ReportKind } from "../bindings/ReportKind";
import type { TimeStats } from "../bindings/TimeStats";
import type { Assumptions } from "../bindings/Assumptions";
import type { CapacityPlan } from "../bindings/CapacityPlan";
import type { Certificate } from "../bindings/Certificate";
import type { PendingWipe } from "../bindings/PendingWipe";
import type { Preflight } from "../bindings/Preflight";
import type { WipeOutcome } from "../bindings/WipeOutcome";
import type { WipePhase } from "../bindings/WipePhase";
import type { WipeProgress } from "../bindings/WipeProgress";
import type { WipeRequest } from "../bindings/WipeRequest";
import type { BandWait } from "../bindings/BandWait";
import type { CallDisplay } from "../bindings/CallDisplay";
import type { DisplayCall } from "../bindings/DisplayCall";
import type { DisplaySettings } from "../bindings/DisplaySettings";
import type { DisplayWindow } from "../bindings/DisplayWindow";
import type { Lamp } from "../bindings/Lamp";
import type { RosterLine } from "../bindings/RosterLine";
import type { RosterChange } from "../bindings/RosterChange";
import type { RosterChanges } from "../bindings/RosterChanges";
import type { RosterSubmission } from "../bindings/RosterSubmission";
import type { RosterSubmissionKind } from "../bindings/RosterSubmissionKind";
import type { StaffDetails } from "../bindings/StaffDetails";
import type { TrainingSession } from "../bindings/TrainingSession";
import type { NewTrainingSession } from "../bindings/NewTrainingSession";
import type { AttendanceMark } from "../bindings/AttendanceMark";
import type { MemberTraining } from "../bindings/MemberTraining";
import type { TrainingFlag } from "../bindings/TrainingFlag";
import reasonTexts from "../locales/ja/reasons.json";
import { MAX_LENGTH, type LimitedField, tooLong } from "../limits";
import type { TrainingReset } from "../bindings/TrainingReset";
import type { TrainingState } from "../bindings/TrainingState";

export const sampleStatus: StoreStatus = {
  meta: {
    storeId: "0193a1b2-0000-7000-8000-000000000000",
    siteName: "テスト市 特設窓口",
    seatName: "窓口1",
    createdAt: "2026-11-22T09:00:00Z",
    kind: "real",
  },
  schemaVersion: 1,
  knownSchemaVersion: 1,
  cipherVersion: "4.10.0 community",
  databaseBytes: 65536,
  counts: { applicants: 40 },
  checklistRules: "fake rules",
  checklistRulesError: null,
};

/** The core's individual-number guard (crates/core/src/my_number.rs), for the fake backend:
 * 12 digits with a valid check digit, in groups joined by spaces, hyphens or dots, any width. */
export function containsIndividualNumber(text: string): boolean {
  const runs = text.normalize("NFKC").split(/[^0-9\s\-‐‑‒–—―−ー.・]/);
  return runs.some((run) => {
    const groups = run.split(/[\s\-‐‑‒–—―−ー.・]+/).filter((g) => g);
    return groups.some((_, start) => {
      let digits = "";
      for (const g of groups.slice(start)) {
        digits += g;
        if (digits.length >= 12) break;
      }
      if (digits.length !== 12) return false;
      const d = [...digits].map(Number);
      const sum = d.slice(0, 11).reverse().reduce((s, x, i) => s + x * (i + 1 <= 6 ? i + 2 : i - 4), 0);
      const r = sum % 11;
      return d[11] === (r <= 1 ? 0 : 11 - r);
    });
  });
}

/** The built-in codes of a reason list (crates/core/src/reason.rs), as reasons.json labels them. */
export function builtInReasons(kind: ReasonKind): string[] {
  const prefix = `reason.${kind}.`;
  return Object.keys(reasonTexts).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
}

/** The core's check of a city reason (`CityReason::check`): a `city_` code of lower-case letters,
 * digits or `_` (at most 40 characters); a label of 1 to 30 characters (longer: `too_long`), with no individual number
 * and at most 3 digits in all (ASCII or full width), since it is printed on reports. */
export function checkCityReason(r: CityReason) {
  const tail = r.code.startsWith("city_") ? r.code.slice(5) : "";
  if (!tail || r.code.length > 40 || !/^[a-z0-9_]+$/.test(tail)) fail("invalid_input", "a city reason code is city_ and lower-case letters, digits or _");
  const label = r.label.trim();
  if (!label) fail("invalid_input", "a reason's label is 1 to 30 characters");
  checkLength("reasonLabel", label);
  if (containsIndividualNumber(label)) fail("individual_number_in_text", "the reason label holds an individual number");
  if ((label.match(/[0-9０-９]/g) ?? []).length > 3) fail("invalid_input", "a reason's label is printed on reports: no numbers in it");
}

/** The core's length limits (crates/core/src/limits.rs): a text longer than its field's limit is
 * refused with `too_long`, before anything is stored. */
export function checkLength(field: LimitedField, ...texts: (string | null | undefined)[]) {
  for (const text of texts) {
    if (text && tooLong(field, text)) fail("too_long", `the ${field} is longer than ${MAX_LENGTH[field]} characters`);
  }
}

/** The length limits of a booking's people and note. */
function checkPeople(people: BookPersonRequest[]) {
  for (const p of people) {
    checkLength("name", p.nameKanji);
    checkLength("kanaName", p.nameKana);
    checkLength("phone", p.phone);
  }
}

/** The core's check of a site name (`site::check_name`): 1–40 characters on one line, trimmed. */
function checkSiteName(name: string): string {
  const trimmed = name.trim();
  if (!trimmed || [...trimmed].length > 40 || /[\r\n]/.test(trimmed)) fail("invalid_input", "a site's name is 1–40 characters on one line");
  return trimmed;
}

/** Every procedure, in core's order (a site's list is kept in this order, as core sorts it). */
const PROCEDURE_ORDER: Procedure[] = ["card_issue", "card_reissue", "details_change", "certificate_issue", "certificate_renewal", "application_support"];

/** Saturday or Sunday. */
function isWeekend(day: string): boolean {
  const w = new Date(`${day}T00:00:00Z`).getUTCDay();
  return w === 0 || w === 6;
}

/** 12/29–1/3, closed everywhere in core's calendar. */
function isYearEnd(day: string): boolean {
  const md = day.slice(5);
  return md >= "12-29" || md <= "01-03";
}

/** Minutes since midnight of "HH:MM" or "HH:MM:SS", and back to "HH:MM:00". */
const minuteOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5));
const timeOf = (minute: number) => `${String(Math.floor(minute / 60)).padStart(2, "0")}:${String(minute % 60).padStart(2, "0")}:00`;

/** A counter or an outreach venue, open: a desk books for others and serves nobody. */
function isBookableSite(site: Site): boolean {
  return site.active && site.kind !== "desk";
}

/** Core's order of holiday sessions and closures: by day, then the city's ('') before a site's code. */
function byDayAndSite(a: { day: string; site: string | null }, b: { day: string; site: string | null }): number {
  const key = (x: { day: string; site: string | null }) => `${x.day}/${x.site ?? ""}`;
  return key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0;
}

function fail(code: string, message: string): never {
  const e: AppError = { code: code as AppError["code"], message };
  throw e;
}

export class FakeBackend implements Backend {
  state: StoreState;
  constructor(
    readonly passphrase = "correct horse",
    readonly status: StoreStatus = sampleStatus,
    initial: StoreState = "locked",
  ) {
    this.state = initial;
  }
  async lockState() {
    // As in the shell: an open store first, then an interrupted wipe, then locked or none.
    const state: StoreState = this.state !== "unlocked" && this.pendingWipe ? "wipe_pending" : this.state;
    return { state, dataDir: "/tmp/madoguchi-test", training: this.status.meta.kind === "training" };
  }
  async unlock(passphrase: string) {
    if (passphrase !== this.passphrase) fail("wrong_passphrase", "wrong passphrase");
    this.state = "unlocked";
    return this.status;
  }
  async storeStatus() {
    if (this.state !== "unlocked") fail("locked", "the store is locked");
    return this.status;
  }
  /** The fake's training day: set by a reset, as core keeps it in `training_state`. */
  training: TrainingState | null = null;
  async trainingState() {
    return this.status.meta.kind === "training" ? this.training : null;
  }
  /** As core's `reset_training_day`: training stores only, manager or deputy. */
  async resetTrainingDay(): Promise<TrainingReset> {
    if (this.status.meta.kind !== "training") fail("not_training_store", "this is not a training store");
    this.manager();
    this.training = { epoch: "0193a1b2-0000-7000-8000-00000000aaaa", resetAt: "2026-11-30T00:00:00Z", day: "2026-10-01" };
    return { state: this.training, bookings: 412, served: 260 };
  }
  async lock() {
    this.state = "locked";
  }

  // Every day 9:00–12:00 open, 15-minute slots, one band of 2 places.
  reservations: ReservationSummary[] = [];
  settings: PlanSettings = {
    regular: { slotMinutes: 15, bands: [{ starts: "09:00:00", ends: "12:00:00", capacity: 2 }] },
    holidaySession: { slotMinutes: 15, bands: [{ starts: "09:00:00", ends: "12:00:00", capacity: 2 }] },
    rules: { daysAhead: 45, minDaysBefore: 0, lateMinutes: 5, oneBookingPerPerson: true },
    procedureMinutes: [
      ["card_issue", 30],
      ["card_reissue", 30],
      ["details_change", 15],
      ["certificate_issue", 15],
      ["certificate_renewal", 15],
      ["application_support", 15],
    ],
    bundles: [
      { procedure: "card_issue", forms: 1, items: ["交付通知書（はがき）", "本人確認記録票"] },
      { procedure: "card_reissue", forms: 1, items: ["再交付申請書", "本人確認記録票"] },
      { procedure: "details_change", forms: 1, items: ["記載事項変更届"] },
      { procedure: "certificate_issue", forms: 1, items: ["電子証明書発行申請書"] },
      { procedure: "certificate_renewal", forms: 1, items: ["電子証明書更新申請書"] },
      { procedure: "application_support", forms: 1, items: ["個人番号カード交付申請書（顔写真貼付）"] },
    ],
    holidaySessions: [],
    closures: [],
    needsFollowUp: [],
  };
  capacityOverrides = new Map<string, number>();
  /** Places a slot at a site whose slot plan differs from the city's (none: the regular plan's). */
  siteCapacity = new Map<string, number>();

  private capacity(day: string, site = this.here): number {
    return this.capacityOverrides.get(day) ?? this.siteCapacity.get(site) ?? this.settings.regular.bands[0].capacity;
  }
  /** Places a day in `site`'s regular slot plan (as core's planner counts them). */
  private placesPerDay(site: string): number {
    const { slotMinutes, bands } = this.settings.regular;
    const minutes = (hms: string) => Number(hms.slice(0, 2)) * 60 + Number(hms.slice(3, 5));
    return bands.reduce((n, b) => n + Math.floor((minutes(b.ends) - minutes(b.starts)) / slotMinutes) * (this.siteCapacity.get(site) ?? b.capacity), 0);
  }

  // Sites: the city's 拠点 and the one this PC works for. Every site has the same plan here (a
  // new site starts with a copy of the first's in core); places and boards are per site.
  siteList: Site[] = [{ id: "main", name: "本庁舎", kind: "counter", position: 1, active: true, day: null, sealed: false, weekends: false, procedures: null }];
  here = "main";
  /** The site of each reservation (by id); one booked before sites were set up is `main`'s. */
  reservationSites = new Map<string, string>();
  /** What each enrolment code was asked for (`hubNewCode`). */
  codeRequests: { seatId?: string; site?: string }[] = [];
  private siteOf(r: ReservationSummary) {
    return this.reservationSites.get(r.id) ?? "main";
  }
  private knownSite(id: string): Site {
    const site = this.siteList.find((x) => x.id === id);
    if (!site) fail("invalid_input", `no site ${id}`);
    return site;
  }
  async sites() {
    return { sites: structuredClone(this.siteList), here: this.here };
  }
  async addSite(id: string, name: string, kind: SiteKind, day?: string | null) {
    this.manager();
    if (!/^[a-z0-9][a-z0-9-]{0,39}$/.test(id)) fail("invalid_input", "a site code is 1–40 lowercase letters, digits or '-'");
    if (!["counter", "desk", "outreach"].includes(kind)) fail("invalid_input", "kind");
    const checked = checkSiteName(name);
    const on = day ?? null;
    if ((kind === "outreach") !== (on !== null)) fail("invalid_input", "an outreach site has its one day, and only an outreach site has one");
    if (on !== null && !/^\d{4}-\d{2}-\d{2}$/.test(on)) fail("invalid_input", "a day is YYYY-MM-DD");
    if (this.siteList.some((x) => x.id === id)) fail("invalid_input", `site ${id} already exists`);
    const position = Math.max(0, ...this.siteList.map((x) => x.position)) + 1;
    const site: Site = { id, name: checked, kind, position, active: true, day: on, sealed: false, weekends: false, procedures: null };
    this.siteList.push(site);
    return structuredClone(site);
  }
  async sealSite(id: string, sealed: boolean) {
    this.manager();
    const site = this.siteList.find((x) => x.id === id);
    if (!site || site.kind !== "outreach") fail("invalid_input", `${id} is not an outreach site`);
    site.sealed = sealed;
    return structuredClone(site);
  }
  /** As core's `check_not_sealed_for`: a sealed outreach site is booked by its own PC only. */
  private checkNotSealed(site: Site) {
    if (site.sealed && site.id !== this.here) fail("not_allowed", `site ${site.id} is sealed for its outreach day: only its own PC books it`);
  }
  /** As core's `outreach_readiness`: null unless this PC's site is an outreach session. The fake
   * keeps one escrow count (`sync.escrowPlaces`); an outreach laptop books its own day only, so
   * that count is the day's. */
  async outreachReadiness(): Promise<OutreachReadiness | null> {
    const site = this.siteList.find((x) => x.id === this.here);
    if (!site || site.kind !== "outreach" || site.day === null) return null;
    const board = await this.dayBoard(site.day, site.id);
    const freePlaces = board.slots.reduce((n, s) => n + Math.max(0, s.capacity - s.taken), 0);
    const { pending, escrowPlaces, lastSync } = this.sync;
    return {
      site: site.id,
      name: site.name,
      day: site.day,
      sealed: site.sealed,
      pending,
      freePlaces,
      escrowPlaces,
      lastSync,
      ready: site.sealed && pending === 0 && escrowPlaces >= freePlaces,
    };
  }
  /** As core's `set_site_pattern`: a serving site only (a desk or an unknown site: `invalid_input`),
   * at least one procedure when a list is given; the list is kept in core's order, each once. */
  async setSitePattern(id: string, weekends: boolean, procedures: Procedure[] | null) {
    this.manager();
    const site = this.siteList.find((x) => x.id === id);
    if (!site) fail("invalid_input", `no site ${id}`);
    if (site.kind === "desk") fail("invalid_input", `site ${id} serves nobody: it has no slot plan`);
    if (procedures !== null && procedures.length === 0) fail("invalid_input", "a site offers at least one procedure");
    if (procedures?.some((p) => !PROCEDURE_ORDER.includes(p))) fail("invalid_input", "not a procedure");
    site.weekends = weekends;
    site.procedures = procedures === null ? null : PROCEDURE_ORDER.filter((p) => procedures.includes(p));
    return structuredClone(site);
  }
  /** As core's `check_site_offers`: a booking at `site` for a procedure it does not offer is refused. */
  private checkOffers(site: Site, procedures: Procedure[]) {
    const missing = site.procedures && procedures.find((p) => !site.procedures!.includes(p));
    if (missing) fail("not_allowed", `site ${site.id} does not offer ${missing}`);
  }
  async changeSite(id: string, name: string, active: boolean) {
    this.manager();
    const checked = checkSiteName(name);
    const site = this.siteList.find((x) => x.id === id);
    if (!site) fail("not_found", "site");
    if (!active && id === this.here && !this.siteList.some((x) => x.id !== id && x.kind === "counter" && x.active)) {
      fail("not_allowed", "the city's only open counter site cannot be closed");
    }
    site.name = checked;
    site.active = active;
    return structuredClone(site);
  }

  /** The sites each member of the counter staff works at (no entry: every site). */
  staffSiteMap = new Map<string, string[]>();
  async staffSites(): Promise<StaffSites[]> {
    return [...this.staffSiteMap].sort(([a], [b]) => a.localeCompare(b)).map(([code, sites]) => ({ code, sites: [...sites] }));
  }
  async setStaffSites(code: string, sites: string[]): Promise<StaffSites> {
    this.manager();
    if (!this.roster.some((m) => m.code === code)) fail("not_found", "staff member");
    for (const id of sites) this.knownSite(id);
    const sorted = [...new Set(sites)].sort();
    if (sorted.length) this.staffSiteMap.set(code, sorted);
    else this.staffSiteMap.delete(code);
    return { code, sites: [...sorted] };
  }

  /** The fake's calendar opens every day; with this set, Saturdays and Sundays close (`weekend`)
   * except at a site that opens on weekends, as in core. */
  closedOnWeekends = false;
  async dayBoard(day: string, site?: string): Promise<DayBoard> {
    const { id: at, day: only, weekends } = this.knownSite(site ?? this.here);
    // An outreach site opens on its own day only (core: `site_day_status_in`).
    if (only !== null && only !== day) {
      return { day, status: { kind: "closed", reason: { kind: "not_its_day" } }, bands: [], slots: [], reservations: this.on(day, at) };
    }
    const closure = this.closureAt(day, at)?.closure ?? null;
    if (closure && closure.from === null && closure.until === null) {
      return { day, status: { kind: "closed", reason: { kind: "closure", closure } }, bands: [], slots: [], reservations: this.on(day, at) };
    }
    // A site that opens on weekends (core: `weekend_site_day`): a Saturday or Sunday opens with
    // the holiday-session plan, except at the year end.
    if (only === null && isWeekend(day) && (weekends || this.closedOnWeekends)) {
      if (!weekends) return { day, status: { kind: "closed", reason: { kind: "weekend" } }, bands: [], slots: [], reservations: this.on(day, at) };
      if (isYearEnd(day)) return { day, status: { kind: "closed", reason: { kind: "year_end" } }, bands: [], slots: [], reservations: this.on(day, at) };
      return this.holidaySessionBoard(day, at, closure);
    }
    const slots = Array.from({ length: 12 }, (_, i) => {
      const starts = `${String(9 + Math.floor(i / 4)).padStart(2, "0")}:${String((i % 4) * 15).padStart(2, "0")}:00`;
      const taken = this.on(day, at).filter((r) => r.starts === starts && holdsPlace(r.status)).length;
      return { starts, capacity: this.capacity(day, at), taken };
    });
    const band = { ...this.settings.regular.bands[0], capacity: this.capacity(day, at) };
    return {
      day,
      status: { kind: "open", opens: "09:00:00", closes: "12:00:00", session: "regular", closure },
      bands: [band],
      slots,
      reservations: this.on(day, at),
    };
  }
  /** `day` at `site` with the holiday-session plan: its bands and their slots. */
  private holidaySessionBoard(day: string, at: string, closure: Closure | null): DayBoard {
    const { slotMinutes, bands } = this.settings.holidaySession;
    const capacity = (b: { capacity: number }) => this.capacityOverrides.get(day) ?? b.capacity;
    const slots = bands.flatMap((b) => {
      const out = [];
      for (let m = minuteOf(b.starts); m + slotMinutes <= minuteOf(b.ends); m += slotMinutes) {
        const starts = timeOf(m);
        const taken = this.on(day, at).filter((r) => r.starts === starts && holdsPlace(r.status)).length;
        out.push({ starts, capacity: capacity(b), taken });
      }
      return out;
    });
    return {
      day,
      status: {
        kind: "open",
        opens: bands.length ? timeOf(minuteOf(bands[0].starts)) : "09:00:00",
        closes: bands.length ? timeOf(minuteOf(bands[bands.length - 1].ends)) : "09:00:00",
        session: "holiday_session",
        closure,
      },
      bands: bands.map((b) => ({ starts: timeOf(minuteOf(b.starts)), ends: timeOf(minuteOf(b.ends)), capacity: capacity(b) })),
      slots,
      reservations: this.on(day, at),
    };
  }
  /** The reservations of `day`, at `site` or (none given) at every site. */
  private on(day: string, site?: string) {
    return this.reservations.filter((r) => r.day === day && (site === undefined || this.siteOf(r) === site));
  }
  async book(request: BookRequest): Promise<ReservationSummary> {
    checkPeople(request.people);
    checkLength("bookingNote", request.notes);
    const site = this.knownSite(request.site ?? this.here);
    if (!isBookableSite(site)) fail("invalid_input", `site ${site.id} takes no bookings`);
    this.checkNotSealed(site);
    this.checkOffers(site, request.people.flatMap((p) => p.procedures));
    const board = await this.dayBoard(request.day, site.id);
    if (board.status.kind === "closed") fail("day_closed", "closed");
    const slot = board.slots.find((s) => hhmm(s.starts) === hhmm(request.starts));
    if (!slot || slot.taken >= slot.capacity) fail("slot_full", "full");
    const r = this.add(request.day, slot.starts, request.channel, "booked", request.people, request.notes, site.id);
    for (const i of request.intake ?? []) this.cases.set(`${r.number}/${i.position}/phone`, { facts: i.facts, marks: i.marks, documents: {} });
    return r;
  }
  private add(day: string, starts: string, channel: ReservationSummary["channel"], status: ReservationStatus, people: BookPersonRequest[], notes: string, site = this.here) {
    const n = this.reservations.length;
    const r: ReservationSummary = {
      id: `id-${n}`,
      number: `1000-${String(n).padStart(4, "0")}`,
      day,
      starts,
      slots: 1,
      channel,
      status,
      notes,
      checkedInAt: status === "booked" ? null : `${day}T09:00:00`,
      late: false,
      provisional: false,
      people: people.map((p) => ({
        nameKanji: p.nameKanji,
        nameKana: p.nameKana,
        phone: p.phone ?? null,
        applicantType: p.applicantType,
        procedures: p.procedures,
      })),
    };
    this.reservations.push(r);
    this.reservationSites.set(r.id, site);
    return r;
  }
  async walkIn(people: BookPersonRequest[]) {
    checkPeople(people);
    const day = today();
    const board = await this.dayBoard(day);
    const free = board.slots.find((s) => s.taken < s.capacity);
    return this.add(day, free?.starts ?? "09:00:00", "walk_in", free ? "checked_in" : "queued", people, "");
  }
  /** As core's `move_booking`: within its site, or with `site` to another one (a booked
   * reservation only, to a site that serves: open, and not a desk). */
  async reschedule(number: string, day: string, starts: string, site?: string) {
    const r = this.find(number);
    const from = this.siteOf(r);
    this.checkNotSealed(this.knownSite(from));
    const to = site === undefined ? from : site;
    const moves = to !== from;
    if (moves) {
      const target = this.siteList.find((x) => x.id === to);
      if (target) this.checkNotSealed(target);
      if (r.status !== "booked") fail("not_allowed", `a reservation that is ${r.status} stays at its site`);
      if (!target || !target.active) fail("invalid_input", `no open site ${to}`);
      if (!isBookableSite(target)) fail("invalid_input", `site ${to} books for others and serves nobody`);
      this.checkOffers(target, r.people.flatMap((p) => p.procedures));
    }
    const board = await this.dayBoard(day, to);
    if (moves && board.status.kind === "closed") fail("day_closed", "closed");
    const slot = board.slots.find((s) => hhmm(s.starts) === hhmm(starts));
    if (!slot || slot.taken >= slot.capacity) fail("slot_full", "full");
    r.day = day;
    r.starts = slot.starts;
    if (r.status === "queued") r.status = "checked_in";
    if (moves) this.reservationSites.set(r.id, to);
    return r;
  }
  async search(query: string) {
    const q = query.replace(/[-\s]/g, "");
    return this.reservations.filter((r) => r.number.replace("-", "") === q || r.people.some((p) => p.phone === q || p.nameKana.startsWith(query)));
  }
  private find(number: string) {
    const r = this.reservations.find((x) => x.number === number);
    if (!r) fail("not_found", "reservation not found");
    return r;
  }
  async setReservationStatus(number: string, status: ReservationStatus) {
    const r = this.find(number);
    r.status = status;
    if (status === "checked_in") {
      r.checkedInAt = `${r.day}T09:00:00`;
      r.people.forEach((p, position) =>
        this.caseList.push({
          number, position, nameKana: p.nameKana, procedures: p.procedures, state: "waiting", starts: r.starts, late: false,
          seatNo: null, handedTo: null, handedToName: null, checkedInAt: `${r.day}T09:00:00`, calledAt: null, handedAt: null,
          waitingMinutes: 0, serviceMinutes: null, endReason: "", endCode: "",
          bundleItems: this.bundleItems(p.procedures),
        }),
      );
    }
    return r;
  }

  // Cases: the workflow's happy path and its main refusals, enough to drive the screens.
  caseList: CaseView[] = [];
  formCounts = new Map<string, { count: number; code: string; note: string }>();
  /** The codes the city added to the reason lists (`set_city_reasons`). */
  cityReasonList: CityReason[] = [];
  /** As core's `reason::check_code`: a built-in code or an active city one of that list. */
  private checkReasonCode(kind: ReasonKind, code: string) {
    const known = builtInReasons(kind).includes(code) || this.cityReasonList.some((r) => r.kind === kind && r.code === code && r.active);
    if (!known) fail("invalid_input", `not a code of the ${kind} list`);
  }
  async cityReasons() {
    return structuredClone(this.cityReasonList);
  }
  async setCityReasons(reasons: CityReason[]) {
    this.manager();
    const seen = new Set<string>();
    for (const r of reasons) {
      checkCityReason(r);
      if (seen.has(`${r.kind}/${r.code}`)) fail("invalid_input", `reason code ${r.code} twice`);
      seen.add(`${r.kind}/${r.code}`);
    }
    for (const old of this.cityReasonList) {
      if (!seen.has(`${old.kind}/${old.code}`)) fail("not_allowed", `reason code ${old.code} was in use: retire it instead of removing it`);
    }
    this.cityReasonList = structuredClone(reasons);
  }
  async casesOn(day: string) {
    return this.caseList.filter((c) => this.find(c.number).day === day);
  }
  async callNext(seatNo: number) {
    const next = this.caseList.find((c) => c.state === "waiting");
    return next ? this.visitStep(next.number, next.position, { step: "call", seat_no: seatNo }) : null;
  }
  async visitStep(number: string, position: number, step: VisitStep) {
    const c = this.caseList.find((x) => x.number === number && x.position === position);
    if (!c) fail("not_found", "case");
    const to = (s: VisitState) => {
      c.state = s;
      return c;
    };
    const ready = this.outcomes.get(`${number}/${position}`)?.outcome === "ready";
    switch (step.step) {
      case "call":
        if (c.state !== "waiting") break;
        c.seatNo = step.seat_no;
        c.calledAt = "2026-12-01T10:00:00";
        this.callOrder.set(`${number}/${position}`, this.callOrder.size + 1);
        return to("called");
      case "verify_checklist":
        if (c.state === "called" && ready) return to("checklist_verified");
        break;
      case "check_forms":
        if (c.state === "checklist_verified") return to("forms_checked");
        break;
      case "prepare_bundle":
        checkLength("bundleDocument", ...step.items);
        if (c.state === "forms_checked" && c.bundleItems.every((i) => step.items.includes(i))) return to("bundle_prepared");
        break;
      case "hand_over":
        if (c.state === "bundle_prepared" && this.roster.some((m) => m.code === step.to && m.role === "city_staff")) {
          c.handedTo = step.to;
          c.handedToName = this.roster.find((m) => m.code === step.to)!.name;
          c.handedAt = "2026-12-01T10:20:00";
          return to("handed_over");
        }
        break;
      case "acknowledge":
        if (c.state === "handed_over" && step.by === c.handedTo) return to("acknowledged");
        break;
      case "complete":
        if (c.state === "acknowledged") return to("completed");
        break;
      case "revisit":
      case "cancel":
        checkLength("reasonWords", step.reason);
        if (containsIndividualNumber(step.reason)) fail("individual_number_in_text", `the ${step.step} reason holds an individual number`);
        if (step.code) this.checkReasonCode(step.step, step.code);
        if (["waiting", "called", "checklist_verified", "forms_checked", "bundle_prepared"].includes(c.state) && (step.code || step.reason.trim())) {
          c.endReason = step.reason;
          c.endCode = step.code ?? "other";
          return to(step.step === "revisit" ? "revisit" : "cancelled");
        }
        break;
      case "return_items":
        checkLength("bundleDocument", ...step.items);
        checkLength("returnNote", step.note);
        if (c.state === "handed_over" || c.state === "acknowledged") return to("bundle_prepared");
        break;
    }
    fail("not_allowed", `cannot ${step.step} a case that is ${c.state}`);
  }
  async caseHistory() {
    return [];
  }
  async reconcile(day: string): Promise<Reconciliation> {
    const handed = (await this.casesOn(day)).filter((c) => c.handedAt);
    const entered = this.formCounts.get(day);
    const recorded = handed.reduce((n, c) => n + c.procedures.length, 0);
    return {
      day,
      counted: entered?.count ?? null,
      recorded,
      difference: entered ? entered.count - recorded : null,
      noteCode: entered?.code ?? "",
      note: entered?.note ?? "",
      cases: handed.map((c) => [c.number, c.position, c.procedures.length]),
      unacknowledged: handed.filter((c) => c.state === "handed_over"),
    };
  }
  async setFormCount(day: string, count: number, code: string | null, note: string) {
    checkLength("reasonWords", note);
    if (containsIndividualNumber(note)) fail("individual_number_in_text", "the form-count note holds an individual number");
    if (code !== null) this.checkReasonCode("form_difference", code);
    // Words alone count as "other"; no words and no code: none (as core stores it).
    this.formCounts.set(day, { count, code: code ?? (note.trim() ? "other" : ""), note });
    return this.reconcile(day);
  }
  async planSettings() {
    return structuredClone(this.settings);
  }
  /** The closure of `day` at `site`: the site's own, else the city's (as core's site calendar:
   * a site's closure of a day replaces the city's of that day there). */
  private closureAt(day: string, site: string) {
    const of = this.settings.closures.filter((c) => c.day === day);
    return of.find((c) => c.site === site) ?? of.find((c) => c.site === null);
  }
  /** As core's `check_bookable_site` for a site's own holiday session or closure: an open
   * counter or outreach venue (a desk, a closed or an unknown site: `invalid_input`). */
  private checkServingSite(id: string) {
    const site = this.siteList.find((x) => x.id === id);
    if (!site || !isBookableSite(site)) fail("invalid_input", `no open site ${id} that serves`);
  }
  /** Bookings on `day` beyond its capacity (latest first out), as the core lists them. */
  private overbooked(day: string): ReservationSummary[] {
    const closure = this.closureAt(day, this.here);
    const cap = closure ? 0 : this.capacity(day);
    const bySlot = new Map<string, ReservationSummary[]>();
    for (const r of this.on(day).filter((x) => holdsPlace(x.status))) bySlot.set(r.starts, [...(bySlot.get(r.starts) ?? []), r]);
    return [...bySlot.values()].flatMap((rs) => rs.slice(cap));
  }
  async setSlotPlan(kind: PlanKind, plan: SlotPlan) {
    if (kind === "regular") this.settings.regular = plan;
    else this.settings.holidaySession = plan;
    return [...new Set(this.reservations.map((r) => r.day))].flatMap((d) => this.overbooked(d));
  }
  async setCapacity(day: string, _bandStarts: string, capacity: number | null) {
    if (capacity === null) this.capacityOverrides.delete(day);
    else this.capacityOverrides.set(day, capacity);
    return this.overbooked(day);
  }
  /** A holiday session of `day` at `site` (none: every site); one row per day and site, the
   * city's first, removing takes away that day's and that site's row only (as core). */
  async setHolidaySession(day: string, note: string | null, site?: string | null) {
    const at = site ?? null;
    if (at !== null) this.checkServingSite(at);
    checkLength("sessionNote", note);
    this.settings.holidaySessions = this.settings.holidaySessions.filter((s) => !(s.day === day && s.site === at));
    if (note !== null) {
      this.settings.holidaySessions.push({ day, site: at, note });
      this.settings.holidaySessions.sort(byDayAndSite);
    }
    return [];
  }
  /** A closure of `day` at `site` (none: every site), beside the others of that day. The bookings
   * it hits are those holding a place: every site's for the city's closure, the site's for its own. */
  async setClosure(day: string, closure: Closure | null, site?: string | null) {
    const at = site ?? null;
    if (at !== null) this.checkServingSite(at);
    checkLength("closureNote", closure?.note);
    this.settings.closures = this.settings.closures.filter((c) => !(c.day === day && c.site === at));
    if (closure === null) return [];
    const affected = this.on(day, at ?? undefined).filter((r) => holdsPlace(r.status));
    this.settings.closures.push({
      day,
      site: at,
      closure,
      recordedAt: "2026-11-24T01:00:00Z",
      affected: affected.map((reservation) => ({ reservation, needsCall: true })),
    });
    this.settings.closures.sort(byDayAndSite);
    return affected;
  }
  async setBookingRules(rules: BookingRules) {
    if (rules.daysAhead < 1) fail("invalid_input", "days ahead must be 1 to 366");
    this.settings.rules = rules;
  }
  cases = new Map<string, Recorded>();
  outcomes = new Map<string, CheckOutcome>();
  async intakeScript(_procedures: Procedure[], _type: ApplicantType, facts: Record<string, boolean>, _day: string): Promise<IntakeScript> {
    const visits = fakeVisits(facts);
    return {
      facts: FAKE_FACTS,
      items: FAKE_ITEMS.map((i) => ({ item: i.item, question: `${i.label}をお持ちですか？`, explain: i.explain, kind: i.kind })),
      visits,
      say: visits.reasons.flatMap((r) => [r.say, r.reason]),
      bring: FAKE_ITEMS.map((i) => i.label),
      rulesVersion: "fake",
      on: "2026-12-07",
    };
  }
  async checklist(number: string): Promise<ReservationChecklist> {
    const reservation = this.find(number);
    const script = await this.intakeScript([], "self", {}, "2026-12-01");
    return {
      reservation,
      revisitOf: null,
      documents: FAKE_DOCUMENTS,
      people: reservation.people.map((p, position) => {
        const phone = this.cases.get(`${number}/${position}/phone`);
        const counter = this.cases.get(`${number}/${position}/counter`) ?? { facts: phone?.facts ?? {}, marks: {}, documents: {} };
            const counterInput = { procedures: p.procedures, applicantType: p.applicantType, ...counter };
        return {
          position,
          nameKana: p.nameKana,
          applicantType: p.applicantType,
          procedures: p.procedures,
          phone: phone ? fakeEvaluate(phone, "phone") : null,
          counterInput,
          counter: fakeEvaluate(counter, "counter"),
          carriedOver: false,
          outcome: this.outcomes.get(`${number}/${position}`) ?? null,
          script,
        };
      }),
    };
  }
  async recordChecklist(number: string, position: number, stage: Stage, input: CaseInput) {
    this.cases.set(`${number}/${position}/${stage}`, { facts: input.facts, marks: input.marks, documents: input.documents });
    return this.checklist(number);
  }
  async recordCheckOutcome(number: string, position: number, outcome: CheckOutcome) {
    const current = (await this.checklist(number)).people[position];
    if (outcome.outcome === "ready" && !current.counter.ready) fail("not_allowed", "items still missing");
    if (outcome.outcome === "revisit") {
      checkLength("reasonWords", outcome.reason);
      // As core's `reason::check`: words free of individual numbers, a known code, or words alone.
      if (containsIndividualNumber(outcome.reason)) fail("individual_number_in_text", "the revisit reason holds an individual number");
      if (outcome.code !== undefined) this.checkReasonCode("revisit", outcome.code);
      else if (!outcome.reason.trim()) fail("invalid_input", "a revisit reason needs a code");
    }
    this.outcomes.set(`${number}/${position}`, outcome);
    return this.checklist(number);
  }
  async setProcedureMinutes(procedure: Procedure, minutes: number) {
    this.settings.procedureMinutes = this.settings.procedureMinutes.map(([p, m]) => [p, p === procedure ? minutes : m]);
  }
  async setProcedureBundle(bundle: ProcedureBundle) {
    const items = bundle.items.map((i) => i.trim()).filter(Boolean);
    checkLength("bundleDocument", ...items);
    if (items.length === 0 || bundle.forms > 10) fail("invalid_input", "bundle");
    this.settings.bundles = this.settings.bundles.map((b) => (b.procedure === bundle.procedure ? { ...bundle, items } : b));
  }
  /** The city's documents for these procedures, each once. */
  bundleItems(procedures: Procedure[]): string[] {
    const items = this.settings.bundles.filter((b) => procedures.includes(b.procedure)).flatMap((b) => b.items);
    return [...new Set(items)];
  }
  /** The fake store's clock: a fixed morning. */
  async now() {
    return `${today()}T10:00:00`;
  }

  // People: a small roster with known PINs; the manager is signed in unless a test signs out.
  roster: (StaffMember & { pin: string })[] = [
    { code: "M001", name: "管理 一郎", role: "manager", active: true, lockedUntil: null, pin: "1234" },
    { code: "S001", name: "窓口 花子", role: "staff", active: true, lockedUntil: null, pin: "1111" },
    { code: "C001", name: "市役所 田中", role: "city_staff", active: true, lockedUntil: null, pin: "2222" },
  ];
  actor: Actor | null = { kind: "staff", code: "M001", name: "管理 一郎", role: "manager" };
  audit: AuditEntry[] = [];
  inquiryList: Inquiry[] = [];
  lent: LentMaterial[] = [];
  private member(code: string, pin: string) {
    const m = this.roster.find((r) => r.code === code && r.active);
    if (!m || m.pin !== pin) fail("wrong_pin", "wrong pin");
    return m;
  }
  private manager() {
    if (!this.actor) fail("not_signed_in", "signed out");
    if (this.actor.kind === "staff" && !["manager", "deputy"].includes(this.actor.role)) fail("forbidden", "role");
  }
  async cityStaffStep(number: string, position: number, step: VisitStep, code: string, pin: string) {
    const m = this.member(code, pin);
    if (m.role !== "city_staff") fail("forbidden", "city staff only");
    return this.visitStep(number, position, step.step === "acknowledge" ? { step: "acknowledge", by: code } : step);
  }
  async signedIn() {
    return this.actor;
  }
  async signIn(code: string, pin: string) {
    const m = this.member(code, pin);
    // Counter staff work only where they are rostered (no failure counted, as in core).
    const rostered = this.staffSiteMap.get(m.code);
    if (m.role === "staff" && rostered && !rostered.includes(this.here)) fail("not_rostered_here", `${m.code} does not work at ${this.here}`);
    this.actor = { kind: "staff", code: m.code, name: m.name, role: m.role };
    return this.actor;
  }
  async signOut() {
    this.actor = null;
  }
  async rosterIsEmpty() {
    return this.roster.length === 0;
  }
  async staff(): Promise<StaffMember[]> {
    return this.roster.map(({ pin: _pin, ...m }) => m);
  }
  async addStaff(member: NewStaff) {
    this.manager();
    checkLength("name", member.name.trim());
    if (this.roster.some((r) => r.code === member.code)) fail("not_allowed", "exists");
    if (!/^\d{4,8}$/.test(member.pin)) fail("invalid_input", "pin");
    // The security gate, as in core: a member a signed-in manager adds untrained is inactive.
    const gated = this.actor?.kind === "staff" && member.role !== "city_staff" && this.lacksSecurity(member.code);
    this.roster.push({ ...member, active: !gated, lockedUntil: null });
    return (await this.staff()).find((m) => m.code === member.code)!;
  }
  async updateStaff(code: string, role: Role, active: boolean) {
    this.manager();
    const m = this.roster.find((r) => r.code === code)!;
    if (active && !m.active && role !== "city_staff" && this.actor?.kind === "staff" && this.lacksSecurity(code)) {
      fail("security_training_missing", `${code} has no valid security training`);
    }
    Object.assign(m, { role, active });
    return (await this.staff()).find((x) => x.code === code)!;
  }
  async resetPin(code: string, pin: string) {
    this.manager();
    this.roster.find((r) => r.code === code)!.pin = pin;
    return (await this.staff()).find((x) => x.code === code)!;
  }
  async attendance(): Promise<Attendance[]> {
    this.manager();
    return [{ code: "M001", name: "管理 一郎", role: "manager", seat: "窓口1", site: this.here, signedInAt: `${today()}T08:45:00`, signedOutAt: null, endedBy: null }];
  }
  async attendanceCsv() {
    return "\ufeff職員番号,氏名\r\nM001,管理 一郎\r\n";
  }
  async auditTrail() {
    this.manager();
    return this.audit;
  }
  async verifyAudit() {
    this.manager();
    return { entries: this.audit.length, chains: 1, problems: [], head: "ab".repeat(32) };
  }
  async recordInquiry(inquiry: NewInquiry) {
    checkLength("inquirySummary", inquiry.summary);
    checkLength("inquiryOutcome", inquiry.outcome);
    if (!inquiry.summary.trim()) fail("invalid_input", "summary");
    const status: InquiryStatus = inquiry.kind === "complaint" ? "received" : inquiry.referred ? "referred" : "answered";
    const record: Inquiry = {
      id: `inq-${this.inquiryList.length}`, kind: inquiry.kind, channel: inquiry.channel, category: inquiry.category,
      receivedAt: `${today()}T10:00:00`, minutes: inquiry.minutes, summary: inquiry.summary, outcome: inquiry.outcome,
      status, takenBy: this.actor?.kind === "staff" ? this.actor.code : "site", seat: "窓口1", steps: [],
    };
    this.inquiryList.unshift(record);
    return record;
  }
  async complaintStep(id: string, step: ComplaintStep, note: string) {
    checkLength("complaintStepNote", note);
    const c = this.inquiryList.find((i) => i.id === id)!;
    const next: Partial<Record<ComplaintStep, InquiryStatus>> = {
      respond: "responding", escalate_manager: "escalated_manager", escalate_city: "escalated_city", resolve: "resolved",
    };
    if (c.status === "resolved" || !note.trim()) fail("not_allowed", "step");
    if (step === "resolve") this.manager();
    c.status = next[step] ?? c.status;
    c.steps.push({ at: `${today()}T10:05:00`, step, note, staff: "M001" });
    return c;
  }
  async inquiries() {
    return this.inquiryList;
  }
  // Incidents (事故・トラブル): a small model of core's rules (store/paperwork/incident.rs): staff
  // open them and take notes and immediate actions; the rest needs the manager or deputy; closing
  // lists what is missing.
  incidentList: Incident[] = [];
  private staffOrManager() {
    if (!this.actor) fail("not_signed_in", "signed out");
    if (this.actor.kind === "staff" && this.actor.role === "city_staff") fail("forbidden", "report_incident");
  }
  private incidentOf(id: string): Incident {
    this.staffOrManager();
    const i = this.incidentList.find((x) => x.id === id);
    if (!i) fail("not_found", "incident");
    return i;
  }
  private incidentMissing(i: Incident): IncidentMissing[] {
    if (i.status === "closed") return [];
    const taken = new Set<IncidentStep>();
    for (const s of i.steps) {
      if (s.step === "reopen") {
        const reported = taken.has("first_report");
        taken.clear();
        if (reported) taken.add("first_report");
      } else taken.add(s.step);
    }
    const missing: IncidentMissing[] = [];
    if (!taken.has("first_report")) missing.push("first_report");
    if (!taken.has("cause")) missing.push("cause");
    if (!taken.has("measure")) missing.push("measure");
    if (i.category === "personal_data") {
      if (!taken.has("written_report")) missing.push("written_report");
      if (!taken.has("follow_up_report")) missing.push("follow_up_report");
    }
    if (i.followups.some((f) => !f.doneOn)) missing.push("open_followups");
    return missing;
  }
  private incidentCopy(i: Incident, words = true): Incident {
    const copy: Incident = { ...i, steps: i.steps.map((s) => ({ ...s, words: words ? s.words : null })), followups: i.followups.map((f) => ({ ...f })) };
    if (!words) copy.description = null;
    copy.missing = this.incidentMissing(i);
    return copy;
  }
  // Roster papers and training records (docs/design/paperwork.md §3.1, §3.2).
  details = new Map<string, StaffDetails>();
  submissions: RosterSubmission[] = [];
  sessions: TrainingSession[] = [];
  private lastSecurityPass(code: string, asOf = today()): string | null {
    const days = this.sessions
      .filter((s) => !s.cancelled && s.session.topic === "privacy_security" && s.session.heldOn <= asOf)
      .filter((s) => s.attendance.some((a) => a.staffCode === code && a.attended && a.result === "passed"))
      .map((s) => s.session.heldOn)
      .sort();
    return days.at(-1) ?? null;
  }
  private static plusMonths(day: string, months: number): string {
    const [y, m, d] = day.split("-").map(Number);
    const t = new Date(Date.UTC(y, m - 1 + months, d));
    return t.toISOString().slice(0, 10);
  }
  private lacksSecurity(code: string): boolean {
    const passed = this.lastSecurityPass(code);
    return passed === null || FakeBackend.plusMonths(passed, 12) < today();
  }
  private rosterLines(asOf: string): RosterLine[] {
    const order = { manager: 0, deputy: 1, staff: 2, city_staff: 3 } as const;
    const lines: RosterLine[] = [];
    for (const m of [...this.roster].sort((a, b) => order[a.role] - order[b.role] || a.code.localeCompare(b.code))) {
      if (m.role === "city_staff") continue;
      const d = this.details.get(m.code);
      const from = d?.assignedFrom ?? null;
      const until = d?.assignedUntil ?? null;
      if (until && until < asOf) continue;
      if (!from && !m.active) continue;
      const boss = m.role === "manager" || m.role === "deputy";
      lines.push({
        code: m.code, name: m.name, role: m.role, duties: d?.duties ?? [], sites: this.staffSiteMap.get(m.code) ?? [],
        assignedFrom: from, assignedUntil: until, employment: d?.employment ?? null,
        experience: boss ? (d?.experience ?? "") : "", pledgeOn: d?.pledgeOn ?? null,
        securityPassedOn: this.lastSecurityPass(m.code, asOf), planned: !!from && from > asOf,
        managerRequirements: boss && (!d || d.employment !== "regular" || !d.experience.trim()),
      });
    }
    return [...lines.filter((l) => !l.planned), ...lines.filter((l) => l.planned)];
  }
  async staffRoster(asOf: string) {
    this.manager();
    return this.rosterLines(asOf);
  }
  async staffDetails(code: string): Promise<StaffDetails> {
    this.manager();
    return this.details.get(code) ?? { code, assignedFrom: null, assignedUntil: null, employment: "regular", duties: [], experience: "", experienceYears: null, pledgeOn: null };
  }
  async setStaffDetails(details: StaffDetails) {
    this.manager();
    checkLength("staffExperience", details.experience);
    if (details.assignedFrom && details.assignedUntil && details.assignedUntil < details.assignedFrom) fail("invalid_input", "dates");
    this.details.set(details.code, { ...details, experience: details.experience.trim() });
    return this.details.get(details.code)!;
  }
  async rosterChanges(asOf: string): Promise<RosterChanges> {
    this.manager();
    const now = this.rosterLines(asOf).filter((l) => !l.planned);
    const last = this.submissions[0];
    const before = (last?.lines ?? []).filter((l) => !l.planned);
    const changes: RosterChange[] = [];
    const base = { previousRole: null, effectiveOn: null, fields: [] as string[] };
    for (const l of now) {
      const b = before.find((x) => x.code === l.code);
      if (!b) { changes.push({ ...base, kind: "joined", code: l.code, name: l.name, role: l.role, effectiveOn: l.assignedFrom }); continue; }
      if (b.role !== l.role) changes.push({ ...base, kind: "role_changed", code: l.code, name: l.name, role: l.role, previousRole: b.role });
      const fields = (["name", "duties", "sites", "employment", "assignedFrom", "assignedUntil"] as const)
        .filter((f) => JSON.stringify(b[f]) !== JSON.stringify(l[f]))
        .map((f) => f.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`));
      if (fields.length) changes.push({ ...base, kind: "changed", code: l.code, name: l.name, role: l.role, fields });
    }
    for (const b of before) {
      if (!now.some((l) => l.code === b.code)) changes.push({ ...base, kind: "left", code: b.code, name: b.name, role: b.role, effectiveOn: this.details.get(b.code)?.assignedUntil ?? null });
    }
    const rank = { joined: 0, left: 1, role_changed: 2, changed: 3 } as const;
    changes.sort((a, b) => rank[a.kind] - rank[b.kind]);
    return { asOf, sinceId: last?.id ?? null, sinceOn: last?.submittedOn ?? null, changes };
  }
  async recordRosterSubmission(asOf: string, submittedOn: string, kind: RosterSubmissionKind | null) {
    this.manager();
    if (submittedOn < asOf) fail("invalid_input", "submitted before its day");
    const s: RosterSubmission = {
      id: `sub-${this.submissions.length + 1}`, kind: kind ?? (this.submissions.length ? "change" : "initial"), asOf, submittedOn,
      lines: this.rosterLines(asOf), recordedBy: this.actorCode(), recordedAt: `${today()}T10:00:00`,
    };
    this.submissions.unshift(s);
    return s;
  }
  async rosterSubmissions() {
    this.manager();
    return this.submissions;
  }
  async saveRoster(asOf: string, format: "pdf" | "csv") {
    this.manager();
    return `/tmp/madoguchi-test/reports/従事者名簿_${asOf}.${format}`;
  }
  async saveRosterChanges(asOf: string, format: "pdf" | "csv") {
    this.manager();
    return `/tmp/madoguchi-test/reports/従事者名簿変更_${asOf}.${format}`;
  }
  async trainingSessions(from: string, to: string) {
    this.manager();
    return this.sessions.filter((s) => s.session.heldOn >= from && s.session.heldOn <= to).sort((a, b) => b.session.heldOn.localeCompare(a.session.heldOn));
  }
  private putMarks(session: TrainingSession, marks: AttendanceMark[]) {
    for (const m of marks) {
      const member = this.roster.find((r) => r.code === m.staffCode);
      if (!member) fail("not_found", "staff member");
      if (!m.attended && (m.result || m.score !== null)) fail("invalid_input", "a result needs attendance");
      if (m.attended && !m.result && session.session.topic === "privacy_security") fail("invalid_input", "a result for each attendee");
    }
    for (const m of marks) {
      const name = this.roster.find((r) => r.code === m.staffCode)!.name;
      session.attendance = [...session.attendance.filter((a) => a.staffCode !== m.staffCode), { staffCode: m.staffCode, name, attended: m.attended, result: m.result, score: m.score }]
        .sort((a, b) => a.staffCode.localeCompare(b.staffCode));
    }
  }
  async recordTrainingSession(session: NewTrainingSession, attendance: AttendanceMark[]) {
    this.manager();
    checkLength("trainingTitle", session.title);
    checkLength("trainer", session.trainer);
    checkLength("trainingMaterial", session.material);
    if (!session.title.trim() || !session.trainer.trim()) fail("invalid_input", "title and trainer");
    if (session.minutes < 1 || session.minutes > 1440) fail("invalid_input", "minutes");
    const s: TrainingSession = { id: `ts-${this.sessions.length + 1}`, session: { ...session, title: session.title.trim(), trainer: session.trainer.trim() }, cancelled: false, createdBy: this.actorCode(), createdAt: `${today()}T10:00:00`, attendance: [] };
    this.putMarks(s, attendance);
    this.sessions.push(s);
    return s;
  }
  async setTrainingAttendance(sessionId: string, marks: AttendanceMark[]) {
    this.manager();
    const s = this.sessions.find((x) => x.id === sessionId) ?? fail("not_found", "training session");
    this.putMarks(s, marks);
    return s;
  }
  async cancelTrainingSession(id: string) {
    this.manager();
    const s = this.sessions.find((x) => x.id === id) ?? fail("not_found", "training session");
    s.cancelled = true;
    return s;
  }
  async trainingStatus(asOf: string): Promise<MemberTraining[]> {
    this.manager();
    return this.roster.filter((m) => m.role !== "city_staff").map((m) => {
      const passed = this.lastSecurityPass(m.code, asOf);
      const until = passed ? FakeBackend.plusMonths(passed, 12) : null;
      const flags: TrainingFlag[] = [];
      if (!until) flags.push("security_missing");
      else if (until < asOf) flags.push("security_expired");
      else if ((Date.parse(until) - Date.parse(asOf)) / 86_400_000 <= 30) flags.push("security_expiring");
      const attended = this.sessions.filter((s) => !s.cancelled && s.session.heldOn <= asOf && s.attendance.some((a) => a.staffCode === m.code && a.attended));
      const topics = [...new Set(attended.map((s) => s.session.topic))].sort().map((topic) => ({
        topic, on: attended.filter((s) => s.session.topic === topic).map((s) => s.session.heldOn).sort().at(-1)!,
      }));
      if (["privacy_security", "procedures", "customer_service"].some((t) => !topics.some((x) => x.topic === t))) flags.push("pre_service_missing");
      if (!this.details.get(m.code)?.pledgeOn) flags.push("pledge_missing");
      return { code: m.code, name: m.name, role: m.role, active: m.active, securityPassedOn: passed, securityValidUntil: until, topics, flags };
    });
  }
  async saveTrainingReport(from: string, to: string, format: "pdf" | "csv") {
    this.manager();
    return `/tmp/madoguchi-test/reports/研修実施報告_${from}_${to}.${format}`;
  }

  async incidents() {
    this.staffOrManager();
    const open = this.incidentList.filter((i) => i.status !== "closed");
    const closed = this.incidentList.filter((i) => i.status === "closed").reverse();
    return [...open, ...closed].map((i) => this.incidentCopy(i, false));
  }
  async incident(id: string) {
    return this.incidentCopy(this.incidentOf(id));
  }
  async openIncidents(): Promise<OpenIncident[]> {
    this.staffOrManager();
    const steps: IncidentStep[] = ["first_report", "city_instruction", "immediate_action", "impact_assessed", "written_report", "measure", "follow_up_report"];
    return this.incidentList
      .filter((i) => i.status !== "closed")
      .sort((a, b) => Number(a.category !== "personal_data") - Number(b.category !== "personal_data"))
      .map((i) => ({
        id: i.id, number: i.number, site: i.site, category: i.category, kind: i.kind, status: i.status,
        detectedAt: i.detectedAt, minutesSinceDetection: 12, reportDueAt: i.reportDueAt, overdue: false,
        urgent: i.category === "personal_data",
        citySteps: i.category === "personal_data" ? steps.map((step) => ({ step, done: i.steps.some((s) => s.step === step) })) : [],
      }));
  }
  async openIncident(n: NewIncident) {
    this.staffOrManager();
    checkLength("incidentDescription", n.description);
    if (containsIndividualNumber(n.description)) fail("individual_number_in_text", "incident description");
    if (!n.description.trim()) fail("invalid_input", "description");
    const k = this.incidentList.length;
    const plus30 = new Date(Date.parse(`${n.detectedAt.slice(0, 19)}Z`) + 30 * 60_000).toISOString().slice(0, 19);
    const due = n.category === "personal_data" || n.category === "safety" ? plus30 : `${n.detectedAt.slice(0, 10)}T23:59:59`;
    const i: Incident = {
      id: `inc-${k}`, number: `JK-${n.detectedAt.slice(2, 4)}${n.detectedAt.slice(5, 7)}${n.detectedAt.slice(8, 10)}-A${String(k).padStart(2, "0")}`,
      site: this.here, category: n.category, kind: n.kind, impact: n.impact, occurredAt: n.occurredAt, detectedAt: n.detectedAt,
      personsAffected: n.personsAffected, documentsAffected: n.documentsAffected, minutesStopped: n.minutesStopped,
      status: "open", reportDueAt: due, firstReportedAt: null, reportChannel: null, reportedToTitle: null, cause: null,
      inquiryId: n.inquiryId, openedBy: this.actor?.kind === "staff" ? this.actor.code : "site", seat: "窓口1",
      closedAt: null, closedBy: null, steps: [], followups: [], missing: [], textsHere: true, description: n.description,
    };
    this.incidentList.push(i);
    return this.incidentCopy(i);
  }
  async takeIncidentStep(id: string, step: NewIncidentStep) {
    const i = this.incidentOf(id);
    if (!["note", "immediate_action"].includes(step.step)) this.manager();
    checkLength("incidentStepWords", step.words);
    checkLength("reportedToTitle", step.title);
    if (step.words && containsIndividualNumber(step.words)) fail("individual_number_in_text", "incident step words");
    if (i.status === "closed" && step.step !== "reopen") fail("not_allowed", "closed");
    if (i.status !== "closed" && step.step === "reopen") fail("not_allowed", "not closed");
    const needsCode = ["immediate_action", "first_report", "cause", "measure"].includes(step.step);
    if (needsCode !== !!step.code) fail("invalid_input", "code");
    if (["impact_assessed", "persons_contacted"].includes(step.step) !== (step.count !== null)) fail("invalid_input", "count");
    if (step.step === "first_report" && !step.title?.trim()) fail("invalid_input", "title");
    if (step.step === "note" && !step.words?.trim()) fail("invalid_input", "words");
    const staff = this.actor?.kind === "staff" ? this.actor.code : "site";
    const at = `${today()}T10:${String(10 + i.steps.length).padStart(2, "0")}:00`;
    i.steps.push({ id: `${id}-s${i.steps.length}`, at, step: step.step, code: step.code, count: step.count, title: step.title?.trim() || null, staff, words: step.words?.trim() || null });
    if (step.step === "first_report") {
      if (i.status === "open") i.status = "reported";
      i.firstReportedAt ??= at;
      i.reportChannel ??= step.code as Incident["reportChannel"];
      i.reportedToTitle ??= step.title;
    }
    if (step.step === "cause") i.cause = step.code as Incident["cause"];
    if (step.step === "reopen") Object.assign(i, { status: i.firstReportedAt ? "reported" : "open", closedAt: null, closedBy: null });
    return this.incidentCopy(i);
  }
  async setIncidentFollowup(id: string, what: FollowupWhat, dueOn: string) {
    const i = this.incidentOf(id);
    this.manager();
    if (i.status === "closed") fail("not_allowed", "closed");
    i.followups.push({ id: `${id}-f${i.followups.length}`, what, dueOn, doneOn: null, doneBy: null });
    i.followups.sort((a, b) => a.dueOn.localeCompare(b.dueOn));
    return this.incidentCopy(i);
  }
  async completeIncidentFollowup(followup: string, doneOn: string) {
    this.manager();
    const i = this.incidentList.find((x) => x.followups.some((f) => f.id === followup));
    if (!i) fail("not_found", "incident follow-up");
    const f = i.followups.find((x) => x.id === followup)!;
    if (f.doneOn) fail("not_allowed", "done");
    f.doneOn = doneOn;
    f.doneBy = this.actor?.kind === "staff" ? this.actor.code : "site";
    return this.incidentCopy(i);
  }
  async closeIncident(id: string) {
    const i = this.incidentOf(id);
    this.manager();
    if (i.status === "closed") fail("not_allowed", "closed");
    const missing = this.incidentMissing(i);
    if (missing.length) fail("incident_incomplete", `missing: ${missing.join(", ")}`);
    Object.assign(i, { status: "closed", closedAt: `${today()}T11:00:00`, closedBy: this.actor?.kind === "staff" ? this.actor.code : "site" });
    return this.incidentCopy(i);
  }
  savedIncidentReports: string[] = [];
  async saveIncidentReport(number: string) {
    this.staffOrManager();
    if (!this.incidentList.some((i) => i.number === number)) fail("not_found", "incident");
    const path = `/tmp/madoguchi-test/reports/事故報告_${number}.pdf`;
    this.savedIncidentReports.push(path);
    return path;
  }
  // The work log and the improvement cycle: a small model of core's rules
  // (store/paperwork/work_log.rs, improvement.rs): manager or deputy only; a closed log refuses
  // notes (`work_log_closed`); submitted once closed; the plan is due on received + 6 and payment
  // stops from received + 7; the status follows the steps.
  workLogs = new Map<string, { state: "open" | "closed"; closedBy: string | null; closedAt: string | null; submittedOn: string | null; submittedBy: string | null; notes: WorkLogNote[] }>();
  savedWorkLogs: string[] = [];
  private workLogEntry(site: string | null, day: string) {
    const key = `${site ?? this.here}/${day}`;
    let e = this.workLogs.get(key);
    if (!e) {
      e = { state: "open", closedBy: null, closedAt: null, submittedOn: null, submittedBy: null, notes: [] };
      this.workLogs.set(key, e);
    }
    return e;
  }
  private static nextWeekday(day: string): string {
    const d = new Date(`${day}T00:00:00Z`);
    do d.setUTCDate(d.getUTCDate() + 1);
    while (d.getUTCDay() === 0 || d.getUTCDay() === 6);
    return d.toISOString().slice(0, 10);
  }
  private actorCode(): string {
    return this.actor?.kind === "staff" ? this.actor.code : "site:fake";
  }
  async workLog(site: string | null, day: string): Promise<WorkLog> {
    this.manager();
    const id = site ?? this.here;
    const e = this.workLogEntry(site, day);
    const due = FakeBackend.nextWeekday(day);
    const siteName = this.siteList.find((x) => x.id === id)?.name ?? id;
    return {
      city: this.status.meta.siteName, site: id, siteName, day, counterOpen: true, state: e.state,
      closedBy: e.closedBy, closedByName: e.closedBy === "M001" ? "管理 一郎" : null, closedAt: e.closedAt,
      submittedOn: e.submittedOn, submittedBy: e.submittedBy, figures: this.figures(day, this.siteList.length > 1 ? id : undefined),
      notes: structuredClone(e.notes), due, overdue: e.submittedOn === null && today() > due,
    };
  }
  async addWorkLogNote(site: string | null, day: string, note: NewWorkLogNote): Promise<WorkLogNote> {
    this.manager();
    checkLength("workLogWords", note.words);
    if (containsIndividualNumber(note.words)) fail("individual_number_in_text", "work log words");
    if (note.count < 1 || note.count > 10_000) fail("invalid_input", "count");
    const e = this.workLogEntry(site, day);
    if (e.state === "closed") fail("work_log_closed", "closed");
    const n: WorkLogNote = {
      id: `note-${this.workLogs.size}-${e.notes.length + 1}`, category: note.category, code: note.code, count: note.count,
      words: note.words.trim(), incidentId: note.incidentId ?? null, writtenBy: this.actorCode(), writtenAt: `${today()}T17:00:00`,
    };
    e.notes.push(n);
    return n;
  }
  async removeWorkLogNote(id: string) {
    this.manager();
    for (const e of this.workLogs.values()) {
      const i = e.notes.findIndex((n) => n.id === id);
      if (i >= 0) {
        if (e.state === "closed") fail("work_log_closed", "closed");
        e.notes.splice(i, 1);
        return;
      }
    }
    fail("not_found", "work log note");
  }
  async closeWorkLog(site: string | null, day: string) {
    this.manager();
    const e = this.workLogEntry(site, day);
    if (e.state === "closed") fail("work_log_closed", "closed");
    Object.assign(e, { state: "closed", closedBy: this.actorCode(), closedAt: `${today()}T17:30:00` });
    return this.workLog(site, day);
  }
  async reopenWorkLog(site: string | null, day: string) {
    this.manager();
    const e = this.workLogEntry(site, day);
    if (e.state !== "closed") fail("not_allowed", "not closed");
    Object.assign(e, { state: "open", closedBy: null, closedAt: null, submittedOn: null, submittedBy: null });
    return this.workLog(site, day);
  }
  async markWorkLogSubmitted(site: string | null, day: string, on: string) {
    this.manager();
    const e = this.workLogEntry(site, day);
    if (e.state !== "closed") fail("not_allowed", "close the work log before submitting it");
    if (on < day) fail("invalid_input", "before its day");
    Object.assign(e, { submittedOn: on, submittedBy: this.actorCode() });
    return this.workLog(site, day);
  }
  async saveWorkLog(site: string | null, day: string) {
    this.manager();
    const path = `/tmp/madoguchi-test/reports/業務日誌_${site ?? this.here}_${day}.pdf`;
    this.savedWorkLogs.push(path);
    return path;
  }
  async workLogsDue(from: string): Promise<WorkLogDue[]> {
    this.manager();
    const out: WorkLogDue[] = [];
    const d = new Date(`${from}T00:00:00Z`);
    for (; d.toISOString().slice(0, 10) < today(); d.setUTCDate(d.getUTCDate() + 1)) {
      if (d.getUTCDay() === 0 || d.getUTCDay() === 6) continue;
      const day = d.toISOString().slice(0, 10);
      const e = this.workLogs.get(`${this.here}/${day}`);
      const due = FakeBackend.nextWeekday(day);
      const submittedOn = e?.submittedOn ?? null;
      out.push({ site: this.here, day, state: e?.state ?? "open", notes: e?.notes.length ?? 0, due, submittedOn, overdue: submittedOn === null && today() > due });
    }
    return out.reverse();
  }
  improvementList: ImprovementNotice[] = [];
  private static addDays(day: string, n: number): string {
    const d = new Date(`${day}T00:00:00Z`);
    d.setUTCDate(d.getUTCDate() + n);
    return d.toISOString().slice(0, 10);
  }
  private improvementAlert(n: ImprovementNotice): ImprovementAlert | null {
    const due =
      n.status === "notice_received" ? n.planDueOn
      : n.status === "plan_accepted" ? n.targetOn
      : n.status === "report_submitted" && n.reportSubmittedOn ? FakeBackend.addDays(n.reportSubmittedOn, 14)
      : null;
    if (!due || today() <= due) return null;
    const kind = n.status === "notice_received" ? "plan_overdue" : n.status === "plan_accepted" ? "report_overdue" : "awaiting_confirmation";
    return { kind, due, paymentStopFrom: n.paymentStopFrom };
  }
  async improvementNotices() {
    this.manager();
    return this.improvementList.map((n) => ({ ...structuredClone(n), alert: this.improvementAlert(n) }));
  }
  async receiveImprovementNotice(notice: NewImprovementNotice) {
    this.manager();
    checkLength("improvementSummary", notice.summary);
    checkLength("improvementDocument", notice.docRef);
    if (!notice.docRef.trim()) fail("invalid_input", "document number");
    if (notice.items.length === 0) fail("invalid_input", "items");
    const n: ImprovementNotice = {
      id: `notice-${this.improvementList.length + 1}`, docRef: notice.docRef.trim(), receivedOn: notice.receivedOn, items: [...new Set(notice.items)],
      incidentId: notice.incidentId ?? null, summary: notice.summary.trim(), status: "notice_received",
      planDueOn: FakeBackend.addDays(notice.receivedOn, 6), paymentStopFrom: FakeBackend.addDays(notice.receivedOn, 7),
      planSubmittedOn: null, planRef: "", planAcceptedOn: null, targetOn: null, reportSubmittedOn: null, reportRef: "", confirmedOn: null,
      createdBy: this.actorCode(), steps: [], alert: null,
    };
    this.improvementList.unshift(n);
    return { ...structuredClone(n), alert: this.improvementAlert(n) };
  }
  async takeImprovementStep(id: string, step: NewImprovementStep) {
    this.manager();
    const n = this.improvementList.find((x) => x.id === id);
    if (!n) fail("not_found", "improvement notice");
    const next: Partial<Record<ImprovementStep, [ImprovementStatus, ImprovementStatus]>> = {
      submit_plan: ["notice_received", "plan_submitted"],
      plan_accepted: ["plan_submitted", "plan_accepted"],
      plan_returned: ["plan_submitted", "notice_received"],
      submit_report: ["plan_accepted", "report_submitted"],
      city_confirmed: ["report_submitted", "confirmed"],
      city_not_confirmed: ["report_submitted", "plan_accepted"],
    };
    const rule = next[step.step];
    if (rule && rule[0] !== n.status) fail("not_allowed", `${step.step} cannot follow ${n.status}`);
    if (step.step === "submit_plan") {
      if (!step.targetOn) fail("invalid_input", "a plan names its target day");
      Object.assign(n, { planSubmittedOn: step.onDay, planRef: step.docRef.trim(), targetOn: step.targetOn });
    }
    if (step.step === "plan_accepted") n.planAcceptedOn = step.onDay;
    if (step.step === "submit_report") Object.assign(n, { reportSubmittedOn: step.onDay, reportRef: step.docRef.trim() });
    if (step.step === "city_confirmed") n.confirmedOn = step.onDay;
    if (rule) n.status = rule[1];
    n.steps.push({ id: `step-${n.steps.length + 1}`, step: step.step, onDay: step.onDay, docRef: step.docRef.trim(), note: step.note.trim(), staff: this.actorCode(), at: `${today()}T10:00:00` });
    return { ...structuredClone(n), alert: this.improvementAlert(n) };
  }
  async improvementsOverdue() {
    return (await this.improvementNotices()).filter((n) => n.alert !== null);
  }
  async lentMaterials() {
    return this.lent;
  }
  async lend(material: NewLentMaterial) {
    this.manager();
    checkLength("lentItem", material.item.trim());
    checkLength("lentBy", material.lentBy.trim());
    checkLength("keptAt", material.keptAt.trim());
    checkLength("lendingNote", material.note);
    const m: LentMaterial = { id: `lent-${this.lent.length}`, ...material, receivedBy: "M001", returnedOn: null, returnedBy: null, returnConfirmedBy: null };
    this.lent.push(m);
    return m;
  }
  async returnMaterial(id: string, day: string) {
    this.manager();
    const m = this.lent.find((x) => x.id === id)!;
    Object.assign(m, { returnedOn: day, returnedBy: "M001" });
    return m;
  }
  // Reports: figures from the fake's cases; one daily report overdue until submitted. A city
  // with several sites gets a section per site (open, or closed with business in the period),
  // and the figures are the city's total: the sections add up to it, as in core.
  submitted = new Set<string>();
  /** The figures of `period` (a day, or a month as YYYY-MM) at `site`, or (none given) at every site. */
  figures(period: string, site?: string): DayFigures {
    const cases = this.caseList.filter((c) => {
      const r = this.find(c.number);
      return r.day.startsWith(period) && (site === undefined || this.siteOf(r) === site);
    });
    const none: TimeStats = { count: 0, mean: 0, p90: 0, max: 0 };
    // 24 places at each open serving site (a desk serves nobody).
    const places = this.siteList.filter((x) => x.active && x.kind !== "desk" && (site === undefined || x.id === site)).length * 24;
    return {
      day: period.length === 7 ? `${period}-01` : period, holidaySession: false, places, booked: cases.length, walkIns: 0, noShows: 0, cancelled: 0,
      byChannel: [["phone", cases.length]], byProcedure: [["card_issue", cases.length]], visitors: cases.length,
      completed: cases.filter((c) => c.state === "completed").length, revisits: cases.filter((c) => c.state === "revisit").length,
      revisitReasons: [], casesCancelled: 0, handedOver: cases.filter((c) => c.handedAt).length, unacknowledged: 0,
      formsRecorded: 0, formsCounted: null, formsReason: "", cancelReasons: [], inquiriesPhone: 0, inquiriesVisitor: 0, inquiryMinutes: 0, byCategory: [],
      complaintsReceived: 0, complaintsResolved: 0, waiting: none, service: none,
      // Staff on duty are this PC's sign-ins, in the whole's figures only.
      staffOnDuty: site === undefined ? [["manager", 1]] : [], byHour: [],
    };
  }
  /** Each site's figures over `period` when the city has several sites (empty for one). */
  private sections(period: string): SiteSection[] {
    if (this.siteList.length < 2) return [];
    return [...this.siteList]
      .sort((a, b) => a.position - b.position)
      .map((x) => ({ site: x.id, name: x.name, kind: x.kind, figures: this.figures(period, x.id) }))
      .filter((x) => this.siteList.find((y) => y.id === x.site)!.active || x.figures.booked + x.figures.visitors > 0);
  }
  async dailyReport(day: string): Promise<DailyReport> {
    this.manager();
    return {
      site: this.status.meta.siteName, storeKind: this.status.meta.kind, figures: this.figures(day), sections: this.sections(day), openComplaints: 0,
      cityReasons: structuredClone(this.cityReasonList), due: day, producedAt: `${today()}T10:00:00`,
    };
  }
  async monthlyReport(month: string): Promise<MonthlyReport> {
    this.manager();
    const period = month.slice(0, 7);
    const totals = this.figures(period);
    return {
      site: this.status.meta.siteName, storeKind: this.status.meta.kind, month: `${period}-01`, days: [totals], totals, sections: this.sections(period), complaintsByCategory: [],
      openComplaints: 0, cityReasons: structuredClone(this.cityReasonList), forecast: null, incidents: [], openIncidents: 0, due: month, producedAt: `${today()}T10:00:00`,
    };
  }
  async saveReport(kind: ReportKind, period: string, format: "pdf" | "csv") {
    this.manager();
    return `/tmp/madoguchi-test/reports/${kind === "daily" ? "日報" : "月報"}_${period}.${format}`;
  }
  /** As core's `reservation_slip`: a booking that holds a place (else `not_allowed`), its site's
   * name, and each person's bring-list from the checklist (the fake's: the same for everyone). */
  async reservationSlip(number: string): Promise<ReservationSlip> {
    const r = this.find(number);
    if (!holdsPlace(r.status)) fail("not_allowed", `a ${r.status} reservation has no slip`);
    const script = await this.intakeScript([], "self", {}, r.day);
    const site = this.siteOf(r);
    return {
      number: r.number,
      day: r.day,
      starts: r.starts,
      cityName: this.status.meta.siteName,
      siteName: this.siteList.find((x) => x.id === site)?.name ?? site,
      provisional: r.provisional,
      storeKind: this.status.meta.kind,
      people: r.people.map((p) => ({ nameKana: p.nameKana, applicantType: p.applicantType, procedures: [...p.procedures], bring: [...script.bring] })),
      rulesVersion: script.rulesVersion,
    };
  }
  /** As `madoguchi_report::save_slip`: 予約票_<number>.pdf (A4: _A4) in the data folder's reports/. */
  async saveSlip(number: string, size: SlipSize) {
    await this.reservationSlip(number);
    return `/tmp/madoguchi-test/reports/予約票_${number}${size === "a4" ? "_A4" : ""}.pdf`;
  }
  async markReportSubmitted(kind: ReportKind, period: string) {
    this.manager();
    this.submitted.add(`${kind}/${period}`);
  }
  async reportsDue(): Promise<ReportDue[]> {
    const period = "2026-12-01";
    const done = this.submitted.has(`daily/${period}`);
    return [{ kind: "daily", period, holidaySession: false, due: "2026-12-02", producedAt: null, submittedAt: done ? "2026-12-02T09:00:00" : null, overdue: !done }];
  }
  // Planner: one month (2026-12), the same shape as core's plan with simpler arithmetic, per
  // site as in core: that site's slot plan, the days it opens and its saved assumptions.
  /** The assumptions saved before the city had sites: a site without its own falls back to them. */
  assumptions: Assumptions = {
    takeUpCard: 0.9, takeUpCertificate: 0.45, earlyShare: 0.3, minutesCard: 30, minutesCertificate: 15, counterHours: 8,
    seats: 4, utilisation: 0.85, noShowRate: 0.07, walkInShare: 0.1, callsPerVisit: 0.8, callMinutes: 5, backofficeMinutes: 8, receptionPerHour: 30,
    weekdayWeights: [1, 1, 1, 1, 1, 1, 1],
  };
  /** Each site's saved assumptions (by site id). */
  siteAssumptions = new Map<string, Assumptions>();
  /** A site's saved assumptions: its own, else the ones from before sites. */
  assumptionsAt(site: string): Assumptions {
    return this.siteAssumptions.get(site) ?? this.assumptions;
  }
  /** The site a plan is for, as core's `serving_site` / `check_serving_site`: `site`, or this
   * PC's (a desk PC's: the first open counter); an unknown site, a desk or a closed one has none. */
  private planSite(site?: string): Site {
    const id = site ?? (this.siteList.find((x) => x.id === this.here)?.kind === "desk" ? this.siteList.find((x) => x.kind === "counter" && x.active)?.id : this.here);
    const found = this.knownSite(id ?? this.here);
    if (found.kind === "desk") fail("invalid_input", `site ${found.id} serves nobody: it has no slot plan`);
    if (!found.active) fail("invalid_input", `site ${found.id} is closed`);
    return found;
  }
  async capacityPlan(whatIf: Assumptions | null, site?: string): Promise<CapacityPlan> {
    const at = this.planSite(site);
    const a = whatIf ?? this.assumptionsAt(at.id);
    if (a.takeUpCard > 1 || a.takeUpCard < 0) fail("invalid_input", "share");
    // Places a day from the site's slot plan; open days: 20 weekdays (4 of each), or an
    // outreach site's one day when it falls in the month.
    const places = this.placesPerDay(at.id);
    const month = "2026-12";
    const byDay = [0, 0, 0, 0, 0, 0, 0];
    if (at.day === null) [0, 1, 2, 3, 4].forEach((w) => (byDay[w] = 4));
    else if (at.day.startsWith(month)) byDay[(new Date(`${at.day}T00:00:00Z`).getUTCDay() + 6) % 7] = 1;
    const openDays = byDay.reduce((n, d) => n + d, 0);
    const visits = a.takeUpCard * 700 + a.takeUpCertificate * 2300;
    const perDay = openDays ? visits / openDays : 0;
    const counter = Math.max(1, Math.ceil((perDay * 20) / (a.counterHours * 60 * a.utilisation)));
    const wait = { mean: counter > a.seats ? Infinity : 3, p90: counter > a.seats ? Infinity : 8 };
    return {
      assumptions: a,
      months: [{
        month, openDays, cardVisits: a.takeUpCard * 700, certificateVisits: a.takeUpCertificate * 2300, visitsPerDay: perDay,
        placesNeeded: Math.ceil(perDay), placesOffered: places, slack: places - Math.ceil(perDay), seatsNeeded: counter,
        staff: { counter, reception: 1, backoffice: 2, phone: 2 }, phoneLines: 2, erlang: wait, simulated: wait,
        byWeekday: byDay.flatMap((days, i) => (days ? [{ weekday: i + 1, days, visits: perDay * a.weekdayWeights[i], placesNeeded: Math.ceil(perDay), seatsNeeded: counter }] : [])),
        hourly: [9, 10, 11, 12, 13, 14, 15, 16].map((hour) => ({ hour, arrivals: perDay / 8, meanWait: hour - 8 })),
      }],
      actual: [],
    };
  }
  async setPlanAssumptions(a: Assumptions, site?: string) {
    this.manager();
    this.siteAssumptions.set(this.planSite(site).id, a);
  }
  /** As core's `save_plan`: this PC's plan, or with `site` that site's (a desk, a closed or an
   * unknown site has none: `invalid_input`), its code in the file name. */
  async savePlan(format: "pdf" | "csv", site?: string) {
    if (site !== undefined) this.planSite(site);
    return `/tmp/madoguchi-test/reports/体制計画${site === undefined ? "" : `_${site}`}.${format}`;
  }

  // Sync: a seat enrolled with a hub that is reachable unless `hubDown`.
  sync: SyncView = {
    enrolled: false, hubName: null, hubAddress: null, connected: false, loading: false, lastError: null, lastSync: null,
    cursor: 0, pending: 0, provisional: 0, failing: 0, conflicts: 0, escrowPlaces: 0,
    errorCode: null, appVersion: "0.1.0", hubVersion: null, repairs: 0, lastRepairAt: null, lastRepairReason: null,
  };
  conflictList: ConflictView[] = [];
  seatList: SeatRecord[] = [];
  async syncStatus() {
    return { ...this.sync, conflicts: this.conflictList.filter((c) => !c.resolvedAt).length };
  }
  async conflicts(includeResolved: boolean) {
    return this.conflictList.filter((c) => includeResolved || !c.resolvedAt);
  }
  async resolveConflict(id: string, resolution: string) {
    checkLength("conflictResolution", resolution);
    if (!resolution.trim()) fail("invalid_input", "say how");
    const c = this.conflictList.find((x) => x.record.id === id);
    if (!c || c.resolvedAt) fail("not_allowed", "unknown or resolved");
    c!.resolvedAt = "2026-12-01T09:00:00Z";
    c!.resolution = resolution;
  }
  async enrolSeat(address: string, code: string) {
    this.manager();
    if (!/^[A-Z0-9]{4}-[A-Z0-9]{4}-[A-Z0-9]{4}-([0-9a-f]{8}-?){4}[0-9a-f-]*$/i.test(code.trim())) fail("bad_enrolment_code", "format");
    this.sync = { ...this.sync, enrolled: true, hubName: "ハブ", hubAddress: address, connected: true };
    return "ハブ";
  }
  // The hub checks the signed-in manager's PIN against its roster for every administration request.
  private hubManager(pin: string) {
    this.manager();
    const code = this.actor?.kind === "staff" ? this.actor.code : "";
    const m = this.roster.find((r) => r.code === code && r.active);
    if (!m || m.pin !== pin) fail("wrong_pin", "wrong pin");
    if (!["manager", "deputy"].includes(m.role)) fail("manager_required", "not a manager");
  }
  async hubNewCode(pin: string, seatId?: string, site?: string) {
    this.hubManager(pin);
    if (seatId && !this.seatList.find((x) => x.seatId === seatId && x.revokedAt)) fail("seat_id_in_use", "active seat");
    if (site !== undefined) this.knownSite(site);
    this.codeRequests.push({ seatId, site });
    return "K7QM-2XPA-R9TD-5f3a9c0e-12b4d7aa-90c1e2f3-4a5b6c7d";
  }
  async hubSeats(pin: string) {
    this.hubManager(pin);
    return this.seatList;
  }
  async hubRevoke(seatId: string, pin: string) {
    this.hubManager(pin);
    const s = this.seatList.find((x) => x.seatId === seatId);
    if (s) s.revokedAt = "2026-12-01T09:00:00Z";
  }
  // Wipe: an enrolled seat with everything on the hub unless a test changes `preflight`. Each run
  // reports every phase; a test can hold it after the first report with `wipeGate`.
  preflight: Preflight = {
    hub: false,
    enrolled: true,
    outbox: { pending: 0, provisional: 0, failing: 0, conflicts: 0 },
    localOnly: [],
    handoverRequired: false,
    records: [
      { table: "applicants", rows: 40 },
      { table: "reservations", rows: 52 },
      { table: "audit_log", rows: 310 },
    ],
    items: [
      { path: "/tmp/madoguchi-test/madoguchi.key", kind: "data_key", bytes: 512, files: 1, removed: false },
      { path: "/tmp/madoguchi-test/madoguchi.db", kind: "database", bytes: 3_145_728, files: 1, removed: false },
      { path: "/tmp/madoguchi-test/reports", kind: "reports", bytes: 40_960, files: 4, removed: false },
    ],
    bytes: 3_187_200,
    seatCertificates: [],
    sites: [],
    snapshots: {
      fileSystem: "zfs",
      found: [{ source: "zfs", location: "/srv/.zfs/snapshot/daily-2026-11-28", holdsDataDir: true }],
      notes: ["ZFS: listed /srv/.zfs/snapshot", "backups made by other tools (backup software, cloud sync, copies by hand) are not detected"],
    },
  };
  pendingWipe: PendingWipe | null = null;
  wipeRequests: WipeRequest[] = [];
  wipeGate: Promise<void> | null = null;
  /** The verification finds something left: the wipe stops past the key, to be resumed. */
  wipeIncomplete = false;
  quit = false;
  async wipePreflight() {
    this.manager();
    return this.preflight;
  }
  async wipeDefaults() {
    this.manager();
    return { seatName: this.status.meta.seatName, documentsDir: "/home/madoguchi/Documents" };
  }
  async wipePending() {
    return this.pendingWipe;
  }
  async wipeStart(request: WipeRequest, onProgress: (p: WipeProgress) => void): Promise<WipeOutcome> {
    this.manager();
    if (this.state !== "unlocked") fail("locked", "the store is locked");
    if (request.confirmation !== this.status.meta.seatName) fail("invalid_input", "the confirmation does not match the seat name");
    if (!request.organisation.trim() || !request.contract.trim()) fail("invalid_input", "organisation and contract");
    checkLength("organisation", request.organisation.trim());
    checkLength("contract", request.contract.trim());
    const handover = !!request.recipient?.trim() && !!request.exportDir?.trim();
    if (this.preflight.handoverRequired && !handover) fail("handover_required", "export first");
    if (handover && !/^age1[0-9a-z]{20,}$/.test(request.recipient!.trim())) fail("handover", "not an age recipient");
    this.wipeRequests.push(request);
    const actor = this.actor as Extract<Actor, { kind: "staff" }>;
    const phases: WipePhase[] = handover ? ["handover", "destroy_key", "delete", "verify", "certify", "done"] : ["destroy_key", "delete", "verify", "certify", "done"];
    this.state = "no_store";
    if (this.wipeIncomplete) {
      await this.wipePhases(["destroy_key", "delete", "verify"], onProgress);
      this.pendingWipe = {
        wipeId: "0193a1b2-0000-7000-8000-0000000000w1",
        startedAt: "2027-03-31T09:00:00Z",
        performer: { name: actor.name, role: "業務管理者", staffCode: actor.code, organisation: request.organisation },
        keyDestroyed: true,
        certificateDir: request.certificateDir,
      };
      fail("wipe_incomplete", "a file is left");
    }
    await this.wipePhases(phases, onProgress);
    return fakeOutcome(request.certificateDir, {
      performer: { name: actor.name, role: "業務管理者", staffCode: actor.code, organisation: request.organisation },
      contract: request.contract,
      seatName: this.status.meta.seatName,
      handover: handover
        ? {
            exportId: "0193a1b2-0000-7000-8000-0000000000e1",
            file: `${request.exportDir}/引継ぎデータ_窓口1_20270331.age`,
            bytes: 20_480,
            sha256: "9f2c".padEnd(64, "0"),
            recipient: request.recipient!.trim(),
            tables: this.preflight.records.length,
            rows: this.preflight.records.reduce((n, r) => n + r.rows, 0),
            createdAt: "2027-03-31T09:00:00Z",
            verifiedAt: "2027-03-31T09:00:05Z",
          }
        : null,
      resumed: false,
    });
  }
  async wipeResume(confirmation: string, onProgress: (p: WipeProgress) => void): Promise<WipeOutcome> {
    if (confirmation !== WIPE_RESUME_WORD) fail("invalid_input", "type 再開 to confirm");
    const pending = this.pendingWipe;
    if (!pending) fail("not_allowed", "there is no interrupted wipe");
    await this.wipePhases(["delete", "verify", "certify", "done"], onProgress);
    this.pendingWipe = null;
    this.state = "no_store";
    return fakeOutcome(pending.certificateDir, { performer: pending.performer, contract: "窓口業務委託", seatName: this.status.meta.seatName, handover: null, resumed: true });
  }
  private async wipePhases(phases: WipePhase[], onProgress: (p: WipeProgress) => void) {
    for (const [i, phase] of phases.entries()) {
      onProgress({ phase, done: 0, total: 2 });
      if (i === 0 && this.wipeGate) await this.wipeGate;
      await Promise.resolve();
      onProgress({ phase, done: 2, total: 2 });
    }
  }
  async quitApp() {
    this.quit = true;
  }
  async confirmReturn(id: string, code: string, pin: string) {
    const c = this.member(code, pin);
    if (c.role !== "city_staff") fail("forbidden", "city staff only");
    const m = this.lent.find((x) => x.id === id)!;
    m.returnConfirmedBy = code;
    return m;
  }

  // The waiting room's call display (呼出表示): made from today's cases as core's `display_of`
  // makes it (numbers and seats only); this PC's settings and window kept here.
  displaySettingsValue: DisplaySettings = { yellowMinutes: 20, redMinutes: 40, chime: true, voice: false };
  /** This PC's monitors by name, the primary first. */
  monitorNames = ["DISPLAY1", "DISPLAY2"];
  displayWindow: DisplayWindow = { monitor: null, open: false };
  /** Every call `announce` was asked to speak. */
  announced: DisplayCall[] = [];
  /** The order cases were called in (the fake's calls all share one time). */
  private callOrder = new Map<string, number>();
  async callDisplay(): Promise<CallDisplay> {
    if (this.state !== "unlocked") fail("locked", "the store is locked");
    const now = await this.now();
    const cases = await this.casesOn(now.slice(0, 10));
    const order = (c: CaseView) => this.callOrder.get(`${c.number}/${c.position}`) ?? 0;
    const called = cases
      .filter((c) => c.seatNo !== null && c.calledAt !== null)
      .sort((a, b) => b.calledAt!.localeCompare(a.calledAt!) || order(b) - order(a));
    const calls: DisplayCall[] = [];
    for (const c of called) {
      if (calls.length < 6 && !calls.some((x) => x.number === c.number)) calls.push({ number: c.number, seatNo: c.seatNo!, calledAt: c.calledAt! });
    }
    const waiting = cases.filter((c) => c.state === "waiting");
    const next = [...new Set(waiting.map((c) => c.number))].slice(0, 5);
    const waitMinutes = Math.max(0, ...waiting.map((c) => c.waitingMinutes));
    const s = this.displaySettingsValue;
    const lamp: Lamp = waitMinutes >= s.redMinutes ? "red" : waitMinutes >= s.yellowMinutes ? "yellow" : "green";
    const bands: BandWait[] = [];
    if (cases.length) {
      const first = Math.min(...cases.map((c) => Number(c.checkedInAt.slice(11, 13))));
      for (let hour = first; hour <= Math.max(first, Number(now.slice(11, 13))); hour++) {
        const inHour = called.filter((c) => Number(c.calledAt!.slice(11, 13)) === hour);
        const minutes = inHour.length ? Math.round(inHour.reduce((n, c) => n + c.waitingMinutes, 0) / inHour.length) : null;
        bands.push({ hour, minutes, called: inHour.length });
      }
    }
    return {
      siteName: this.knownSite(this.here).name,
      storeKind: this.status.meta.kind,
      now,
      calls,
      next,
      waiting: waiting.length,
      waitMinutes,
      lamp,
      bands,
      settings: { ...s },
    };
  }
  async displaySettings() {
    return { ...this.displaySettingsValue };
  }
  async setDisplaySettings(settings: DisplaySettings) {
    this.manager();
    const inRange = (n: number) => Number.isInteger(n) && n >= 1 && n <= 600;
    if (!inRange(settings.yellowMinutes) || !inRange(settings.redMinutes) || settings.yellowMinutes >= settings.redMinutes) {
      fail("invalid_input", "the lamp's thresholds are 1–600 minutes, yellow before red");
    }
    this.displaySettingsValue = { ...settings };
    return { ...settings };
  }
  async displayMonitors() {
    return { names: [...this.monitorNames], window: { ...this.displayWindow } };
  }
  async openDisplay(monitor: string | null) {
    this.displayWindow = { monitor, open: true };
  }
  async closeDisplay() {
    this.displayWindow = { ...this.displayWindow, open: false };
  }
  async announce(call: DisplayCall) {
    this.announced.push(call);
    return this.displaySettingsValue.voice;
  }
}

// The checklist model: two items for every procedure (the postcard, and an ID judged as one A
// or two B documents), two facts (one of them makes it a two-visit case). Enough to drive the
// screens; the core tests the real rules.
type Recorded = Pick<CaseInput, "facts" | "marks" | "documents">;
const FAKE_DOCUMENTS = [
  { id: "driving_licence", name: "運転免許証", class: "A" as const, photo: true, holder_only: false },
  { id: "health_insurance", name: "健康保険証", class: "B" as const, photo: false, holder_only: false },
  { id: "pension_book", name: "年金手帳", class: "B" as const, photo: false, holder_only: false },
];
const FAKE_ITEMS = [
  { item: "notice_postcard", label: "交付通知書（はがき）", kind: "document" as const, explain: "市から届いたはがき", source: "fake" },
  { item: "holder_id", label: "ご本人の本人確認書類", kind: "identity" as const, explain: "A 1点、または B 2点", source: "fake" },
];
const FAKE_FACTS: IntakeScript["facts"] = [
  { id: "has_old_cards", question: "通知カードをお持ちですか？", explain: "", options: [], procedures: [], applicant_types: [], when: [], unless: [] },
  {
    id: "certificate_expired",
    question: "電子証明書の有効期限はもう過ぎていますか？",
    explain: "",
    options: [],
    procedures: [],
    applicant_types: [],
    when: [],
    unless: [],
  },
];

function fakeVisits(facts: Record<string, boolean | undefined>): Evaluation["visits"] {
  if (!facts.certificate_expired) return { finishesToday: true, reasons: [] };
  return {
    finishesToday: false,
    reasons: [
      {
        path: "renewal_expired",
        reason: "電子証明書の有効期限が過ぎているため、文書照会となり、2 回目の来庁で発行します。",
        say: "今回は書類のお預かりのみで、後日もう一度お越しいただきます。",
        source: "fake",
      },
    ],
  };
}

function fakeEvaluate(input: Recorded, stage: Stage): Evaluation {
  const items: ItemCheck[] = FAKE_ITEMS.map((i) => {
    const mark = input.marks[i.item] ?? "unknown";
    let ok: boolean;
    if (i.kind === "identity" && stage === "counter") {
      const docs = (input.documents[i.item] ?? []).filter((d) => !d.expired).map((d) => FAKE_DOCUMENTS.find((k) => k.id === d.document));
      ok = docs.some((d) => d?.class === "A") || docs.length >= 2;
    } else {
      ok = stage === "phone" ? mark === "confirmed_orally" || mark === "presented" : mark === "presented";
    }
    if (mark === "missing") ok = false;
    return { ...i, mark, state: ok ? { state: "satisfied" } : { state: "missing", reason: `不足：${i.label}。${i.explain}` } };
  });
  const missing = items.filter((i) => i.state.state === "missing").map((i) => i.item);
  const unanswered = FAKE_FACTS.filter((f) => !(f.id in input.facts)).map((f) => f.id);
  return { ready: missing.length === 0, missing, items, rulesVersion: "fake", on: "2026-12-07", visits: fakeVisits(input.facts), facts: FAKE_FACTS, unanswered };
}

/** A certificate as the core would make it, every check passed. */
function fakeOutcome(dir: string, c: Pick<Certificate, "performer" | "contract" | "seatName" | "handover" | "resumed">): WipeOutcome {
  const stem = `${dir}/データ消去証明書_${c.seatName}_20270331_0193a1b2`;
  const certificate: Certificate = {
    format: "madoguchi-sanitization-certificate/1",
    wipeId: "0193a1b2-0000-7000-8000-0000000000w1",
    contract: c.contract,
    performer: c.performer,
    machine: { hostName: "madoguchi-pc1", os: "Ubuntu 24.04", machineId: null, model: null, serial: null },
    siteName: sampleStatus.meta.siteName,
    seatName: c.seatName,
    hub: false,
    storeId: sampleStatus.meta.storeId,
    dataDir: "/tmp/madoguchi-test",
    startedAt: "2027-03-31T09:00:00Z",
    keyDestroyedAt: "2027-03-31T09:00:06Z",
    completedAt: "2027-03-31T09:00:09Z",
    method: "Purge（暗号化消去）＋上書き削除",
    tool: "Madoguchi 0.1.0",
    items: [],
    handover: c.handover,
    verification: [
      { check: "items_removed", result: "passed", detail: "3 件すべて削除済み" },
      { check: "data_dir_empty", result: "passed", detail: "/tmp/madoguchi-test は空" },
      { check: "store_unopenable", result: "passed", detail: "鍵ファイルがなく開けない" },
      { check: "canary_scan", result: c.resumed ? "not_run" : "passed", detail: c.resumed ? "再開した消去では照合する値がない" : "12 個の値が見つからない" },
    ],
    seatCertificates: [],
    resumed: c.resumed,
    limitations: [],
    digest: "5d1e".padEnd(64, "a"),
  };
  return { certificate, json: `${stem}.json`, pdf: `${stem}.pdf` };
}

function holdsPlace(status: ReservationStatus) {
  return status === "booked" || status === "checked_in";
}
