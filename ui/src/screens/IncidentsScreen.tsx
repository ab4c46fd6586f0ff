// 事故・トラブル (docs/design/paperwork.md §3.4, §9): the list (not closed first), a new-incident
// form, and an incident's detail: the city's seven steps for personal data, the timeline of
// steps, a form to take the next step, follow-ups, 「完了」 (which lists what is still missing)
// and 「事故報告書を出力」 (codes only). Counter staff open incidents and add notes and immediate
// actions; the manager or deputy takes the other steps and closes. The words typed here are kept
// at this site's PCs and the hub and are never printed. Keyboard: every control is a labelled
// form control or button; Esc closes the form or the detail.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import type { FollowupWhat } from "../bindings/FollowupWhat";
import type { Incident } from "../bindings/Incident";
import type { IncidentCategory } from "../bindings/IncidentCategory";
import type { IncidentImpact } from "../bindings/IncidentImpact";
import type { IncidentKind } from "../bindings/IncidentKind";
import type { IncidentStep } from "../bindings/IncidentStep";
import type { OpenIncident } from "../bindings/OpenIncident";
import { errorText, t, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { useLoaded, useOnSynced } from "./useLoaded";

const CATEGORIES: IncidentCategory[] = ["personal_data", "system_outage", "complaint_escalation", "safety", "other"];
/** The kinds of each category (core's `IncidentKind::category`); `other` fits every category. */
const KINDS: Record<IncidentCategory, IncidentKind[]> = {
  personal_data: ["wrong_handover", "document_lost", "misdirected", "wrong_disposal", "unauthorized_view", "taken_out", "device_lost", "other"],
  system_outage: ["madoguchi_down", "city_terminal_down", "network_down", "jlis_outage", "printer_down", "power_outage", "other"],
  complaint_escalation: ["escalated_to_city", "media_or_sns", "repeated", "undue_demand", "other"],
  safety: ["injury_visitor", "injury_staff", "illness", "disaster", "suspicious_person", "facility_hazard", "other"],
  other: ["other"],
};
const IMPACTS: IncidentImpact[] = ["none", "delay", "service_stopped", "personal_data_exposed", "injury", "property_damage"];
/** Steps counter staff may take; the others are the manager's or deputy's. */
const STAFF_STEPS: IncidentStep[] = ["note", "immediate_action"];
const MANAGER_STEPS: IncidentStep[] = [
  "note", "immediate_action", "first_report", "city_instruction", "impact_assessed", "persons_contacted",
  "cause", "measure", "written_report", "follow_up_report",
];
/** The codes a step takes, and their label prefix. */
const STEP_CODES: Partial<Record<IncidentStep, { prefix: string; codes: string[] }>> = {
  immediate_action: {
    prefix: "incident.action",
    codes: ["documents_recovered", "service_paused", "switched_to_paper", "city_it_called", "first_aid", "ambulance", "police", "evacuated", "apology"],
  },
  first_report: { prefix: "incident.channel", codes: ["phone", "in_person", "email", "document"] },
  cause: {
    prefix: "incident.cause",
    codes: ["check_missed", "handover_error", "procedure_gap", "training_gap", "system_fault", "equipment_fault", "external", "visitor_behaviour", "unknown"],
  },
  measure: {
    prefix: "incident.measure",
    codes: ["double_check", "procedure_revised", "retraining", "checklist_revised", "equipment_fixed", "layout_changed", "staffing_changed", "system_fix", "city_consulted"],
  },
};
const COUNTED: IncidentStep[] = ["impact_assessed", "persons_contacted"];
const FOLLOWUPS: FollowupWhat[] = ["measure_in_place", "effect_checked", "follow_up_report", "retraining_held", "persons_contacted"];

/** "2026-12-01T10:00:00" → "2026-12-01 10:00". */
function when(at: string | null): string {
  return at ? `${at.slice(0, 10)} ${at.slice(11, 16)}` : "—";
}

export function IncidentsScreen({ backend, manager }: { backend: Backend; manager: boolean }) {
  const load = useCallback(async () => {
    const [list, open] = await Promise.all([backend.incidents(), backend.openIncidents()]);
    return { list, open };
  }, [backend]);
  const { data, error, setError, reload, run } = useLoaded(load, { list: [] as Incident[], open: [] as OpenIncident[] });
  const [creating, setCreating] = useState(false);
  const [selected, setSelected] = useState<string | null>(null);

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key !== "Escape") return;
      if (creating) setCreating(false);
      else if (selected) setSelected(null);
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [creating, selected]);

  const urgent = data.open.filter((o) => o.urgent);
  return (
    <section className="card" aria-labelledby="incidents-title">
      <h1 id="incidents-title">{t("incidents.title")}</h1>
      <p className="muted">{t("incidents.lead")}</p>
      {urgent.map((o) => (
        <div key={o.id} className="banner error" role="alert" data-testid="incident-urgent">
          <strong>{t("incidents.urgent", { minutes: o.minutesSinceDetection })}</strong>{" "}
          <span className="mono">{o.number}</span>
          {o.overdue && <span className="badge full">{t("incidents.overdue")}</span>}
        </div>
      ))}
      {error && <p className="error" role="alert">{error}</p>}
      {!creating && (
        <button type="button" onClick={() => setCreating(true)} data-testid="incident-new">
          {t("incidents.new")}
        </button>
      )}
      {creating && (
        <NewIncidentForm
          backend={backend}
          onCancel={() => setCreating(false)}
          onOpened={(i) => {
            setCreating(false);
            setSelected(i.id);
            void reload();
          }}
          onError={setError}
        />
      )}
      <h2>{t("incidents.list")}</h2>
      {data.list.length === 0 && <p className="muted">{t("incidents.empty")}</p>}
      {data.list.length > 0 && (
        <table className="grid" data-testid="incident-list" aria-label={t("incidents.list")}>
          <thead>
            <tr>
              <th>{t("incidents.number")}</th>
              <th>{t("incidents.category")}</th>
              <th>{t("incidents.kind")}</th>
              <th>{t("incidents.status")}</th>
              <th>{t("incidents.detectedAt")}</th>
              <th>{t("incidents.dueAt")}</th>
            </tr>
          </thead>
          <tbody>
            {data.list.map((i) => (
              <tr key={i.id} data-status={i.status} className={selected === i.id ? "selected" : undefined}>
                <td>
                  <button type="button" className="link mono" onClick={() => setSelected(i.id)} aria-label={`${i.number} ${t("incidents.detail")}`}>
                    {i.number}
                  </button>
                </td>
                <td>{tCode("incident.category", i.category)}</td>
                <td>{tCode("incident.kind", i.kind)}</td>
                <td>{tCode("incident.status", i.status)}</td>
                <td className="mono">{when(i.detectedAt)}</td>
                <td className="mono">{when(i.reportDueAt)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {selected && (
        <IncidentDetail
          key={selected}
          backend={backend}
          id={selected}
          manager={manager}
          run={run}
          onClose={() => setSelected(null)}
        />
      )}
    </section>
  );
}

function NewIncidentForm({ backend, onCancel, onOpened, onError }: {
  backend: Backend;
  onCancel: () => void;
  onOpened: (i: Incident) => void;
  onError: (e: string | null) => void;
}) {
  const [category, setCategory] = useState<IncidentCategory>("personal_data");
  const [kind, setKind] = useState<IncidentKind>("wrong_handover");
  const [impact, setImpact] = useState<IncidentImpact>("none");
  const [occurredAt, setOccurredAt] = useState("");
  const [detectedAt, setDetectedAt] = useState("");
  const [persons, setPersons] = useState("0");
  const [documents, setDocuments] = useState("0");
  const [minutes, setMinutes] = useState("0");
  const [description, setDescription] = useState("");
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    void backend.now().then((now) => {
      const v = now.slice(0, 16);
      setOccurredAt((x) => x || v);
      setDetectedAt((x) => x || v);
    });
  }, [backend]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const counts = [persons, documents, minutes].map(Number);
    if (counts.some((n) => !Number.isInteger(n) || n < 0)) return onError(t("settings.wholeNumber"));
    setBusy(true);
    try {
      const i = await backend.openIncident({
        category, kind, impact,
        occurredAt: `${occurredAt.slice(0, 16)}:00`,
        detectedAt: `${detectedAt.slice(0, 16)}:00`,
        personsAffected: counts[0], documentsAffected: counts[1], minutesStopped: counts[2],
        description, inquiryId: null,
      });
      onError(null);
      onOpened(i);
    } catch (err) {
      onError(errorText(errorCode(err)));
    } finally {
      setBusy(false);
    }
  }

  return (
    <form className="case" onSubmit={submit} data-testid="incident-form" aria-label={t("incidents.new")}>
      <h2>{t("incidents.new")}</h2>
      <div className="row">
        <label>
          {t("incidents.category")}
          <select name="category" value={category} onChange={(e) => {
            const c = e.target.value as IncidentCategory;
            setCategory(c);
            setKind(KINDS[c][0]);
          }}>
            {CATEGORIES.map((c) => <option key={c} value={c}>{tCode("incident.category", c)}</option>)}
          </select>
        </label>
        <label>
          {t("incidents.kind")}
          <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as IncidentKind)}>
            {KINDS[category].map((k) => <option key={k} value={k}>{tCode("incident.kind", k)}</option>)}
          </select>
        </label>
        <label>
          {t("incidents.impact")}
          <select name="impact" value={impact} onChange={(e) => setImpact(e.target.value as IncidentImpact)}>
            {IMPACTS.map((k) => <option key={k} value={k}>{tCode("incident.impact", k)}</option>)}
          </select>
        </label>
      </div>
      <div className="row">
        <label>
          {t("incidents.occurredAt")}
          <input type="datetime-local" name="occurredAt" value={occurredAt} onChange={(e) => setOccurredAt(e.target.value)} required />
        </label>
        <label>
          {t("incidents.detectedAt")}
          <input type="datetime-local" name="detectedAt" value={detectedAt} onChange={(e) => setDetectedAt(e.target.value)} required />
        </label>
      </div>
      <div className="row">
        <label>
          {t("incidents.personsAffected")}
          <input type="number" name="persons" min={0} className="short" value={persons} onChange={(e) => setPersons(e.target.value)} />
        </label>
        <label>
          {t("incidents.documentsAffected")}
          <input type="number" name="documents" min={0} className="short" value={documents} onChange={(e) => setDocuments(e.target.value)} />
        </label>
        <label>
          {t("incidents.minutesStopped")}
          <input type="number" name="minutes" min={0} className="short" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
        </label>
      </div>
      <label className="grow">
        {t("incidents.description")}
        <textarea name="description" rows={3} maxLength={MAX_LENGTH.incidentDescription} value={description} onChange={(e) => setDescription(e.target.value)} />
      </label>
      <p className="muted small">{t("incidents.descriptionHint")}</p>
      <button type="submit" disabled={busy || !description.trim() || !occurredAt || !detectedAt}>{t("incidents.open")}</button>{" "}
      <button type="button" className="secondary" onClick={onCancel}>{t("incidents.cancel")}</button>
    </form>
  );
}

function IncidentDetail({ backend, id, manager, run, onClose }: {
  backend: Backend;
  id: string;
  manager: boolean;
  run: (action: () => Promise<unknown>) => Promise<boolean>;
  onClose: () => void;
}) {
  const [incident, setIncident] = useState<Incident | null>(null);
  const [step, setStep] = useState<IncidentStep>("note");
  const [code, setCode] = useState("");
  const [count, setCount] = useState("0");
  const [title, setTitle] = useState("");
  const [words, setWords] = useState("");
  const [what, setWhat] = useState<FollowupWhat>("measure_in_place");
  const [dueOn, setDueOn] = useState("");
  const [doneOn, setDoneOn] = useState("");
  const [saved, setSaved] = useState<string | null>(null);

  const refresh = useCallback(async () => {
    const i = await backend.incident(id);
    setIncident(i);
    const today = (await backend.now()).slice(0, 10);
    setDueOn((d) => d || today);
    setDoneOn((d) => d || today);
  }, [backend, id]);
  useEffect(() => {
    void refresh().catch(() => setIncident(null));
  }, [refresh]);

  const act = async (action: () => Promise<unknown>) => {
    const ok = await run(action);
    await refresh().catch(() => undefined);
    return ok;
  };

  if (!incident) return null;
  const i = incident;
  const closed = i.status === "closed";
  const steps = manager ? MANAGER_STEPS : STAFF_STEPS;
  const codes = STEP_CODES[step];

  async function takeStep(e: FormEvent) {
    e.preventDefault();
    const ok = await act(() =>
      backend.takeIncidentStep(i.id, {
        step,
        code: codes ? code || codes.codes[0] : null,
        count: COUNTED.includes(step) ? Number(count) : null,
        title: step === "first_report" ? title : null,
        words: words.trim() ? words : null,
      }),
    );
    if (ok) {
      setWords("");
      setTitle("");
    }
  }

  return (
    <div className="case" data-testid="incident-detail" role="region" aria-label={t("incidents.detail")}>
      <h2 className="case-heading">
        <span className="mono">{i.number}</span>
        <span className="badge" data-testid="incident-status">{tCode("incident.status", i.status)}</span>
        <button type="button" className="small secondary" onClick={onClose} aria-label={t("incidents.cancel")}>
          {t("incidents.cancel")}
        </button>
      </h2>
      <dl className="facts">
        <dt>{t("incidents.category")}</dt><dd>{tCode("incident.category", i.category)}</dd>
        <dt>{t("incidents.kind")}</dt><dd>{tCode("incident.kind", i.kind)}</dd>
        <dt>{t("incidents.impact")}</dt><dd>{tCode("incident.impact", i.impact)}</dd>
        <dt>{t("incidents.occurredAt")}</dt><dd className="mono">{when(i.occurredAt)}</dd>
        <dt>{t("incidents.detectedAt")}</dt><dd className="mono">{when(i.detectedAt)}</dd>
        <dt>{t("incidents.dueAt")}</dt><dd className="mono">{when(i.reportDueAt)}</dd>
        <dt>{t("incidents.personsAffected")}</dt><dd>{i.personsAffected}</dd>
        <dt>{t("incidents.openedBy")}</dt><dd>{i.openedBy}</dd>
      </dl>
      {i.textsHere ? (
        i.description && <p data-testid="incident-description">{i.description}</p>
      ) : (
        <p className="muted">{t("incidents.textsElsewhere")}</p>
      )}
      {i.category === "personal_data" && (
        <div className="banner error" data-testid="incident-city-steps">
          <strong>{t("incidents.cityStepsTitle")}</strong>
          <ol>
            {(["first_report", "city_instruction", "immediate_action", "impact_assessed", "written_report", "measure", "follow_up_report"] as IncidentStep[]).map((s) => {
              const done = i.steps.some((x) => x.step === s);
              return (
                <li key={s} data-done={done}>
                  {done ? "✔ " : "□ "}
                  {tCode("incident.cityStep", s)}
                </li>
              );
            })}
          </ol>
        </div>
      )}
      <h3>{t("incidents.timeline")}</h3>
      {i.steps.length === 0 && <p className="muted">{t("incidents.noSteps")}</p>}
      <ol className="history" data-testid="incident-timeline">
        {i.steps.map((s) => (
          <li key={s.id}>
            <span className="mono">{when(s.at)}</span> {tCode("incident.step", s.step)}
            {s.code && STEP_CODES[s.step] && <>：{tCode(STEP_CODES[s.step]!.prefix, s.code)}</>}
            {s.count !== null && <>（{s.count}）</>}
            {s.title && <>　{s.title}</>}
            {s.words && <>　— {s.words}</>} <span className="muted">{s.staff}</span>
          </li>
        ))}
      </ol>
      {!closed && (
        <form onSubmit={takeStep} data-testid="incident-step-form" aria-label={t("incidents.takeStep")}>
          {!manager && <p className="muted small">{t("incidents.staffOnly")}</p>}
          <div className="row">
            <label>
              {t("incidents.step")}
              <select name="step" value={step} onChange={(e) => {
                setStep(e.target.value as IncidentStep);
                setCode("");
              }}>
                {steps.map((s) => <option key={s} value={s}>{tCode("incident.step", s)}</option>)}
              </select>
            </label>
            {codes && (
              <label>
                {t("incidents.code")}
                <select name="code" value={code || codes.codes[0]} onChange={(e) => setCode(e.target.value)}>
                  {codes.codes.map((c) => <option key={c} value={c}>{tCode(codes.prefix, c)}</option>)}
                </select>
              </label>
            )}
            {COUNTED.includes(step) && (
              <label>
                {t("incidents.count")}
                <input type="number" name="count" min={0} className="short" value={count} onChange={(e) => setCount(e.target.value)} />
              </label>
            )}
            {step === "first_report" && (
              <label>
                {t("incidents.title2")}
                <input type="text" name="title" maxLength={MAX_LENGTH.reportedToTitle} placeholder={t("incidents.titleHint")} value={title} onChange={(e) => setTitle(e.target.value)} />
              </label>
            )}
          </div>
          <label className="grow">
            {t("incidents.words")}
            <input type="text" name="words" maxLength={MAX_LENGTH.incidentStepWords} value={words} onChange={(e) => setWords(e.target.value)} />
          </label>
          <button type="submit" disabled={(step === "note" && !words.trim()) || (step === "first_report" && !title.trim())}>
            {t("incidents.record")}
          </button>
        </form>
      )}
      <h3>{t("incidents.followups")}</h3>
      {i.followups.length === 0 && <p className="muted">{t("incidents.noFollowups")}</p>}
      <ul data-testid="incident-followups">
        {i.followups.map((f) => (
          <li key={f.id}>
            {tCode("incident.followup", f.what)}　{t("incidents.dueOn")} <span className="mono">{f.dueOn}</span>　
            {f.doneOn ? (
              t("incidents.followupDone", { day: f.doneOn, staff: f.doneBy ?? "" })
            ) : manager && !closed ? (
              <button type="button" className="small" onClick={() => void act(() => backend.completeIncidentFollowup(f.id, doneOn))}
                aria-label={`${tCode("incident.followup", f.what)} ${t("incidents.completeFollowup")}`}>
                {t("incidents.completeFollowup")}
              </button>
            ) : null}
          </li>
        ))}
      </ul>
      {manager && !closed && (
        <div className="row">
          <label>
            {t("incidents.followupWhat")}
            <select name="followupWhat" value={what} onChange={(e) => setWhat(e.target.value as FollowupWhat)}>
              {FOLLOWUPS.map((f) => <option key={f} value={f}>{tCode("incident.followup", f)}</option>)}
            </select>
          </label>
          <label>
            {t("incidents.dueOn")}
            <input type="date" name="dueOn" value={dueOn} onChange={(e) => setDueOn(e.target.value)} />
          </label>
          <button type="button" className="secondary" onClick={() => void act(() => backend.setIncidentFollowup(i.id, what, dueOn))}>
            {t("incidents.addFollowup")}
          </button>
          <label>
            {t("incidents.doneOn")}
            <input type="date" name="doneOn" value={doneOn} onChange={(e) => setDoneOn(e.target.value)} />
          </label>
        </div>
      )}
      {!closed && i.missing.length > 0 && (
        <div data-testid="incident-missing">
          <strong>{t("incidents.missing")}</strong>
          <ul>
            {i.missing.map((m) => <li key={m}>{tCode("incident.missing", m)}</li>)}
          </ul>
        </div>
      )}
      {closed && <p className="badge ok">{t("incidents.closed")}</p>}
      <div className="row">
        {manager && !closed && (
          <button type="button" onClick={() => void act(() => backend.closeIncident(i.id))} data-testid="incident-close">
            {t("incidents.close")}
          </button>
        )}
        <button type="button" className="secondary" onClick={() => void run(async () => setSaved(await backend.saveIncidentReport(i.number)))}>
          {t("incidents.print")}
        </button>
      </div>
      {saved && <p className="badge ok" role="status">{t("incidents.saved", { path: saved })}</p>}
    </div>
  );
}

/** The board's 対応中の事故 card: incidents not closed, a red banner for personal data with the
 * minutes since detection and the city's seven steps ticked off. Shows nothing when there are
 * none, or when the signed-in role may not read incidents (city staff). */
export function OpenIncidentsCard({ backend }: { backend: Backend }) {
  const [open, setOpen] = useState<OpenIncident[]>([]);
  const load = useCallback(async () => {
    setOpen(await backend.openIncidents().catch(() => []));
  }, [backend]);
  useEffect(() => {
    void load();
  }, [load]);
  useOnSynced(load);
  if (open.length === 0) return null;
  return (
    <div className="case" data-testid="board-incidents" role="region" aria-label={t("incidents.board")}>
      <h2>{t("incidents.board")}</h2>
      {open.map((o) => (
        <div key={o.id} className={o.urgent ? "banner error" : undefined} role={o.urgent ? "alert" : undefined}>
          <span className="mono">{o.number}</span>　{tCode("incident.category", o.category)}・{tCode("incident.kind", o.kind)}　
          {tCode("incident.status", o.status)}
          {o.overdue && <span className="badge full">{t("incidents.overdue")}</span>}
          {o.urgent && (
            <>
              <div><strong>{t("incidents.urgent", { minutes: o.minutesSinceDetection })}</strong></div>
              <ol className="inline-steps">
                {o.citySteps.map((c) => (
                  <li key={c.step} data-done={c.done}>{c.done ? "✔ " : "□ "}{tCode("incident.cityStep", c.step)}</li>
                ))}
              </ol>
            </>
          )}
        </div>
      ))}
    </div>
  );
}
