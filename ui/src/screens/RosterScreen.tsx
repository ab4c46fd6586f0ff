// 従事者名簿 (docs/design/paperwork.md §9): the roster at a day with each member's details and
// flags, an edit panel (Enter opens, Esc closes, Ctrl+Enter saves), 「名簿を出力」, 「変更報告を出力」
// (the diff first, then the paper), 「提出を記録」 and the submission history.
// Seed 000 §8(2)カ, seed 002 §11チ.
import { type KeyboardEvent, useCallback, useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { Duty } from "../bindings/Duty";
import type { Employment } from "../bindings/Employment";
import type { RosterChanges } from "../bindings/RosterChanges";
import type { RosterLine } from "../bindings/RosterLine";
import type { RosterSubmission } from "../bindings/RosterSubmission";
import type { RosterSubmissionKind } from "../bindings/RosterSubmissionKind";
import type { StaffDetails } from "../bindings/StaffDetails";
import { t, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { useLoaded } from "./useLoaded";

const DUTIES: Duty[] = ["counter", "reception", "back_office", "phone", "management"];
const EMPLOYMENTS: Employment[] = ["regular", "fixed_term", "part_time", "dispatched", "other"];

export function RosterScreen({ backend }: { backend: Backend }) {
  const [asOf, setAsOf] = useState("");
  useEffect(() => {
    void backend.now().then((now) => setAsOf((d) => d || now.slice(0, 10)));
  }, [backend]);
  const load = useCallback(
    async () => (asOf ? { lines: await backend.staffRoster(asOf), history: await backend.rosterSubmissions() } : { lines: [], history: [] }),
    [backend, asOf],
  );
  const { data, error, setError, run } = useLoaded(load, { lines: [] as RosterLine[], history: [] as RosterSubmission[] });
  const [editing, setEditing] = useState<StaffDetails | null>(null);
  const [changes, setChanges] = useState<RosterChanges | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [submittedOn, setSubmittedOn] = useState("");
  const [kind, setKind] = useState<RosterSubmissionKind | "">("");

  async function edit(code: string) {
    try {
      setEditing(await backend.staffDetails(code));
    } catch {
      setError(t("roster.requirements"));
    }
  }
  async function save() {
    if (!editing) return;
    if (await run(() => backend.setStaffDetails(editing))) setEditing(null);
  }
  async function saveFile(what: "roster" | "changes", format: "pdf" | "csv") {
    await run(async () => {
      const path = what === "roster" ? await backend.saveRoster(asOf, format) : await backend.saveRosterChanges(asOf, format);
      setSaved(t("roster.saved", { path }));
    });
  }
  async function showChanges() {
    await run(async () => setChanges(await backend.rosterChanges(asOf)));
  }
  async function record() {
    const on = submittedOn || asOf;
    if (await run(() => backend.recordRosterSubmission(asOf, on, kind || null))) {
      setSaved(t("roster.recorded"));
      setChanges(null);
    }
  }
  function onRowKey(e: KeyboardEvent, code: string) {
    if (e.key === "Enter") {
      e.preventDefault();
      void edit(code);
    }
  }

  return (
    <section className="card" aria-labelledby="roster-title">
      <h1 id="roster-title">{t("roster.title")}</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {saved && <p className="notice" role="status" data-testid="roster-saved">{saved}</p>}
      <div className="row">
        <label>
          {t("roster.asOf")}
          <input type="date" value={asOf} onChange={(e) => setAsOf(e.target.value)} />
        </label>
        <button type="button" onClick={() => void saveFile("roster", "pdf")} disabled={!asOf}>{t("roster.printRoster")}</button>
        <button type="button" onClick={() => void saveFile("roster", "csv")} disabled={!asOf} aria-label={`${t("roster.printRoster")}（CSV）`}>CSV</button>
        <button type="button" onClick={() => void showChanges()} disabled={!asOf}>{t("roster.printChanges")}</button>
      </div>
      <table className="grid" data-testid="roster-table">
        <thead>
          <tr>
            <th>{t("roster.code")}</th><th>{t("roster.name")}</th><th>{t("roster.role")}</th><th>{t("roster.duties")}</th><th>{t("roster.sites")}</th>
            <th>{t("roster.assignedFrom")}</th><th>{t("roster.assignedUntil")}</th><th>{t("roster.employment")}</th><th>{t("roster.securityPassedOn")}</th><th>{t("roster.flags")}</th><th />
          </tr>
        </thead>
        <tbody>
          {data.lines.map((l) => (
            <tr key={l.code} tabIndex={0} onKeyDown={(e) => onRowKey(e, l.code)} data-code={l.code}>
              <td>{l.code}</td>
              <td>{l.name}</td>
              <td>{tCode("roster.role", l.role)}{l.planned && `（${t("roster.planned")}）`}</td>
              <td>{l.duties.map((d) => tCode("roster.duty", d)).join("・")}</td>
              <td>{l.sites.length ? l.sites.join("・") : t("roster.allSites")}</td>
              <td>{l.assignedFrom ?? ""}</td>
              <td>{l.assignedUntil ?? ""}</td>
              <td>{l.employment ? tCode("roster.employment", l.employment) : ""}</td>
              <td>{l.securityPassedOn ?? <span className="error">{t("training.flag.security_missing")}</span>}</td>
              <td>{l.managerRequirements && <span className="error" title={t("roster.requirementsHint")}>{t("roster.requirements")}</span>}</td>
              <td>
                <button type="button" onClick={() => void edit(l.code)} aria-label={`${l.name} の${t("roster.edit")}`}>{t("roster.edit")}</button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {editing && <DetailsPanel details={editing} onChange={setEditing} onSave={() => void save()} onClose={() => setEditing(null)} name={data.lines.find((l) => l.code === editing.code)?.name ?? editing.code} />}
      {changes && (
        <section className="case" role="region" aria-label={t("roster.changesTitle")} data-testid="roster-changes">
          <h2>{t("roster.changesTitle")}</h2>
          <p>{changes.sinceOn ? t("roster.since", { day: changes.sinceOn }) : t("roster.sinceNone")}</p>
          {changes.changes.length === 0 ? (
            <p>{t("roster.noChanges")}</p>
          ) : (
            <table className="grid">
              <tbody>
                {changes.changes.map((c) => (
                  <tr key={`${c.kind}-${c.code}`}>
                    <td>{tCode("roster.change", c.kind)}</td>
                    <td>{c.code}</td>
                    <td>{c.name}</td>
                    <td>
                      {c.kind === "role_changed" && c.previousRole ? `${tCode("roster.role", c.previousRole)} → ${tCode("roster.role", c.role)}` : c.fields.map((f) => tCode("roster.field", f)).join("・") || tCode("roster.role", c.role)}
                    </td>
                    <td>{c.effectiveOn ?? ""}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <div className="row">
            <button type="button" onClick={() => void saveFile("changes", "pdf")}>{t("roster.savePdf")}</button>
            <button type="button" onClick={() => void saveFile("changes", "csv")}>{t("roster.saveCsv")}</button>
            <button type="button" onClick={() => setChanges(null)}>{t("roster.close")}</button>
          </div>
        </section>
      )}
      <section className="case" aria-label={t("roster.recordSubmission")}>
        <h2>{t("roster.recordSubmission")}</h2>
        <div className="row">
          <label>
            {t("roster.submittedOn")}
            <input type="date" value={submittedOn || asOf} onChange={(e) => setSubmittedOn(e.target.value)} />
          </label>
          <label>
            {t("roster.submissionKind")}
            <select value={kind} onChange={(e) => setKind(e.target.value as RosterSubmissionKind | "")}>
              <option value="">{t("roster.kindAuto")}</option>
              <option value="initial">{t("roster.submission.initial")}</option>
              <option value="change">{t("roster.submission.change")}</option>
            </select>
          </label>
          <button type="button" onClick={() => void record()} disabled={!asOf}>{t("roster.recordSubmission")}</button>
        </div>
        <h3>{t("roster.history")}</h3>
        {data.history.length === 0 ? (
          <p className="muted">{t("roster.noHistory")}</p>
        ) : (
          <ul data-testid="roster-history">
            {data.history.map((s) => (
              <li key={s.id}>
                {s.submittedOn}　{tCode("roster.submission", s.kind)}　{t("roster.asOf")} {s.asOf}　{s.lines.length}名　{s.recordedBy}
              </li>
            ))}
          </ul>
        )}
      </section>
    </section>
  );
}

function DetailsPanel({ details, name, onChange, onSave, onClose }: { details: StaffDetails; name: string; onChange: (d: StaffDetails) => void; onSave: () => void; onClose: () => void }) {
  function onKey(e: KeyboardEvent) {
    if (e.key === "Escape") {
      e.preventDefault();
      onClose();
    } else if (e.key === "Enter" && e.ctrlKey) {
      e.preventDefault();
      onSave();
    }
  }
  const date = (key: "assignedFrom" | "assignedUntil" | "pledgeOn", label: string) => (
    <label>
      {label}
      <input type="date" value={details[key] ?? ""} onChange={(e) => onChange({ ...details, [key]: e.target.value || null })} />
    </label>
  );
  return (
    <section className="case" role="dialog" aria-label={t("roster.editTitle", { name })} onKeyDown={onKey} data-testid="roster-edit">
      <h2>{t("roster.editTitle", { name })}</h2>
      <div className="row">
        {date("assignedFrom", t("roster.assignedFrom"))}
        {date("assignedUntil", t("roster.assignedUntil"))}
        <label>
          {t("roster.employment")}
          <select value={details.employment} onChange={(e) => onChange({ ...details, employment: e.target.value as Employment })} autoFocus>
            {EMPLOYMENTS.map((x) => (
              <option key={x} value={x}>{tCode("roster.employment", x)}</option>
            ))}
          </select>
        </label>
        {date("pledgeOn", t("roster.pledgeOn"))}
      </div>
      <fieldset>
        <legend>{t("roster.duties")}</legend>
        {DUTIES.map((d) => (
          <label key={d}>
            <input
              type="checkbox"
              checked={details.duties.includes(d)}
              onChange={(e) => onChange({ ...details, duties: e.target.checked ? [...details.duties, d] : details.duties.filter((x) => x !== d) })}
            />
            {tCode("roster.duty", d)}
          </label>
        ))}
      </fieldset>
      <div className="row">
        <label>
          {t("roster.experience")}
          <textarea maxLength={MAX_LENGTH.staffExperience} value={details.experience} onChange={(e) => onChange({ ...details, experience: e.target.value })} />
        </label>
        <label>
          {t("roster.experienceYears")}
          <input
            type="number"
            className="short"
            min={0}
            max={60}
            value={details.experienceYears ?? ""}
            onChange={(e) => onChange({ ...details, experienceYears: e.target.value === "" ? null : Number(e.target.value) })}
          />
        </label>
      </div>
      <p className="muted small">{t("roster.experienceNote")}</p>
      <div className="row">
        <button type="button" onClick={onSave}>{t("roster.save")}</button>
        <button type="button" onClick={onClose}>{t("roster.close")}</button>
      </div>
    </section>
  );
}
