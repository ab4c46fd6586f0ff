// Reservation numbers read as core reads them: the Damm check digit (core's table), every
// notation a scanner or a person types, and refusals (wrong check digit, 7 or 9 digits, letters).
import { damm, parseReservationNumber, spacedNumber, withCheckDigit } from "./reservationNumber";

test("the Damm check digit matches the published example and core's numbers", () => {
  expect(damm("572")).toBe(4);
  expect(damm("5724")).toBe(0);
  expect(withCheckDigit("1234567")).toMatch(/^1234-567\d$/);
  expect(damm(withCheckDigit("1234567").replace("-", ""))).toBe(0);
});

test("every notation reads back; wrong ones are refused", () => {
  const n = withCheckDigit("1234567");
  const digits = n.replace("-", "");
  const fullWidth = [...digits].map((d) => String.fromCharCode(0xff10 + Number(d))).join("");
  for (const form of [n, digits, `${digits.slice(0, 4)} ${digits.slice(4)}`, fullWidth, `${fullWidth.slice(0, 4)}－${fullWidth.slice(4)}`, ` ${n} `, `${digits.slice(0, 4)}ー${digits.slice(4)}`]) {
    expect(parseReservationNumber(form)).toBe(n);
  }
  const wrong = `${digits.slice(0, 7)}${(Number(digits[7]) + 1) % 10}`;
  const swapped = `${digits[1]}${digits[0]}${digits.slice(2)}`;
  for (const bad of ["", wrong, swapped, digits.slice(0, 7), `${digits}0`, "abcd-efgh", `${n}x`, "0123-4567"]) {
    expect(parseReservationNumber(bad)).toBeNull();
  }
});

test("the display spaces a number's halves", () => {
  expect(spacedNumber("1234-5678")).toBe("1234 5678");
});
