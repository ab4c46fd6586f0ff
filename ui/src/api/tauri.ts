// The Backend over Tauri IPC. Command names and argument names match src-tauri/src/commands.rs.
import { invoke } from "@tauri-apps/api/core";
import { listen } from "@tauri-apps/api/event";
import type { WipeProgress } from "../bindings/WipeProgress";
import type { Backend } from "./backend";

/** Runs `command` while forwarding the backend's "wipe-progress" events to `onProgress`. */
async function withWipeProgress<T>(onProgress: (p: WipeProgress) => void, command: () => Promise<T>): Promise<T> {
  const unlisten = await listen<WipeProgress>("wipe-progress", (e) => onProgress(e.payload));
  try {
    return await command();
  } finally {
    unlisten();
  }
}

export const tauriBackend: Backend = {
  lockState: () => invoke("lock_state"),
  unlock: (passphrase) => invoke("unlock", { passphrase }),
  storeStatus: () => invoke("store_status"),
  lock: () => invoke("lock"),
  dayBoard: (day, site) => invoke("day_board", { day, site: site ?? null }),
  book: (request) => invoke("book", { request }),
  search: (query) => invoke("search", { query }),
  setReservationStatus: (number, status) => invoke("set_reservation_status", { number, status }),
  walkIn: (people) => invoke("walk_in", { people }),
  reschedule: (number, day, starts) => invoke("reschedule", { number, day, starts }),
  planSettings: () => invoke("plan_settings"),
  setSlotPlan: (kind, plan) => invoke("set_slot_plan", { kind, plan }),
  setCapacity: (day, bandStarts, capacity) => invoke("set_capacity", { day, bandStarts, capacity }),
  setHolidaySession: (day, note) => invoke("set_holiday_session", { day, note }),
  setClosure: (day, closure) => invoke("set_closure", { day, closure }),
  setBookingRules: (rules) => invoke("set_booking_rules", { rules }),
  sites: () => invoke("sites"),
  addSite: (id, name, kind) => invoke("add_site", { id, name, kind }),
  changeSite: (id, name, active) => invoke("change_site", { id, name, active }),
  setProcedureMinutes: (procedure, minutes) => invoke("set_procedure_minutes", { procedure, minutes }),
  setProcedureBundle: (bundle) => invoke("set_procedure_bundle", { bundle }),
  intakeScript: (procedures, applicantType, facts, day) => invoke("intake_script", { procedures, applicantType, facts, day }),
  checklist: (number) => invoke("checklist", { number }),
  recordChecklist: (number, position, stage, input) => invoke("record_checklist", { number, position, stage, input }),
  recordCheckOutcome: (number, position, outcome) => invoke("record_check_outcome", { number, position, outcome }),
  now: () => invoke("store_now"),
  casesOn: (day) => invoke("cases_on", { day }),
  callNext: (seatNo) => invoke("call_next", { seatNo }),
  visitStep: (number, position, step) => invoke("visit_step", { number, position, step }),
  caseHistory: (number, position) => invoke("case_history", { number, position }),
  reconcile: (day) => invoke("reconcile", { day }),
  setFormCount: (day, count, code, note) => invoke("set_form_count", { day, count, code, note }),
  cityReasons: () => invoke("city_reasons"),
  setCityReasons: (reasons) => invoke("set_city_reasons", { reasons }),
  cityStaffStep: (number, position, step, code, pin) => invoke("city_staff_step", { number, position, step, code, pin }),
  signedIn: () => invoke("signed_in"),
  signIn: (code, pin) => invoke("sign_in", { code, pin }),
  signOut: () => invoke("sign_out"),
  rosterIsEmpty: () => invoke("roster_is_empty"),
  staff: () => invoke("staff"),
  addStaff: (member) => invoke("add_staff", { member }),
  updateStaff: (code, role, active) => invoke("update_staff", { code, role, active }),
  resetPin: (code, pin) => invoke("reset_pin", { code, pin }),
  attendance: (from, to) => invoke("attendance", { from, to }),
  attendanceCsv: (from, to) => invoke("attendance_csv", { from, to }),
  auditTrail: (limit) => invoke("audit_trail", { limit }),
  verifyAudit: () => invoke("verify_audit"),
  recordInquiry: (inquiry) => invoke("record_inquiry", { inquiry }),
  complaintStep: (id, step, note) => invoke("complaint_step", { id, step, note }),
  inquiries: (from, to) => invoke("inquiries", { from, to }),
  lentMaterials: () => invoke("lent_materials"),
  lend: (material) => invoke("lend", { material }),
  returnMaterial: (id, day) => invoke("return_material", { id, day }),
  confirmReturn: (id, code, pin) => invoke("confirm_return", { id, code, pin }),
  dailyReport: (day) => invoke("daily_report", { day }),
  monthlyReport: (month) => invoke("monthly_report", { month }),
  saveReport: (kind, period, format) => invoke("save_report", { kind, period, format }),
  markReportSubmitted: (kind, period) => invoke("mark_report_submitted", { kind, period }),
  reportsDue: (from) => invoke("reports_due", { from }),
  capacityPlan: (whatIf) => invoke("capacity_plan", { whatIf }),
  setPlanAssumptions: (assumptions) => invoke("set_plan_assumptions", { assumptions }),
  savePlan: (format) => invoke("save_plan", { format }),
  syncStatus: () => invoke("sync_status"),
  conflicts: (includeResolved) => invoke("conflicts", { includeResolved }),
  resolveConflict: (id, resolution) => invoke("resolve_conflict", { id, resolution }),
  enrolSeat: (address, code) => invoke("enrol_seat", { address, code }),
  hubNewCode: (pin, seatId, site) => invoke("hub_new_code", { pin, seatId: seatId ?? null, site: site ?? null }),
  hubSeats: (pin) => invoke("hub_seats", { pin }),
  hubRevoke: (seatId, pin) => invoke("hub_revoke", { seatId, pin }),
  wipePreflight: () => invoke("wipe_preflight"),
  wipeDefaults: () => invoke("wipe_defaults"),
  wipePending: () => invoke("wipe_pending"),
  wipeStart: (request, onProgress) => withWipeProgress(onProgress, () => invoke("wipe_start", { request })),
  wipeResume: (confirmation, onProgress) => withWipeProgress(onProgress, () => invoke("wipe_resume", { confirmation })),
  quitApp: () => invoke("quit_app"),
};
