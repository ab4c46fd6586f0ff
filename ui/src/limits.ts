// How long each free-text field may be, in characters: the core's table
// (crates/core/src/limits.rs), which refuses longer text with `too_long` at the seat and the hub.
// A Rust test there keeps these numbers equal to it. Inputs set them as `maxLength` (which counts
// UTF-16 units, so it is never looser than the core); the fake backend checks them as the core does.
export const MAX_LENGTH = {
  name: 100,
  kanaName: 100,
  phone: 30,
  bookingNote: 1000,
  sessionNote: 200,
  closureNote: 1000,
  reasonWords: 500,
  returnNote: 500,
  reasonLabel: 30,
  bundleDocument: 100,
  inquirySummary: 2000,
  inquiryOutcome: 2000,
  complaintStepNote: 2000,
  lentItem: 100,
  lentBy: 100,
  keptAt: 100,
  lendingNote: 1000,
  conflictResolution: 1000,
  siteName: 100,
  seatName: 100,
  organisation: 100,
  contract: 100,
  incidentDescription: 2000,
  incidentStepWords: 2000,
  reportedToTitle: 50,
  trainingTitle: 100,
  trainer: 100,
  trainingMaterial: 200,
  staffExperience: 500,
  workLogWords: 200,
  improvementSummary: 2000,
  improvementNote: 1000,
  improvementDocument: 50,
} as const;

/** A field of the table. */
export type LimitedField = keyof typeof MAX_LENGTH;

/** Whether `text` is longer than the field's limit, counted as the core counts (code points). */
export function tooLong(field: LimitedField, text: string): boolean {
  return [...text].length > MAX_LENGTH[field];
}
