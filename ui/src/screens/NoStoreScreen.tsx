import { t } from "../i18n";

export function NoStoreScreen({ dataDir }: { dataDir: string }) {
  return (
    <section className="card narrow">
      <h1>{t("nostore.title")}</h1>
      <p className="lead">{t("nostore.lead")}</p>
      <pre className="command">madoguchi init --site "…" --seat "…"</pre>
      <p className="muted small">
        {t("unlock.dataDir")}：<code>{dataDir}</code>
      </p>
    </section>
  );
}
