// What the workflow screens share: today's cases from the store (polled, so each screen follows
// what other seats do), and how one case is named on screen.
import { useCallback, useEffect, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import type { CaseView } from "../bindings/CaseView";
import { errorText, tCode } from "../i18n";
import "./visits.css";

/** How often the live screens re-read the day's cases. */
const POLL_MS = 5000;

/** The cases of `day`, or of the store's today when no day is given, kept fresh. */
export function useCases(backend: Backend, day?: string) {
  const [cases, setCases] = useState<CaseView[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [loadedDay, setLoadedDay] = useState<string | null>(day ?? null);

  const reload = useCallback(async () => {
    try {
      const d = day ?? (await backend.now()).slice(0, 10);
      setLoadedDay(d);
      setCases(await backend.casesOn(d));
    } catch (e) {
      setError(errorText(errorCode(e)));
    }
  }, [backend, day]);

  useEffect(() => {
    void reload();
    const timer = window.setInterval(() => void reload(), POLL_MS);
    return () => window.clearInterval(timer);
  }, [reload]);

  return { cases, reload, error, setError, day: loadedDay };
}

/** Reservation number, name in kana and procedures of a case. */
export function CaseHeading({ c }: { c: CaseView }) {
  return (
    <h2 className="case-heading">
      <span className="mono">{c.number}</span>
      {c.position > 0 && <span className="muted">#{c.position + 1}</span>}
      <span>{c.nameKana}</span>
      <span className="muted small">{c.procedures.map((p) => tCode("procedure", p)).join("・")}</span>
      <span className={`badge state-${c.state}`}>{tCode("visitState", c.state)}</span>
    </h2>
  );
}

/** "2026-12-01T10:02:00" → "10:02". */
export function clock(at: string | null): string {
  return at ? at.slice(11, 16) : "";
}

/** The city staff member holding a case's bundle: name and staff ID. */
export function handedTo(c: CaseView): string {
  return c.handedTo ? `${c.handedToName ?? ""}（${c.handedTo}）` : "";
}
