/// <reference types="vite/client" />
// Every error code the Rust side can send (from the generated bindings) has a Japanese sentence.
import coreCodes from "./bindings/ErrorCode.ts?raw";
import shellCodes from "./bindings/ShellErrorCode.ts?raw";
import errors from "./locales/ja/errors.json";
import { errorText, t } from "./i18n";

function literals(source: string): string[] {
  const union = source.slice(source.indexOf("="));
  return [...union.matchAll(/"([a-z_]+)"/g)].map((m) => m[1]);
}

test("every error code has a Japanese sentence", () => {
  const codes = [...literals(coreCodes), ...literals(shellCodes)];
  expect(codes).toContain("wrong_passphrase");
  expect(codes).toContain("locked");
  const missing = codes.filter((c) => !(c in errors));
  expect(missing).toEqual([]);
});

test("unknown codes fall back to a generic sentence; placeholders are filled", () => {
  expect(errorText("no_such_code")).toBe(errors.unknown);
  expect(t("status.countUnit", { n: 3 })).toBe("3 件");
});
