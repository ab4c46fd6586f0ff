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

const texts = { ...common, ...checklist, ...reservations, ...settings, ...visits, ...people, ...reports, ...planner, ...sync, ...wipe };
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

/** Text for a key built at run time (enum codes such as `procedure.card_issue`). */
export function tCode(prefix: string, code: string): string {
  return (texts as Record<string, string>)[`${prefix}.${code}`] ?? code;
}
