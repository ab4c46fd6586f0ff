// 研修記録 (docs/design/paperwork.md §9): the sessions of a period (↑↓ to choose, Enter for its
// attendees), a new-session form with an attendee grid from the roster (Space toggles
// attendance; P, F, R set 合格・不合格・再受講; digits type a score), the 受講状況 tab with each
// member's flags, and 「研修実施報告を出力」. Seed 000 §8(3), seed 002 §11ソ, §16(4)(5).
import { type KeyboardEvent, useCallback, useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { AttendanceMark } from "../bindings/AttendanceMark";
import type { MemberTraining } from "../bindings/MemberTraining";
import type { StaffMember } from "../bindings/StaffMember";
import type { TrainingPhase } from "../bindings/TrainingPhase";
import type { TrainingResult } from "../bindings/TrainingResult";
import type { TrainingSession } from "../bindings/TrainingSession";
import type { TrainingTopic } from "../bindings/TrainingTopic";
import { t, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { useLoaded } from "./useLoaded";

const TOPICS: TrainingTopic[] = ["privacy_security", "ethics", "law", "procedures", "customer_service", "system_operation", "emergency", "other"];
const PHASES: TrainingPhase[] = ["pre_service", "periodic"];
const RESULT_KEYS: Record<string, TrainingResult> = { p: "passed", f: "failed", r: "retake" };

function minusDays(day: string, n: number): string {
  const d = new Date(`${day}T00:00:00Z`);
  d.setUTCDate(d.getUTCDate() - n);
  return d.toISOString().slice(0, 10);
}

export function TrainingScreen({ backend }: { backend: Backend }) {
  const [today, setToday] = useState("");
  const [from, setFrom] = useState("");
  const [to, setTo] = useState("");
  const [tab, setTab] = useState<"sessions" | "status">("sessions");
  useEffect(() => {
    void backend.now().then((now) => {
      const day = now.slice(0, 10);
      setToday(day);
      setFrom((f) => f || minusDays(day, 365));
      setTo((x) => x || day);
    });
  }, [backend]);
  const load = useCallback(
    async () =>
      from && to
        ? {
            sessions: await backend.trainingSessions(from, to),
            status: await backend.trainingStatus(to),
            staff: (await backend.staff()).filter((m) => m.role !== "city_staff"),
          }
        : { sessions: [], status: [], staff: [] },
    [backend, from, to],
  );
  const { data, error, run } = useLoaded(load, { sessions: [] as TrainingSession[], status: [] as MemberTraining[], staff: [] as StaffMember[] });
  const [saved, setSaved] = useState<string | null>(null);

  async function report() {
    await run(async () => setSaved(t("roster.saved", { path: await backend.saveTrainingReport(from, to, "pdf") })));
  }

  return (
    <section className="card" aria-labelledby="training-title">
      <h1 id="training-title">{t("training.title")}</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {saved && <p className="notice" role="status" data-testid="training-saved">{saved}</p>}
      <div className="row">
        <label>
          {t("training.from")}
          <input type="date" value={from} onChange={(e) => setFrom(e.target.value)} />
        </label>
        <label>
          {t("training.to")}
          <input type="date" value={to} onChange={(e) => setTo(e.target.value)} />
        </label>
        <button type="button" onClick={() => void report()} disabled={!from || !to}>{t("training.printReport")}</button>
      </div>
      <div role="tablist" aria-label={t("training.title")}>
        <button type="button" role="tab" aria-selected={tab === "sessions"} onClick={() => setTab("sessions")}>{t("training.sessionsTab")}</button>
        <button type="button" role="tab" aria-selected={tab === "status"} onClick={() => setTab("status")}>{t("training.statusTab")}</button>
      </div>
      {tab === "sessions" ? (
        <>
          <SessionList sessions={data.sessions} />
          <NewSession backend={backend} today={today} staff={data.staff} run={run} onSaved={() => setSaved(t("training.saved"))} />
        </>
      ) : (
        <StatusTab status={data.status} />
      )}
    </section>
  );
}

function SessionList({ sessions }: { sessions: TrainingSession[] }) {
  const [at, setAt] = useState(0);
  const [open, setOpen] = useState<string | null>(null);
  function onKey(e: KeyboardEvent) {
    if (e.key === "ArrowDown") {
      e.preventDefault();
      setAt((i) => Math.min(i + 1, sessions.length - 1));
    } else if (e.key === "ArrowUp") {
      e.preventDefault();
      setAt((i) => Math.max(i - 1, 0));
    } else if (e.key === "Enter" && sessions[at]) {
      e.preventDefault();
      setOpen((o) => (o === sessions[at].id ? null : sessions[at].id));
    }
  }
  const shown = sessions.find((s) => s.id === open);
  return (
    <section aria-label={t("training.sessions")}>
      <h2>{t("training.sessions")}</h2>
      {sessions.length === 0 ? (
        <p className="muted">{t("training.noSessions")}</p>
      ) : (
        <table className="grid" data-testid="training-sessions" tabIndex={0} onKeyDown={onKey} aria-label={t("training.selectHint")}>
          <thead>
            <tr>
              <th>{t("training.heldOn")}</th><th>{t("training.topicLabel")}</th><th>{t("training.sessionTitle")}</th><th>{t("training.trainer")}</th>
              <th>{t("training.minutes")}</th><th>{t("training.cityApproved")}</th><th>{t("training.attendees")}</th>
            </tr>
          </thead>
          <tbody>
            {sessions.map((s, i) => (
              <tr key={s.id} aria-selected={i === at} className={i === at ? "selected" : undefined} onClick={() => { setAt(i); setOpen(s.id); }}>
                <td>{s.session.heldOn}</td>
                <td>{tCode("training.topic", s.session.topic)}</td>
                <td>{s.session.title}{s.cancelled && `（${t("training.cancelled")}）`}</td>
                <td>{s.session.trainer}</td>
                <td>{s.session.minutes}</td>
                <td>{s.session.cityApproved ? "✓" : ""}</td>
                <td>{s.attendance.filter((a) => a.attended).length}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {shown && (
        <section className="case" aria-label={t("training.detail", { title: shown.session.title })} data-testid="training-detail">
          <h3>{t("training.detail", { title: shown.session.title })}</h3>
          <ul>
            {shown.attendance.map((a) => (
              <li key={a.staffCode}>
                {a.staffCode} {a.name}：{a.attended ? (a.result ? tCode("training.result", a.result) : t("training.attended")) : t("training.absentees")}
                {a.score !== null && `（${a.score}）`}
              </li>
            ))}
          </ul>
        </section>
      )}
    </section>
  );
}

type Mark = { attended: boolean; result: TrainingResult | null; score: string };

function NewSession({ backend, today, staff, run, onSaved }: { backend: Backend; today: string; staff: StaffMember[]; run: (a: () => Promise<unknown>) => Promise<boolean>; onSaved: () => void }) {
  const empty = { heldOn: "", starts: "", minutes: "60", topic: "privacy_security" as TrainingTopic, phase: "pre_service" as TrainingPhase, title: "", trainer: "", material: "", cityApproved: false };
  const [draft, setDraft] = useState(empty);
  const [marks, setMarks] = useState<Record<string, Mark>>({});
  const mark = (code: string): Mark => marks[code] ?? { attended: false, result: null, score: "" };
  const setMark = (code: string, m: Partial<Mark>) => setMarks((all) => ({ ...all, [code]: { ...mark(code), ...all[code], ...m } }));

  function onGridKey(e: KeyboardEvent, code: string) {
    const key = e.key.toLowerCase();
    if (e.key === " ") {
      e.preventDefault();
      const now = mark(code);
      setMark(code, now.attended ? { attended: false, result: null, score: "" } : { attended: true });
    } else if (RESULT_KEYS[key] && !e.ctrlKey && !e.altKey) {
      e.preventDefault();
      setMark(code, { attended: true, result: RESULT_KEYS[key] });
    } else if (/^\d$/.test(e.key)) {
      e.preventDefault();
      const score = (mark(code).score + e.key).slice(-3);
      setMark(code, { attended: true, score: Number(score) > 100 ? e.key : score });
    } else if (e.key === "Backspace") {
      e.preventDefault();
      setMark(code, { score: mark(code).score.slice(0, -1) });
    } else if (e.key === "ArrowDown" || e.key === "ArrowUp") {
      e.preventDefault();
      const row = (e.currentTarget as HTMLElement)[e.key === "ArrowDown" ? "nextElementSibling" : "previousElementSibling"] as HTMLElement | null;
      row?.focus();
    }
  }

  async function save() {
    const attendance: AttendanceMark[] = Object.entries(marks).map(([staffCode, m]) => ({
      staffCode,
      attended: m.attended,
      result: m.attended ? m.result : null,
      score: m.attended && m.score !== "" ? Number(m.score) : null,
    }));
    const ok = await run(() =>
      backend.recordTrainingSession(
        {
          heldOn: draft.heldOn || today,
          starts: draft.starts ? `${draft.starts}:00` : null,
          minutes: Number(draft.minutes),
          topic: draft.topic,
          phase: draft.phase,
          title: draft.title,
          trainer: draft.trainer,
          trainerCode: null,
          material: draft.material,
          cityApproved: draft.cityApproved,
        },
        attendance,
      ),
    );
    if (ok) {
      setDraft(empty);
      setMarks({});
      onSaved();
    }
  }

  const text = (key: "title" | "trainer" | "material", label: string, max: number) => (
    <label>
      {label}
      <input type="text" maxLength={max} value={draft[key]} onChange={(e) => setDraft({ ...draft, [key]: e.target.value })} />
    </label>
  );
  return (
    <section className="case" aria-label={t("training.newSession")}>
      <h2>{t("training.newSession")}</h2>
      <div className="row">
        <label>
          {t("training.heldOn")}
          <input type="date" value={draft.heldOn || today} onChange={(e) => setDraft({ ...draft, heldOn: e.target.value })} />
        </label>
        <label>
          {t("training.starts")}
          <input type="time" value={draft.starts} onChange={(e) => setDraft({ ...draft, starts: e.target.value })} />
        </label>
        <label>
          {t("training.minutes")}
          <input type="number" className="short" min={1} max={1440} value={draft.minutes} onChange={(e) => setDraft({ ...draft, minutes: e.target.value })} />
        </label>
        <label>
          {t("training.topicLabel")}
          <select value={draft.topic} onChange={(e) => setDraft({ ...draft, topic: e.target.value as TrainingTopic })}>
            {TOPICS.map((x) => (
              <option key={x} value={x}>{tCode("training.topic", x)}</option>
            ))}
          </select>
        </label>
        <label>
          {t("training.phaseLabel")}
          <select value={draft.phase} onChange={(e) => setDraft({ ...draft, phase: e.target.value as TrainingPhase })}>
            {PHASES.map((x) => (
              <option key={x} value={x}>{tCode("training.phase", x)}</option>
            ))}
          </select>
        </label>
      </div>
      <div className="row">
        {text("title", t("training.sessionTitle"), MAX_LENGTH.trainingTitle)}
        {text("trainer", t("training.trainer"), MAX_LENGTH.trainer)}
        {text("material", t("training.material"), MAX_LENGTH.trainingMaterial)}
        <label>
          <input type="checkbox" checked={draft.cityApproved} onChange={(e) => setDraft({ ...draft, cityApproved: e.target.checked })} />
          {t("training.cityApproved")}
        </label>
      </div>
      <p className="muted small">{t("training.wordsNote")}</p>
      <p className="muted small">{t("training.gridHint")}</p>
      <table className="grid" role="grid" aria-label={t("training.attendees")} data-testid="attendee-grid">
        <thead>
          <tr>
            <th>{t("roster.code")}</th><th>{t("roster.name")}</th><th>{t("training.attended")}</th><th>{t("training.resultLabel")}</th><th>{t("training.score")}</th>
          </tr>
        </thead>
        <tbody>
          {staff.map((m) => {
            const k = mark(m.code);
            return (
              <tr key={m.code} tabIndex={0} aria-label={m.name} onKeyDown={(e) => onGridKey(e, m.code)} data-code={m.code}>
                <td>{m.code}</td>
                <td>{m.name}{!m.active && t("training.inactive")}</td>
                <td>
                  <input type="checkbox" tabIndex={-1} aria-label={`${m.name} ${t("training.attended")}`} checked={k.attended} onChange={(e) => setMark(m.code, e.target.checked ? { attended: true } : { attended: false, result: null, score: "" })} />
                </td>
                <td>
                  <select tabIndex={-1} aria-label={`${m.name} ${t("training.resultLabel")}`} value={k.result ?? ""} onChange={(e) => setMark(m.code, { attended: true, result: (e.target.value || null) as TrainingResult | null })}>
                    <option value="" />
                    <option value="passed">{tCode("training.result", "passed")}</option>
                    <option value="failed">{tCode("training.result", "failed")}</option>
                    <option value="retake">{tCode("training.result", "retake")}</option>
                  </select>
                </td>
                <td data-testid={`score-${m.code}`}>{k.score}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <button type="button" onClick={() => void save()} disabled={!draft.title.trim() || !draft.trainer.trim()}>{t("training.save")}</button>
    </section>
  );
}

function StatusTab({ status }: { status: MemberTraining[] }) {
  const [flaggedOnly, setFlaggedOnly] = useState(false);
  const rows = flaggedOnly ? status.filter((m) => m.flags.some((f) => f === "security_missing" || f === "security_expired" || f === "pre_service_missing")) : status;
  return (
    <section aria-label={t("training.statusTab")}>
      <h2>{t("training.statusTab")}</h2>
      <label>
        <input type="checkbox" checked={flaggedOnly} onChange={(e) => setFlaggedOnly(e.target.checked)} />
        {t("training.onlyFlagged")}
      </label>
      <table className="grid" data-testid="training-status">
        <thead>
          <tr>
            <th>{t("roster.code")}</th><th>{t("roster.name")}</th><th>{t("roster.role")}</th><th>{t("roster.securityPassedOn")}</th><th>{t("training.validUntil")}</th><th>{t("training.lastTopics")}</th><th>{t("training.flags")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <tr key={m.code} data-code={m.code}>
              <td>{m.code}</td>
              <td>{m.name}{!m.active && t("training.inactive")}</td>
              <td>{tCode("roster.role", m.role)}</td>
              <td>{m.securityPassedOn ?? ""}</td>
              <td>{m.securityValidUntil ?? ""}</td>
              <td>{m.topics.map((x) => `${tCode("training.topic", x.topic)} ${x.on}`).join("、")}</td>
              <td className="error">{m.flags.map((f) => tCode("training.flag", f)).join("・")}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
