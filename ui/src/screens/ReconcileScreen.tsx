// Day end (バックオフィス): the application forms counted by hand against the bundles recorded as
// handed to city staff; a difference is explained by a coded reason (reports print its label; any
// words stay in the store), and bundles city staff have not yet
// acknowledged are listed to chase before everyone leaves.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { addDays, type Backend, errorCode } from "../api/backend";
import type { Reconciliation } from "../bindings/Reconciliation";
import { ReasonPicker, ReasonWords, useCityReasons } from "../components/ReasonPicker";
import { errorText, reasonLabel, t } from "../i18n";
import { clock, handedTo } from "./cases";

export function ReconcileScreen({ backend }: { backend: Backend }) {
  const [day, setDay] = useState<string | null>(null);
  const [data, setData] = useState<Reconciliation | null>(null);
  const [count, setCount] = useState("");
  const [code, setCode] = useState("");
  const [note, setNote] = useState("");
  const [error, setError] = useState<string | null>(null);
  const city = useCityReasons(backend);

  const show = useCallback((r: Reconciliation) => {
    setData(r);
    setCount(r.counted === null ? "" : String(r.counted));
    setCode(r.noteCode);
    setNote(r.note);
    setError(null);
  }, []);

  useEffect(() => {
    if (day === null) {
      void backend.now().then((now) => setDay(now.slice(0, 10)));
      return;
    }
    backend.reconcile(day).then(show, (e) => setError(errorText(errorCode(e))));
  }, [backend, day, show]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const n = Number(count);
    if (!day || !data || count.trim() === "" || !Number.isInteger(n) || n < 0) return setError(t("settings.wholeNumber"));
    // A difference needs its code; a match carries none (and no words about a difference).
    const different = n !== data.recorded;
    if (different && !code) return setError(t("reconcile.pickReason"));
    try {
      show(await backend.setFormCount(day, n, different ? code : null, different ? note.trim() : ""));
    } catch (err) {
      setError(errorText(errorCode(err)));
    }
  }

  return (
    <section className="card" aria-labelledby="reconcile-title">
      <h1 id="reconcile-title">{t("reconcile.title")}</h1>
      <p className="lead muted">{t("reconcile.lead")}</p>
      {day && (
        <div className="toolbar">
          <button type="button" onClick={() => setDay(addDays(day, -1))}>{t("board.prev")}</button>
          <label className="inline">
            {t("board.day")}
            <input type="date" name="day" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} />
          </label>
          <button type="button" onClick={() => setDay(addDays(day, 1))}>{t("board.next")}</button>
        </div>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      {data && (
        <>
          <form className="row" onSubmit={submit} data-testid="form-count">
            <label>
              {t("reconcile.recorded", { n: data.cases.length })}
              <output data-testid="recorded" className="big">{t("reconcile.sheets", { n: data.recorded })}</output>
            </label>
            <label>
              {t("reconcile.counted")}
              <input type="number" name="counted" min={0} value={count} onChange={(e) => setCount(e.target.value)} className="short" />
            </label>
            {differs(count, data.recorded) && (
              <>
                <ReasonPicker kind="form_difference" label={t("reconcile.reason")} name="differenceCode" value={code} onChange={setCode} city={city} />
                <ReasonWords name="note" value={note} onChange={setNote} className="grow" />
              </>
            )}
            <button type="submit">{t("reconcile.save")}</button>
          </form>
          <p data-testid="difference" className={data.difference ? "error" : "muted"}>
            {data.difference === null
              ? t("reconcile.notEntered")
              : data.difference === 0
                ? t("reconcile.match")
                : t("reconcile.differs", { n: data.difference > 0 ? `+${data.difference}` : data.difference })}
            {data.difference !== null && data.difference !== 0 && data.noteCode && (
              <span data-testid="difference-reason"> {t("reconcile.recordedReason", { reason: reasonLabel("form_difference", data.noteCode, city) })}</span>
            )}
          </p>
          {data.unacknowledged.length > 0 && (
            <div className="notice" data-testid="unacknowledged">
              <h2>{t("reconcile.unacknowledged", { n: data.unacknowledged.length })}</h2>
              <ul>
                {data.unacknowledged.map((c) => (
                  <li key={`${c.number}/${c.position}`}>
                    <span className="mono">{c.number}</span> <span className="kana">{c.nameKana}</span> {clock(c.handedAt)} → {handedTo(c)}
                  </li>
                ))}
              </ul>
            </div>
          )}
          <table className="grid" data-testid="bundles">
            <thead>
              <tr>
                <th>{t("col.number")}</th>
                <th>#</th>
                <th>{t("col.forms")}</th>
              </tr>
            </thead>
            <tbody>
              {data.cases.map(([number, position, forms]) => (
                <tr key={`${number}/${position}`}>
                  <td className="mono">{number}</td>
                  <td>{position + 1}</td>
                  <td>{forms}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      )}
    </section>
  );
}

/** Whether the count typed so far is a whole number other than the forms recorded. */
function differs(count: string, recorded: number): boolean {
  const n = Number(count);
  return count.trim() !== "" && Number.isInteger(n) && n >= 0 && n !== recorded;
}
