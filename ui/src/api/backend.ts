// The seam in front of IPC: components talk to a Backend, never to Tauri directly, so they can
// be tested with a fake (vitest) and run for real in the desktop window.
import type { AppError } from "../bindings/AppError";
import type { TrainingReset } from "../bindings/TrainingReset";
import type { TrainingState } from "../bindings/TrainingState";
import type { ConflictView } from "../bindings/ConflictView";
import type { OutreachReadiness } from "../bindings/OutreachReadiness";
import type { SeatRecord } from "../bindings/SeatRecord";
import type { Site } from "../bindings/Site";
import type { SiteKind } from "../bindings/SiteKind";
import type { SitesView } from "../bindings/SitesView";
import type { SyncView } from "../bindings/SyncView";
import type { BookingRules } from "../bindings/BookingRules";
import type { BookPersonRequest } from "../bindings/BookPersonRequest";
import type { BookRequest } from "../bindings/BookRequest";
import type { ApplicantType } from "../bindings/ApplicantType";
import type { CaseInput } from "../bindings/CaseInput";
import type { CaseView } from "../bindings/CaseView";
import type { Reconciliation } from "../bindings/Reconciliation";
import type { VisitEvent } from "../bindings/VisitEvent";
import type { VisitStep } from "../bindings/VisitStep";
import type { CheckOutcome } from "../bindings/CheckOutcome";
import type { CityReason } from "../bindings/CityReason";
import type { Closure } from "../bindings/Closure";
import type { IntakeScript } from "../bindings/IntakeScript";
import type { ReservationChecklist } from "../bindings/ReservationChecklist";
import type { Stage } from "../bindings/Stage";
import type { PlanKind } from "../bindings/PlanKind";
import type { PlanSettings } from "../bindings/PlanSettings";
import type { Procedure } from "../bindings/Procedure";
import type { ProcedureBundle } from "../bindings/ProcedureBundle";
import type { SlotPlan } from "../bindings/SlotPlan";
import type { DayBoard } from "../bindings/DayBoard";
import type { LockState } from "../bindings/LockState";
import type { ReservationStatus } from "../bindings/ReservationStatus";
import type { ReservationSummary } from "../bindings/ReservationSummary";
import type { StoreStatus } from "../bindings/StoreStatus";
import type { Actor } from "../bindings/Actor";
import type { Attendance } from "../bindings/Attendance";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { AuditVerification } from "../bindings/AuditVerification";
import type { ComplaintStep } from "../bindings/ComplaintStep";
import type { Inquiry } from "../bindings/Inquiry";
import type { FollowupWhat } from "../bindings/FollowupWhat";
import type { Incident } from "../bindings/Incident";
import type { NewIncident } from "../bindings/NewIncident";
import type { NewIncidentStep } from "../bindings/NewIncidentStep";
import type { OpenIncident } from "../bindings/OpenIncident";
import type { RosterLine } from "../bindings/RosterLine";
import type { RosterChanges } from "../bindings/RosterChanges";
import type { RosterSubmission } from "../bindings/RosterSubmission";
import type { RosterSubmissionKind } from "../bindings/RosterSubmissionKind";
import type { StaffDetails } from "../bindings/StaffDetails";
import type { TrainingSession } from "../bindings/TrainingSession";
import type { NewTrainingSession } from "../bindings/NewTrainingSession";
import type { AttendanceMark } from "../bindings/AttendanceMark";
import type { MemberTraining } from "../bindings/MemberTraining";
import type { ImprovementNotice } from "../bindings/ImprovementNotice";
import type { NewImprovementNotice } from "../bindings/NewImprovementNotice";
import type { NewImprovementStep } from "../bindings/NewImprovementStep";
import type { NewWorkLogNote } from "../bindings/NewWorkLogNote";
import type { WorkLog } from "../bindings/WorkLog";
import type { WorkLogDue } from "../bindings/WorkLogDue";
import type { WorkLogNote } from "../bindings/WorkLogNote";
import type { LentMaterial } from "../bindings/LentMaterial";
import type { NewInquiry } from "../bindings/NewInquiry";
import type { NewLentMaterial } from "../bindings/NewLentMaterial";
import type { Role } from "../bindings/Role";
import type { StaffMember } from "../bindings/StaffMember";
import type { StaffSites } from "../bindings/StaffSites";
import type { DailyReport } from "../bindings/DailyReport";
import type { MonthlyReport } from "../bindings/MonthlyReport";
import type { ReportDue } from "../bindings/ReportDue";
import type { ReportKind } from "../bindings/ReportKind";
import type { ReservationSlip } from "../bindings/ReservationSlip";
import type { Assumptions } from "../bindings/Assumptions";
import type { CapacityPlan } from "../bindings/CapacityPlan";
import type { PendingWipe } from "../bindings/PendingWipe";
import type { Preflight } from "../bindings/Preflight";
import type { WipeDefaults } from "../bindings/WipeDefaults";
import type { WipeOutcome } from "../bindings/WipeOutcome";
import type { WipeProgress } from "../bindings/WipeProgress";
import type { WipeRequest } from "../bindings/WipeRequest";
import type { CallDisplay } from "../bindings/CallDisplay";
import type { DisplayCall } from "../bindings/DisplayCall";
import type { DisplaySettings } from "../bindings/DisplaySettings";
import type { Monitors } from "../bindings/Monitors";

/** A new member of the roster (the PIN goes to core once and is only kept hashed). */
export interface NewStaff {
  code: string;
  name: string;
  role: Role;
  pin: string;
}

/** The paper a reservation slip is printed on: A6 (the counter's slip printer) or A4 (plain paper). */
export type SlipSize = "a6" | "a4";

export interface Backend {
  lockState(): Promise<LockState>;
  unlock(passphrase: string): Promise<StoreStatus>;
  storeStatus(): Promise<StoreStatus>;
  /** The training day a training store follows (null: a real store, or never reset). */
  trainingState(): Promise<TrainingState | null>;
  /** Resets a standalone training store to its training day (manager or deputy). */
  resetTrainingDay(): Promise<TrainingReset>;
  lock(): Promise<void>;
  /** The board of `day` at `site` (default: this PC's site). */
  dayBoard(day: string, site?: string): Promise<DayBoard>;
  /** Books at `request.site` (default: this PC's site); a desk site takes no bookings. */
  book(request: BookRequest): Promise<ReservationSummary>;
  search(query: string): Promise<ReservationSummary[]>;
  setReservationStatus(number: string, status: ReservationStatus): Promise<ReservationSummary>;
  /** A walk-in arriving now: the next free place today, or the visible queue. */
  walkIn(people: BookPersonRequest[]): Promise<ReservationSummary>;
  /** Moves a booking, or seats a queued walk-in (times are HH:MM). With `site` (a site code other
   * than the booking's), a booked reservation moves there with its people; the site must serve
   * (a counter or an outreach venue, open: else `invalid_input`), and a reservation not in
   * "booked" state stays where it is (`not_allowed`). */
  reschedule(number: string, day: string, starts: string, site?: string): Promise<ReservationSummary>;
  planSettings(): Promise<PlanSettings>;
  /** Plan changes return the bookings that no longer fit (never dropped: to call and rebook). */
  setSlotPlan(kind: PlanKind, plan: SlotPlan): Promise<ReservationSummary[]>;
  setCapacity(day: string, bandStarts: string, capacity: number | null): Promise<ReservationSummary[]>;
  /** Designates (note) or removes (null) a holiday session (休日交付) on `day`: with `site` (a
   * serving site's code) at that site only, on top of the city's; without (null), at every site.
   * Removing takes away the row of that day and that site only. */
  setHolidaySession(day: string, note: string | null, site?: string | null): Promise<ReservationSummary[]>;
  /** Records (or with null lifts) a closure (臨時休止) of `day`: with `site` (a serving site's
   * code) that site only, beside the city's; without (null), every site. Returns the bookings it
   * hit (to call and rebook): every site's for the city's closure, the site's for its own. */
  setClosure(day: string, closure: Closure | null, site?: string | null): Promise<ReservationSummary[]>;
  setBookingRules(rules: BookingRules): Promise<void>;

  // Sites (拠点).
  /** The city's sites in order (closed ones too) and the one this PC works for. */
  sites(): Promise<SitesView>;
  /** Adds a site (manager): `id` is 1–40 of a–z, 0–9 and '-' (never changes), `name` 1–40 characters;
   * `day` (YYYY-MM-DD) is an outreach site's one day, required for one and refused for others
   * (`invalid_input`). An outreach site's board is closed (`not_its_day`) on every other day. */
  addSite(id: string, name: string, kind: SiteKind, day?: string | null): Promise<Site>;
  /** Seals an outreach site for its day, or unseals it (manager; outreach sites only). Sealed, only
   * its own PC (the outreach laptop) books or moves bookings into it and holds every free place,
   * to work the day offline; any other PC is refused (`not_allowed`). */
  sealSite(id: string, sealed: boolean): Promise<Site>;
  /** Sets a serving site's own pattern (manager): `weekends`, it also opens on Saturdays and
   * Sundays with its holiday-session slot plan (national holidays and 12/29–1/3 stay closed);
   * `procedures`, the procedures it offers (null: every procedure; never empty). A booking or a
   * move there for a procedure it does not offer is refused (`not_allowed`). A desk or an
   * unknown site, or an empty list, is refused (`invalid_input`). */
  setSitePattern(id: string, weekends: boolean, procedures: Procedure[] | null): Promise<Site>;
  /** On an outreach laptop (this PC's site is an outreach session): whether it is ready to leave
   * for the venue (出張準備) — sealed, nothing left to send, every free place of the day held here.
   * Null on any other PC. */
  outreachReadiness(): Promise<OutreachReadiness | null>;
  /** Renames a site, or closes it (`active` false) or reopens it (manager); the only open counter stays open. */
  changeSite(id: string, name: string, active: boolean): Promise<Site>;
  /** The members of the counter staff who work at some sites only; a member not listed works at
   * every site (managers, deputies and city staff always do). */
  staffSites(): Promise<StaffSites[]>;
  /** Sets the sites a member works at (manager / deputy); empty: every site. A member of the
   * counter staff signing in at another site's PC is refused (`not_rostered_here`). */
  setStaffSites(code: string, sites: string[]): Promise<StaffSites>;
  setProcedureMinutes(procedure: Procedure, minutes: number): Promise<void>;
  setProcedureBundle(bundle: ProcedureBundle): Promise<void>;
  /** The phone intake script for these procedures, given the facts answered so far. */
  /** The phone intake script for a visit on `day` (YYYY-MM-DD): the rules in force that day. */
  intakeScript(procedures: Procedure[], applicantType: ApplicantType, facts: Record<string, boolean>, day: string): Promise<IntakeScript>;
  checklist(number: string): Promise<ReservationChecklist>;
  recordChecklist(number: string, position: number, stage: Stage, input: CaseInput): Promise<ReservationChecklist>;
  recordCheckOutcome(number: string, position: number, outcome: CheckOutcome): Promise<ReservationChecklist>;
  /** The store's local time now (YYYY-MM-DDTHH:MM:SS): "today" comes from here. */
  now(): Promise<string>;
  /** Every case of a day in serving order, with live waiting and service minutes. */
  casesOn(day: string): Promise<CaseView[]>;
  callNext(seatNo: number): Promise<CaseView | null>;
  visitStep(number: string, position: number, step: VisitStep): Promise<CaseView>;
  caseHistory(number: string, position: number): Promise<VisitEvent[]>;
  reconcile(day: string): Promise<Reconciliation>;
  /** The back office's count; a difference's reason code (null: none) and optional words (store only). */
  setFormCount(day: string, count: number, code: string | null, note: string): Promise<Reconciliation>;
  /** The codes the city added to the reason lists (retired ones included). */
  cityReasons(): Promise<CityReason[]>;
  /** Replaces the city's codes (manager / deputy); a code once added can only be retired. */
  setCityReasons(reasons: CityReason[]): Promise<void>;
  /** A step only city staff take (acknowledge, return items, complete), with their own ID and PIN. */
  cityStaffStep(number: string, position: number, step: VisitStep, code: string, pin: string): Promise<CaseView>;

  // People and accountability.
  /** Who is signed in at this seat (null: nobody, or signed out after idle time). */
  signedIn(): Promise<Actor | null>;
  signIn(code: string, pin: string): Promise<Actor>;
  signOut(): Promise<void>;
  rosterIsEmpty(): Promise<boolean>;
  staff(): Promise<StaffMember[]>;
  addStaff(member: NewStaff): Promise<StaffMember>;
  updateStaff(code: string, role: Role, active: boolean): Promise<StaffMember>;
  resetPin(code: string, pin: string): Promise<StaffMember>;
  attendance(from: string, to: string): Promise<Attendance[]>;
  attendanceCsv(from: string, to: string): Promise<string>;
  auditTrail(limit: number): Promise<AuditEntry[]>;
  verifyAudit(): Promise<AuditVerification>;
  recordInquiry(inquiry: NewInquiry): Promise<Inquiry>;
  complaintStep(id: string, step: ComplaintStep, note: string): Promise<Inquiry>;
  inquiries(from: string, to: string): Promise<Inquiry[]>;
  lentMaterials(): Promise<LentMaterial[]>;
  lend(material: NewLentMaterial): Promise<LentMaterial>;
  returnMaterial(id: string, day: string): Promise<LentMaterial>;
  confirmReturn(id: string, code: string, pin: string): Promise<LentMaterial>;

  // The roster's papers (従事者名簿) and training records (研修記録): manager and deputy.
  /** The roster at `asOf` (managers, deputies, staff; 予定 last). */
  staffRoster(asOf: string): Promise<RosterLine[]>;
  staffDetails(code: string): Promise<StaffDetails>;
  setStaffDetails(details: StaffDetails): Promise<StaffDetails>;
  /** What changed since the last recorded submission, at the roster of `asOf`. */
  rosterChanges(asOf: string): Promise<RosterChanges>;
  /** Records a submission (kind: initial for the first, change after it, unless given). */
  recordRosterSubmission(asOf: string, submittedOn: string, kind: RosterSubmissionKind | null): Promise<RosterSubmission>;
  rosterSubmissions(): Promise<RosterSubmission[]>;
  saveRoster(asOf: string, format: "pdf" | "csv"): Promise<string>;
  saveRosterChanges(asOf: string, format: "pdf" | "csv"): Promise<string>;
  /** Sessions held `from ..= to`, newest first. */
  trainingSessions(from: string, to: string): Promise<TrainingSession[]>;
  recordTrainingSession(session: NewTrainingSession, attendance: AttendanceMark[]): Promise<TrainingSession>;
  setTrainingAttendance(sessionId: string, marks: AttendanceMark[]): Promise<TrainingSession>;
  cancelTrainingSession(id: string): Promise<TrainingSession>;
  /** Each contractor member's training standing at `asOf` (受講状況). */
  trainingStatus(asOf: string): Promise<MemberTraining[]>;
  saveTrainingReport(from: string, to: string, format: "pdf" | "csv"): Promise<string>;
  // Incidents (事故・トラブル): staff open them and add notes and immediate actions; other steps,
  // follow-ups and closing are the manager's or deputy's (else `forbidden`).
  /** Every incident without its words: not closed first. */
  incidents(): Promise<Incident[]>;
  /** One incident with its words when this PC holds them (reading them is audited). */
  incident(id: string): Promise<Incident>;
  /** The incidents not closed, for the board: personal data first, with the city's seven steps. */
  openIncidents(): Promise<OpenIncident[]>;
  openIncident(incident: NewIncident): Promise<Incident>;
  takeIncidentStep(id: string, step: NewIncidentStep): Promise<Incident>;
  setIncidentFollowup(id: string, what: FollowupWhat, dueOn: string): Promise<Incident>;
  completeIncidentFollowup(followup: string, doneOn: string): Promise<Incident>;
  /** Closes it; `incident_incomplete` while steps are missing (the incident's `missing` lists them). */
  closeIncident(id: string): Promise<Incident>;
  /** Saves the incident report (事故報告書, codes only) in the data folder's reports/; returns the path. */
  saveIncidentReport(number: string): Promise<string>;

  // The work log (業務日誌) and the improvement cycle (業務改善), manager and deputy only (else
  // `forbidden`). `site` null: this PC's site. Notes are codes and counts; words are never printed.
  /** A site's log of a day with the day's figures (the daily report's, read-only). */
  workLog(site: string | null, day: string): Promise<WorkLog>;
  /** Adds a note; `work_log_closed` once the log is closed. */
  addWorkLogNote(site: string | null, day: string, note: NewWorkLogNote): Promise<WorkLogNote>;
  removeWorkLogNote(id: string): Promise<void>;
  closeWorkLog(site: string | null, day: string): Promise<WorkLog>;
  reopenWorkLog(site: string | null, day: string): Promise<WorkLog>;
  /** Records the closed log as submitted on `on` (`not_allowed` while it is open). */
  markWorkLogSubmitted(site: string | null, day: string, on: string): Promise<WorkLog>;
  /** Saves the log's PDF in the data folder's reports/; returns the path. */
  saveWorkLog(site: string | null, day: string): Promise<string>;
  /** The logs owed from `from` up to yesterday, newest first, with 提出期限 and overdue marks. */
  workLogsDue(from: string): Promise<WorkLogDue[]>;
  improvementNotices(): Promise<ImprovementNotice[]>;
  receiveImprovementNotice(notice: NewImprovementNotice): Promise<ImprovementNotice>;
  takeImprovementStep(id: string, step: NewImprovementStep): Promise<ImprovementNotice>;
  /** The notices late on some step today (the board's 業務改善の期限). */
  improvementsOverdue(): Promise<ImprovementNotice[]>;

  // Reports.
  dailyReport(day: string): Promise<DailyReport>;
  monthlyReport(month: string): Promise<MonthlyReport>;
  /** Saves a report in the data folder's reports/; returns the path. */
  saveReport(kind: ReportKind, period: string, format: "pdf" | "csv"): Promise<string>;
  markReportSubmitted(kind: ReportKind, period: string): Promise<void>;
  reportsDue(from: string): Promise<ReportDue[]>;
  /** The reservation slip (予約票) of a booking that holds a place (booked or checked in; else
   * `not_allowed`): day, time, site, number and each person's bring-list. The kana names are for
   * the screen only (staff check they print the right booking); the PDF holds no name. */
  reservationSlip(number: string): Promise<ReservationSlip>;
  /** Saves the reservation slip as an A6 or A4 PDF in the data folder's reports/; returns the path. */
  saveSlip(number: string, size: SlipSize): Promise<string>;

  // Planner.
  /** The plan of `site` (none: this PC's; a call-center PC's is the city's first counter) under
   * what-if assumptions, or that site's saved ones when null: its slot plan's places, the days
   * it opens and its visits. A desk or a closed site has no plan (invalid_input). */
  capacityPlan(whatIf: Assumptions | null, site?: string): Promise<CapacityPlan>;
  /** Saves the assumptions of `site` (none: this PC's); each site keeps its own. */
  setPlanAssumptions(assumptions: Assumptions, site?: string): Promise<void>;
  /** Saves the plan of `site` (none: this PC's) with its saved assumptions as PDF or CSV in the
   * data folder's reports/; returns the path. A desk or a closed site has no plan (invalid_input). */
  savePlan(format: "pdf" | "csv", site?: string): Promise<string>;

  // Sync.
  syncStatus(): Promise<SyncView>;
  conflicts(includeResolved: boolean): Promise<ConflictView[]>;
  resolveConflict(id: string, resolution: string): Promise<void>;
  /** Enrols this seat with the hub (manager or deputy); returns the hub's name. */
  enrolSeat(address: string, code: string): Promise<string>;
  /** The hub checks `pin` (the signed-in manager's or deputy's, typed again) against its roster.
   * A code for a new seat of `site` (default: the city's first site), or one that re-admits `seatId`. */
  hubNewCode(pin: string, seatId?: string, site?: string): Promise<string>;
  hubSeats(pin: string): Promise<SeatRecord[]>;
  hubRevoke(seatId: string, pin: string): Promise<void>;

  // End-of-contract wipe.
  /** What a wipe of this PC would remove and lose (manager or deputy, signed in). */
  wipePreflight(): Promise<Preflight>;
  /** The seat name to type as confirmation, and a folder to suggest. */
  wipeDefaults(): Promise<WipeDefaults>;
  /** An interrupted wipe, if any (works while locked). */
  wipePending(): Promise<PendingWipe | null>;
  /** Hands over (when asked), erases this PC's store and certifies it; progress as it goes. */
  wipeStart(request: WipeRequest, onProgress: (p: WipeProgress) => void): Promise<WipeOutcome>;
  /** Finishes an interrupted wipe; `confirmation` must be {@link WIPE_RESUME_WORD}. */
  wipeResume(confirmation: string, onProgress: (p: WipeProgress) => void): Promise<WipeOutcome>;
  /** Ends the app (after a wipe). */
  quitApp(): Promise<void>;

  // The waiting room's call display (呼出表示).
  /** What the display shows now: today's calls at this PC's site by number and seat (never a
   * name), the numbers expected next, the wait and its lamp, the wait per hour, and this PC's
   * display settings. Works with nobody signed in; `locked` while the store is locked. */
  callDisplay(): Promise<CallDisplay>;
  /** This PC's display settings (lamp thresholds, chime, voice). */
  displaySettings(): Promise<DisplaySettings>;
  /** Changes this PC's display settings (manager / deputy): thresholds 1–600 minutes, yellow
   * below red (else `invalid_input`). */
  setDisplaySettings(settings: DisplaySettings): Promise<DisplaySettings>;
  /** This PC's monitors by name (the first is the primary one) and where the display goes. */
  displayMonitors(): Promise<Monitors>;
  /** Opens the display window full screen on `monitor` (null: the primary one); it opens again
   * after a restart until closed. A window that cannot be placed: `window`. */
  openDisplay(monitor: string | null): Promise<void>;
  /** Closes the display window (it stays closed after a restart). */
  closeDisplay(): Promise<void>;
  /** Speaks a call (number and seat) when this PC's voice setting is on; whether it was spoken. */
  announce(call: DisplayCall): Promise<boolean>;
}

/** The word `wipe_resume` requires as its typed confirmation (fixed by the backend). */
export const WIPE_RESUME_WORD = "再開";

/** True if `e` has the `{ code, message }` shape every command error has. */
export function isAppError(e: unknown): e is AppError {
  return typeof e === "object" && e !== null && "code" in e && "message" in e;
}

/** The error code of anything a Backend call threw. */
export function errorCode(e: unknown): string {
  return isAppError(e) ? String(e.code) : "unknown";
}

/** Today in the counter's local time, as YYYY-MM-DD. */
export function today(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

/** "09:00:00" or "09:00" → "09:00". */
export function hhmm(time: string): string {
  return time.slice(0, 5);
}

/** `day` moved by `n` days, as YYYY-MM-DD. */
export function addDays(day: string, n: number): string {
  const [y, m, d] = day.split("-").map(Number);
  const date = new Date(Date.UTC(y, m - 1, d + n));
  return date.toISOString().slice(0, 10);
}
