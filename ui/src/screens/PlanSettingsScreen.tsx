// The slot-plan settings (manager): city booking rules, procedure durations, the weekday and
// holiday-session plans, per-day capacity (繁閑), holiday sessions, and closures with their
// incident record. Every change that pushes bookings out of their slots lists them for a call;
// nothing is dropped.
import { type FormEvent, type ReactNode, useCallback, useEffect, useState } from "react";
import { type Backend, errorCode, hhmm, today } from "../api/backend";
import type { Band } from "../bindings/Band";
import type { BookingRules } from "../bindings/BookingRules";
import type { Closure } from "../bindings/Closure";
import type { ClosureReason } from "../bindings/ClosureReason";
import type { DayBoard } from "../bindings/DayBoard";
import type { PlanKind } from "../bindings/PlanKind";
import type { PlanSettings } from "../bindings/PlanSettings";
import type { ReservationSummary } from "../bindings/ReservationSummary";
import type { SlotPlan } from "../bindings/SlotPlan";
import { errorText, t, tCode } from "../i18n";

const REASONS: ClosureReason[] = ["system_outage", "maintenance", "disaster", "other"];

export function PlanSettingsScreen({ backend }: { backend: Backend }) {
  const [settings, setSettings] = useState<PlanSettings | null>(null);
  const [followUp, setFollowUp] = useState<ReservationSummary[] | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  const load = useCallback(async () => {
    try {
      setSettings(await backend.planSettings());
    } catch (e) {
      setError(errorText(errorCode(e)));
    }
  }, [backend]);
  useEffect(() => {
    void load();
  }, [load]);

  /** Runs a change, shows its follow-up list (if it returns one), and reloads. */
  async function change(action: () => Promise<ReservationSummary[] | void>) {
    try {
      const result = await action();
      if (Array.isArray(result)) setFollowUp(result);
      setMessage(t("plan.saved"));
      setError(null);
      await load();
    } catch (e) {
      setMessage(null);
      setError(errorText(errorCode(e)));
    }
  }

  if (!settings) return <section className="card">{error && <p className="error" role="alert">{error}</p>}</section>;
  const pending = followUp ?? settings.needsFollowUp;
  return (
    <section className="card" aria-labelledby="plan-title">
      <h1 id="plan-title">{t("plan.title")}</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {message && !error && <p className="ok" role="status">{message}</p>}
      <div className={pending.length > 0 ? "notice" : "waiting"} data-testid="follow-up">
        {pending.length > 0 ? <h2>{t("plan.followUp", { n: pending.length })}</h2> : <p className="muted">{t("plan.followUpNone")}</p>}
        {pending.length > 0 && <ReservationList rows={pending} />}
      </div>
      <RulesForm rules={settings.rules} onSave={(rules) => change(() => backend.setBookingRules(rules))} />
      <Fieldset title={t("plan.durations")}>
        <div className="row">
          {settings.procedureMinutes.map(([procedure, minutes]) => (
            <label key={procedure}>
              {tCode("procedure", procedure)}
              <input
                type="number"
                name={`minutes-${procedure}`}
                min={1}
                max={240}
                defaultValue={minutes}
                onBlur={(e) => Number(e.target.value) !== minutes && void change(() => backend.setProcedureMinutes(procedure, Number(e.target.value)))}
              />
            </label>
          ))}
        </div>
      </Fieldset>
      <PlanForm settings={settings} onSave={(kind, plan) => change(() => backend.setSlotPlan(kind, plan))} />
      <DayCapacity backend={backend} onChange={change} />
      <Sessions settings={settings} onSet={(day, note) => change(() => backend.setHolidaySession(day, note))} />
      <Closures settings={settings} onSet={(day, closure) => change(() => backend.setClosure(day, closure))} />
    </section>
  );
}

function Fieldset({ title, children, testId }: { title: string; children: ReactNode; testId?: string }) {
  return (
    <fieldset className="settings" data-testid={testId}>
      <legend>{title}</legend>
      {children}
    </fieldset>
  );
}

function ReservationList({ rows }: { rows: ReservationSummary[] }) {
  return (
    <table className="grid">
      <thead>
        <tr>
          <th>{t("col.number")}</th>
          <th>{t("col.day")}</th>
          <th>{t("col.time")}</th>
          <th>{t("col.name")}</th>
          <th>{t("col.phone")}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id} data-number={r.number}>
            <td className="mono">{r.number}</td>
            <td>{r.day}</td>
            <td className="mono">{hhmm(r.starts)}</td>
            <td>{r.people.map((p) => p.nameKana).join("・")}</td>
            <td className="mono">{r.people[0]?.phone ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function RulesForm({ rules, onSave }: { rules: BookingRules; onSave: (r: BookingRules) => void }) {
  const [draft, setDraft] = useState(rules);
  useEffect(() => setDraft(rules), [rules]);
  const num = (key: keyof BookingRules) => (
    <input type="number" name={key} min={0} value={Number(draft[key])} onChange={(e) => setDraft({ ...draft, [key]: Number(e.target.value) })} />
  );
  return (
    <form
      data-testid="rules-form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSave(draft);
      }}
    >
      <Fieldset title={t("plan.rules")}>
        <div className="row">
          <label>{t("plan.daysAhead")}{num("daysAhead")}</label>
          <label>{t("plan.minDaysBefore")}{num("minDaysBefore")}</label>
          <label>{t("plan.lateMinutes")}{num("lateMinutes")}</label>
          <label className="check">
            <input
              type="checkbox"
              name="oneBookingPerPerson"
              checked={draft.oneBookingPerPerson}
              onChange={(e) => setDraft({ ...draft, oneBookingPerPerson: e.target.checked })}
            />
            {t("plan.onePerPerson")}
          </label>
        </div>
        <button type="submit">{t("plan.save")}</button>
      </Fieldset>
    </form>
  );
}

function PlanForm({ settings, onSave }: { settings: PlanSettings; onSave: (kind: PlanKind, plan: SlotPlan) => void }) {
  const [kind, setKind] = useState<PlanKind>("regular");
  const stored = kind === "regular" ? settings.regular : settings.holidaySession;
  const [draft, setDraft] = useState<SlotPlan>(stored);
  useEffect(() => setDraft(stored), [stored]);
  const setBand = (i: number, patch: Partial<Band>) => setDraft({ ...draft, bands: draft.bands.map((b, k) => (k === i ? { ...b, ...patch } : b)) });
  return (
    <form
      data-testid="plan-form"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        onSave(kind, { ...draft, bands: draft.bands.map((b) => ({ ...b, starts: hhmm(b.starts), ends: hhmm(b.ends) })) });
      }}
    >
      <Fieldset title={t("plan.bands")}>
        <div className="row">
          <label>
            {t("plan.bands")}
            <select name="planKind" value={kind} onChange={(e) => setKind(e.target.value as PlanKind)}>
              <option value="regular">{t("plan.kind.regular")}</option>
              <option value="holiday_session">{t("plan.kind.holiday_session")}</option>
            </select>
          </label>
          <label>
            {t("plan.slotMinutes")}
            <input type="number" name="slotMinutes" min={5} max={120} value={draft.slotMinutes} onChange={(e) => setDraft({ ...draft, slotMinutes: Number(e.target.value) })} />
          </label>
        </div>
        <table className="grid">
          <thead>
            <tr>
              <th>{t("plan.bandStarts")}</th>
              <th>{t("plan.bandEnds")}</th>
              <th>{t("plan.bandCapacity")}</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {draft.bands.map((b, i) => (
              <tr key={i}>
                <td><input type="time" name={`bandStarts${i}`} value={hhmm(b.starts)} onChange={(e) => setBand(i, { starts: e.target.value })} /></td>
                <td><input type="time" name={`bandEnds${i}`} value={hhmm(b.ends)} onChange={(e) => setBand(i, { ends: e.target.value })} /></td>
                <td><input type="number" name={`bandCapacity${i}`} min={0} max={50} value={b.capacity} onChange={(e) => setBand(i, { capacity: Number(e.target.value) })} /></td>
                <td>
                  <button type="button" className="small secondary" onClick={() => setDraft({ ...draft, bands: draft.bands.filter((_, k) => k !== i) })}>
                    {t("plan.removeBand")}
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        <button type="button" className="secondary" onClick={() => setDraft({ ...draft, bands: [...draft.bands, { starts: "13:00", ends: "17:00", capacity: 4 }] })}>
          {t("plan.addBand")}
        </button>
        <button type="submit">{t("plan.save")}</button>
      </Fieldset>
    </form>
  );
}

function DayCapacity({ backend, onChange }: { backend: Backend; onChange: (a: () => Promise<ReservationSummary[]>) => Promise<void> }) {
  const [day, setDay] = useState(today());
  const [board, setBoard] = useState<DayBoard | null>(null);
  const load = useCallback(() => backend.dayBoard(day).then(setBoard, () => setBoard(null)), [backend, day]);
  useEffect(() => {
    void load();
  }, [load]);
  const set = async (band: Band, capacity: number | null) => {
    await onChange(() => backend.setCapacity(day, hhmm(band.starts), capacity));
    await load();
  };
  return (
    <Fieldset title={t("plan.dayCapacity")} testId="capacity-form">
      <label className="inline">
        {t("plan.day")}
        <input type="date" name="capacityDay" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} />
      </label>
      {board?.status.kind === "closed" && <p className="muted">{t("plan.dayClosed")}</p>}
      <div className="row">
        {board?.bands.map((band) => (
          <form
            key={band.starts}
            className="inline"
            onSubmit={(e: FormEvent<HTMLFormElement>) => {
              e.preventDefault();
              const value = Number(new FormData(e.currentTarget).get("capacity"));
              void set(band, value);
            }}
          >
            <label>
              {hhmm(band.starts)}〜{hhmm(band.ends)}
              <input type="number" name="capacity" min={0} max={50} defaultValue={band.capacity} key={`${day}-${band.capacity}`} />
            </label>
            <button type="submit" className="small">{t("plan.save")}</button>
            <button type="button" className="small secondary" onClick={() => void set(band, null)}>{t("plan.resetBand")}</button>
          </form>
        ))}
      </div>
    </Fieldset>
  );
}

function Sessions({ settings, onSet }: { settings: PlanSettings; onSet: (day: string, note: string | null) => void }) {
  const [day, setDay] = useState("");
  const [note, setNote] = useState("休日交付");
  return (
    <Fieldset title={t("plan.sessions")} testId="sessions">
      {settings.holidaySessions.length === 0 && <p className="muted">{t("plan.noSessions")}</p>}
      <ul>
        {settings.holidaySessions.map((s) => (
          <li key={s.day}>
            {s.day} {s.note}{" "}
            <button type="button" className="small secondary" onClick={() => onSet(s.day, null)}>{t("plan.remove")}</button>
          </li>
        ))}
      </ul>
      <form
        className="row"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (day) onSet(day, note);
        }}
      >
        <label>{t("plan.day")}<input type="date" name="sessionDay" value={day} onChange={(e) => setDay(e.target.value)} /></label>
        <label className="grow">{t("plan.sessionNote")}<input type="text" name="sessionNote" value={note} onChange={(e) => setNote(e.target.value)} /></label>
        <button type="submit">{t("plan.addSession")}</button>
      </form>
    </Fieldset>
  );
}

function Closures({ settings, onSet }: { settings: PlanSettings; onSet: (day: string, closure: Closure | null) => void }) {
  const [day, setDay] = useState("");
  const [reason, setReason] = useState<ClosureReason>("system_outage");
  const [from, setFrom] = useState("");
  const [until, setUntil] = useState("");
  const [note, setNote] = useState("");
  return (
    <Fieldset title={t("plan.closures")} testId="closures">
      <form
        className="row"
        data-testid="closure-form"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          if (day) onSet(day, { reason, note, from: from || null, until: until || null });
        }}
      >
        <label>{t("plan.day")}<input type="date" name="closureDay" value={day} onChange={(e) => setDay(e.target.value)} /></label>
        <label>
          {t("plan.closureReason")}
          <select name="closureReason" value={reason} onChange={(e) => setReason(e.target.value as ClosureReason)}>
            {REASONS.map((r) => <option key={r} value={r}>{tCode("closureReason", r)}</option>)}
          </select>
        </label>
        <label>{t("plan.closureFrom")}<input type="time" name="closureFrom" value={from} onChange={(e) => setFrom(e.target.value)} /></label>
        <label>{t("plan.closureUntil")}<input type="time" name="closureUntil" value={until} onChange={(e) => setUntil(e.target.value)} /></label>
        <label className="grow">{t("plan.closureNote")}<input type="text" name="closureNote" value={note} onChange={(e) => setNote(e.target.value)} /></label>
        <button type="submit">{t("plan.recordClosure")}</button>
      </form>
      {settings.closures.length === 0 && <p className="muted">{t("plan.noClosures")}</p>}
      {settings.closures.map((c) => (
        <div key={c.day} className="incident" data-testid="incident" data-day={c.day}>
          <h3>
            {c.day} {tCode("closureReason", c.closure.reason)}{" "}
            {c.closure.from || c.closure.until ? `${hhmm(c.closure.from ?? "09:00")}〜${hhmm(c.closure.until ?? "17:00")}` : t("plan.allDay")}{" "}
            <span className="muted">{t("plan.recordedAt", { at: new Date(c.recordedAt).toLocaleString("ja-JP") })}</span>
          </h3>
          {c.closure.note && <p>{c.closure.note}</p>}
          {c.affected.length > 0 && (
            <table className="grid">
              <caption>{t("plan.affected")}</caption>
              <tbody>
                {c.affected.map((a) => (
                  <tr key={a.reservation.id} data-number={a.reservation.number}>
                    <td className="mono">{a.reservation.number}</td>
                    <td>{a.reservation.day} {hhmm(a.reservation.starts)}</td>
                    <td>{a.reservation.people.map((p) => p.nameKana).join("・")}</td>
                    <td className="mono">{a.reservation.people[0]?.phone ?? ""}</td>
                    <td>
                      <span className={a.needsCall ? "badge full" : "badge ok"}>{a.needsCall ? t("plan.needsCall") : t("plan.handled")}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          <button type="button" className="small secondary" onClick={() => onSet(c.day, null)}>{t("plan.liftClosure")}</button>
        </div>
      ))}
    </Fieldset>
  );
}
