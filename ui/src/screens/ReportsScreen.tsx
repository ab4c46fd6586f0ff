// Reports (manager / deputy): what is due and what is overdue, then pick a day or a month,
// produce it and read the preview (the same figures the PDF and CSV hold), save the PDF or CSV
// into the data folder's reports/, and mark it submitted once handed to the city. In a city with
// several sites (拠点) the preview has each site's headline figures, then the city's total, in
// the order of the PDF.
import { useCallback, useEffect, useState } from "react";
import { addDays, type Backend, errorCode } from "../api/backend";
import type { DailyReport } from "../bindings/DailyReport";
import type { DayFigures } from "../bindings/DayFigures";
import type { MonthlyIncident } from "../bindings/MonthlyIncident";
import type { MonthlyReport } from "../bindings/MonthlyReport";
import type { ReportDue } from "../bindings/ReportDue";
import type { ReportKind } from "../bindings/ReportKind";
import type { TimeStats } from "../bindings/TimeStats";
import { errorText, reasonLabel, t, type TextKey, tCode } from "../i18n";
import "./reports.css";

type Preview = { kind: "daily"; report: DailyReport } | { kind: "monthly"; report: MonthlyReport };

/** The headline figures, in the order of the PDF. */
const FIGURES: [keyof DayFigures, TextKey][] = [
  ["places", "rf.places"],
  ["booked", "rf.booked"],
  ["walkIns", "rf.walkIns"],
  ["noShows", "rf.noShows"],
  ["cancelled", "rf.cancelled"],
  ["visitors", "rf.visitors"],
  ["completed", "rf.completed"],
  ["revisits", "rf.revisits"],
  ["casesCancelled", "rf.casesCancelled"],
  ["handedOver", "rf.handedOver"],
  ["unacknowledged", "rf.unacknowledged"],
  ["formsRecorded", "rf.formsRecorded"],
  ["formsCounted", "rf.formsCounted"],
  ["inquiriesPhone", "rf.inquiriesPhone"],
  ["inquiriesVisitor", "rf.inquiriesVisitor"],
  ["complaintsReceived", "rf.complaintsReceived"],
  ["complaintsResolved", "rf.complaintsResolved"],
];

function times(s: TimeStats): string {
  return s.count === 0 ? t("reports.noTimes") : t("reports.times", { mean: s.mean.toFixed(1), p90: s.p90, max: s.max });
}

export function ReportsScreen({ backend }: { backend: Backend }) {
  const [kind, setKind] = useState<ReportKind>("daily");
  const [day, setDay] = useState("");
  const [due, setDue] = useState<ReportDue[]>([]);
  const [preview, setPreview] = useState<Preview | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const loadDue = useCallback(async () => {
    const today = (await backend.now()).slice(0, 10);
    setDay((d) => d || addDays(today, -1));
    setDue(await backend.reportsDue(addDays(today, -62)));
  }, [backend]);
  useEffect(() => {
    loadDue().catch((e) => setError(errorText(errorCode(e))));
  }, [loadDue]);

  async function run(action: () => Promise<void>) {
    try {
      await action();
      setError(null);
      await loadDue();
    } catch (e) {
      setError(errorText(errorCode(e)));
      setMessage(null);
    }
  }
  const make = (k: ReportKind = kind, d: string = day) =>
    run(async () => {
      setPreview(k === "daily" ? { kind: k, report: await backend.dailyReport(d) } : { kind: k, report: await backend.monthlyReport(d) });
      setMessage(null);
    });
  const period = () => (kind === "daily" ? day : day.slice(0, 7));

  return (
    <section className="card reports" aria-labelledby="reports-title">
      <h1 id="reports-title">{t("reports.title")}</h1>
      <p className="lead muted small">{t("reports.lead")}</p>
      <div className="toolbar">
        <label className="inline">
          {t("reports.kind")}
          <select name="reportKind" value={kind} onChange={(e) => setKind(e.target.value as ReportKind)}>
            <option value="daily">{t("reports.daily")}</option>
            <option value="monthly">{t("reports.monthly")}</option>
          </select>
        </label>
        <label className="inline">
          {kind === "daily" ? t("reports.day") : t("reports.month")}
          <input type="date" name="reportDay" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} />
        </label>
        <button type="button" data-action="make-report" disabled={!day} onClick={() => void make()}>
          {t("reports.make")}
        </button>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {preview && (
        <>
          <div className="actions">
            {(["pdf", "csv"] as const).map((format) => (
              <button
                key={format}
                type="button"
                className="secondary"
                data-action={`save-${format}`}
                onClick={() => void run(async () => setMessage(t("reports.saved", { path: await backend.saveReport(kind, day, format) })))}
              >
                {format === "pdf" ? t("reports.savePdf") : t("reports.saveCsv")}
              </button>
            ))}
            <button
              type="button"
              data-action="submit-report"
              onClick={() =>
                void run(async () => {
                  await backend.markReportSubmitted(preview.kind, period());
                  setMessage(t("reports.submitted"));
                })
              }
            >
              {t("reports.submit")}
            </button>
          </div>
          {message && <p className="badge ok" data-testid="report-message">{message}</p>}
          <ReportPreview preview={preview} />
        </>
      )}
      <h2>{t("reports.due")}</h2>
      <DueTable due={due} onOpen={(r) => {
        const k = r.kind;
        const d = k === "daily" ? r.period : `${r.period}-01`;
        setKind(k);
        setDay(d);
        void make(k, d);
      }} />
    </section>
  );
}

function DueTable({ due, onOpen }: { due: ReportDue[]; onOpen: (r: ReportDue) => void }) {
  return (
    <table className="grid" data-testid="reports-due">
      <thead>
        <tr>
          <th>{t("reports.period")}</th>
          <th>{t("reports.kind")}</th>
          <th>{t("reports.dueDate")}</th>
          <th>{t("reports.produced")}</th>
          <th>{t("reports.submittedAt")}</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {due.map((r) => (
          <tr key={`${r.kind}/${r.period}`} data-period={r.period} className={r.overdue ? "full" : undefined}>
            <td className="mono">{r.period}</td>
            <td>
              {r.kind === "daily" ? t("reports.daily") : t("reports.monthly")} {r.holidaySession && <span className="badge ok">{t("reports.session")}</span>}
            </td>
            <td className="mono">
              {r.due} {r.overdue && <span className="badge full">{t("reports.overdue")}</span>}
            </td>
            <td className="mono small">{r.producedAt?.replace("T", " ").slice(0, 16) ?? t("reports.notYet")}</td>
            <td className="mono small">{r.submittedAt?.replace("T", " ").slice(0, 16) ?? ""}</td>
            <td>
              <button type="button" className="small secondary" onClick={() => onOpen(r)}>
                {t("reports.open")}
              </button>
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The headline figures of a site or of the whole, as the PDF lists them. */
function Figures({ f }: { f: DayFigures }) {
  return (
    <dl className="report-figures">
      {FIGURES.map(([key, label]) => (
        <div key={key} data-figure={key}>
          <dt>{t(label)}</dt>
          <dd>{String(f[key] ?? "—")}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The report as the PDF will show it: title, (each site's figures, then the total,) figures,
 * times, breakdowns (and days for a month). */
function ReportPreview({ preview }: { preview: Preview }) {
  const f = preview.kind === "daily" ? preview.report.figures : preview.report.totals;
  const sections = preview.report.sections;
  const title =
    preview.kind === "monthly"
      ? t("reports.monthlyTitle", { month: preview.report.month.slice(0, 7) })
      : t(f.holidaySession ? "reports.sessionTitle" : "reports.dailyTitle", { day: f.day });
  return (
    <article className="report-preview" data-testid="report-preview">
      <header>
        <h2>{title}</h2>
        <span className="muted">
          {preview.report.site}　{t("reports.dueOn", { due: preview.report.due })}
        </span>
      </header>
      {sections.map((s) => (
        <section key={s.site} data-testid="report-section" data-site={s.site}>
          <h3>{t("reports.siteSection", { name: s.name })}</h3>
          <Figures f={s.figures} />
        </section>
      ))}
      {sections.length > 0 ? (
        <section data-testid="report-total">
          <h3>{t("reports.cityTotal")}</h3>
          <Figures f={f} />
        </section>
      ) : (
        <Figures f={f} />
      )}
      <p>
        {t("reports.waiting")}：{times(f.waiting)}
        <br />
        {t("reports.service")}：{times(f.service)}
        <br />
        {t("reports.openComplaints")}：{preview.report.openComplaints}
      </p>
      <h3>{t("reports.breakdown")}</h3>
      <ul className="report-breakdown">
        {f.byProcedure.map(([p, n]) => <li key={p}>{tCode("procedure", p)} {n}</li>)}
        {f.byChannel.map(([c, n]) => <li key={c}>{tCode("channel", c)} {n}</li>)}
        {f.revisitReasons.map(([r, n]) => <li key={r}>{t("rf.revisits")}：{reasonLabel("revisit", r, preview.report.cityReasons)} {n}</li>)}
        {f.cancelReasons.map(([r, n]) => <li key={`c-${r}`}>{t("rf.casesCancelled")}：{reasonLabel("cancel", r, preview.report.cityReasons)} {n}</li>)}
        {f.staffOnDuty.map(([role, n]) => <li key={role}>{tCode("role", role)} {n}</li>)}
      </ul>
      {preview.kind === "monthly" && (
        <>
          {preview.report.forecast && <p data-testid="report-forecast">{t("reports.forecast", { ...preview.report.forecast })}</p>}
          <h3>{t("reports.perDay")}</h3>
          <table className="grid" data-testid="report-days">
            <thead>
              <tr>
                <th>{t("reports.day")}</th>
                <th>{t("rf.places")}</th>
                <th>{t("rf.visitors")}</th>
                <th>{t("rf.completed")}</th>
                <th>{t("rf.revisits")}</th>
                <th>{t("rf.noShows")}</th>
              </tr>
            </thead>
            <tbody>
              {preview.report.days.map((d) => (
                <tr key={d.day}>
                  <td className="mono">{d.day}{d.holidaySession ? " ★" : ""}</td>
                  <td>{d.places}</td>
                  <td>{d.visitors}</td>
                  <td>{d.completed}</td>
                  <td>{d.revisits}</td>
                  <td>{d.noShows}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <Incidents incidents={preview.report.incidents} open={preview.report.openIncidents} />
        </>
      )}
    </article>
  );
}

const at = (s: string | null) => (s ? s.replace("T", " ").slice(0, 16) : "—");

/** 事故・トラブル of the month, as the PDF lists them: codes as labels, counts and times, where
 * each stood at the end of the month (never the words typed about an incident). */
function Incidents({ incidents, open }: { incidents: MonthlyIncident[]; open: number }) {
  return (
    <section data-testid="report-incidents">
      <h3>{t("incidents.title")}</h3>
      <p>
        {t("incidents.board")}：{open}
      </p>
      {incidents.length === 0 ? (
        <p className="muted">{t("incidents.empty")}</p>
      ) : (
        <table className="grid">
          <thead>
            <tr>
              <th>{t("incidents.number")}</th>
              <th>{t("incidents.category")}</th>
              <th>{t("incidents.kind")}</th>
              <th>{t("incidents.occurredAt")}</th>
              <th>{t("incidents.detectedAt")}</th>
              <th>{t("incidents.status")}</th>
              <th>{t("incident.step.first_report")}</th>
              <th>{t("incidents.personsAffected")}</th>
              <th>{t("incidents.documentsAffected")}</th>
              <th>{t("incident.step.measure")}</th>
            </tr>
          </thead>
          <tbody>
            {incidents.map((i) => (
              <tr key={i.number} data-incident={i.number}>
                <td className="mono">{i.number}</td>
                <td>{tCode("incident.category", i.category)}</td>
                <td>{tCode("incident.kind", i.kind)}</td>
                <td className="mono small">{at(i.occurredAt)}</td>
                <td className="mono small">{at(i.detectedAt)}</td>
                <td>{tCode("incident.status", i.status)}</td>
                <td className="mono small">{at(i.firstReportedAt)}</td>
                <td>{i.personsAffected}</td>
                <td>{i.documentsAffected}</td>
                <td>{i.measures.map((m) => tCode("incident.measure", m)).join("、") || "—"}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
