// UI text lives in locale files (Japanese first); components ask for keys, never hold strings.
import checklist from "./locales/ja/checklist.json";
import common from "./locales/ja/common.json";
import errors from "./locales/ja/errors.json";
import reservations from "./locales/ja/reservations.json";
import settings from "./locales/ja/settings.json";
import visits from "./locales/ja/visits.json";
import people from "./locales/ja/people.json";
import reports from "./locales/ja/reports.json";
import planner from "./locales/ja/planner.json";
import sync from "./locales/ja/sync.json";
import wipe from "./locales/ja/wipe.json";
import reasons from "./locales/ja/reasons.json";
import sites from "./locales/ja/sites.json";
import display from "./locales/ja/display.json";
import worklog from "./locales/ja/worklog.json";
import incidents from "./locales/ja/incidents.json";
import roster from "./locales/ja/roster.json";

const texts = { ...common, ...checklist, ...reservations, ...settings, ...visits, ...people, ...reports, ...planner, ...sync, ...wipe, ...reasons, ...sites, ...display, ...incidents, ...worklog, ...roster };
export type TextKey = keyof typeof texts;
export type ErrorKey = keyof typeof errors;

/** The text for `key`, with `{name}` placeholders filled from `vars`. */
export function t(key: TextKey, vars: Record<string, string | number> = {}): string {
  return texts[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** The Japanese sentence for an error code (unknown codes get a generic sentence). */
export function errorText(code: string): string {
  return (errors as Record<string, string>)[code] ?? errors.unknown;
}

/** The label of a reason code (revisit, cancel, form_difference): built in, or the city's own.
 * Codes only: staff's words never reach a report or a list. */
export function reasonLabel(kind: string, code: string, city: { kind: string; code: string; label: string }[] = []): string {
  const built = (texts as Record<string, string>)[`reason.${kind}.${code}`];
  return built ?? city.find((r) => r.kind === kind && r.code === code)?.label ?? code;
}

/** The codes of a reason list offered in pickers: built-in ones (other last), then the city's active ones. */
export function reasonCodes(kind: string, city: { kind: string; code: string; active: boolean }[] = []): string[] {
  const prefix = `reason.${kind}.`;
  const built = Object.keys(texts).filter((k) => k.startsWith(prefix)).map((k) => k.slice(prefix.length));
  const other = built.filter((c) => c === "other");
  return [...built.filter((c) => c !== "other"), ...city.filter((r) => r.kind === kind && r.active).map((r) => r.code), ...other];
}

/** Text for a key built at run time (enum codes such as `procedure.card_issue`). */
export function tCode(prefix: string, code: string): string {
  return (texts as Record<string, string>)[`${prefix}.${code}`] ?? code;
}

/** The weekday of a YYYY-MM-DD day as one character (日…土), or null when it is not a date. */
export function weekdayOf(day: string): string | null {
  const [y, m, d] = day.split("-").map(Number);
  const w = new Date(Date.UTC(y, m - 1, d)).getUTCDay();
  return Number.isNaN(w) ? null : t("settings.weekdays")[w];
}

/** A day with its weekday: "2026-12-05" → "2026-12-05（土）" (the day as given when it is not a date). */
export function dayLabel(day: string): string {
  const w = weekdayOf(day);
  return w === null ? day : t("settings.dayWithWeekday", { day, w });
}
