// The reservation slip (予約票): 「予約票を印刷」 opens a compact panel under it with the slip as it
// will print — 日時, 拠点, the reservation number large, and each person's 持ち物 — the paper (A6,
// the counter's slip printer, by default; or A4 plain paper) and 「PDFを作成」, which saves the
// PDF into the data folder's reports/ and says where (as the reports screen does: the app has no
// "open" of its own, staff open the file from there to print it).
// The kana names are shown on the screen only, so staff check they print the right booking; the
// PDF names nobody (DESIGN.md §4), and the panel says so.
// Keyboard: the panel opens with the focus on 「PDFを作成」 (Enter makes it; Shift+Tab reaches the
// paper), and Escape or 「閉じる」 closes it, the focus back on 「予約票を印刷」.
import { type FormEvent, type KeyboardEvent, useEffect, useId, useRef, useState } from "react";
import { type Backend, errorCode, hhmm, type SlipSize } from "../api/backend";
import type { ReservationSlip } from "../bindings/ReservationSlip";
import { errorText, t, tCode, weekdayOf } from "../i18n";
import "./slip.css";

const SIZES: SlipSize[] = ["a6", "a4"];

/** The day as the slip prints it: 2027年1月15日（金）. */
function slipDay(day: string): string {
  const w = weekdayOf(day);
  if (w === null) return day;
  const [y, m, d] = day.split("-").map(Number);
  return t("slip.day", { y, m, d, w });
}

export function SlipButton({
  backend,
  number,
  small = false,
}: {
  backend: Backend;
  /** The reservation number of a booking that holds a place (booked or checked in). */
  number: string;
  /** The board's row action size. */
  small?: boolean;
}) {
  const [open, setOpen] = useState(false);
  const [slip, setSlip] = useState<ReservationSlip | null>(null);
  const [size, setSize] = useState<SlipSize>("a6");
  const [saved, setSaved] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  /** A PDF under way (a second Enter meanwhile is ignored). */
  const inFlight = useRef(false);
  const trigger = useRef<HTMLButtonElement>(null);
  const makeButton = useRef<HTMLButtonElement>(null);
  const id = useId();
  const panelId = `${id}-slip`;
  const titleId = `${id}-slip-title`;
  const keysId = `${id}-slip-keys`;

  // The slip's contents, read afresh each time the panel opens.
  useEffect(() => {
    if (!open) return;
    let live = true;
    backend.reservationSlip(number).then(
      (s) => live && setSlip(s),
      (e) => live && setError(errorText(errorCode(e))),
    );
    return () => {
      live = false;
    };
  }, [backend, number, open]);

  useEffect(() => {
    if (open) makeButton.current?.focus();
  }, [open]);

  function show() {
    setSlip(null);
    setSize("a6");
    setSaved(null);
    setError(null);
    setOpen(true);
  }
  function close() {
    setOpen(false);
    trigger.current?.focus();
  }

  async function make(e: FormEvent) {
    e.preventDefault();
    if (inFlight.current) return;
    inFlight.current = true;
    setBusy(true);
    setError(null);
    try {
      setSaved(await backend.saveSlip(number, size));
    } catch (err) {
      setSaved(null);
      setError(errorText(errorCode(err)));
    } finally {
      inFlight.current = false;
      setBusy(false);
    }
  }

  function keys(e: KeyboardEvent<HTMLDivElement>) {
    if (e.key === "Escape" && !e.nativeEvent.isComposing) {
      e.preventDefault();
      e.stopPropagation();
      close();
    }
  }

  return (
    <>
      <button
        type="button"
        ref={trigger}
        className={small ? "small secondary" : "secondary"}
        data-action="slip"
        aria-expanded={open}
        aria-controls={open ? panelId : undefined}
        onClick={() => (open ? close() : show())}
      >
        {t("slip.print")}
      </button>
      {open && (
        <div
          className="slip-panel"
          id={panelId}
          role="dialog"
          aria-labelledby={titleId}
          aria-describedby={keysId}
          data-testid="slip-panel"
          data-number={number}
          onKeyDown={keys}
        >
          <h2 id={titleId}>{t("slip.panel", { number })}</h2>
          {!slip && !error && <p className="muted small">{t("slip.loading")}</p>}
          {slip && <SlipPreview slip={slip} />}
          <form className="slip-make" aria-labelledby={titleId} onSubmit={make}>
            <fieldset className="slip-size">
              <legend>{t("slip.size")}</legend>
              {SIZES.map((s) => (
                <label key={s} className="check">
                  <input type="radio" name="slipSize" value={s} checked={size === s} onChange={() => setSize(s)} />
                  {t(s === "a6" ? "slip.a6" : "slip.a4")}
                </label>
              ))}
            </fieldset>
            <div className="slip-buttons">
              <button type="submit" className="small" ref={makeButton} data-action="make-slip" aria-disabled={busy}>
                {busy ? t("slip.making") : t("slip.make")}
              </button>
              <button type="button" className="small secondary" data-action="close-slip" onClick={close}>
                {t("slip.close")}
              </button>
              <span className="small muted" id={keysId}>
                {t("slip.keys")}
              </span>
            </div>
          </form>
          {error && (
            <p className="error" role="alert">
              {error}
            </p>
          )}
          <div role="status">
            {saved && (
              <p className="ok-message" data-testid="slip-saved" data-path={saved}>
                {t("slip.saved", { path: saved })}
                <br />
                <span className="small muted">{t("slip.savedHint")}</span>
              </p>
            )}
          </div>
        </div>
      )}
    </>
  );
}

/** The slip as the PDF shows it, with the kana names beside each person (screen only). */
function SlipPreview({ slip }: { slip: ReservationSlip }) {
  return (
    <article className="slip-preview" data-testid="slip-preview">
      {slip.cityName && <p className="muted small slip-city">{slip.cityName}</p>}
      <h3>{t("slip.title")}</h3>
      <dl className="slip-facts">
        <div>
          <dt>{t("slip.when")}</dt>
          <dd data-testid="slip-when">
            {slipDay(slip.day)}　{hhmm(slip.starts)}
          </dd>
        </div>
        <div>
          <dt>{t("slip.site")}</dt>
          <dd data-testid="slip-site">{slip.siteName}</dd>
        </div>
      </dl>
      <p className="muted small slip-number-label">{t("slip.number")}</p>
      <p className="number" data-testid="slip-number">
        {slip.number}
      </p>
      {slip.provisional && <p className="badge provisional">{t("slip.provisional")}</p>}
      <h4>{t("slip.bring")}</h4>
      {slip.people.map((p, i) => (
        <section key={i} className="slip-person" data-testid="slip-person">
          <p className="slip-who">
            {t("slip.person", {
              n: i + 1,
              type: tCode("applicantType", p.applicantType),
              procedures: p.procedures.map((x) => tCode("procedure", x)).join("・"),
            })}{" "}
            <span className="kana" data-testid="slip-kana">
              {p.nameKana}
            </span>
          </p>
          <ul data-testid="slip-bring">
            {p.bring.length === 0 ? <li>{t("slip.nothing")}</li> : p.bring.map((item, k) => <li key={k}>{item}</li>)}
          </ul>
        </section>
      ))}
      <p className="slip-note" data-testid="slip-name-note">
        {t("slip.nameNote")}
      </p>
    </article>
  );
}
