// The ledger of materials lent by the city (貸与資料): register what was received and where it is
// kept, record its return, and have a city staff member confirm the return with their own PIN.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { LentMaterial } from "../bindings/LentMaterial";
import { t } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { useLoaded } from "./useLoaded";

export function LendingScreen({ backend }: { backend: Backend }) {
  const { data: rows, error, setError, run } = useLoaded(useCallback(() => backend.lentMaterials(), [backend]), [] as LentMaterial[]);
  const [today, setToday] = useState("");
  const [draft, setDraft] = useState({ item: "", quantity: "1", lentOn: "", lentBy: "", keptAt: "", note: "" });

  useEffect(() => {
    void backend.now().then((now) => {
      setToday(now.slice(0, 10));
      setDraft((d) => ({ ...d, lentOn: d.lentOn || now.slice(0, 10) }));
    });
  }, [backend]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const quantity = Number(draft.quantity);
    if (!Number.isInteger(quantity) || quantity < 1) return setError(t("settings.wholeNumber"));
    if (await run(() => backend.lend({ ...draft, quantity }))) setDraft({ ...draft, item: "", quantity: "1", note: "" });
  }
  const field = (key: keyof typeof draft, label: string, type = "text", maxLength?: number) => (
    <label>
      {label}
      <input
        type={type}
        name={key}
        maxLength={maxLength}
        value={draft[key]}
        onChange={(e) => setDraft({ ...draft, [key]: e.target.value })}
        className={type === "number" ? "short" : undefined}
      />
    </label>
  );

  return (
    <section className="card" aria-labelledby="lend-title">
      <h1 id="lend-title">{t("lend.title")}</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <table className="grid" data-testid="ledger">
        <thead>
          <tr>
            <th>{t("lend.item")}</th><th>{t("lend.quantity")}</th><th>{t("lend.lentOn")}</th><th>{t("lend.lentBy")}</th><th>{t("lend.keptAt")}</th><th>{t("lend.receivedBy")}</th><th>{t("lend.status")}</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((m) => (
            <LedgerRow key={m.id} m={m} today={today} backend={backend} run={run} />
          ))}
        </tbody>
      </table>
      <form className="case" onSubmit={submit}>
        <h2>{t("lend.add")}</h2>
        <div className="row">
          {field("item", t("lend.item"), "text", MAX_LENGTH.lentItem)}
          {field("quantity", t("lend.quantity"), "number")}
          {field("lentOn", t("lend.lentOn"), "date")}
          {field("lentBy", t("lend.lentBy"), "text", MAX_LENGTH.lentBy)}
          {field("keptAt", t("lend.keptAt"), "text", MAX_LENGTH.keptAt)}
          {field("note", t("lend.note"), "text", MAX_LENGTH.lendingNote)}
          <button type="submit" disabled={!draft.item.trim() || !draft.lentBy.trim() || !draft.keptAt.trim()}>{t("lend.add")}</button>
        </div>
      </form>
    </section>
  );
}

function LedgerRow({ m, today, backend, run }: { m: LentMaterial; today: string; backend: Backend; run: (a: () => Promise<unknown>) => Promise<boolean> }) {
  const [code, setCode] = useState("");
  const [pin, setPin] = useState("");
  return (
    <tr data-id={m.id}>
      <td>{m.item}{m.note && <span className="muted small"> {m.note}</span>}</td>
      <td>{m.quantity}</td>
      <td className="mono">{m.lentOn}</td>
      <td>{m.lentBy}</td>
      <td>{m.keptAt}</td>
      <td className="mono">{m.receivedBy}</td>
      <td>
        {!m.returnedOn && (
          <>
            <span className="badge">{t("lend.lent")}</span>{" "}
            <button type="button" className="small secondary" onClick={() => void run(() => backend.returnMaterial(m.id, today))}>{t("lend.return")}</button>
          </>
        )}
        {m.returnedOn && !m.returnConfirmedBy && (
          <div className="row">
            <span className="badge full">{t("lend.returned")}</span>
            <input type="text" className="short" aria-label={t("lend.cityCode")} placeholder={t("lend.cityCode")} value={code} onChange={(e) => setCode(e.target.value)} />
            <input type="password" className="short" aria-label={t("lend.cityPin")} placeholder={t("lend.cityPin")} value={pin} onChange={(e) => setPin(e.target.value)} />
            <button type="button" className="small" disabled={!code || !pin} onClick={async () => { await run(() => backend.confirmReturn(m.id, code.trim().toUpperCase(), pin)); setPin(""); }}>
              {t("lend.confirm")}
            </button>
          </div>
        )}
        {m.returnConfirmedBy && (
          <span className="badge ok">{t("lend.done")} {m.returnedOn} {t("lend.confirmed", { code: m.returnConfirmedBy })}</span>
        )}
      </td>
    </tr>
  );
}
