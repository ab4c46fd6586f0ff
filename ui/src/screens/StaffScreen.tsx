// The staff roster (業務従事者名簿) and the attendance record (manager / deputy): add members
// with a first PIN, change roles, take members off the roster, reset a PIN (which also lifts a
// lock-out), and list the sign-ins of a period, copied as CSV for the city. In a city with several
// open sites (拠点) each member of the counter staff shows the sites they work at and the manager
// can change them (none ticked: every site); the attendance says at which site each sign-in was.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { addDays, type Backend, errorCode } from "../api/backend";
import type { Attendance } from "../bindings/Attendance";
import type { Role } from "../bindings/Role";
import type { SitesView } from "../bindings/SitesView";
import type { Site } from "../bindings/Site";
import type { StaffMember } from "../bindings/StaffMember";
import { errorText, t, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { activeSites, siteName } from "../sites";
import { useLoaded } from "./useLoaded";
import { useSites } from "./useSites";

const ROLES: Role[] = ["manager", "deputy", "staff", "city_staff"];

interface RosterData {
  roster: StaffMember[];
  /** The sites of each member who works at some only (absent: every site). */
  staffSites: Map<string, string[]>;
}

export function StaffScreen({ backend }: { backend: Backend }) {
  const loaded = useLoaded(
    useCallback(async (): Promise<RosterData> => {
      const [roster, staffSites] = await Promise.all([backend.staff(), backend.staffSites()]);
      return { roster, staffSites: new Map(staffSites.map((s) => [s.code, s.sites])) };
    }, [backend]),
    { roster: [], staffSites: new Map() } as RosterData,
  );
  const { data: { roster, staffSites }, error } = loaded;
  const sites = useSites(backend);
  // Sites matter on the roster only when there is more than one open site to choose from.
  const openSites = sites.view ? activeSites(sites.view) : [];
  const chooseSites = openSites.length > 1;
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
            <th>{t("staff.code")}</th><th>{t("staff.name")}</th><th>{t("staff.role")}</th><th>{t("staff.active")}</th>
            {chooseSites && <th>{t("staff.sites")}</th>}
            <th />
          </tr>
        </thead>
        <tbody>
          {roster.map((m) => (
            <MemberRow key={m.code} member={m} run={run} backend={backend} sites={chooseSites ? { view: sites.view!, open: openSites, current: staffSites.get(m.code) ?? [] } : null} />
          ))}
        </tbody>
      </table>
      <AddMember backend={backend} run={run} />
      <AttendanceSection backend={backend} sites={sites.view} />
    </section>
  );
}

type Run = (action: () => Promise<unknown>, ok: string) => Promise<boolean>;

/** What a roster row needs to show a member's sites (null: one open site, no column). */
interface RowSites {
  view: SitesView;
  open: Site[];
  /** The member's sites (empty: every site). */
  current: string[];
}

function MemberRow({ member: m, run, backend, sites }: { member: StaffMember; run: Run; backend: Backend; sites: RowSites | null }) {
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
      {sites && (
        <td>
          {/* Managers, deputies and city staff work at every site: only the counter staff have sites. */}
          {m.role === "staff" && <StaffSitesEditor key={sites.current.join(",")} member={m} sites={sites} run={run} backend={backend} />}
        </td>
      )}
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

/** The sites a member of the counter staff works at, and (for the manager) ticks to change them. */
function StaffSitesEditor({ member: m, sites, run, backend }: { member: StaffMember; sites: RowSites; run: Run; backend: Backend }) {
  const [ticked, setTicked] = useState<string[]>(sites.current);
  const changed = ticked.length !== sites.current.length || ticked.some((id) => !sites.current.includes(id));
  const summary = sites.current.length ? sites.current.map((id) => siteName(sites.view, id)).join("・") : t("staff.allSites");
  function toggle(id: string, on: boolean) {
    setTicked((now) => (on ? [...now, id] : now.filter((x) => x !== id)));
  }
  // Ticks in the city's order; a closed site the member had is dropped when saved.
  const chosen = sites.open.map((s) => s.id).filter((id) => ticked.includes(id));
  return (
    <div className="staff-sites" data-testid={`staff-sites-${m.code}`}>
      <span data-testid={`staff-sites-summary-${m.code}`}>{summary}</span>
      <div role="group" className="staff-sites-ticks" aria-label={t("staff.sitesOf", { name: m.name })}>
        {sites.open.map((s) => (
          <label key={s.id} className="inline">
            <input type="checkbox" name={`staffSite-${m.code}`} value={s.id} checked={ticked.includes(s.id)} onChange={(e) => toggle(s.id, e.target.checked)} />
            {s.name}
          </label>
        ))}
        <button type="button" className="small" data-action="save-staff-sites" disabled={!changed} onClick={() => void run(() => backend.setStaffSites(m.code, chosen), t("staff.sitesSaved", { name: m.name }))}>
          {t("staff.sitesSave")}
        </button>
      </div>
      <small className="muted">{t("staff.sitesHint")}</small>
    </div>
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

function AttendanceSection({ backend, sites }: { backend: Backend; sites: SitesView | null }) {
  const multiSite = (sites?.sites.length ?? 0) > 1;
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
          <tr><th>{t("staff.code")}</th><th>{t("staff.name")}</th><th>{t("staff.role")}</th>{multiSite && <th>{t("staff.site")}</th>}<th>{t("staff.seat")}</th><th>{t("staff.signedIn")}</th><th>{t("staff.signedOut")}</th><th>{t("staff.endedBy")}</th></tr>
        </thead>
        <tbody>
          {rows.map((a, i) => (
            <tr key={i}>
              <td className="mono">{a.code}</td><td>{a.name}</td><td>{tCode("role", a.role)}</td>
              {multiSite && <td>{siteName(sites, a.site)}</td>}
              <td>{a.seat}</td>
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
