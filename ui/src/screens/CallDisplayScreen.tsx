// 呼出表示: the waiting room's monitor (issue 22), in its own window (`index.html#/display`,
// opened from the settings on the monitor chosen there). It shows numbers, seats and times only,
// never a name: the newest call large (「1234 5678」「3番窓口へお越しください」), the last calls,
// the numbers expected next, the wait now with the congestion lamp (colour and words), and the
// wait per hour today. It reads `callDisplay` every half second; a call not seen before (not on
// the first read) plays a short chime (this PC's setting) and asks the backend to speak it.
// No navigation, no sign-in: while the store is locked it says 「ただいま準備中です」.
import { useEffect, useRef, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import type { CallDisplay } from "../bindings/CallDisplay";
import type { DisplayCall } from "../bindings/DisplayCall";
import type { Lamp } from "../bindings/Lamp";
import { t, weekdayOf } from "../i18n";
import { spacedNumber } from "../reservationNumber";
import "./display.css";

/** The display window's route (the hash of its URL). */
export const DISPLAY_ROUTE = "#/display";

/** Whether this window is the call display (its URL ends in #/display). */
export function isDisplayRoute(hash: string = window.location.hash): boolean {
  return hash === DISPLAY_ROUTE;
}

/** How often the display reads the calls. */
export const DISPLAY_POLL_MS = 250;
/** Failed reads in a row (other than a locked store) before the display gives up its figures. */
const FAILURES_BEFORE_PREPARING = 10;
/** Errors meaning there is nothing to show until the store is opened again. */
const CLOSED_CODES = new Set(["locked", "not_initialised", "no_data_dir", "database_missing"]);

const LAMP_TEXT: Record<Lamp, "display.lamp.green" | "display.lamp.yellow" | "display.lamp.red"> = {
  green: "display.lamp.green",
  yellow: "display.lamp.yellow",
  red: "display.lamp.red",
};

/** A call's identity: the same number called again later is a new call. */
function callKey(c: DisplayCall): string {
  return `${c.number}|${c.calledAt}`;
}

let audio: AudioContext | null = null;

/** The audio context, made on first use (none where Web Audio is missing, e.g. in tests). */
function audioContext(): AudioContext | null {
  if (audio) return audio;
  const Ctx = window.AudioContext ?? (window as unknown as { webkitAudioContext?: typeof AudioContext }).webkitAudioContext;
  if (!Ctx) return null;
  try {
    audio = new Ctx();
  } catch {
    return null;
  }
  return audio;
}

/** A short two-tone chime (ピンポン, about 0.6 s) with the Web Audio API. */
export function playChime(): void {
  const ctx = audioContext();
  if (!ctx) return;
  // A context started without a user's gesture may begin suspended; resume is harmless if not.
  void ctx.resume?.().catch(() => {});
  const start = ctx.currentTime + 0.02;
  const tones: [number, number][] = [
    [880, 0],
    [698.5, 0.3],
  ];
  for (const [frequency, at] of tones) {
    const osc = ctx.createOscillator();
    const gain = ctx.createGain();
    osc.type = "sine";
    osc.frequency.value = frequency;
    gain.gain.setValueAtTime(0.0001, start + at);
    gain.gain.exponentialRampToValueAtTime(0.35, start + at + 0.02);
    gain.gain.exponentialRampToValueAtTime(0.0001, start + at + 0.3);
    osc.connect(gain).connect(ctx.destination);
    osc.start(start + at);
    osc.stop(start + at + 0.32);
  }
}

/** "2026-11-30T10:05:12" → "11月30日（月） 10:05". */
function clockText(now: string): string {
  const day = now.slice(0, 10);
  return t("display.clock", {
    month: Number(now.slice(5, 7)),
    day: Number(now.slice(8, 10)),
    w: weekdayOf(day) ?? "",
    time: now.slice(11, 16),
  });
}

export function CallDisplayScreen({
  backend,
  pollMs = DISPLAY_POLL_MS,
  chime = playChime,
}: {
  backend: Backend;
  /** How often to read (tests read faster). */
  pollMs?: number;
  /** What plays the chime (tests count it). */
  chime?: () => void;
}) {
  const [display, setDisplay] = useState<CallDisplay | null>(null);
  /** Calls already shown (number and time); null until the first read. */
  const seen = useRef<Set<string> | null>(null);
  const failures = useRef(0);
  const chimeRef = useRef(chime);
  chimeRef.current = chime;

  useEffect(() => {
    const title = document.title;
    document.title = t("display.title");
    // The first touch or key on the display's PC lets a suspended audio context play.
    const unlockAudio = () => void audio?.resume?.().catch(() => {});
    window.addEventListener("pointerdown", unlockAudio);
    window.addEventListener("keydown", unlockAudio);
    return () => {
      window.removeEventListener("pointerdown", unlockAudio);
      window.removeEventListener("keydown", unlockAudio);
      document.title = title;
    };
  }, []);

  useEffect(() => {
    let stopped = false;
    let timer: number | undefined;
    const read = async () => {
      try {
        const next = await backend.callDisplay();
        if (stopped) return;
        failures.current = 0;
        const fresh = seen.current ? next.calls.filter((c) => !seen.current!.has(callKey(c))) : [];
        seen.current ??= new Set();
        for (const c of next.calls) seen.current.add(callKey(c));
        setDisplay(next);
        if (fresh.length > 0) {
          if (next.settings.chime) chimeRef.current();
          // Oldest first, as they were called; the backend speaks only when the voice is on.
          for (const c of [...fresh].reverse()) void backend.announce(c).catch(() => false);
        }
      } catch (e) {
        if (stopped) return;
        failures.current += 1;
        if (CLOSED_CODES.has(errorCode(e)) || failures.current >= FAILURES_BEFORE_PREPARING) {
          setDisplay(null);
          // Opened again, the calls made meanwhile are not announced at once.
          seen.current = null;
        }
      } finally {
        if (!stopped) timer = window.setTimeout(() => void read(), pollMs);
      }
    };
    void read();
    return () => {
      stopped = true;
      window.clearTimeout(timer);
    };
  }, [backend, pollMs]);

  if (!display) {
    return (
      <div className="call-display preparing" id="call-display" data-testid="call-display">
        <div className="cd-preparing" id="display-preparing" data-testid="display-preparing" role="status">
          <p className="cd-preparing-title">{t("display.preparing")}</p>
          <p className="cd-preparing-lead">{t("display.preparingLead")}</p>
        </div>
      </div>
    );
  }

  const [current, ...earlier] = display.calls;
  return (
    <div className="call-display" id="call-display" data-testid="call-display" data-lamp={display.lamp}>
      <header className="cd-header">
        <span className="cd-site" id="display-site">{display.siteName}</span>
        {display.storeKind === "training" && (
          <span className="training-mark" data-testid="training-mark">{t("training.mark")}</span>
        )}
        <span className="cd-clock" id="display-clock" data-testid="display-clock">{clockText(display.now)}</span>
      </header>
      <main className="cd-main">
        <section className="cd-current" aria-labelledby="display-current-title" aria-live="polite" id="display-current" data-testid="display-current">
          <h1 id="display-current-title" className="cd-label">{t("display.nowCalling")}</h1>
          {current ? (
            <div className="cd-call" key={callKey(current)} data-number={current.number}>
              <p className="cd-number" id="display-current-number" data-testid="display-current-number">
                {spacedNumber(current.number)}
              </p>
              <p className="cd-seat" id="display-current-seat" data-testid="display-current-seat" data-seat={current.seatNo}>
                {t("display.goToSeat", { seat: current.seatNo })}
              </p>
            </div>
          ) : (
            <p className="cd-none" id="display-no-call">{t("display.noCall")}</p>
          )}
        </section>
        <section className="cd-side">
          <div className="cd-panel" aria-labelledby="display-recent-title">
            <h2 id="display-recent-title" className="cd-label">{t("display.recent")}</h2>
            <ol className="cd-list" id="display-recent" data-testid="display-recent">
              {earlier.map((c) => (
                <li key={callKey(c)} data-number={c.number}>
                  <span className="cd-list-number">{spacedNumber(c.number)}</span>
                  <span className="cd-arrow" aria-hidden="true">→</span>
                  <span className="cd-list-seat">{t("display.seat", { seat: c.seatNo })}</span>
                </li>
              ))}
            </ol>
          </div>
          <div className="cd-panel" aria-labelledby="display-next-title">
            <h2 id="display-next-title" className="cd-label">{t("display.next")}</h2>
            {display.next.length > 0 ? (
              <ol className="cd-next" id="display-next" data-testid="display-next">
                {display.next.map((n) => (
                  <li key={n} data-number={n}>{spacedNumber(n)}</li>
                ))}
              </ol>
            ) : (
              <p className="cd-none small" id="display-next" data-testid="display-next">{t("display.noNext")}</p>
            )}
          </div>
        </section>
      </main>
      <footer className="cd-footer">
        <div className="cd-wait" aria-labelledby="display-wait-title">
          <span id="display-wait-title" className="cd-label">{t("display.wait")}</span>
          <span className="cd-wait-minutes" id="display-wait" data-testid="display-wait">
            {t("display.waitMinutes", { n: display.waitMinutes })}
          </span>
          <span className={`cd-lamp lamp-${display.lamp}`} id="display-lamp" data-testid="display-lamp" data-lamp={display.lamp}>
            <span className="cd-lamp-light" aria-hidden="true" />
            {t(LAMP_TEXT[display.lamp])}
          </span>
          <span className="cd-waiting">{t("display.waiting", { n: display.waiting })}</span>
        </div>
        {display.bands.length > 0 && (
          <table className="cd-bands" id="display-bands" data-testid="display-bands">
            <caption className="cd-label">{t("display.bands")}</caption>
            <thead>
              <tr>
                {display.bands.map((b) => (
                  <th key={b.hour} scope="col">{t("display.bandHour", { hour: b.hour })}</th>
                ))}
              </tr>
            </thead>
            <tbody>
              <tr>
                {display.bands.map((b) => (
                  <td key={b.hour} data-hour={b.hour}>
                    {b.minutes === null ? t("display.bandNone") : t("display.waitMinutes", { n: b.minutes })}
                  </td>
                ))}
              </tr>
            </tbody>
          </table>
        )}
      </footer>
    </div>
  );
}
