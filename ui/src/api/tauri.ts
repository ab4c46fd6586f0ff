// The Backend over Tauri IPC. Command names and argument names match src-tauri/src/commands.rs.
import { invoke } from "@tauri-apps/api/core";
import type { Backend } from "./backend";

export const tauriBackend: Backend = {
  lockState: () => invoke("lock_state"),
  unlock: (passphrase) => invoke("unlock", { passphrase }),
  storeStatus: () => invoke("store_status"),
  lock: () => invoke("lock"),
  dayBoard: (day) => invoke("day_board", { day }),
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
  setProcedureMinutes: (procedure, minutes) => invoke("set_procedure_minutes", { procedure, minutes }),
  intakeScript: (procedures, applicantType, facts) => invoke("intake_script", { procedures, applicantType, facts }),
  checklist: (number) => invoke("checklist", { number }),
  recordChecklist: (number, position, stage, input) => invoke("record_checklist", { number, position, stage, input }),
  recordCheckOutcome: (number, position, outcome) => invoke("record_check_outcome", { number, position, outcome }),
};
