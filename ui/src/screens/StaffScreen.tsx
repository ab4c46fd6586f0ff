// The staff roster (業務従事者名簿) and the attendance record (manager / deputy): add members
// with a first PIN, change roles, take members off the roster, reset a PIN (which also lifts a
// lock-out), and list the sign-ins of a period, copied as CSV for the city.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { addDays, type Backend, errorCode } from "../api/backend";
import type { Attendance } from "../bindings/Attendance";
import type { Role } from "../bindings/Role";
import type { StaffMember } from "../bindings/StaffMember";
import { errorText, t, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { useLoaded } from "./useLoaded";

const ROLES: Role[] = ["manager", "deputy", "staff", "city_staff"];

export function StaffScreen({ backend }: { backend: Backend }) {
  const loaded = useLoaded(useCallback(() => backend.staff(), [backend]), [] as StaffMember[]);
  const { data: roster, error } = loaded;
  const [message, setMessage] = useState<string | null>(null);

  async function run(action: () => Promise<unknown>, ok: string) {
    const done = await loaded.run(action);
    setMessage(done ? ok : null);
    return done;
  }

  return (
    <section className="card" aria-labelledby="staff-title">
      <h1 id="staff-title">{t("staff.title")}</h1>
      {error && <p className="error" role="alert">{error}</p>}
      {message && !error && <p className="badge ok">{message}</p>}
      <h2>{t("staff.roster")}</h2>
      <table className="grid" data-testid="roster">
        <thead>
          <tr>
            <th>{t("staff.code")}</th><th>{t("staff.name")}</th><th>{t("staff.role")}</th><th>{t("staff.active")}</th><th />
          </tr>
        </thead>
        <tbody>
          {roster.map((m) => (
            <MemberRow key={m.code} member={m} run={run} backend={backend} />
          ))}
        </tbody>
      </table>
      <AddMember backend={backend} run={run} />
      <AttendanceSection backend={backend} />
    </section>
  );
}

type Run = (action: () => Promise<unknown>, ok: string) => Promise<boolean>;

function MemberRow({ member: m, run, backend }: { member: StaffMember; run: Run; backend: Backend }) {
  const [role, setRole] = useState<Role>(m.role);
  const [active, setActive] = useState(m.active);
  const [pin, setPin] = useState("");
  return (
    <tr data-code={m.code}>
      <td className="mono">{m.code}</td>
      <td>
        {m.name} {m.lockedUntil && <span className="badge full">{t("staff.locked", { until: m.lockedUntil.slice(11, 16) })}</span>}
      </td>
      <td>
        <select value={role} aria-label={t("staff.role")} onChange={(e) => setRole(e.target.value as Role)}>
          {ROLES.map((r) => <option key={r} value={r}>{tCode("role", r)}</option>)}
        </select>
      </td>
      <td>
        <input type="checkbox" aria-label={t("staff.active")} checked={active} onChange={(e) => setActive(e.target.checked)} />
      </td>
      <td className="actions">
        <button type="button" className="small" disabled={role === m.role && active === m.active} onClick={() => void run(() => backend.updateStaff(m.code, role, active), t("staff.saved"))}>
          {t("staff.save")}
        </button>
        <input type="password" inputMode="numeric" className="short" aria-label={t("staff.newPin")} placeholder={t("staff.newPin")} value={pin} onChange={(e) => setPin(e.target.value)} />
        <button type="button" className="small secondary" disabled={!pin} onClick={async () => (await run(() => backend.resetPin(m.code, pin), t("staff.saved"))) && setPin("")}>
          {t("staff.resetPin")}
        </button>
      </td>
    </tr>
  );
}

function AddMember({ backend, run }: { backend: Backend; run: Run }) {
  const [code, setCode] = useState("");
  const [name, setName] = useState("");
  const [role, setRole] = useState<Role>("staff");
  const [pin, setPin] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    const ok = await run(() => backend.addStaff({ code: code.trim().toUpperCase(), name, role, pin }), t("staff.added", { code: code.trim().toUpperCase() }));
    if (ok) {
      setCode("");
      setName("");
      setPin("");
    }
  }
  return (
    <form className="case" onSubmit={submit} data-testid="add-staff">
      <h2>{t("staff.add")}</h2>
      <div className="row">
        <label>{t("staff.code")}<input type="text" name="newCode" value={code} onChange={(e) => setCode(e.target.value)} /></label>
        <label>{t("staff.name")}<input type="text" name="newName" maxLength={MAX_LENGTH.name} value={name} onChange={(e) => setName(e.target.value)} /></label>
        <label>
          {t("staff.role")}
          <select name="newRole" value={role} onChange={(e) => setRole(e.target.value as Role)}>
            {ROLES.map((r) => <option key={r} value={r}>{tCode("role", r)}</option>)}
          </select>
        </label>
        <label>{t("staff.pin")}<input type="password" inputMode="numeric" name="newPin" className="short" value={pin} onChange={(e) => setPin(e.target.value)} /></label>
        <button type="submit" disabled={!code.trim() || !name.trim() || !pin}>{t("staff.add")}</button>
      </div>
    </form>
  );
}

function AttendanceSection({ backend }: { backend: Backend }) {
  const [range, setRange] = useState<[string, string] | null>(null);
  const [rows, setRows] = useState<Attendance[]>([]);
  const [note, setNote] = useState<string | null>(null);
  useEffect(() => {
    void backend.now().then((now) => setRange([addDays(now.slice(0, 10), -6), now.slice(0, 10)]));
  }, [backend]);
  useEffect(() => {
    if (range) backend.attendance(range[0], range[1]).then(setRows, (e) => setNote(errorText(errorCode(e))));
  }, [backend, range]);
  if (!range) return null;
  async function copy() {
    try {
      await navigator.clipboard.writeText(await backend.attendanceCsv(range![0], range![1]));
      setNote(t("staff.copied"));
    } catch (e) {
      setNote(errorText(errorCode(e)));
    }
  }
  return (
    <div data-testid="attendance">
      <h2>{t("staff.attendance")}</h2>
      <div className="toolbar">
        <label className="inline">{t("staff.from")}<input type="date" value={range[0]} onChange={(e) => e.target.value && setRange([e.target.value, range[1]])} /></label>
        <label className="inline">{t("staff.to")}<input type="date" value={range[1]} onChange={(e) => e.target.value && setRange([range[0], e.target.value])} /></label>
        <button type="button" className="secondary" onClick={() => void copy()}>{t("staff.copyCsv")}</button>
      </div>
      {note && <p className="muted">{note}</p>}
      <table className="grid">
        <thead>
          <tr><th>{t("staff.code")}</th><th>{t("staff.name")}</th><th>{t("staff.role")}</th><th>{t("staff.seat")}</th><th>{t("staff.signedIn")}</th><th>{t("staff.signedOut")}</th><th>{t("staff.endedBy")}</th></tr>
        </thead>
        <tbody>
          {rows.map((a, i) => (
            <tr key={i}>
              <td className="mono">{a.code}</td><td>{a.name}</td><td>{tCode("role", a.role)}</td><td>{a.seat}</td>
              <td className="mono">{a.signedInAt.replace("T", " ").slice(0, 16)}</td>
              <td className="mono">{a.signedOutAt?.replace("T", " ").slice(0, 16) ?? ""}</td>
              <td>{a.endedBy ? tCode("ended", a.endedBy) : ""}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
