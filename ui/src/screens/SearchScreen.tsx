// Search as you type: number, phone (any notation), name in kana or kanji, or a date.
import { useEffect, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import type { ReservationSummary } from "../bindings/ReservationSummary";
import { ReservationTable } from "../components/ReservationTable";
import { errorText, t } from "../i18n";

export function SearchScreen({ backend }: { backend: Backend }) {
  const [query, setQuery] = useState("");
  const [rows, setRows] = useState<ReservationSummary[]>([]);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    if (!query.trim()) {
      setRows([]);
      return;
    }
    let current = true;
    const timer = setTimeout(() => {
      backend
        .search(query)
        .then((found) => current && (setRows(found), setError(null)))
        .catch((e) => current && setError(errorText(errorCode(e))));
    }, 120);
    return () => {
      current = false;
      clearTimeout(timer);
    };
  }, [backend, query]);

  return (
    <section className="card" aria-labelledby="search-title">
      <h1 id="search-title">{t("search.title")}</h1>
      <input
        id="search"
        type="search"
        autoFocus
        autoComplete="off"
        aria-label={t("search.title")}
        placeholder={t("search.placeholder")}
        value={query}
        onChange={(e) => setQuery(e.target.value)}
      />
      {error && <p className="error" role="alert">{error}</p>}
      {query.trim() && rows.length === 0 && !error && <p className="muted">{t("search.none")}</p>}
      {rows.length > 0 && <ReservationTable rows={rows} />}
    </section>
  );
}
