// Reservation numbers (予約番号) as core reads them (crates/core/src/reservation_number.rs):
// eight digits, never starting with 0, the last a Damm check digit; shown as 1234-5678. What a
// USB barcode or QR scanner types, or a person keys in, is read the same way: half- or
// full-width digits, spaces and hyphens ignored.

/** The Damm quasigroup of order 10 (weakly totally anti-symmetric), as core's `DAMM`. */
const DAMM: readonly (readonly number[])[] = [
  [0, 3, 1, 7, 5, 9, 8, 6, 4, 2],
  [7, 0, 9, 2, 1, 5, 4, 8, 6, 3],
  [4, 2, 0, 6, 8, 7, 1, 3, 5, 9],
  [1, 7, 5, 0, 9, 8, 3, 4, 2, 6],
  [6, 1, 2, 3, 0, 4, 5, 9, 7, 8],
  [3, 6, 7, 4, 2, 0, 9, 5, 8, 1],
  [5, 8, 6, 9, 7, 2, 0, 1, 3, 4],
  [8, 9, 4, 5, 3, 6, 2, 0, 1, 7],
  [9, 4, 3, 8, 6, 1, 7, 2, 0, 5],
  [2, 5, 8, 1, 4, 3, 6, 7, 9, 0],
];

/** The Damm interim digit of `digits` (0 for a number whose last digit is its check digit). */
export function damm(digits: string): number {
  let interim = 0;
  for (const d of digits) interim = DAMM[interim][Number(d)];
  return interim;
}

/** A seven-digit body with its check digit appended, shown as 1234-5678 (tests, fakes). */
export function withCheckDigit(body: string): string {
  const digits = `${body}${damm(body)}`;
  return `${digits.slice(0, 4)}-${digits.slice(4)}`;
}

/** Separators ignored between digits: spaces and the hyphens and dashes people and scanners type. */
const SEPARATOR = /[\s\-‐‑‒–—―−ー]/u;

/** The reservation number in `text` as 1234-5678, or null when it is not eight digits (the first
 * not 0) with a right check digit. */
export function parseReservationNumber(text: string): string | null {
  let digits = "";
  for (const c of text.normalize("NFKC")) {
    if (c >= "0" && c <= "9") digits += c;
    else if (!SEPARATOR.test(c)) return null;
  }
  if (digits.length !== 8 || digits[0] === "0" || damm(digits) !== 0) return null;
  return `${digits.slice(0, 4)}-${digits.slice(4)}`;
}

/** "1234-5678" → "1234 5678", as the waiting room's display shows a number. */
export function spacedNumber(number: string): string {
  const digits = number.replace(/\D/g, "");
  return digits.length === 8 ? `${digits.slice(0, 4)} ${digits.slice(4)}` : number.replace(/-/g, " ");
}
