// The audit trail (manager / deputy): verify the hash chains and read the newest entries.
import { useEffect, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import type { AuditEntry } from "../bindings/AuditEntry";
import type { AuditVerification } from "../bindings/AuditVerification";
import { errorText, t } from "../i18n";

export function AuditScreen({ backend }: { backend: Backend }) {
  const [entries, setEntries] = useState<AuditEntry[]>([]);
  const [result, setResult] = useState<AuditVerification | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    backend.auditTrail(200).then(setEntries, (e) => setError(errorText(errorCode(e))));
  }, [backend, result]);

  async function verify() {
    try {
      setResult(await backend.verifyAudit());
      setError(null);
    } catch (e) {
      setError(errorText(errorCode(e)));
    }
  }

  return (
    <section className="card" aria-labelledby="audit-title">
      <h1 id="audit-title">{t("audit.title")}</h1>
      <p className="lead muted">{t("audit.lead")}</p>
      <button type="button" data-action="verify-audit" onClick={() => void verify()}>{t("audit.verify")}</button>
      {error && <p className="error" role="alert">{error}</p>}
      {result && (
        <div data-testid="audit-result" className={result.problems.length ? "notice" : "waiting"}>
          {result.problems.length === 0 ? (
            <p><span className="badge ok">OK</span> {t("audit.intact", { entries: result.entries, chains: result.chains })}</p>
          ) : (
            <>
              <p className="error">{t("audit.broken")}</p>
              <ul>{result.problems.map((p) => <li key={p} className="mono small">{p}</li>)}</ul>
            </>
          )}
          <p className="small muted">{t("audit.head")}: <span className="mono">{result.head}</span></p>
        </div>
      )}
      <table className="grid" data-testid="audit-entries">
        <thead>
          <tr>
            <th>{t("audit.at")}</th><th>{t("audit.seat")}</th><th>{t("audit.actor")}</th><th>{t("audit.action")}</th><th>{t("audit.subject")}</th><th>{t("audit.detail")}</th>
          </tr>
        </thead>
        <tbody>
          {entries.map((e) => (
            <tr key={`${e.seat}/${e.seq}`}>
              <td className="mono small">{e.at.replace("T", " ")}</td><td>{e.seat}</td><td className="mono">{e.actor}</td><td className="mono small">{e.action}</td><td className="mono small">{e.subject}</td><td className="small">{e.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}
