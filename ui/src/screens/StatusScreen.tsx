// The unlocked store's status, as reported by core.
import type { Backend } from "../api/backend";
import type { StoreStatus } from "../bindings/StoreStatus";
import { TrainingDayPanel } from "./TrainingDayPanel";
import { type TextKey, t } from "../i18n";

const dateTime = new Intl.DateTimeFormat("ja-JP", { dateStyle: "long", timeStyle: "short" });

function bytes(n: number): string {
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(0)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

export function StatusScreen({ status, backend, manager }: { status: StoreStatus; backend: Backend; manager: boolean }) {
  const rows: [TextKey, string][] = [
    ["status.site", status.meta.siteName],
    ["status.seat", status.meta.seatName],
    ["status.applicants", t("status.countUnit", { n: status.counts.applicants.toLocaleString("ja-JP") })],
    ["status.schema", t("status.schemaValue", { current: status.schemaVersion, known: status.knownSchemaVersion })],
    ["status.cipher", t("status.cipherValue", { version: status.cipherVersion })],
    ["status.size", bytes(status.databaseBytes)],
    ["status.createdAt", dateTime.format(new Date(status.meta.createdAt))],
    ["status.storeId", status.meta.storeId],
    ["status.checklistRules", status.checklistRules],
  ];
  return (
    <section className="card" aria-labelledby="status-title">
      <h1 id="status-title">
        {t("status.title")} <span className="badge ok">{t("status.encrypted")}</span>
      </h1>
      <dl className="facts" data-testid="status">
        {rows.map(([key, value]) => (
          <div key={key} className="fact">
            <dt>{t(key)}</dt>
            <dd data-field={key}>{value}</dd>
          </div>
        ))}
      </dl>
      {status.checklistRulesError && (
        <p className="error" role="alert" data-testid="rules-error">
          {t("status.checklistRulesError")} {status.checklistRulesError}
        </p>
      )}
      {status.meta.kind === "training" && <TrainingDayPanel backend={backend} manager={manager} />}
    </section>
  );
}
