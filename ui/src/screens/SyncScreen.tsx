// Sync with the hub: the state of this seat's outbox and escrow, the conflicts every seat shows
// until a person resolves them (with who to call for a booking that could not be confirmed),
// enrolment of this seat, and the hub's seats for the manager (new codes, revocation). In a city
// with several sites (拠点) a new seat's code is made for the site it will work for. On an outreach
// laptop (出張申請) the 出張準備 card says whether it can leave for the venue, or what to do first.
import { useCallback, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import type { ConflictView } from "../bindings/ConflictView";
import type { OutreachReadiness } from "../bindings/OutreachReadiness";
import type { SeatRecord } from "../bindings/SeatRecord";
import { errorText, t, type TextKey, tCode, weekdayOf } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { activeSites, siteName } from "../sites";
import { useLoaded } from "./useLoaded";
import { useSites } from "./useSites";
import "./sync.css";

type Person = { applicant?: { nameKanji?: string; nameKana?: string; phone?: string | null } };

export function SyncScreen({ backend, manager }: { backend: Backend; manager: boolean }) {
  const status = useLoaded(useCallback(() => backend.syncStatus(), [backend]), null);
  const conflicts = useLoaded(useCallback(() => backend.conflicts(false), [backend]), [] as ConflictView[]);
  const readiness = useLoaded(useCallback(() => backend.outreachReadiness(), [backend]), null as OutreachReadiness | null);
  const [message, setMessage] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);

  async function act(action: () => Promise<string | null>) {
    try {
      setMessage(await action());
      setError(null);
      await Promise.all([status.reload(), conflicts.reload(), readiness.reload()]);
    } catch (e) {
      setError(errorText(errorCode(e)));
    }
  }

  const v = status.data;
  const loadError = status.error ?? conflicts.error ?? readiness.error;
  return (
    <section className="card" aria-labelledby="sync-title">
      <h1 id="sync-title">{t("sync.title")}</h1>
      <p className="lead muted small">{t("sync.lead")}</p>
      {(error ?? loadError) && <p className="error" role="alert">{error ?? loadError}</p>}
      {message && <p className="badge ok" data-testid="sync-message">{message}</p>}
      {readiness.data && <OutreachCard readiness={readiness.data} />}
      {v && v.enrolled && (
        <ul className="facts" data-testid="sync-facts">
          <li>{v.connected ? t("sync.connected") : t("sync.offline")}</li>
          <li>{t("sync.hub", { name: v.hubName ?? "", address: v.hubAddress ?? "" })}</li>
          {v.lastSync && <li>{t("sync.lastSync", { at: new Date(v.lastSync).toLocaleString("ja-JP") })}</li>}
          {!v.connected && v.errorCode && <li className="warn" data-testid="sync-error">{errorText(v.errorCode)}</li>}
          {!v.connected && v.lastError && <li className="muted small">{t("sync.lastError", { error: v.lastError })}</li>}
          {v.repairs > 0 && (
            <li className="warn" data-testid="sync-repair">
              {t("sync.repaired", {
                n: v.repairs,
                at: v.lastRepairAt ? new Date(v.lastRepairAt).toLocaleString("ja-JP") : "—",
                reason: tCode("sync.repair", v.lastRepairReason ?? "digest"),
              })}
            </li>
          )}
          <li className="muted small" data-testid="sync-versions">{t("sync.versions", { app: v.appVersion, hub: v.hubVersion ?? "—" })}</li>
          {/* Same schema, another app version: sync goes on, but the manager brings both to one
              version (an upgrade with a new schema would stop it: sync_update_seat / _hub). */}
          {v.hubVersion && v.hubVersion !== v.appVersion && !v.errorCode && (
            <li className="warn" data-testid="sync-version-differs">
              {t("sync.versionDiffers", { app: v.appVersion, hub: v.hubVersion })}
            </li>
          )}
          <li>{t("sync.pending", { n: v.pending })}・{t("sync.provisional", { n: v.provisional })}</li>
          <li data-testid="escrow">{t("sync.escrow", { n: v.escrowPlaces })}</li>
          {v.failing > 0 && <li className="warn">{t("sync.failing", { n: v.failing })}</li>}
        </ul>
      )}

      <h2>{t("sync.conflictsTitle")}</h2>
      <div data-testid="conflicts">
        {conflicts.data.length === 0 && <p className="muted">{t("sync.noConflicts")}</p>}
        {conflicts.data.map((c) => (
          <ConflictCard key={c.record.id} conflict={c} onResolve={(text) => act(async () => { await backend.resolveConflict(c.record.id, text); return null; })} />
        ))}
      </div>

      {v && !v.enrolled && manager && <EnrolForm onEnrol={(address, code) => act(async () => t("sync.enrolled", { name: await backend.enrolSeat(address, code) }))} />}

      {v && v.enrolled && manager && <HubTools backend={backend} act={act} />}
    </section>
  );
}

/** 出張準備 on an outreach laptop: each condition for leaving with ✓ or ✗, the last sync, then one
 * line saying it is ready, or that it is not yet and what to do first. */
function OutreachCard({ readiness: r }: { readiness: OutreachReadiness }) {
  const w = weekdayOf(r.day);
  const when = w === null ? r.day : t("outreach.when", { day: r.day, w });
  const placesHeld = r.escrowPlaces >= r.freePlaces;
  const todo: TextKey[] = [];
  if (!r.sealed) todo.push("outreach.todo.seal");
  if (r.pending > 0) todo.push("outreach.todo.pending");
  if (r.sealed && (!placesHeld || todo.length === 0)) todo.push("outreach.todo.sync");
  return (
    <section className="outreach" data-testid="outreach-readiness" data-ready={r.ready} aria-labelledby="outreach-title">
      <h2 id="outreach-title">{t("outreach.title", { name: r.name, when })}</h2>
      <ul className="outreach-checks">
        <Check name="assigned" ok label={t("outreach.assigned")} />
        <Check name="sealed" ok={r.sealed} label={t("outreach.sealed")} />
        <Check name="pending" ok={r.pending === 0} label={t("outreach.noPending")} detail={r.pending > 0 ? t("outreach.pendingLeft", { n: r.pending }) : undefined} />
        <Check name="places" ok={placesHeld} label={t("outreach.escrow")} detail={t("outreach.escrowCount", { escrow: r.escrowPlaces, free: r.freePlaces })} />
        <li className="muted" data-check="last-sync">
          {r.lastSync ? t("outreach.lastSync", { at: new Date(r.lastSync).toLocaleString("ja-JP") }) : t("outreach.neverSynced")}
        </li>
      </ul>
      {r.ready ? (
        <p className="outreach-status ok" data-testid="outreach-ready">
          {t("outreach.ready")}
        </p>
      ) : (
        <div className="outreach-status not-ready" data-testid="outreach-not-ready">
          <p>{t("outreach.notReady")}</p>
          <ul className="outreach-todo">
            {todo.map((key) => (
              <li key={key}>{t(key)}</li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

/** One line of the 出張準備 checklist: ✓ when it holds, ✗ when not (and `detail` after it). */
function Check({ name, ok, label, detail }: { name: string; ok: boolean; label: string; detail?: string }) {
  return (
    <li data-check={name} data-ok={ok}>
      <span className="mark">{ok ? "✓" : "✗"}</span>
      {label}
      {detail && <span className="detail">{detail}</span>}
    </li>
  );
}

// The hub's seats, for a manager or deputy: the hub asks for their PIN again with every request
// (kept only in this form's state, cleared after each use).
function HubTools({ backend, act }: { backend: Backend; act: (action: () => Promise<string | null>) => Promise<void> }) {
  const [pin, setPin] = useState("");
  const [seats, setSeats] = useState<SeatRecord[] | null>(null);
  const sites = useSites(backend);
  const open = sites.view ? activeSites(sites.view) : [];
  const multiSite = (sites.view?.sites.length ?? 0) > 1;
  /** The site a new seat's code is for (null: this PC's, or the first open one). */
  const [chosenSite, setChosenSite] = useState<string | null>(null);
  const codeSite = open.length > 1 ? (open.find((x) => x.id === chosenSite) ?? open.find((x) => x.id === sites.view?.here) ?? open[0]).id : undefined;
  const withPin = (action: (pin: string) => Promise<string | null>) => {
    const typed = pin;
    setPin("");
    void act(() => action(typed));
  };
  return (
    <>
      <h2>{t("sync.seatsTitle")}</h2>
      <p className="muted small">{t("sync.pinLead")}</p>
      <div className="actions">
        <label>
          {t("sync.managerPin")}
          <input name="manager-pin" type="password" inputMode="numeric" autoComplete="off" maxLength={8} value={pin} onChange={(e) => setPin(e.target.value)} />
        </label>
        <button type="button" className="secondary" data-action="load-seats" disabled={pin.length < 4} onClick={() => withPin(async (p) => { setSeats(await backend.hubSeats(p)); return null; })}>
          {t("sync.loadSeats")}
        </button>
        {codeSite && (
          <label>
            {t("sync.codeSite")}
            <select name="codeSite" data-testid="code-site" value={codeSite} onChange={(e) => setChosenSite(e.target.value)}>
              {open.map((x) => (
                <option key={x.id} value={x.id}>
                  {x.name}
                </option>
              ))}
            </select>
          </label>
        )}
        <button
          type="button"
          data-action="new-code"
          disabled={pin.length < 4}
          onClick={() =>
            withPin(async (p) => {
              const code = await backend.hubNewCode(p, undefined, codeSite);
              return codeSite ? t("sync.codeShownAt", { site: siteName(sites.view, codeSite), code }) : t("sync.codeShown", { code });
            })
          }
        >
          {t("sync.newCode")}
        </button>
      </div>
      {seats && (
        <table className="grid" data-testid="hub-seats">
          <tbody>
            {seats.map((s) => (
              <tr key={s.seatId} data-site={s.siteId}>
                <td>{s.name}</td>
                {multiSite && <td data-testid="seat-site">{siteName(sites.view, s.siteId)}</td>}
                <td className="mono small">{s.fingerprint.slice(0, 16)}</td>
                <td>{s.lastSeen ? new Date(s.lastSeen).toLocaleString("ja-JP") : "—"}</td>
                <td>
                  {s.revokedAt ? (
                    <>
                      {t("sync.revoked")}{" "}
                      <button type="button" className="small secondary" data-action="readmit" disabled={pin.length < 4} onClick={() => withPin(async (p) => t("sync.readmitCode", { name: s.name, code: await backend.hubNewCode(p, s.seatId) }))}>
                        {t("sync.readmit")}
                      </button>
                    </>
                  ) : (
                    <button type="button" className="small danger" data-action="revoke" disabled={pin.length < 4} onClick={() => withPin(async (p) => { await backend.hubRevoke(s.seatId, p); setSeats(seats.map((x) => (x.seatId === s.seatId ? { ...x, revokedAt: new Date().toISOString() } : x))); return null; })}>
                      {t("sync.revoke")}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function ConflictCard({ conflict, onResolve }: { conflict: ConflictView; onResolve: (text: string) => Promise<void> }) {
  const [text, setText] = useState("");
  const r = conflict.record;
  const isBook = r.kind === "book";
  const m = conflict.mutation as { people?: Person[]; day?: string; starts?: string };
  return (
    <article className="conflict" data-testid="conflict" data-kind={r.kind}>
      <h3>{isBook ? t("sync.conflict.kind.book") : t("sync.conflict.kind.other")}</h3>
      <p>
        {t("sync.conflict.subject", { subject: r.subject })}
        {isBook && m.day && `（${m.day} ${String(m.starts ?? "").slice(0, 5)}）`}
      </p>
      <p className="muted small">{t("sync.conflict.made", { seat: r.seat, staff: r.staff, at: r.madeAt.replace("T", " ").slice(0, 16) })}</p>
      <p>{tCode("sync.conflict.reason", r.reason) === r.reason ? r.message : tCode("sync.conflict.reason", r.reason)}</p>
      {isBook &&
        (m.people ?? []).map((p, i) => (
          <p key={i} className="call" data-testid="call">
            {t("sync.conflict.call", { name: p.applicant?.nameKanji ?? "", kana: p.applicant?.nameKana ?? "", phone: p.applicant?.phone ?? "—" })}
          </p>
        ))}
      <p className="todo">{isBook ? t("sync.conflict.todo.book") : t("sync.conflict.todo.other")}</p>
      <form
        className="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void onResolve(text);
        }}
      >
        <label>
          {t("sync.conflict.resolution")}
          <input name="resolution" value={text} maxLength={MAX_LENGTH.conflictResolution} onChange={(e) => setText(e.target.value)} />
        </label>
        <button type="submit" data-action="resolve" disabled={!text.trim()}>
          {t("sync.conflict.resolve")}
        </button>
      </form>
    </article>
  );
}

function EnrolForm({ onEnrol }: { onEnrol: (address: string, code: string) => Promise<void> }) {
  const [address, setAddress] = useState("");
  const [code, setCode] = useState("");
  return (
    <form
      className="card-inner"
      data-testid="enrol"
      onSubmit={(e) => {
        e.preventDefault();
        void onEnrol(address, code);
      }}
    >
      <h2>{t("sync.enrolTitle")}</h2>
      <p className="muted small">{t("sync.enrolLead")}</p>
      <label>
        {t("sync.address")}
        <input name="hubAddress" value={address} onChange={(e) => setAddress(e.target.value)} autoComplete="off" />
      </label>
      <label>
        {t("sync.code")}
        <input name="enrolCode" className="mono" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />
      </label>
      <button type="submit" disabled={!address.trim() || !code.trim()}>
        {t("sync.enrol")}
      </button>
    </form>
  );
}
