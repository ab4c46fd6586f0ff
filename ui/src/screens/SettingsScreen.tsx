// 予約枠の設定 (manager): the city's booking rules, procedure durations, the weekday and
// holiday-session slot plans, per-day capacity (繁閑), holiday sessions, and temporary closures
// (J-LIS outages…) with their incident records (both for every site, 全拠点, or in a city of
// several sites for one site on top of the city's), and the reason lists (the city's own codes for
// revisits, cancellations and form-count differences), and the city's sites (拠点: add, rename, close;
// the plans on this screen are this PC's site's). A change never drops a booking: those that no
// longer fit come back from the backend and are listed where the change was made, and every
// booking still waiting for a call is listed at the top (planSettings().needsFollowUp).
// Last, this PC's call display (呼出表示: the lamp's thresholds, chime, voice, the monitor and
// the window), in components/CallDisplaySettings.tsx.
import { type FormEvent, type ReactNode, useCallback, useEffect, useRef, useState } from "react";
import { PROCEDURES } from "../procedures";
import { type Backend, errorCode, hhmm, today } from "../api/backend";
import type { Band } from "../bindings/Band";
import type { BookingRules } from "../bindings/BookingRules";
import type { CityReason } from "../bindings/CityReason";
import type { ClosedReason } from "../bindings/ClosedReason";
import type { ClosureReason } from "../bindings/ClosureReason";
import type { ClosureRecord } from "../bindings/ClosureRecord";
import type { DayBoard } from "../bindings/DayBoard";
import type { PlanKind } from "../bindings/PlanKind";
import type { PlanSettings } from "../bindings/PlanSettings";
import type { Procedure } from "../bindings/Procedure";
import type { ProcedureBundle } from "../bindings/ProcedureBundle";
import type { ReasonKind } from "../bindings/ReasonKind";
import type { ReservationSummary } from "../bindings/ReservationSummary";
import type { Site } from "../bindings/Site";
import type { SiteKind } from "../bindings/SiteKind";
import type { SitesView } from "../bindings/SitesView";
import type { SlotPlan } from "../bindings/SlotPlan";
import { dayLabel, errorText, reasonCodes, reasonLabel, t, type TextKey, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { bookableSites, hereSite, SITE_CODE, SITE_NAME_MAX, siteName } from "../sites";
import { CallDisplaySettings } from "../components/CallDisplaySettings";
import "./settings.css";

type Section = "rules" | "minutes" | "bundles" | "plan" | "capacity" | "sessions" | "closure" | "reasons" | "sites";
/** The outcome of the last action, shown in the section it came from. */
type Feedback = { section: Section; ok: boolean; text: string };
/** Bookings the last change returned (no longer fitting, or hit by a closure). */
type Returned = { section: Section; rows: ReservationSummary[] };

interface RunOptions {
  /** The success message, given what the change returned. */
  okText?: (rows: ReservationSummary[] | null) => string;
  /** Whether to show the returned bookings (false for changes that only free places). */
  showRows?: boolean;
}

/** What every section needs from the screen: run a change, report a mistake, show outcomes. */
interface Ctx {
  busy: boolean;
  feedback: Feedback | null;
  returned: Returned | null;
  run: (section: Section, action: () => Promise<ReservationSummary[] | void>, options?: RunOptions) => Promise<boolean>;
  invalid: (section: Section, text: string) => void;
}

const REASONS: ClosureReason[] = ["system_outage", "maintenance", "disaster", "other"];

export function SettingsScreen({ backend }: { backend: Backend }) {
  const [settings, setSettings] = useState<PlanSettings | null>(null);
  /** The city's sites (null: not readable; the section is then left out). */
  const [sites, setSites] = useState<SitesView | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [feedback, setFeedback] = useState<Feedback | null>(null);
  const [returned, setReturned] = useState<Returned | null>(null);
  const [busy, setBusy] = useState(false);
  /** Bumped on every reload, so the day board (繁閑) reloads too. */
  const [version, setVersion] = useState(0);

  const load = useCallback(async () => {
    try {
      const [plan, view] = await Promise.all([backend.planSettings(), backend.sites().catch(() => null)]);
      setSettings(plan);
      setSites(view);
      setLoadError(null);
      setVersion((v) => v + 1);
    } catch (e) {
      setLoadError(errorText(errorCode(e)));
    }
  }, [backend]);

  useEffect(() => {
    void load();
  }, [load]);

  const run: Ctx["run"] = async (section, action, options = {}) => {
    setBusy(true);
    try {
      const result = await action();
      const rows = Array.isArray(result) ? result : null;
      if (rows && options.showRows !== false) setReturned({ section, rows });
      setFeedback({ section, ok: true, text: options.okText ? options.okText(rows) : t("settings.saved") });
      await load();
      return true;
    } catch (e) {
      setFeedback({ section, ok: false, text: errorText(errorCode(e)) });
      return false;
    } finally {
      setBusy(false);
    }
  };
  const invalid: Ctx["invalid"] = (section, text) => setFeedback({ section, ok: false, text });
  const ctx: Ctx = { busy, feedback, returned, run, invalid };

  return (
    <section className="card settings-screen" aria-labelledby="settings-title">
      <h1 id="settings-title">{t("settings.title")}</h1>
      <p className="lead muted small">{t("settings.lead")}</p>
      {sites && sites.sites.length > 1 && (
        <p className="lead" data-testid="settings-site">
          {t("site.settings.planOf", { site: hereSite(sites)?.name ?? sites.here })}
        </p>
      )}
      {loadError && (
        <p className="error" role="alert">
          {loadError}
        </p>
      )}
      {settings && (
        <>
          {settings.needsFollowUp.length > 0 && (
            <div className="followup" data-testid="needs-follow-up">
              <h2>{t("settings.needsFollowUp", { n: settings.needsFollowUp.length })}</h2>
              <p className="small">{t("settings.needsFollowUpLead")}</p>
              <ReservationTable rows={settings.needsFollowUp} />
            </div>
          )}
          <div className="settings-pair">
            <RulesSection rules={settings.rules} ctx={ctx} backend={backend} />
            <MinutesSection minutes={settings.procedureMinutes} ctx={ctx} backend={backend} />
          </div>
          <PlanSection settings={settings} ctx={ctx} backend={backend} />
          <div className="settings-pair">
            <CapacitySection settings={settings} version={version} ctx={ctx} backend={backend} />
            <SessionsSection settings={settings} sites={sites} ctx={ctx} backend={backend} />
          </div>
          <ClosureSection settings={settings} sites={sites} ctx={ctx} backend={backend} />
          <BundlesSection bundles={settings.bundles} ctx={ctx} backend={backend} />
          <ReasonsSection version={version} ctx={ctx} backend={backend} />
          {sites && <SitesSection view={sites} ctx={ctx} backend={backend} />}
        </>
      )}
      <CallDisplaySettings backend={backend} />
    </section>
  );
}

interface SectionProps {
  ctx: Ctx;
  backend: Backend;
}

/** A titled block of the screen. */
function Block({ id, title, testId, children }: { id: string; title: string; testId?: string; children: ReactNode }) {
  return (
    <section className="settings-block" aria-labelledby={id} data-testid={testId}>
      <h2 id={id}>{title}</h2>
      {children}
    </section>
  );
}

/** The last action's message, if it came from `section`. */
function Outcome({ ctx, section }: { ctx: Ctx; section: Section }) {
  const f = ctx.feedback;
  if (!f || f.section !== section) return null;
  return f.ok ? (
    <p className="ok" role="status">
      {f.text}
    </p>
  ) : (
    <p className="error" role="alert">
      {f.text}
    </p>
  );
}

/** The bookings a plan, capacity or holiday-session change pushed out of their slots. */
function FollowUp({ ctx, section }: { ctx: Ctx; section: Section }) {
  const r = ctx.returned;
  if (!r || r.section !== section || r.rows.length === 0) return null;
  return (
    <div className="followup" data-testid="follow-up">
      <h3>{t("settings.followUpTitle", { n: r.rows.length })}</h3>
      <ReservationTable rows={r.rows} />
    </div>
  );
}

/** Number, day, time, kana name and phone: what staff need to call and rebook. */
function ReservationTable({ rows, calls }: { rows: ReservationSummary[]; calls?: boolean[] }) {
  return (
    <table className="grid compact">
      <thead>
        <tr>
          <th>{t("settings.col.number")}</th>
          <th>{t("settings.col.day")}</th>
          <th>{t("settings.col.time")}</th>
          <th>{t("settings.col.name")}</th>
          <th>{t("settings.col.phone")}</th>
          {calls && <th>{t("settings.col.call")}</th>}
        </tr>
      </thead>
      <tbody>
        {rows.map((r, i) => (
          <tr key={r.id} data-number={r.number}>
            <td className="mono">{r.number}</td>
            <td>{dayLabel(r.day)}</td>
            <td className="mono">{hhmm(r.starts)}</td>
            <td>{r.people[0]?.nameKana ?? ""}</td>
            <td className="mono">{r.people[0]?.phone ?? ""}</td>
            {calls && (
              <td>
                <span className={calls[i] ? "badge full" : "badge ok"}>{calls[i] ? t("settings.needsCall") : t("settings.handled")}</span>
              </td>
            )}
          </tr>
        ))}
      </tbody>
    </table>
  );
}

// 1. Booking rules.

interface RulesDraft {
  daysAhead: string;
  minDaysBefore: string;
  lateMinutes: string;
  oneBookingPerPerson: boolean;
}

function RulesSection({ rules, ctx, backend }: SectionProps & { rules: BookingRules }) {
  const [draft, setDraft] = useDraft<RulesDraft>({
    daysAhead: String(rules.daysAhead),
    minDaysBefore: String(rules.minDaysBefore),
    lateMinutes: String(rules.lateMinutes),
    oneBookingPerPerson: rules.oneBookingPerPerson,
  });
  function submit(e: FormEvent) {
    e.preventDefault();
    const daysAhead = wholeNumber(draft.daysAhead);
    const minDaysBefore = wholeNumber(draft.minDaysBefore);
    const lateMinutes = wholeNumber(draft.lateMinutes);
    if (daysAhead === null || minDaysBefore === null || lateMinutes === null) return ctx.invalid("rules", t("settings.wholeNumber"));
    const next = { daysAhead, minDaysBefore, lateMinutes, oneBookingPerPerson: draft.oneBookingPerPerson };
    void ctx.run("rules", () => backend.setBookingRules(next));
  }
  const field = (name: "daysAhead" | "minDaysBefore" | "lateMinutes", label: string) => (
    <label>
      {label}
      <input
        type="number"
        name={name}
        min={0}
        step={1}
        inputMode="numeric"
        value={draft[name]}
        onChange={(e) => setDraft({ ...draft, [name]: e.target.value })}
      />
    </label>
  );
  return (
    <Block id="settings-rules" title={t("settings.rules")}>
      <form data-testid="rules-form" onSubmit={submit}>
        <div className="fields">
          {field("daysAhead", t("settings.daysAhead"))}
          {field("minDaysBefore", t("settings.minDaysBefore"))}
          {field("lateMinutes", t("settings.lateMinutes"))}
          <label className="check">
            <input
              type="checkbox"
              name="oneBookingPerPerson"
              checked={draft.oneBookingPerPerson}
              onChange={(e) => setDraft({ ...draft, oneBookingPerPerson: e.target.checked })}
            />
            {t("settings.oneBookingPerPerson")}
          </label>
        </div>
        <button type="submit" disabled={ctx.busy}>
          {t("settings.save")}
        </button>
        <Outcome ctx={ctx} section="rules" />
      </form>
    </Block>
  );
}

// 2. Minutes per procedure.

function MinutesSection({ minutes, ctx, backend }: SectionProps & { minutes: [Procedure, number][] }) {
  const [draft, setDraft] = useDraft<[Procedure, string][]>(minutes.map(([p, m]) => [p, String(m)]));
  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = draft.map(([p, m]) => [p, wholeNumber(m)] as const);
    if (parsed.some(([, m]) => m === null)) return ctx.invalid("minutes", t("settings.wholeNumber"));
    const changed = parsed.filter(([p, m]) => minutes.find(([q]) => q === p)?.[1] !== m);
    void ctx.run("minutes", async () => {
      for (const [p, m] of changed) await backend.setProcedureMinutes(p, m as number);
    });
  }
  return (
    <Block id="settings-minutes" title={t("settings.durations")}>
      <form data-testid="minutes-form" onSubmit={submit}>
        <div className="fields">
          {draft.map(([procedure, value], i) => (
            <label key={procedure}>
              {t("settings.minutesOf", { procedure: tCode("procedure", procedure) })}
              <input
                type="number"
                name={`minutes-${procedure}`}
                min={1}
                step={1}
                inputMode="numeric"
                value={value}
                onChange={(e) => setDraft(draft.map((row, k) => (k === i ? [procedure, e.target.value] : row)))}
              />
            </label>
          ))}
        </div>
        <button type="submit" disabled={ctx.busy}>
          {t("settings.save")}
        </button>
        <Outcome ctx={ctx} section="minutes" />
      </form>
    </Block>
  );
}

// 2b. What the city specifies for each procedure's case bundle (one document a line) and how
// many application forms a case counts as in the daily reconciliation.

function BundlesSection({ bundles, ctx, backend }: SectionProps & { bundles: ProcedureBundle[] }) {
  const [draft, setDraft] = useDraft(bundles.map((b) => ({ procedure: b.procedure, forms: String(b.forms), items: b.items.join("\n") })));
  function submit(e: FormEvent) {
    e.preventDefault();
    const parsed = draft.map((d) => ({ procedure: d.procedure, forms: wholeNumber(d.forms), items: d.items.split("\n").map((i) => i.trim()).filter(Boolean) }));
    if (parsed.some((b) => b.forms === null || b.items.length === 0)) return ctx.invalid("bundles", t("settings.bundleInvalid"));
    const changed = parsed.filter((b) => {
      const was = bundles.find((x) => x.procedure === b.procedure);
      return was?.forms !== b.forms || was.items.join("\n") !== b.items.join("\n");
    });
    void ctx.run("bundles", async () => {
      for (const b of changed) await backend.setProcedureBundle({ ...b, forms: b.forms as number });
    });
  }
  return (
    <Block id="settings-bundles" title={t("settings.bundles")}>
      <p className="small muted">{t("settings.bundlesLead")}</p>
      <form data-testid="bundles-form" onSubmit={submit}>
        <div className="fields bundles">
          {draft.map((d, i) => (
            <fieldset key={d.procedure}>
              <legend>{tCode("procedure", d.procedure)}</legend>
              <label>
                {t("settings.bundleItems")}
                <textarea
                  name={`bundle-${d.procedure}`}
                  rows={4}
                  value={d.items}
                  onChange={(e) => setDraft(draft.map((row, k) => (k === i ? { ...row, items: e.target.value } : row)))}
                />
              </label>
              <label>
                {t("settings.bundleForms")}
                <input
                  type="number"
                  name={`forms-${d.procedure}`}
                  min={0}
                  max={10}
                  value={d.forms}
                  onChange={(e) => setDraft(draft.map((row, k) => (k === i ? { ...row, forms: e.target.value } : row)))}
                />
              </label>
            </fieldset>
          ))}
        </div>
        <button type="submit" disabled={ctx.busy}>
          {t("settings.save")}
        </button>
        <Outcome ctx={ctx} section="bundles" />
      </form>
    </Block>
  );
}

// 2c. The reason lists (issue 18): the built-in codes, and the city's own, which it can add
// (a label of at most 30 characters, printed on reports, so no names or numbers) or retire (a code
// once added stays, so old records keep their label).

const REASON_KINDS: ReasonKind[] = ["revisit", "cancel", "form_difference"];

/** Why a label cannot be used (the core refuses the same: length and digits), or null. */
function labelProblem(label: string, kind: ReasonKind, city: CityReason[]): string | null {
  const length = [...label].length;
  if (length === 0 || length > MAX_LENGTH.reasonLabel) return t("reason.settings.labelLength");
  if ((label.match(/[0-9０-９]/g) ?? []).length > 3) return t("reason.settings.labelNumbers");
  const taken = reasonCodes(kind, city.map((r) => ({ ...r, active: true }))).some((code) => reasonLabel(kind, code, city) === label);
  return taken ? t("reason.settings.labelTaken") : null;
}

/** A new city code: city_ and the next number (codes are never reused, retired ones included). */
function nextCityCode(city: CityReason[]): string {
  const used = city.map((r) => Number(/^city_(\d+)$/.exec(r.code)?.[1] ?? 0));
  return `city_${Math.max(0, ...used) + 1}`;
}

function ReasonsSection({ version, ctx, backend }: SectionProps & { version: number }) {
  const [city, setCity] = useState<CityReason[] | null>(null);
  const [loadError, setLoadError] = useState<string | null>(null);
  const [drafts, setDrafts] = useState<Record<ReasonKind, string>>({ revisit: "", cancel: "", form_difference: "" });

  useEffect(() => {
    backend.cityReasons().then(
      (r) => {
        setCity(r);
        setLoadError(null);
      },
      (e) => setLoadError(errorText(errorCode(e))),
    );
  }, [backend, version]);

  async function add(e: FormEvent, kind: ReasonKind) {
    e.preventDefault();
    if (!city) return;
    const label = drafts[kind].trim();
    const problem = labelProblem(label, kind, city);
    if (problem) return ctx.invalid("reasons", problem);
    const reason: CityReason = { kind, code: nextCityCode(city), label, active: true };
    if (await ctx.run("reasons", () => backend.setCityReasons([...city, reason]), { okText: () => t("reason.settings.added") })) {
      setDrafts({ ...drafts, [kind]: "" });
    }
  }
  function toggle(target: CityReason) {
    if (!city) return;
    const next = city.map((r) => (r.kind === target.kind && r.code === target.code ? { ...r, active: !r.active } : r));
    void ctx.run("reasons", () => backend.setCityReasons(next), {
      okText: () => t(target.active ? "reason.settings.retired" : "reason.settings.restored"),
    });
  }

  return (
    <Block id="settings-reasons" title={t("reason.settings.title")} testId="reasons">
      <p className="small muted">{t("reason.settings.lead")}</p>
      {loadError && (
        <p className="error" role="alert">
          {loadError}
        </p>
      )}
      {city && (
        <div className="fields reasons">
          {REASON_KINDS.map((kind) => {
            const kindName = t(`reason.settings.kind.${kind}` as TextKey);
            const builtIn = reasonCodes(kind).filter((code) => !code.startsWith("city_"));
            const own = city.filter((r) => r.kind === kind);
            return (
              <fieldset key={kind} data-testid={`reasons-${kind}`}>
                <legend>{kindName}</legend>
                <ul className="reason-list">
                  {builtIn.map((code) => (
                    <li key={code} data-code={code}>
                      <span>{reasonLabel(kind, code)}</span>
                      <span className="badge small">{t("reason.settings.builtIn")}</span>
                    </li>
                  ))}
                  {own.map((r) => (
                    <li key={r.code} data-code={r.code} className={r.active ? undefined : "muted"}>
                      <span>{r.label}</span>
                      <span className="badge small ok">{t("reason.settings.city")}</span>
                      {!r.active && <span className="badge small">{t("reason.settings.inactive")}</span>}
                      <button
                        type="button"
                        className="small secondary"
                        disabled={ctx.busy}
                        aria-label={t(r.active ? "reason.settings.retireOf" : "reason.settings.restoreOf", { label: r.label })}
                        onClick={() => toggle(r)}
                      >
                        {t(r.active ? "reason.settings.retire" : "reason.settings.restore")}
                      </button>
                    </li>
                  ))}
                </ul>
                <form className="reason-add" onSubmit={(e) => void add(e, kind)}>
                  <label>
                    {t("reason.settings.addTo", { kind: kindName })}
                    <input
                      type="text"
                      name={`reason-label-${kind}`}
                      autoComplete="off"
                      maxLength={MAX_LENGTH.reasonLabel}
                      value={drafts[kind]}
                      onChange={(e) => setDrafts({ ...drafts, [kind]: e.target.value })}
                    />
                  </label>
                  <button type="submit" disabled={ctx.busy}>
                    {t("reason.settings.add")}
                  </button>
                </form>
              </fieldset>
            );
          })}
        </div>
      )}
      <p className="small muted hint">{t("reason.settings.labelHint")}</p>
      <Outcome ctx={ctx} section="reasons" />
    </Block>
  );
}

// 2d. The city's sites (拠点): a code that never changes, a name, a kind; closed (休止) and
// reopened, never removed (their records stay). Core refuses closing the only open counter.
// An outreach site (出張) has its one day (開設日) and can be sealed (封鎖) for it: then only the
// outreach laptop books that day, holding every free place to work offline. A serving site
// (counter or outreach, never a desk) has its own pattern: 土日も開く (Saturdays and Sundays with
// the holiday-session plan) and the procedures it takes (all of them checked: every procedure).

const SITE_KINDS: SiteKind[] = ["counter", "desk", "outreach"];
const SITE_PROCEDURES = PROCEDURES;

/** Why a typed site name cannot be used, or null. */
function siteNameProblem(name: string): string | null {
  const length = [...name].length;
  return length === 0 || length > SITE_NAME_MAX ? t("site.settings.nameInvalid", { max: SITE_NAME_MAX }) : null;
}

function SitesSection({ view, ctx, backend }: SectionProps & { view: SitesView }) {
  const [draft, setDraft] = useState<{ id: string; name: string; kind: SiteKind; day: string }>({ id: "", name: "", kind: "counter", day: "" });
  const outreach = draft.kind === "outreach";

  async function add(e: FormEvent) {
    e.preventDefault();
    const id = draft.id.trim();
    const name = draft.name.trim();
    if (!SITE_CODE.test(id)) return ctx.invalid("sites", t("site.settings.codeInvalid"));
    if (view.sites.some((x) => x.id === id)) return ctx.invalid("sites", t("site.settings.codeTaken", { code: id }));
    const problem = siteNameProblem(name);
    if (problem) return ctx.invalid("sites", problem);
    // Only an outreach site has a day (core refuses one for the others).
    const day = outreach ? draft.day : null;
    if (outreach && !day) return ctx.invalid("sites", t("site.settings.dayMissing"));
    const added = await ctx.run(
      "sites",
      async () => {
        await backend.addSite(id, name, draft.kind, day);
      },
      { okText: () => t("site.settings.added", { name }) },
    );
    if (added) setDraft({ id: "", name: "", kind: draft.kind, day: "" });
  }

  return (
    <Block id="settings-sites" title={t("site.settings.title")} testId="sites">
      <p className="small muted">{t("site.settings.lead")}</p>
      <ul className="site-list" aria-label={t("site.settings.list")}>
        {view.sites.map((site) => (
          <SiteRow key={site.id} site={site} here={site.id === view.here} ctx={ctx} backend={backend} />
        ))}
      </ul>
      {view.sites.some((x) => x.kind !== "desk") && (
        <p className="small muted hint" id="site-pattern-hint">
          {t("site.settings.patternHint")}
        </p>
      )}
      <form className="fields site-add" data-testid="site-add" onSubmit={(e) => void add(e)}>
        <label>
          {t("site.settings.code")}
          <input
            type="text"
            name="siteId"
            className="mono"
            autoComplete="off"
            spellCheck={false}
            maxLength={40}
            placeholder="ekimae"
            aria-describedby="site-code-hint"
            value={draft.id}
            onChange={(e) => setDraft({ ...draft, id: e.target.value })}
          />
        </label>
        <label className="grow">
          {t("site.settings.name")}
          <input
            type="text"
            name="siteName"
            autoComplete="off"
            maxLength={SITE_NAME_MAX}
            value={draft.name}
            onChange={(e) => setDraft({ ...draft, name: e.target.value })}
          />
        </label>
        <label>
          {t("site.settings.kind")}
          <select name="siteKind" value={draft.kind} onChange={(e) => setDraft({ ...draft, kind: e.target.value as SiteKind })}>
            {SITE_KINDS.map((kind) => (
              <option key={kind} value={kind}>
                {tCode("site.kind", kind)}
              </option>
            ))}
          </select>
        </label>
        {outreach && (
          <label>
            {t("site.settings.day")}
            <input type="date" name="siteDay" aria-required="true" value={draft.day} onChange={(e) => setDraft({ ...draft, day: e.target.value })} />
          </label>
        )}
        <button type="submit" data-action="add-site" disabled={ctx.busy}>
          {t("site.settings.add")}
        </button>
      </form>
      <p className="small muted hint" id="site-code-hint">
        {t("site.settings.codeHint")}
      </p>
      <Outcome ctx={ctx} section="sites" />
    </Block>
  );
}

/** One site: its name (renamed in place), code, kind and state, and 休止 / 再開; an outreach site
 * also its day and 封鎖 / 封鎖を解除. */
function SiteRow({ site, here, ctx, backend }: SectionProps & { site: Site; here: boolean }) {
  const [name, setName] = useDraft(site.name);
  function rename(e: FormEvent) {
    e.preventDefault();
    const next = name.trim();
    const problem = siteNameProblem(next);
    if (problem) return ctx.invalid("sites", problem);
    void ctx.run(
      "sites",
      async () => {
        await backend.changeSite(site.id, next, site.active);
      },
      { okText: () => t("site.settings.renamed", { name: next }) },
    );
  }
  function toggle() {
    void ctx.run(
      "sites",
      async () => {
        await backend.changeSite(site.id, site.name, !site.active);
      },
      { okText: () => t(site.active ? "site.settings.closed" : "site.settings.reopened", { name: site.name }) },
    );
  }
  function seal() {
    void ctx.run(
      "sites",
      async () => {
        await backend.sealSite(site.id, !site.sealed);
      },
      { okText: () => t(site.sealed ? "site.settings.unsealed" : "site.settings.sealed", { name: site.name }) },
    );
  }
  const outreach = site.kind === "outreach";
  const sealHint = `site-seal-hint-${site.id}`;
  return (
    <li data-site={site.id} data-active={site.active} data-sealed={site.sealed} className={site.active ? undefined : "muted"}>
      <span className="site-title">{site.name}</span>
      <span className="mono small">{site.id}</span>
      <span className="badge small">{tCode("site.kind", site.kind)}</span>
      {outreach && site.day && (
        <span className="small" data-testid="site-day">
          {t("site.settings.dayOf", { day: dayLabel(site.day) })}
        </span>
      )}
      {here && <span className="badge small ok">{t("site.settings.here")}</span>}
      {site.sealed && <span className="badge small sealed">{t("site.settings.sealedBadge")}</span>}
      {!site.active && <span className="badge small full">{t("site.settings.inactive")}</span>}
      <form className="site-rename" onSubmit={rename}>
        <label>
          <span className="small">{t("site.settings.rename")}</span>
          <input
            type="text"
            name={`siteName-${site.id}`}
            autoComplete="off"
            maxLength={SITE_NAME_MAX}
            aria-label={t("site.settings.renameOf", { name: site.name })}
            value={name}
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <button type="submit" className="small" data-action="rename-site" disabled={ctx.busy || name.trim() === site.name}>
          {t("settings.save")}
        </button>
      </form>
      <button
        type="button"
        className="small secondary"
        data-action={site.active ? "close-site" : "reopen-site"}
        disabled={ctx.busy}
        aria-label={t(site.active ? "site.settings.closeOf" : "site.settings.reopenOf", { name: site.name })}
        onClick={toggle}
      >
        {t(site.active ? "site.settings.close" : "site.settings.reopen")}
      </button>
      {outreach && (
        <>
          <button
            type="button"
            className="small secondary"
            data-action="seal-site"
            aria-pressed={site.sealed}
            aria-describedby={sealHint}
            disabled={ctx.busy}
            aria-label={t(site.sealed ? "site.settings.unsealOf" : "site.settings.sealOf", { name: site.name })}
            onClick={seal}
          >
            {t(site.sealed ? "site.settings.unseal" : "site.settings.seal")}
          </button>
          <p className="small muted site-note" id={sealHint}>
            {t("site.settings.sealHint")}
          </p>
        </>
      )}
      {site.kind !== "desk" && <SitePattern site={site} ctx={ctx} backend={backend} />}
    </li>
  );
}

/** A serving site's own pattern: 土日も開く, and the procedures it takes (all checked: every
 * procedure, saved as none listed), saved with the row's own 保存. */
function SitePattern({ site, ctx, backend }: SectionProps & { site: Site }) {
  const stored = { weekends: site.weekends, procedures: site.procedures ?? SITE_PROCEDURES };
  const [draft, setDraft] = useDraft(stored);
  const changed = draft.weekends !== stored.weekends || SITE_PROCEDURES.some((p) => draft.procedures.includes(p) !== stored.procedures.includes(p));
  const outreachNote = `site-pattern-outreach-${site.id}`;
  function toggle(procedure: Procedure) {
    const on = draft.procedures.includes(procedure);
    // Kept in the fixed order, whatever order they were checked in.
    setDraft({ ...draft, procedures: SITE_PROCEDURES.filter((p) => (p === procedure ? !on : draft.procedures.includes(p))) });
  }
  function save(e: FormEvent) {
    e.preventDefault();
    if (draft.procedures.length === 0) return ctx.invalid("sites", t("site.settings.proceduresNone"));
    const every = SITE_PROCEDURES.every((p) => draft.procedures.includes(p));
    const procedures = every ? null : draft.procedures;
    void ctx.run(
      "sites",
      async () => {
        await backend.setSitePattern(site.id, draft.weekends, procedures);
      },
      {
        okText: () =>
          t("site.settings.patternSaved", {
            name: site.name,
            days: t(draft.weekends ? "site.settings.weekendsOn" : "site.settings.weekendsOff"),
            procedures: procedures === null ? t("site.settings.proceduresAll") : procedures.map((p) => tCode("procedure", p)).join("・"),
          }),
      },
    );
  }
  return (
    <form className="site-pattern" data-testid="site-pattern" aria-label={t("site.settings.patternOf", { name: site.name })} onSubmit={save}>
      <label className="check">
        <input
          type="checkbox"
          name={`siteWeekends-${site.id}`}
          aria-describedby={site.kind === "outreach" ? `site-pattern-hint ${outreachNote}` : "site-pattern-hint"}
          checked={draft.weekends}
          onChange={(e) => setDraft({ ...draft, weekends: e.target.checked })}
        />
        {t("site.settings.weekends")}
      </label>
      <fieldset>
        <legend>{t("site.settings.procedures")}</legend>
        {SITE_PROCEDURES.map((procedure) => (
          <label key={procedure} className="check">
            <input
              type="checkbox"
              name={`siteProcedure-${site.id}-${procedure}`}
              checked={draft.procedures.includes(procedure)}
              onChange={() => toggle(procedure)}
            />
            {tCode("procedure", procedure)}
          </label>
        ))}
      </fieldset>
      <button
        type="submit"
        className="small"
        data-action="save-site-pattern"
        aria-label={t("site.settings.patternSaveOf", { name: site.name })}
        disabled={ctx.busy || !changed}
      >
        {t("settings.save")}
      </button>
      {site.kind === "outreach" && (
        <p className="small muted site-note" id={outreachNote}>
          {t("site.settings.outreachDays")}
        </p>
      )}
    </form>
  );
}

// 3. Slot plans (weekday / holiday session).

interface BandDraft {
  starts: string;
  ends: string;
  capacity: string;
}
interface PlanDraft {
  slotMinutes: string;
  bands: BandDraft[];
}

function toPlanDraft(plan: SlotPlan): PlanDraft {
  return {
    slotMinutes: String(plan.slotMinutes),
    bands: plan.bands.map((b) => ({ starts: hhmm(b.starts), ends: hhmm(b.ends), capacity: String(b.capacity) })),
  };
}

/** The plan to send, or the sentence saying what is wrong with the draft. */
function parsePlan(draft: PlanDraft): SlotPlan | string {
  const slotMinutes = wholeNumber(draft.slotMinutes);
  if (slotMinutes === null || slotMinutes === 0) return t("settings.wholeNumber");
  const bands: Band[] = [];
  for (const b of draft.bands) {
    const capacity = wholeNumber(b.capacity);
    if (capacity === null) return t("settings.wholeNumber");
    if (!isTime(b.starts) || !isTime(b.ends) || hhmm(b.ends) <= hhmm(b.starts)) return t("settings.bandOrder");
    bands.push({ starts: hhmm(b.starts), ends: hhmm(b.ends), capacity });
  }
  bands.sort((a, b) => a.starts.localeCompare(b.starts));
  if (bands.some((b, i) => i > 0 && b.starts < bands[i - 1].ends)) return t("settings.bandOverlap");
  return { slotMinutes, bands };
}

function PlanSection({ settings, ctx, backend }: SectionProps & { settings: PlanSettings }) {
  const [kind, setKind] = useState<PlanKind>("regular");
  const [drafts, setDrafts] = useDraft<Record<PlanKind, PlanDraft>>({
    regular: toPlanDraft(settings.regular),
    holiday_session: toPlanDraft(settings.holidaySession),
  });
  const draft = drafts[kind];
  const setDraft = (next: PlanDraft) => setDrafts({ ...drafts, [kind]: next });
  const setBand = (i: number, patch: Partial<BandDraft>) => setDraft({ ...draft, bands: draft.bands.map((b, k) => (k === i ? { ...b, ...patch } : b)) });
  const form = useRef<HTMLFormElement>(null);
  const [focusRow, setFocusRow] = useState<number | null>(null);
  useEffect(() => {
    if (focusRow === null) return;
    form.current?.querySelector<HTMLInputElement>(`input[name="bandStarts${focusRow}"]`)?.focus();
    setFocusRow(null);
  }, [focusRow]);

  function addBand() {
    const last = draft.bands[draft.bands.length - 1];
    const starts = last && isTime(last.ends) ? hhmm(last.ends) : "09:00";
    setDraft({ ...draft, bands: [...draft.bands, { starts, ends: plusHour(starts), capacity: last?.capacity ?? "1" }] });
    setFocusRow(draft.bands.length);
  }
  function submit(e: FormEvent) {
    e.preventDefault();
    const plan = parsePlan(draft);
    if (typeof plan === "string") return ctx.invalid("plan", plan);
    void ctx.run("plan", () => backend.setSlotPlan(kind, plan), { okText: outText });
  }
  return (
    <Block id="settings-plan" title={t("settings.plan")}>
      <form data-testid="plan-form" ref={form} onSubmit={submit}>
        <div className="fields">
          <label>
            {t("settings.planKind")}
            <select name="planKind" value={kind} onChange={(e) => setKind(e.target.value as PlanKind)}>
              <option value="regular">{t("settings.planKind.regular")}</option>
              <option value="holiday_session">{t("settings.planKind.holiday_session")}</option>
            </select>
          </label>
          <label>
            {t("settings.slotMinutes")}
            <input
              type="number"
              name="slotMinutes"
              min={1}
              step={1}
              inputMode="numeric"
              value={draft.slotMinutes}
              onChange={(e) => setDraft({ ...draft, slotMinutes: e.target.value })}
            />
          </label>
        </div>
        {draft.bands.length === 0 ? (
          <p className="muted">{t("settings.noBands")}</p>
        ) : (
          <table className="grid compact bands">
            <thead>
              <tr>
                <th>{t("settings.bandStarts")}</th>
                <th>{t("settings.bandEnds")}</th>
                <th>{t("settings.bandCapacity")}</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {draft.bands.map((b, i) => (
                <tr key={i}>
                  <td>
                    <input
                      type="time"
                      name={`bandStarts${i}`}
                      aria-label={t("settings.bandStartsRow", { n: i + 1 })}
                      value={b.starts}
                      onChange={(e) => setBand(i, { starts: e.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      type="time"
                      name={`bandEnds${i}`}
                      aria-label={t("settings.bandEndsRow", { n: i + 1 })}
                      value={b.ends}
                      onChange={(e) => setBand(i, { ends: e.target.value })}
                    />
                  </td>
                  <td>
                    <input
                      type="number"
                      name={`bandCapacity${i}`}
                      aria-label={t("settings.bandCapacityRow", { n: i + 1 })}
                      min={0}
                      step={1}
                      inputMode="numeric"
                      value={b.capacity}
                      onChange={(e) => setBand(i, { capacity: e.target.value })}
                    />
                  </td>
                  <td>
                    <button
                      type="button"
                      className="small secondary"
                      aria-label={t("settings.removeBandRow", { n: i + 1 })}
                      onClick={() => setDraft({ ...draft, bands: draft.bands.filter((_, k) => k !== i) })}
                    >
                      {t("settings.removeBand")}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        <div className="actions">
          <button type="button" className="secondary" onClick={addBand}>
            {t("settings.addBand")}
          </button>
          <button type="submit" disabled={ctx.busy}>
            {t("settings.save")}
          </button>
        </div>
        <Outcome ctx={ctx} section="plan" />
      </form>
      <FollowUp ctx={ctx} section="plan" />
    </Block>
  );
}

// 4. Capacity of one day (繁閑).

function CapacitySection({ settings, version, ctx, backend }: SectionProps & { settings: PlanSettings; version: number }) {
  const [day, setDay] = useState(today());
  const [board, setBoard] = useState<DayBoard | null>(null);
  const [boardError, setBoardError] = useState<string | null>(null);

  useEffect(() => {
    let live = true;
    backend.dayBoard(day).then(
      (b) => {
        if (!live) return;
        setBoard(b);
        setBoardError(null);
      },
      (e: unknown) => {
        if (!live) return;
        setBoard(null);
        setBoardError(errorText(errorCode(e)));
      },
    );
    return () => {
      live = false;
    };
  }, [backend, day, version]);

  const shown = board?.day === day ? board : null;
  const [drafts, setDrafts] = useDraft<Record<string, string>>(Object.fromEntries((shown?.bands ?? []).map((b) => [b.starts, String(b.capacity)])));
  const plan =
    shown?.status.kind === "open" ? (shown.status.session === "holiday_session" ? settings.holidaySession : settings.regular) : null;

  function save(e: FormEvent, band: Band) {
    e.preventDefault();
    const n = wholeNumber(drafts[band.starts] ?? "");
    if (n === null) return ctx.invalid("capacity", t("settings.wholeNumber"));
    void ctx.run("capacity", () => backend.setCapacity(day, hhmm(band.starts), n), { okText: outText });
  }
  return (
    <Block id="settings-capacity" title={t("settings.dayCapacity")} testId="capacity-form">
      <p className="muted small">{t("settings.dayCapacityLead")}</p>
      <label className="inline">
        {t("settings.day")}
        <input type="date" name="capacityDay" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} />
      </label>
      {boardError && (
        <p className="error" role="alert">
          {boardError}
        </p>
      )}
      {shown?.status.kind === "closed" && (
        <p className="closed-day" data-testid="day-closed">
          {closedText(shown.status.reason)}
        </p>
      )}
      {shown?.bands.map((band) => {
        const planned = plan?.bands.find((b) => hhmm(b.starts) === hhmm(band.starts))?.capacity;
        const label = t("settings.bandLabel", { starts: hhmm(band.starts), ends: hhmm(band.ends) });
        return (
          <form key={band.starts} className="band-capacity" data-band={hhmm(band.starts)} onSubmit={(e) => save(e, band)}>
            <label>
              {label}
              <input
                type="number"
                name={`capacity-${hhmm(band.starts)}`}
                min={0}
                step={1}
                inputMode="numeric"
                value={drafts[band.starts] ?? ""}
                onChange={(e) => setDrafts({ ...drafts, [band.starts]: e.target.value })}
              />
            </label>
            {planned !== undefined && <span className="muted small">{t("settings.planCapacity", { n: planned })}</span>}
            {planned !== undefined && planned !== band.capacity && <span className="badge full">{t("settings.overridden")}</span>}
            <button type="submit" className="small" disabled={ctx.busy}>
              {t("settings.save")}
            </button>
            <button
              type="button"
              className="small secondary"
              disabled={ctx.busy}
              onClick={() => void ctx.run("capacity", () => backend.setCapacity(day, hhmm(band.starts), null), { okText: outText })}
            >
              {t("settings.resetBand")}
            </button>
          </form>
        );
      })}
      <Outcome ctx={ctx} section="capacity" />
      <FollowUp ctx={ctx} section="capacity" />
    </Block>
  );
}

// 5. Holiday sessions (every site's, or in a city of several sites one site's).

/** Whether the city has more than one site: then a holiday session or closure is for 全拠点 or
 * one site, chosen in a 拠点 select, and the lists name the site of each row. A one-site city
 * sees neither. */
function isMultiSite(sites: SitesView | null): sites is SitesView {
  return sites !== null && sites.sites.length > 1;
}

/** The site a holiday session or closure is for, as the lists show it: 「全拠点」 for the city's. */
function scopeName(sites: SitesView | null, site: string | null): string {
  return site === null ? t("settings.allSites") : siteName(sites, site);
}

/** The site chosen in a 拠点 select while it still takes bookings (one closed since: 全拠点). */
function useScope(sites: SitesView | null): [string | null, (site: string | null) => void] {
  const [chosen, setChosen] = useState<string | null>(null);
  const serving = isMultiSite(sites) && bookableSites(sites).some((s) => s.id === chosen);
  return [serving ? chosen : null, setChosen];
}

/** The 拠点 select of a holiday session or closure: 「全拠点」 (null) first, then each site that
 * serves (open, not a call center's desk) by name. */
function ScopeSelect({ sites, name, label, hintId, value, onChange }: {
  sites: SitesView;
  name: string;
  label: string;
  hintId: string;
  value: string | null;
  onChange: (site: string | null) => void;
}) {
  return (
    <label>
      {label}
      <select name={name} value={value ?? ""} aria-describedby={hintId} onChange={(e) => onChange(e.target.value || null)}>
        <option value="">{t("settings.allSites")}</option>
        {bookableSites(sites).map((s) => (
          <option key={s.id} value={s.id}>
            {s.name}
          </option>
        ))}
      </select>
    </label>
  );
}

function SessionsSection({ settings, sites, ctx, backend }: SectionProps & { settings: PlanSettings; sites: SitesView | null }) {
  const [day, setDay] = useState("");
  const [note, setNote] = useState("");
  const [site, setSite] = useScope(sites);
  const multi = isMultiSite(sites);
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!day) return ctx.invalid("sessions", t("settings.dayRequired"));
    if (await ctx.run("sessions", () => backend.setHolidaySession(day, note.trim(), site), { okText: outText })) {
      setDay("");
      setNote("");
    }
  }
  return (
    <Block id="settings-sessions" title={t("settings.sessions")} testId="sessions">
      <p className="muted small">{t("settings.sessionsLead")}</p>
      {settings.holidaySessions.length === 0 ? (
        <p className="muted">{t("settings.noSessions")}</p>
      ) : (
        <ul className="sessions">
          {settings.holidaySessions.map((s) => {
            // The site is named in a city of several sites (and for a site's own row anywhere).
            const named = multi || s.site !== null;
            const where = scopeName(sites, s.site);
            return (
              <li key={`${s.day}/${s.site ?? ""}`} data-day={s.day} data-site={s.site ?? ""}>
                <span className="mono">{dayLabel(s.day)}</span>
                {named && (
                  <>
                    {" "}
                    <span className="badge site" data-testid="session-site">
                      {where}
                    </span>
                  </>
                )}{" "}
                {s.note}
                <button
                  type="button"
                  className="small secondary"
                  aria-label={named ? t("settings.removeSessionOfAt", { day: s.day, site: where }) : t("settings.removeSessionOf", { day: s.day })}
                  disabled={ctx.busy}
                  onClick={() => void ctx.run("sessions", () => backend.setHolidaySession(s.day, null, s.site), { okText: outText })}
                >
                  {t("settings.removeSession")}
                </button>
              </li>
            );
          })}
        </ul>
      )}
      <form className="fields" data-testid="session-form" onSubmit={(e) => void submit(e)}>
        <label>
          {t("settings.sessionDay")}
          <input type="date" name="sessionDay" value={day} onChange={(e) => setDay(e.target.value)} />
        </label>
        {multi && (
          <ScopeSelect sites={sites} name="sessionSite" label={t("settings.sessionSite")} hintId="session-site-hint" value={site} onChange={setSite} />
        )}
        <label className="grow">
          {t("settings.sessionNote")}
          <input type="text" name="sessionNote" maxLength={MAX_LENGTH.sessionNote} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="submit" disabled={ctx.busy}>
          {t("settings.addSession")}
        </button>
      </form>
      {multi && (
        <p className="muted small hint" id="session-site-hint">
          {t("settings.sessionSiteHint")}
        </p>
      )}
      <Outcome ctx={ctx} section="sessions" />
      <FollowUp ctx={ctx} section="sessions" />
    </Block>
  );
}

// 6. Closures and their incident records.

function ClosureSection({ settings, sites, ctx, backend }: SectionProps & { settings: PlanSettings; sites: SitesView | null }) {
  const [day, setDay] = useState("");
  const [site, setSite] = useScope(sites);
  const multi = isMultiSite(sites);
  const [reason, setReason] = useState<ClosureReason>("system_outage");
  const [from, setFrom] = useState("");
  const [until, setUntil] = useState("");
  const [note, setNote] = useState("");
  async function submit(e: FormEvent) {
    e.preventDefault();
    if (!day) return ctx.invalid("closure", t("settings.dayRequired"));
    if (from && until && hhmm(until) <= hhmm(from)) return ctx.invalid("closure", t("settings.closureOrder"));
    const closure = { reason, note: note.trim(), from: from ? hhmm(from) : null, until: until ? hhmm(until) : null };
    if (await ctx.run("closure", () => backend.setClosure(day, closure, site), { okText: () => t("settings.closureRecorded") })) {
      setFrom("");
      setUntil("");
      setNote("");
    }
  }
  const returned = ctx.returned?.section === "closure" ? ctx.returned.rows : null;
  return (
    <Block id="settings-closures" title={t("settings.closures")}>
      <form data-testid="closure-form" onSubmit={(e) => void submit(e)}>
        <div className="fields">
          <label>
            {t("settings.closureDay")}
            <input type="date" name="closureDay" value={day} onChange={(e) => setDay(e.target.value)} />
          </label>
          {multi && (
            <ScopeSelect sites={sites} name="closureSite" label={t("settings.closureSite")} hintId="closure-site-hint" value={site} onChange={setSite} />
          )}
          <label>
            {t("settings.closureReason")}
            <select name="closureReason" value={reason} onChange={(e) => setReason(e.target.value as ClosureReason)}>
              {REASONS.map((r) => (
                <option key={r} value={r}>
                  {tCode("closureReason", r)}
                </option>
              ))}
            </select>
          </label>
          <label>
            {t("settings.closureFrom")}
            <input type="time" name="closureFrom" value={from} onChange={(e) => setFrom(e.target.value)} />
          </label>
          <label>
            {t("settings.closureUntil")}
            <input type="time" name="closureUntil" value={until} onChange={(e) => setUntil(e.target.value)} />
          </label>
          <label className="grow">
            {t("settings.closureNote")}
            <input type="text" name="closureNote" maxLength={MAX_LENGTH.closureNote} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
        </div>
        <p className="muted small hint">{t("settings.closureTimesHint")}</p>
        {multi && (
          <p className="muted small hint" id="closure-site-hint">
            {t("settings.closureSiteHint")}
          </p>
        )}
        <button type="submit" disabled={ctx.busy}>
          {t("settings.recordClosure")}
        </button>
        <Outcome ctx={ctx} section="closure" />
      </form>
      {returned &&
        (returned.length > 0 ? (
          <div className="followup" data-testid="affected">
            <h3>{t("settings.affected", { n: returned.length })}</h3>
            <ReservationTable rows={returned} />
          </div>
        ) : (
          <p className="muted" data-testid="affected">
            {t("settings.affectedNone")}
          </p>
        ))}
      <div className="records" data-testid="closures">
        <h3>{t("settings.records")}</h3>
        {settings.closures.length === 0 ? (
          <p className="muted">{t("settings.noClosures")}</p>
        ) : (
          settings.closures.map((c) => (
            <Incident key={`${c.day}/${c.site ?? ""}`} record={c} sites={sites} multi={multi} ctx={ctx} backend={backend} />
          ))
        )}
      </div>
    </Block>
  );
}

function Incident({ record, sites, multi, ctx, backend }: SectionProps & { record: ClosureRecord; sites: SitesView | null; multi: boolean }) {
  const c = record.closure;
  // The site is named in a city of several sites (and for a site's own closure anywhere).
  const named = multi || record.site !== null;
  const where = scopeName(sites, record.site);
  const period =
    c.from === null && c.until === null
      ? t("settings.allDay")
      : t("settings.period", { from: c.from ? hhmm(c.from) : t("settings.fromOpening"), until: c.until ? hhmm(c.until) : t("settings.untilClosing") });
  return (
    <div className="incident" data-testid="incident" data-day={record.day} data-site={record.site ?? ""}>
      <h4>
        <span className="mono">{dayLabel(record.day)}</span>{" "}
        {named && (
          <>
            <span className="badge site" data-testid="closure-site">
              {where}
            </span>{" "}
          </>
        )}
        <span className="badge full">{tCode("closureReason", c.reason)}</span>{" "}
        <span>{period}</span>
      </h4>
      {c.note && <p className="note">{c.note}</p>}
      <p className="muted small">{t("settings.recordedAt", { at: localTime(record.recordedAt) })}</p>
      {record.affected.length === 0 ? (
        <p className="muted small">{t("settings.noAffected")}</p>
      ) : (
        <>
          <p className="small strong">{t("settings.affectedRecord")}</p>
          <ReservationTable rows={record.affected.map((a) => a.reservation)} calls={record.affected.map((a) => a.needsCall)} />
        </>
      )}
      <button
        type="button"
        className="small secondary"
        aria-label={named ? t("settings.liftClosureOfAt", { day: record.day, site: where }) : t("settings.liftClosureOf", { day: record.day })}
        disabled={ctx.busy}
        onClick={() => void ctx.run("closure", () => backend.setClosure(record.day, null, record.site), { okText: () => t("settings.closureLifted"), showRows: false })}
      >
        {t("settings.liftClosure")}
      </button>
    </div>
  );
}

// Helpers.

/**
 * A draft that follows `source`: edits stay until the stored values change (after a save and
 * reload), then the draft is the new stored values. Reloads that change nothing keep the edits.
 */
function useDraft<T>(source: T): [T, (next: T) => void] {
  const key = JSON.stringify(source);
  const [state, setState] = useState({ key, draft: source });
  let current = state;
  if (state.key !== key) {
    current = { key, draft: source };
    setState(current);
  }
  return [current.draft, (draft: T) => setState({ key, draft })];
}

/** A whole number typed by staff, or null. */
function wholeNumber(text: string): number | null {
  const s = text.trim();
  return /^\d{1,6}$/.test(s) ? Number(s) : null;
}

function isTime(text: string): boolean {
  return /^\d{2}:\d{2}/.test(text);
}

/** "HH:MM" one hour later (capped at 23:59). */
function plusHour(time: string): string {
  const [h, m] = hhmm(time).split(":").map(Number);
  return h >= 23 ? "23:59" : `${String(h + 1).padStart(2, "0")}:${String(m).padStart(2, "0")}`;
}

/** The success message of a change that may push bookings out. */
function outText(rows: ReservationSummary[] | null): string {
  if (rows === null) return t("settings.saved");
  return rows.length === 0 ? t("settings.savedNoneOut") : t("settings.savedSomeOut", { n: rows.length });
}

/** An RFC 3339 UTC time as local "YYYY-MM-DD HH:MM". */
function localTime(at: string): string {
  const d = new Date(at);
  if (Number.isNaN(d.getTime())) return at;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** Why a day is closed, in a few words. */
function closedText(reason: ClosedReason): string {
  switch (reason.kind) {
    case "national_holiday":
      return t("settings.dayClosedHoliday", { name: reason.name });
    case "closure":
      return t("settings.dayClosedClosure", { reason: tCode("closureReason", reason.closure.reason) });
    case "weekend":
    case "year_end":
    case "no_calendar_data":
    case "not_its_day":
      return tCode("closedReason", reason.kind);
    default:
      return t("settings.dayClosed");
  }
}
