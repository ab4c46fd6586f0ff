// The capacity and staffing planner: the assumptions on the left are what-if inputs (the plan
// is recomputed as they change, nothing is saved until 保存), the month-by-month table gives
// visits, places against the slot plan, staff per task and the waiting to expect, a chart shows
// the load against the places the plan offers, and the actual months sit beside the plan.
// Each site (拠点) has its own plan: its slot plan, the days it opens, its visits and its own
// saved assumptions (take-up is the share of the city's expiries that come to that site). A city
// with more than one serving site picks the site at the top, as the board does (this PC's, or
// for a call-center PC the first counter); a desk serves nobody and has no plan. The PDF and CSV
// save the plan of the site shown (with its saved assumptions).
import { useEffect, useRef, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import { SiteSelect } from "../components/SiteSelect";
import type { Assumptions } from "../bindings/Assumptions";
import type { CapacityPlan } from "../bindings/CapacityPlan";
import type { MonthPlan } from "../bindings/MonthPlan";
import { errorText, t, type TextKey } from "../i18n";
import { siteName } from "../sites";
import { useSitePicker } from "./useSites";
import "./reports.css";

/** The editable assumptions: key, label, shown as a percentage. */
const FIELDS: [keyof Assumptions, TextKey, boolean][] = [
  ["takeUpCard", "plan.takeUpCard", true],
  ["takeUpCertificate", "plan.takeUpCertificate", true],
  ["earlyShare", "plan.earlyShare", true],
  ["minutesCard", "plan.minutesCard", false],
  ["minutesCertificate", "plan.minutesCertificate", false],
  ["counterHours", "plan.counterHours", false],
  ["seats", "plan.seats", false],
  ["utilisation", "plan.utilisation", true],
  ["noShowRate", "plan.noShowRate", true],
  ["walkInShare", "plan.walkInShare", true],
  ["callsPerVisit", "plan.callsPerVisit", false],
  ["callMinutes", "plan.callMinutes", false],
  ["backofficeMinutes", "plan.backofficeMinutes", false],
  ["receptionPerHour", "plan.receptionPerHour", false],
];

const fmt = (w: number) => (Number.isFinite(w) ? w.toFixed(1) : "∞");
const WEEKDAYS = ["月", "火", "水", "木", "金", "土", "日"];

/** The assumptions form of one site (undefined: this PC's, in a one-site city), as typed. */
type Draft = { site: string | undefined; fields: Record<string, string>; weights: string[] };

function draftOf(site: string | undefined, a: Assumptions): Draft {
  return {
    site,
    fields: Object.fromEntries(FIELDS.map(([k, , pct]) => [k, String(pct ? Math.round((a[k] as number) * 1000) / 10 : a[k])])),
    weights: a.weekdayWeights.map(String),
  };
}

/** The draft as assumptions, or null while a field is not a number. */
function parsed(draft: Draft | null): Assumptions | null {
  if (!draft) return null;
  const out: Record<string, number | number[]> = {};
  const w = draft.weights.map(Number);
  if (w.some((x) => !Number.isFinite(x) || x <= 0)) return null;
  out.weekdayWeights = w;
  for (const [k, , pct] of FIELDS) {
    const v = Number(draft.fields[k]);
    if (draft.fields[k].trim() === "" || !Number.isFinite(v)) return null;
    out[k] = pct ? v / 100 : v;
  }
  return out as unknown as Assumptions;
}

export function PlannerScreen({ backend }: { backend: Backend }) {
  const { sites, bookable, site, setChosenSite } = useSitePicker(backend);
  const [draft, setDraft] = useState<Draft | null>(null);
  /** The plan shown, and the site it is of. */
  const [shown, setShown] = useState<{ site: string | undefined; plan: CapacityPlan } | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  /** More than one site to plan: the picker, and the site's name on the plan. */
  const picking = bookable.length > 1;
  const name = site && sites.view ? siteName(sites.view, site) : null;
  // Only the site's own draft and plan are shown: after a switch the last site's are gone.
  const form = draft?.site === site ? draft : null;
  const plan = shown && shown.site === site ? shown.plan : null;

  // Plans are computed concurrently in the backend, so an answer to an older request (another
  // site, or an older draft) can arrive after a newer one: only the latest counts.
  const latest = useRef(0);

  // The site's plan and its saved assumptions. The plan waits for the sites: a call-center PC's
  // own site is a desk, which has no plan.
  useEffect(() => {
    if (!sites.loaded) return;
    const request = ++latest.current;
    setSelected(null);
    setMessage(null);
    backend.capacityPlan(null, site).then(
      (p) => {
        if (request !== latest.current) return;
        setShown({ site, plan: p });
        setDraft(draftOf(site, p.assumptions));
        setError(null);
      },
      (e) => {
        if (request === latest.current) setError(errorText(errorCode(e)));
      },
    );
  }, [backend, site, sites.loaded]);

  // What-if: recompute shortly after each change.
  useEffect(() => {
    if (!form) return;
    const a = parsed(form);
    if (!a) return;
    const at = form.site;
    const timer = window.setTimeout(() => {
      const request = ++latest.current;
      backend.capacityPlan(a, at).then(
        (p) => {
          if (request !== latest.current) return;
          setShown({ site: at, plan: p });
          setError(null);
        },
        (e) => {
          if (request === latest.current) setError(errorText(errorCode(e)));
        },
      );
    }, 250);
    return () => window.clearTimeout(timer);
  }, [backend, form]);

  const setField = (k: string, v: string) => form && setDraft({ ...form, fields: { ...form.fields, [k]: v } });
  const setWeight = (i: number, v: string) => form && setDraft({ ...form, weights: form.weights.map((x, k) => (k === i ? v : x)) });

  async function act(action: () => Promise<string>) {
    try {
      setMessage(await action());
      setError(null);
    } catch (e) {
      setError(errorText(errorCode(e)));
    }
  }

  // The month shown in detail: the one picked in the table, else the busiest.
  const month =
    plan?.months.find((m) => m.month === selected) ??
    plan?.months.reduce<MonthPlan | undefined>((best, m) => (!best || m.visitsPerDay > best.visitsPerDay ? m : best), undefined);

  return (
    <section className="card planner" aria-labelledby="plan-title" data-site={site}>
      <h1 id="plan-title">{t("plan.title")}</h1>
      {picking && (
        <div className="toolbar">
          <SiteSelect
            className="inline"
            label={t("plan.site")}
            name="planSite"
            testId="plan-site"
            sites={bookable}
            value={site}
            onChange={(s) => setChosenSite(s)}
          />
        </div>
      )}
      <p className="lead muted small">{t("plan.lead")}</p>
      {picking && name && (
        <h2 data-testid="plan-heading">{t("plan.siteHeading", { site: name })}</h2>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {message && <p className="badge ok" data-testid="plan-message">{message}</p>}
      {form && (
        <form className="plan-inputs" onSubmit={(e) => e.preventDefault()} data-testid="plan-inputs">
          {FIELDS.map(([k, label, pct]) => (
            <label key={k}>
              {t(label)}
              {pct && "（%）"}
              <input type="number" name={k} step="any" value={form.fields[k]} onChange={(e) => setField(k, e.target.value)} />
            </label>
          ))}
          <fieldset className="weights">
            <legend>{t("plan.weekdayWeights")}</legend>
            {form.weights.map((w, i) => (
              <label key={i}>
                {WEEKDAYS[i]}
                <input type="number" name={`weight${i}`} step="0.05" value={w} onChange={(e) => setWeight(i, e.target.value)} />
              </label>
            ))}
          </fieldset>
          <div className="actions">
            <button
              type="button"
              data-action="save-assumptions"
              onClick={() => {
                const a = parsed(form);
                const at = form.site;
                if (a) void act(async () => {
                  await backend.setPlanAssumptions(a, at);
                  return picking && name ? t("plan.savedAt", { site: name }) : t("plan.saved");
                });
              }}
            >
              {t("plan.save")}
            </button>
            {/* The PDF and CSV are of the site shown (its saved assumptions). */}
            {(["pdf", "csv"] as const).map((f) => (
              <button key={f} type="button" className="secondary" data-action={`export-${f}`} onClick={() => void act(async () => t("reports.saved", { path: await backend.savePlan(f, site) }))}>
                {f === "pdf" ? t("reports.savePdf") : t("reports.saveCsv")}
              </button>
            ))}
          </div>
        </form>
      )}
      {plan && (
        <>
          <LoadChart plan={plan} />
          <table className="grid" data-testid="plan-table">
            <thead>
              <tr>
                <th>{t("plan.month")}</th>
                <th>{t("plan.openDays")}</th>
                <th>{t("plan.visitsPerDay")}</th>
                <th>{t("plan.placesNeeded")}</th>
                <th>{t("plan.placesOffered")}</th>
                <th>{t("plan.slack")}</th>
                <th>{t("plan.counter")}</th>
                <th>{t("plan.reception")}</th>
                <th>{t("plan.backoffice")}</th>
                <th>{t("plan.phone")}</th>
                <th>{t("plan.total")}</th>
                <th>{t("plan.erlang")}</th>
                <th>{t("plan.simulated")}</th>
              </tr>
            </thead>
            <tbody>
              {plan.months.map((m) => (
                <tr
                  key={m.month}
                  data-month={m.month}
                  className={[m.slack < 0 ? "full" : "", m.month === month?.month ? "selected" : ""].join(" ").trim() || undefined}
                  onClick={() => setSelected(m.month)}
                >
                  <td className="mono">
                    {/* A real button, so the month detail is reachable from the keyboard too. */}
                    <button type="button" className="link" data-action="show-month" aria-pressed={m.month === month?.month} onClick={() => setSelected(m.month)}>
                      {m.month}
                    </button>
                  </td>
                  <td>{m.openDays}</td>
                  <td>{m.visitsPerDay.toFixed(0)}</td>
                  <td>{m.placesNeeded}</td>
                  <td>{m.placesOffered}</td>
                  <td>{m.slack > 0 ? `+${m.slack}` : m.slack}</td>
                  <td data-col="counter">{m.staff.counter}</td>
                  <td>{m.staff.reception}</td>
                  <td>{m.staff.backoffice}</td>
                  <td>{m.staff.phone}</td>
                  <td>{m.staff.counter + m.staff.reception + m.staff.backoffice + m.staff.phone}</td>
                  <td>{fmt(m.erlang.mean)}</td>
                  <td>{fmt(m.simulated.mean)}（{fmt(m.simulated.p90)}）</td>
                </tr>
              ))}
            </tbody>
          </table>
          <p className="small muted">{t("plan.note")}</p>
          {month && <MonthDetail month={month} />}
          {plan.actual.length > 0 && (
            <>
              <h2>{t("plan.actual")}</h2>
              <table className="grid" data-testid="plan-actual">
                <thead>
                  <tr>
                    <th>{t("plan.month")}</th>
                    <th>{t("plan.days")}</th>
                    <th>{t("plan.visitsPerDay")}</th>
                    <th>{t("plan.planned")}</th>
                    <th>{t("plan.noShows")}</th>
                    <th>{t("plan.meanWait")}</th>
                  </tr>
                </thead>
                <tbody>
                  {plan.actual.map((a) => (
                    <tr key={a.month}>
                      <td className="mono">{a.month}</td>
                      <td>{a.days}</td>
                      <td>{a.visitsPerDay.toFixed(0)}</td>
                      <td>{plan.months.find((m) => m.month === a.month)?.visitsPerDay.toFixed(0) ?? "—"}</td>
                      <td>{(a.noShowRate * 100).toFixed(0)}%</td>
                      <td>{a.meanWait.toFixed(1)}（{a.p90Wait}）</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          )}
        </>
      )}
    </section>
  );
}

/** One month by weekday and, for an average day, hour by hour (simulated arrivals and waits). */
function MonthDetail({ month }: { month: MonthPlan }) {
  const W = 440;
  const H = 160;
  const maxArrivals = Math.max(1, ...month.hourly.map((h) => h.arrivals));
  const maxWait = Math.max(1, ...month.hourly.map((h) => h.meanWait));
  const slot = (W - 30) / Math.max(1, month.hourly.length);
  return (
    <div className="two-col" data-testid="plan-month">
      <div>
        <h2>{t("plan.byWeekday", { month: month.month })}</h2>
        <table className="grid">
          <thead>
            <tr>
              <th>{t("plan.weekday")}</th>
              <th>{t("plan.days")}</th>
              <th>{t("plan.visitsPerDay")}</th>
              <th>{t("plan.placesNeeded")}</th>
              <th>{t("plan.counter")}</th>
            </tr>
          </thead>
          <tbody>
            {month.byWeekday.map((w) => (
              <tr key={w.weekday}>
                <td>{WEEKDAYS[w.weekday - 1]}</td>
                <td>{w.days}</td>
                <td>{w.visits.toFixed(0)}</td>
                <td>{w.placesNeeded}</td>
                <td>{w.seatsNeeded}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div>
        <h2>{t("plan.hourly")}</h2>
        <svg viewBox={`0 0 ${W} ${H}`} className="load-chart" role="img" aria-label={t("plan.hourly")} data-testid="plan-hourly">
          {month.hourly.map((h, i) => {
            const height = (h.arrivals / maxArrivals) * (H - 40);
            return (
              <g key={h.hour}>
                <rect x={30 + i * slot + slot * 0.15} y={H - 20 - height} width={slot * 0.7} height={height} fill="#1e3a8a" data-hour={h.hour} data-arrivals={h.arrivals.toFixed(1)} />
                <text x={30 + i * slot + slot / 2} y={H - 6} fontSize="10" textAnchor="middle">{h.hour}時</text>
              </g>
            );
          })}
          <polyline
            fill="none"
            stroke="#b42318"
            strokeWidth="2"
            points={month.hourly.map((h, i) => `${30 + i * slot + slot / 2},${H - 20 - (h.meanWait / maxWait) * (H - 40)}`).join(" ")}
          />
          <text x={2} y={14} fontSize="9">{t("plan.hourlyLegend", { wait: maxWait.toFixed(0) })}</text>
        </svg>
      </div>
    </div>
  );
}

/** Visits a day (bars) against the places the slot plan offers (line), month by month. */
function LoadChart({ plan }: { plan: CapacityPlan }) {
  const W = 900;
  const H = 200;
  const pad = 34;
  const max = Math.max(1, ...plan.months.map((m) => Math.max(m.visitsPerDay, m.placesOffered))) * 1.1;
  const slot = (W - pad) / Math.max(1, plan.months.length);
  const y = (v: number) => H - 20 - (v / max) * (H - 30);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} className="load-chart" role="img" aria-label={t("plan.chart")} data-testid="plan-chart">
      <text x={pad} y={12} fontSize="11">{t("plan.chart")}</text>
      {plan.months.map((m, i) => (
        <g key={m.month}>
          <rect
            x={pad + i * slot + slot * 0.15}
            y={y(m.visitsPerDay)}
            width={slot * 0.7}
            height={H - 20 - y(m.visitsPerDay)}
            fill={m.slack < 0 ? "#b42318" : "#1e3a8a"}
            data-month={m.month}
            data-value={m.visitsPerDay.toFixed(0)}
          />
          <text x={pad + i * slot + slot / 2} y={H - 6} fontSize="9" textAnchor="middle">{m.month.slice(2)}</text>
        </g>
      ))}
      <polyline
        fill="none"
        stroke="#17663a"
        strokeWidth="2"
        points={plan.months.map((m, i) => `${pad + i * slot + slot / 2},${y(m.placesOffered)}`).join(" ")}
      />
      <text x={4} y={y(max / 1.1) + 4} fontSize="9">{Math.round(max / 1.1)}</text>
    </svg>
  );
}
