// One-scan check-in at reception: the field 「予約番号（スキャンまたは入力）」 (F4 puts the cursor
// in it) takes what a USB barcode or QR scanner types — eight digits and Enter — or the same
// typed by hand (half- or full-width digits; spaces and hyphens ignored). A number that is not
// eight digits or whose Damm check digit is wrong is refused here, before anything is asked of
// the backend. A right one checks in today's booking at the board's site (the board's own
// 受付 button does the same) and says who was checked in (kana name and time); a number of
// another day or site, not found, or not waiting to be checked in is explained in Japanese.
// The field keeps the cursor and empties after each scan, so the next one needs nothing else.
import { type FormEvent, type KeyboardEvent, useEffect, useRef, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import type { ReservationSummary } from "../bindings/ReservationSummary";
import { dayLabel, errorText, t, tCode } from "../i18n";
import { parseReservationNumber } from "../reservationNumber";
import "./scan.css";

/** The key that puts the cursor in the field. */
export const SCAN_KEY = "F4";

type Outcome =
  | { kind: "checked_in"; reservation: ReservationSummary }
  | { kind: "info"; text: string; reservation?: ReservationSummary }
  | { kind: "error"; text: string };

/** "2026-12-01T10:02:00" → "10:02" (empty when there is no time). */
function clock(at: string | null): string {
  return at ? at.slice(11, 16) : "";
}

export function ScanCheckIn({ backend, site, onCheckedIn }: {
  backend: Backend;
  /** The board's site (undefined: this PC's). */
  site?: string;
  /** Called after a check-in (the board reloads). */
  onCheckedIn?: () => void;
}) {
  const [text, setText] = useState("");
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<Outcome | null>(null);
  const field = useRef<HTMLInputElement>(null);
  /** An Enter that ended an IME composition: the check-in runs on its key-up. */
  const composedEnter = useRef(false);
  /** A check-in under way (a second Enter meanwhile is ignored). */
  const inFlight = useRef(false);

  useEffect(() => {
    const onKey = (e: globalThis.KeyboardEvent) => {
      if (e.key === SCAN_KEY && !e.altKey && !e.ctrlKey && !e.metaKey) {
        e.preventDefault();
        field.current?.focus();
        field.current?.select();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  async function checkIn(input: string) {
    if (inFlight.current || !input.trim()) return;
    const number = parseReservationNumber(input);
    if (!number) {
      setOutcome({ kind: "error", text: t("scan.invalid") });
      field.current?.select();
      return;
    }
    inFlight.current = true;
    setBusy(true);
    setText("");
    try {
      setOutcome(await checkInNumber(number));
    } catch (e) {
      setOutcome({ kind: "error", text: errorText(errorCode(e)) });
    } finally {
      inFlight.current = false;
      setBusy(false);
      field.current?.focus();
    }
  }

  /** Today's booking `number` at the board's site, checked in; or why not. */
  async function checkInNumber(number: string): Promise<Outcome> {
    const day = (await backend.now()).slice(0, 10);
    const board = await backend.dayBoard(day, site);
    const r = board.reservations.find((x) => x.number === number);
    if (!r) return elsewhere(number, day);
    if (r.status === "checked_in") return { kind: "info", text: t("scan.already", { number }), reservation: r };
    if (r.status !== "booked") return { kind: "error", text: t("scan.notCheckable", { number, status: tCode("status", r.status) }) };
    const checked = await backend.setReservationStatus(number, "checked_in");
    onCheckedIn?.();
    return { kind: "checked_in", reservation: checked };
  }

  /** Why `number` is not on today's board here: another day, another site, or unknown. */
  async function elsewhere(number: string, day: string): Promise<Outcome> {
    const found = (await backend.search(number).catch(() => [] as ReservationSummary[])).find((x) => x.number === number);
    if (!found) return { kind: "error", text: t("scan.notFound", { number }) };
    if (found.day !== day) return { kind: "error", text: t("scan.otherDay", { number, day: dayLabel(found.day) }) };
    return { kind: "error", text: t("scan.otherSite", { number }) };
  }

  function submit(e: FormEvent) {
    e.preventDefault();
    void checkIn(text);
  }

  function onKeyDown(e: KeyboardEvent<HTMLInputElement>) {
    // With the IME on, the Enter that ends the composition does not submit the form: the
    // check-in runs when that key comes up, so one Enter is still enough.
    if (e.key === "Enter" && e.nativeEvent.isComposing) composedEnter.current = true;
  }
  function onKeyUp(e: KeyboardEvent<HTMLInputElement>) {
    if (e.key === "Enter" && composedEnter.current) {
      composedEnter.current = false;
      void checkIn(e.currentTarget.value);
    }
  }

  const shown = outcome && outcome.kind !== "error" ? outcome.reservation : undefined;
  return (
    <form className="scan-check-in" data-testid="scan-check-in" onSubmit={submit}>
      <label htmlFor="scan-checkin">{t("scan.label")}</label>
      <div className="scan-row">
        <input
          ref={field}
          type="text"
          id="scan-checkin"
          name="scanNumber"
          data-testid="scan-checkin"
          inputMode="numeric"
          aria-describedby="scan-checkin-hint"
          aria-keyshortcuts={SCAN_KEY}
          value={text}
          onChange={(e) => setText(e.target.value)}
          onKeyDown={onKeyDown}
          onKeyUp={onKeyUp}
        />
        <button type="submit" disabled={busy}>
          {t("scan.submit")}
        </button>
      </div>
      <p className="small muted" id="scan-checkin-hint">
        {t("scan.hint")}
      </p>
      {outcome?.kind === "error" && (
        <p className="error" role="alert" id="scan-checkin-error" data-testid="scan-checkin-error">
          {outcome.text}
        </p>
      )}
      {outcome && outcome.kind !== "error" && shown && (
        <p
          className={outcome.kind === "checked_in" ? "ok-message scan-result" : "scan-result"}
          role="status"
          id="scan-checkin-result"
          data-testid="scan-checkin-result"
          data-number={shown.number}
          data-outcome={outcome.kind}
        >
          <span>{outcome.kind === "checked_in" ? t("scan.checkedIn", { number: shown.number }) : outcome.text}</span>{" "}
          <span className="kana">{shown.people.map((p) => p.nameKana).join("・")}</span>{" "}
          {shown.checkedInAt && <span className="mono">{t("scan.at", { time: clock(shown.checkedInAt) })}</span>}
        </p>
      )}
    </form>
  );
}
