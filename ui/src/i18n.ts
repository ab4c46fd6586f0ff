// UI text lives in locale files (Japanese first); components ask for keys, never hold strings.
import common from "./locales/ja/common.json";
import errors from "./locales/ja/errors.json";

export type TextKey = keyof typeof common;
export type ErrorKey = keyof typeof errors;

/** The text for `key`, with `{name}` placeholders filled from `vars`. */
export function t(key: TextKey, vars: Record<string, string | number> = {}): string {
  return common[key].replace(/\{(\w+)\}/g, (_, name: string) => String(vars[name] ?? `{${name}}`));
}

/** The Japanese sentence for an error code (unknown codes get a generic sentence). */
export function errorText(code: string): string {
  return (errors as Record<string, string>)[code] ?? errors.unknown;
}
