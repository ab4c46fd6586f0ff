// The end-of-contract wipe (データ消去): what would be removed and lost, the handover export the
// city needs first, a typed confirmation, progress while it runs, and the certificate with its
// checks. Also the screen for a wipe that was interrupted (shown instead of the unlock screen),
// which finishes it with the same progress and result views.
import { type FormEvent, useCallback, useEffect, useRef, useState } from "react";
import { type Backend, errorCode, WIPE_RESUME_WORD } from "../api/backend";
import type { Preflight } from "../bindings/Preflight";
import type { PendingWipe } from "../bindings/PendingWipe";
import type { WipeDefaults } from "../bindings/WipeDefaults";
import type { WipeOutcome } from "../bindings/WipeOutcome";
import type { WipePhase } from "../bindings/WipePhase";
import type { WipeProgress } from "../bindings/WipeProgress";
import type { WipeRequest } from "../bindings/WipeRequest";
import { errorText, t, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { useLoaded } from "./useLoaded";
import "./wipe.css";

/** The phases in the order the backend goes through them. */
const PHASES: WipePhase[] = ["handover", "destroy_key", "delete", "verify", "certify", "done"];

/** Bytes as KB or MB (one decimal). */
export function formatSize(bytes: number): string {
  const kb = bytes / 1024;
  return kb < 1024 ? t("wipe.sizeKB", { n: kb.toFixed(1) }) : t("wipe.sizeMB", { n: (kb / 1024).toFixed(1) });
}

/** Runs a wipe command (start or resume), following its progress; errors as Japanese sentences. */
function useWipeRun() {
  const [running, setRunning] = useState(false);
  const [progress, setProgress] = useState<WipeProgress | null>(null);
  const [outcome, setOutcome] = useState<WipeOutcome | null>(null);
  const [error, setError] = useState<string | null>(null);

  /** True if the wipe finished. */
  const run = useCallback(async (command: (onProgress: (p: WipeProgress) => void) => Promise<WipeOutcome>) => {
    setRunning(true);
    setProgress(null);
    setError(null);
    try {
      setOutcome(await command(setProgress));
      return true;
    } catch (e) {
      setError(errorText(errorCode(e)));
      return false;
    } finally {
      setRunning(false);
    }
  }, []);

  return { running, progress, outcome, error, run };
}

/** What the manager fills in (the folders are null until edited: the suggested one is shown). */
interface Fields {
  organisation: string;
  contract: string;
  exporting: boolean;
  recipient: string;
  exportDir: string | null;
  certificateDir: string | null;
  confirmation: string;
}

const EMPTY: Fields = { organisation: "", contract: "", exporting: false, recipient: "", exportDir: null, certificateDir: null, confirmation: "" };

/**
 * The admin screen. `onWiping(true)` when a wipe starts (the frame stops everything that reads
 * the store); `onWiping(false)` when it failed before anything was erased (the store is open).
 */
export function WipeScreen({ backend, onWiping }: { backend: Backend; onWiping: (wiping: boolean) => void }) {
  const preflight = useLoaded(useCallback(() => backend.wipePreflight(), [backend]), null as Preflight | null);
  const defaults = useLoaded(useCallback(() => backend.wipeDefaults(), [backend]), null as WipeDefaults | null);
  const wipe = useWipeRun();
  const [fields, setFields] = useState<Fields>(EMPTY);
  const [interrupted, setInterrupted] = useState(false);

  async function start(request: WipeRequest) {
    onWiping(true);
    if (await wipe.run((onProgress) => backend.wipeStart(request, onProgress))) return;
    // A refusal before the erase leaves the store open; past that point only resuming helps.
    const pending = await backend.wipePending().catch(() => null);
    if (pending) setInterrupted(true);
    else onWiping(false);
  }

  if (wipe.outcome) return <WipeResult outcome={wipe.outcome} backend={backend} />;
  if (interrupted) return <WipeResumeScreen backend={backend} error={wipe.error} />;
  const p = preflight.data;
  const d = defaults.data;
  return (
    <section className="card wipe" aria-labelledby="wipe-title">
      <h1 id="wipe-title">{t("wipe.title")}</h1>
      <p className="lead muted small">{t("wipe.lead")}</p>
      {(preflight.error ?? defaults.error) && <p className="error" role="alert">{preflight.error ?? defaults.error}</p>}
      {wipe.running ? (
        <WipeProgressView progress={wipe.progress} />
      ) : (
        p && d && (
          <>
            <PreflightView preflight={p} />
            <WipeForm preflight={p} defaults={d} fields={fields} onChange={setFields} error={wipe.error} onSubmit={(r) => void start(r)} />
          </>
        )
      )}
    </section>
  );
}

/** Where this PC stands: role, changes not on the hub, records, what is removed. */
function PreflightView({ preflight: p }: { preflight: Preflight }) {
  const rows = p.records.reduce((n, r) => n + r.rows, 0);
  const o = p.outbox;
  const reasons = [
    p.hub && t("wipe.handoverReason.hub"),
    !p.hub && !p.enrolled && t("wipe.handoverReason.notEnrolled"),
    o.pending > 0 && t("wipe.handoverReason.pending", { n: o.pending }),
  ].filter((r): r is string => !!r);
  return (
    <div data-testid="wipe-preflight">
      <p className="wipe-machine" data-testid="wipe-machine">
        {p.hub ? t("wipe.machine.hub") : p.enrolled ? t("wipe.machine.seat") : t("wipe.machine.none")}
      </p>

      <h2>{t("wipe.outboxTitle")}</h2>
      <ul className="wipe-outbox" data-testid="wipe-outbox">
        <li className={o.pending > 0 ? "warn" : undefined}>{t("wipe.outbox.pending", { n: o.pending })}</li>
        <li className={o.failing > 0 ? "warn" : undefined}>{t("wipe.outbox.failing", { n: o.failing })}</li>
        <li className={o.provisional > 0 ? "warn" : undefined}>{t("wipe.outbox.provisional", { n: o.provisional })}</li>
        <li className={o.conflicts > 0 ? "warn" : undefined}>{t("wipe.outbox.conflicts", { n: o.conflicts })}</li>
      </ul>

      <h2>{t("wipe.recordsTitle")}</h2>
      <p data-testid="wipe-records">{t("wipe.records", { n: rows, tables: p.records.length })}</p>
      <details>
        <summary>{t("wipe.recordsByTable")}</summary>
        <table className="grid compact">
          <thead>
            <tr>
              <th scope="col">{t("wipe.table")}</th>
              <th scope="col" className="num">{t("wipe.rows")}</th>
            </tr>
          </thead>
          <tbody>
            {p.records.map((r) => (
              <tr key={r.table}>
                <td className="mono">{r.table}</td>
                <td className="num">{r.rows}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>

      {p.handoverRequired ? (
        <div className="notice" data-testid="wipe-handover-required">
          <p>
            <strong>{t("wipe.handoverRequired")}</strong>
          </p>
          {reasons.map((r) => (
            <p key={r}>{r}</p>
          ))}
          {p.localOnly.length > 0 && (
            <p data-testid="wipe-local-only">
              {t("wipe.handoverReason.localOnly")}
              {p.localOnly.map((r) => t("wipe.localTableRows", { table: tCode("wipe.localTable", r.table), n: r.rows })).join("、")}
            </p>
          )}
        </div>
      ) : (
        <p className="muted" data-testid="wipe-handover-optional">{t("wipe.handoverOptional")}</p>
      )}

      <h2>{t("wipe.itemsTitle")}</h2>
      <table className="grid compact" data-testid="wipe-items">
        <thead>
          <tr>
            <th scope="col">{t("wipe.item.path")}</th>
            <th scope="col">{t("wipe.item.kind")}</th>
            <th scope="col" className="num">{t("wipe.item.files")}</th>
            <th scope="col" className="num">{t("wipe.item.size")}</th>
          </tr>
        </thead>
        <tbody>
          {p.items.map((i) => (
            <tr key={i.path}>
              <td className="mono path">{i.path}</td>
              <td>{tCode("wipe.kind", i.kind)}</td>
              <td className="num">{i.files}</td>
              <td className="num">{formatSize(i.bytes)}</td>
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <td colSpan={4} className="num" data-testid="wipe-total">{t("wipe.itemsTotal", { size: formatSize(p.bytes) })}</td>
          </tr>
        </tfoot>
      </table>
      {p.hub && <p data-testid="wipe-seat-certificates">{t("wipe.seatCertificates", { n: p.seatCertificates.length })}</p>}

      <h2>{t("wipe.snapshotsTitle")}</h2>
      <div data-testid="wipe-snapshots">
        <p className="muted">{t("wipe.snapshotsIntro")}</p>
        {p.snapshots.found.length === 0 ? (
          <p>{t("wipe.snapshotsNone")}</p>
        ) : (
          <ul className="warn">
            {p.snapshots.found.map((s) => (
              <li key={s.source + s.location}>
                {tCode("wipe.snapshotSource", s.source)}：<span className="mono path">{s.location}</span>
                {s.holdsDataDir === true && <strong>（{t("wipe.snapshotHolds")}）</strong>}
              </li>
            ))}
          </ul>
        )}
        <details>
          <summary>{t("wipe.snapshotNotes")}</summary>
          <ul className="mono">
            {p.snapshots.notes.map((n) => (
              <li key={n}>{n}</li>
            ))}
          </ul>
        </details>
      </div>
    </div>
  );
}

/** The request, with the typed confirmation; the run button waits until everything is there. */
function WipeForm(props: {
  preflight: Preflight;
  defaults: WipeDefaults;
  fields: Fields;
  onChange: (f: Fields) => void;
  error: string | null;
  onSubmit: (request: WipeRequest) => void;
}) {
  const { fields: f, preflight: p } = props;
  const { seatName, documentsDir } = props.defaults;
  const exportDir = f.exportDir ?? documentsDir;
  const certificateDir = f.certificateDir ?? documentsDir;
  const exporting = p.handoverRequired || f.exporting;
  const set = (patch: Partial<Fields>) => props.onChange({ ...f, ...patch });
  const ready =
    !!f.organisation.trim() &&
    !!f.contract.trim() &&
    !!certificateDir.trim() &&
    (!exporting || (!!f.recipient.trim() && !!exportDir.trim())) &&
    f.confirmation === seatName;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (!ready) return;
    props.onSubmit({
      organisation: f.organisation.trim(),
      contract: f.contract.trim(),
      recipient: exporting ? f.recipient.trim() : null,
      exportDir: exporting ? exportDir.trim() : null,
      certificateDir: certificateDir.trim(),
      confirmation: f.confirmation,
    });
  }

  return (
    <form className="wipe-form" onSubmit={submit} data-testid="wipe-form">
      <h2>{t("wipe.formTitle")}</h2>
      <label htmlFor="wipe-organisation">{t("wipe.organisation")}</label>
      <input id="wipe-organisation" name="wipe-organisation" type="text" autoComplete="off" required maxLength={MAX_LENGTH.organisation} value={f.organisation} onChange={(e) => set({ organisation: e.target.value })} />
      <label htmlFor="wipe-contract">{t("wipe.contract")}</label>
      <input id="wipe-contract" name="wipe-contract" type="text" autoComplete="off" required maxLength={MAX_LENGTH.contract} value={f.contract} onChange={(e) => set({ contract: e.target.value })} />

      {!p.handoverRequired && (
        <label className="check" htmlFor="wipe-export">
          <input id="wipe-export" name="wipe-export" type="checkbox" checked={f.exporting} onChange={(e) => set({ exporting: e.target.checked })} />
          {t("wipe.exportOptional")}
        </label>
      )}
      {exporting && (
        <>
          <label htmlFor="wipe-recipient">{t("wipe.recipient")}</label>
          <input id="wipe-recipient" name="wipe-recipient" type="text" className="mono" autoComplete="off" spellCheck={false} required value={f.recipient} onChange={(e) => set({ recipient: e.target.value })} />
          <label htmlFor="wipe-export-dir">{t("wipe.exportDir")}</label>
          <input id="wipe-export-dir" name="wipe-export-dir" type="text" className="mono" autoComplete="off" spellCheck={false} required value={exportDir} onChange={(e) => set({ exportDir: e.target.value })} />
        </>
      )}
      <label htmlFor="wipe-certificate-dir">{t("wipe.certificateDir")}</label>
      <input id="wipe-certificate-dir" name="wipe-certificate-dir" type="text" className="mono" autoComplete="off" spellCheck={false} required value={certificateDir} onChange={(e) => set({ certificateDir: e.target.value })} />

      <p id="wipe-warning" className="error wipe-warning">{t("wipe.irreversible")}</p>
      <label htmlFor="wipe-confirmation">{t("wipe.confirmation", { seatName })}</label>
      <input id="wipe-confirmation" name="wipe-confirmation" type="text" autoComplete="off" spellCheck={false} value={f.confirmation} onChange={(e) => set({ confirmation: e.target.value })} />
      {props.error && (
        <p className="error" role="alert" data-testid="wipe-error">
          {props.error}
        </p>
      )}
      <button id="wipe-run" type="submit" className="danger" disabled={!ready} aria-describedby="wipe-warning">
        {t("wipe.run")}
      </button>
    </form>
  );
}

/** The progress bar and the phase, driven by the backend's progress events. */
export function WipeProgressView({ progress }: { progress: WipeProgress | null }) {
  const now = progress ? PHASES.indexOf(progress.phase) : -1;
  return (
    <div className="wipe-progress" data-testid="wipe-progress">
      <p className="error">{t("wipe.running")}</p>
      {progress && progress.total > 0 ? (
        <progress aria-label={t("wipe.progress")} max={progress.total} value={progress.done} />
      ) : (
        <progress aria-label={t("wipe.progress")} />
      )}
      <p aria-live="polite" data-testid="wipe-phase">
        {progress ? tCode("wipe.phase", progress.phase) : ""}
      </p>
      <ol className="wipe-phases">
        {PHASES.map((phase, i) => (
          <li key={phase} className={i < now ? "done" : i === now ? "now" : undefined}>
            {tCode("wipe.phase", phase)}
          </li>
        ))}
      </ol>
    </div>
  );
}

/** The certificate: where it was saved, its digest, each check, the handover export; then quit. */
export function WipeResult({ outcome, backend }: { outcome: WipeOutcome; backend: Backend }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  const c = outcome.certificate;
  return (
    <section className="card wipe" aria-labelledby="wipe-done" data-testid="wipe-result">
      <h1 id="wipe-done" tabIndex={-1} ref={heading}>
        {t("wipe.done")}
      </h1>
      <p className="lead">{t("wipe.doneLead")}</p>
      <dl className="wipe-paths">
        <div className="fact">
          <dt>{t("wipe.certificatePdf")}</dt>
          <dd id="wipe-certificate-pdf" className="mono">{outcome.pdf}</dd>
        </div>
        <div className="fact">
          <dt>{t("wipe.certificateJson")}</dt>
          <dd id="wipe-certificate-json" className="mono">{outcome.json}</dd>
        </div>
        <div className="fact">
          <dt>{t("wipe.digest")}</dt>
          <dd id="wipe-digest" className="mono">{c.digest}</dd>
        </div>
        {c.handover && (
          <>
            <div className="fact">
              <dt>{t("wipe.handoverFile")}</dt>
              <dd id="wipe-handover-file" className="mono">{c.handover.file}</dd>
            </div>
            <div className="fact">
              <dt>{t("wipe.handoverSha")}</dt>
              <dd id="wipe-handover-sha256" className="mono">{c.handover.sha256}</dd>
            </div>
          </>
        )}
      </dl>
      {!c.handover && <p className="muted">{t("wipe.noHandover")}</p>}

      <h2>{t("wipe.verificationTitle")}</h2>
      <table className="grid" data-testid="wipe-verification">
        <thead>
          <tr>
            <th scope="col">{t("wipe.check")}</th>
            <th scope="col">{t("wipe.result")}</th>
            <th scope="col">{t("wipe.detail")}</th>
          </tr>
        </thead>
        <tbody>
          {c.verification.map((v) => (
            <tr key={v.check} data-check={v.check} data-result={v.result}>
              <td>{tCode("wipe.check", v.check)}</td>
              <td>
                <span className={`badge result-${v.result}`}>{tCode("wipe.result", v.result)}</span>
              </td>
              <td className="small">{v.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <button id="wipe-quit" type="button" onClick={() => void backend.quitApp()}>
        {t("wipe.quit")}
      </button>
    </section>
  );
}

/**
 * An interrupted wipe: what is known of it, and the typed word that finishes it. Shown instead of
 * the unlock screen, and in place of the wipe screen when a wipe stopped after it had begun.
 */
export function WipeResumeScreen({ backend, error }: { backend: Backend; error?: string | null }) {
  const pending = useLoaded(useCallback(() => backend.wipePending(), [backend]), null as PendingWipe | null);
  const wipe = useWipeRun();
  const [word, setWord] = useState("");

  if (wipe.outcome) return <WipeResult outcome={wipe.outcome} backend={backend} />;
  const p = pending.data;
  const shown = wipe.error ?? (wipe.running ? null : error) ?? pending.error;

  function submit(e: FormEvent) {
    e.preventDefault();
    if (word !== WIPE_RESUME_WORD || wipe.running) return;
    void wipe.run((onProgress) => backend.wipeResume(word, onProgress));
  }

  return (
    <section className="card wipe" aria-labelledby="wipe-pending-title">
      <h1 id="wipe-pending-title">{t("wipe.pending.title")}</h1>
      <p className="lead">{t("wipe.pending.lead")}</p>
      {shown && (
        <p className="error" role="alert" data-testid="wipe-error">
          {shown}
        </p>
      )}
      {p && (
        <dl className="wipe-paths" data-testid="wipe-pending">
          <div className="fact">
            <dt>{t("wipe.pending.startedAt")}</dt>
            <dd>{new Date(p.startedAt).toLocaleString("ja-JP")}</dd>
          </div>
          <div className="fact">
            <dt>{t("wipe.pending.performer")}</dt>
            <dd>{t("wipe.pending.performerValue", { name: p.performer.name, role: p.performer.role })}</dd>
          </div>
          <div className="fact">
            <dt>{t("wipe.pending.key")}</dt>
            <dd>{p.keyDestroyed ? t("wipe.pending.keyDestroyed") : t("wipe.pending.keyKept")}</dd>
          </div>
          <div className="fact">
            <dt>{t("wipe.pending.certificateDir")}</dt>
            <dd className="mono">{p.certificateDir}</dd>
          </div>
        </dl>
      )}
      {wipe.running ? (
        <WipeProgressView progress={wipe.progress} />
      ) : (
        <form className="wipe-form" onSubmit={submit}>
          <p className="error wipe-warning">{t("wipe.irreversible")}</p>
          <label htmlFor="wipe-resume-confirmation">{t("wipe.pending.confirmation", { word: WIPE_RESUME_WORD })}</label>
          <input
            id="wipe-resume-confirmation"
            name="wipe-resume-confirmation"
            type="text"
            autoComplete="off"
            autoFocus
            value={word}
            onChange={(e) => setWord(e.target.value)}
          />
          <button id="wipe-resume" type="submit" className="danger" disabled={word !== WIPE_RESUME_WORD}>
            {t("wipe.pending.resume")}
          </button>
        </form>
      )}
    </section>
  );
}
