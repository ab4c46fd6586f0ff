// 業務日誌 (docs/design/paperwork.md §3.3, §9; seed 002 §13(4)): pick the day and the site; the
// day's figures read-only (the daily report's); notes as category → code → count → words (the
// words are kept, never printed); 「締める」 / 「再開」, 「出力」 (PDF), 「提出済み」; the list of days
// owed with 提出期限 and overdue marks. Manager and deputy (core refuses others). Keyboard: every
// control is a labelled form control or button; Enter in the note form adds the note.
import { type FormEvent, useCallback, useState } from "react";
import type { Backend } from "../api/backend";
import type { WorkLog } from "../bindings/WorkLog";
import type { WorkLogCategory } from "../bindings/WorkLogCategory";
import type { WorkLogDue } from "../bindings/WorkLogDue";
import { dayLabel, t, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { useLoaded } from "./useLoaded";

/** Core's `WorkLogCategory::codes` (paperwork/work_log.rs), `other` last. */
export const WORK_LOG_CODES: Record<WorkLogCategory, string[]> = {
  staffing: ["absence", "late", "support_from_other_site", "short_staffed", "other"],
  system: ["terminal_fault", "printer_fault", "network_down", "jlis_outage", "other"],
  congestion: ["long_wait", "walk_ins_turned_away", "other"],
  city_contact: ["instruction_received", "question_referred", "meeting", "other"],
  supplies: ["shortage", "delivered", "other"],
  lent_materials: ["checked", "discrepancy", "other"],
  security_check: ["opening_done", "closing_done", "documents_locked", "shredding_done", "other"],
  incident: ["opened", "updated", "other"],
  improvement: ["measure_carried_out", "city_notified", "other"],
  other: ["other"],
};
const CATEGORIES = Object.keys(WORK_LOG_CODES) as WorkLogCategory[];

/** The label of a note's code (a city's own code shows as itself). */
export function codeLabel(category: WorkLogCategory, code: string): string {
  const own = tCode(`worklog.code.${category}`, code);
  return own !== code ? own : tCode("worklog.code", code);
}

function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

function daysBefore(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

export function WorkLogScreen({ backend, today = localToday() }: { backend: Backend; today?: string }) {
  const [day, setDay] = useState(today);
  const [site, setSite] = useState<string | null>(null);
  const load = useCallback(async () => {
    const [log, due, sites] = await Promise.all([
      backend.workLog(site, day),
      backend.workLogsDue(daysBefore(today, 31)),
      backend.sites(),
    ]);
    return { log: log as WorkLog | null, due, sites: sites.sites.filter((s) => s.active) };
  }, [backend, site, day, today]);
  const { data, error, run } = useLoaded(load, { log: null as WorkLog | null, due: [] as WorkLogDue[], sites: [] as { id: string; name: string }[] });
  const [category, setCategory] = useState<WorkLogCategory>("system");
  const [code, setCode] = useState(WORK_LOG_CODES.system[0]);
  const [count, setCount] = useState(1);
  const [words, setWords] = useState("");
  const [submittedOn, setSubmittedOn] = useState(today);
  const [saved, setSaved] = useState<string | null>(null);
  const log = data.log;
  const closed = log?.state === "closed";

  const add = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await run(() => backend.addWorkLogNote(site, day, { category, code, count, words, incidentId: null }));
    if (ok) {
      setWords("");
      setCount(1);
    }
  };
  const f = log?.figures;
  return (
    <section className="card" aria-labelledby="worklog-title">
      <h1 id="worklog-title">{t("worklog.title")}</h1>
      <div className="row">
        <label>
          {t("worklog.day")}{" "}
          <input type="date" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} />
        </label>
        {data.sites.length > 1 && (
          <label>
            {t("worklog.site")}{" "}
            <select value={site ?? ""} onChange={(e) => setSite(e.target.value || null)}>
              <option value="">—</option>
              {data.sites.map((s) => (
                <option key={s.id} value={s.id}>
                  {s.name}
                </option>
              ))}
            </select>
          </label>
        )}
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      {log && f && (
        <>
          <h2>
            {dayLabel(log.day)} {log.siteName}
          </h2>
          {!log.counterOpen && <p className="muted">{t("worklog.counterClosed")}</p>}
          <h3>{t("worklog.figures")}</h3>
          <dl className="facts" data-testid="worklog-figures">
            <dt>{t("worklog.fig.booked")}</dt>
            <dd>{f.booked}</dd>
            <dt>{t("worklog.fig.visitors")}</dt>
            <dd>{f.visitors}</dd>
            <dt>{t("worklog.fig.completed")}</dt>
            <dd>{f.completed}</dd>
            <dt>{t("worklog.fig.revisits")}</dt>
            <dd>{f.revisits}</dd>
            <dt>{t("worklog.fig.handedOver")}</dt>
            <dd>{f.handedOver}</dd>
            <dt>{t("worklog.fig.inquiries")}</dt>
            <dd>{f.inquiriesPhone + f.inquiriesVisitor}</dd>
            <dt>{t("worklog.fig.complaints")}</dt>
            <dd>{f.complaintsReceived}</dd>
          </dl>

          <h3>{t("worklog.notes")}</h3>
          {log.notes.length === 0 && <p className="muted">{t("worklog.noNotes")}</p>}
          {log.notes.length > 0 && (
            <table className="grid" data-testid="worklog-notes" aria-label={t("worklog.notes")}>
              <thead>
                <tr>
                  <th>{t("worklog.category")}</th>
                  <th>{t("worklog.code")}</th>
                  <th>{t("worklog.count")}</th>
                  <th>{t("worklog.words")}</th>
                  <th>{t("worklog.writtenBy")}</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {log.notes.map((n) => (
                  <tr key={n.id}>
                    <td>{tCode("worklog.category", n.category)}</td>
                    <td>{codeLabel(n.category, n.code)}</td>
                    <td>{n.count}</td>
                    <td>{n.words}</td>
                    <td>{n.writtenBy}</td>
                    <td>
                      {!closed && (
                        <button type="button" onClick={() => void run(() => backend.removeWorkLogNote(n.id))}>
                          {t("worklog.remove")}
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {!closed && (
            <form onSubmit={add} data-testid="worklog-form" aria-label={t("worklog.addNote")}>
              <label>
                {t("worklog.category")}{" "}
                <select
                  value={category}
                  onChange={(e) => {
                    const c = e.target.value as WorkLogCategory;
                    setCategory(c);
                    setCode(WORK_LOG_CODES[c][0]);
                  }}
                >
                  {CATEGORIES.map((c) => (
                    <option key={c} value={c}>
                      {tCode("worklog.category", c)}
                    </option>
                  ))}
                </select>
              </label>{" "}
              <label>
                {t("worklog.code")}{" "}
                <select value={code} onChange={(e) => setCode(e.target.value)}>
                  {WORK_LOG_CODES[category].map((c) => (
                    <option key={c} value={c}>
                      {codeLabel(category, c)}
                    </option>
                  ))}
                </select>
              </label>{" "}
              <label>
                {t("worklog.count")}{" "}
                <input type="number" min={1} max={10000} value={count} onChange={(e) => setCount(Number(e.target.value) || 1)} style={{ width: "5em" }} />
              </label>{" "}
              <label>
                {t("worklog.words")}{" "}
                <input value={words} maxLength={MAX_LENGTH.workLogWords} onChange={(e) => setWords(e.target.value)} aria-describedby="worklog-words-hint" />
              </label>{" "}
              <button type="submit">{t("worklog.add")}</button>
              <p id="worklog-words-hint" className="muted">
                {t("worklog.wordsNotPrinted")}
              </p>
            </form>
          )}

          <h3>{t("worklog.state")}</h3>
          <p data-testid="worklog-state">
            {t(closed ? "worklog.state.closed" : "worklog.state.open")}
            {log.closedBy && ` ${t("worklog.closedBy")}：${log.closedByName ?? log.closedBy}`}
            {` ${t("worklog.due")}：${dayLabel(log.due)}`}
            {log.submittedOn && ` ${t("worklog.submittedOn")}：${dayLabel(log.submittedOn)}`}
            {log.overdue && <span className="badge full"> {t("worklog.overdue")}</span>}
          </p>
          <div className="row">
            {closed ? (
              <button type="button" onClick={() => void run(() => backend.reopenWorkLog(site, day))}>
                {t("worklog.reopen")}
              </button>
            ) : (
              <button type="button" onClick={() => void run(() => backend.closeWorkLog(site, day))}>
                {t("worklog.close")}
              </button>
            )}{" "}
            <button type="button" onClick={() => void run(async () => setSaved(await backend.saveWorkLog(site, day)))}>
              {t("worklog.output")}
            </button>{" "}
            <label>
              {t("worklog.submittedOn")} <input type="date" value={submittedOn} onChange={(e) => setSubmittedOn(e.target.value)} />
            </label>{" "}
            <button type="button" disabled={!closed} onClick={() => void run(() => backend.markWorkLogSubmitted(site, day, submittedOn))}>
              {t("worklog.submitted")}
            </button>
          </div>
          {saved && <p role="status">{t("worklog.saved", { path: saved })}</p>}
        </>
      )}

      <h2>{t("worklog.days")}</h2>
      <table className="grid" data-testid="worklog-days" aria-label={t("worklog.days")}>
        <thead>
          <tr>
            <th>{t("worklog.day")}</th>
            <th>{t("worklog.state")}</th>
            <th>{t("worklog.due")}</th>
            <th>{t("worklog.submittedOn")}</th>
          </tr>
        </thead>
        <tbody>
          {data.due.map((d) => (
            <tr key={`${d.site}/${d.day}`} className={d.overdue ? "overdue" : undefined}>
              <td>
                <button type="button" className="link" onClick={() => setDay(d.day)}>
                  {dayLabel(d.day)}
                </button>
              </td>
              <td>
                {t(d.state === "closed" ? "worklog.state.closed" : "worklog.state.open")} {t("worklog.noteCount", { count: d.notes })}
              </td>
              <td>{dayLabel(d.due)}</td>
              <td>{d.submittedOn ? dayLabel(d.submittedOn) : d.overdue ? <strong>{t("worklog.overdue")}</strong> : t("worklog.notSubmitted")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
