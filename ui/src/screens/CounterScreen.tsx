// The counter seat: call the next person (F2), then take the current case through its steps —
// checklist verified, forms checked, the city's bundle put together item by item, handed to a
// named city staff member — or end it as a revisit / cancellation with a reason. The store
// refuses any step out of order; the screen only offers the next one.
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import type { CaseView } from "../bindings/CaseView";
import type { StaffMember } from "../bindings/StaffMember";
import type { VisitStep } from "../bindings/VisitStep";
import { ReasonPicker, ReasonWords, useCityReasons } from "../components/ReasonPicker";
import { errorText, t, tCode } from "../i18n";
import { CaseHeading, useCases, handedTo } from "./cases";

/** States in which a case occupies its seat. */
const AT_SEAT = ["called", "checklist_verified", "forms_checked", "bundle_prepared"];

export function CounterScreen({
  backend,
  seatNo,
  onSeatNo,
  onOpenChecklist,
}: {
  backend: Backend;
  seatNo: number;
  onSeatNo: (n: number) => void;
  onOpenChecklist: (number: string) => void;
}) {
  const { cases, reload, error, setError } = useCases(backend);
  const current = cases.find((c) => c.seatNo === seatNo && AT_SEAT.includes(c.state)) ?? null;
  const waiting = cases.filter((c) => c.state === "waiting").length;
  const handed = cases.filter((c) => c.seatNo === seatNo && c.state === "handed_over");
  const [notice, setNotice] = useState<string | null>(null);

  const act = useCallback(
    async (action: () => Promise<unknown>) => {
      try {
        await action();
        setError(null);
      } catch (e) {
        setError(errorText(errorCode(e)));
      }
      await reload();
    },
    [reload, setError],
  );
  const callNext = useCallback(
    () =>
      act(async () => {
        const next = await backend.callNext(seatNo);
        setNotice(next ? null : t("counter.nobody"));
      }),
    [act, backend, seatNo],
  );

  // F2 calls the next person when the seat is free.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === "F2" && !current) {
        e.preventDefault();
        void callNext();
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [callNext, current]);

  return (
    <section className="card" aria-labelledby="counter-title">
      <h1 id="counter-title">{t("counter.title")}</h1>
      <div className="toolbar">
        <label className="inline">
          {t("counter.seat")}
          <input
            type="number"
            name="seatNo"
            min={1}
            max={20}
            value={seatNo}
            onChange={(e) => Number(e.target.value) > 0 && onSeatNo(Number(e.target.value))}
            className="short"
          />
        </label>
        <button type="button" data-action="call-next" disabled={!!current} onClick={() => void callNext()} title="F2">
          {t("counter.callNext")}
        </button>
        <span className="muted" data-testid="waiting-count">{t("counter.waitingHere", { n: waiting })}</span>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      {notice && !current && <p className="muted">{notice}</p>}
      {current ? (
        <CurrentCase key={`${current.number}/${current.position}`} c={current} act={act} backend={backend} onOpenChecklist={onOpenChecklist} />
      ) : (
        <p className="muted" data-testid="seat-idle">{t("counter.idle")}</p>
      )}
      {handed.length > 0 && (
        <div className="waiting">
          <h2>{t("counter.handedFromHere")}</h2>
          <ul>
            {handed.map((c) => (
              <li key={`${c.number}/${c.position}`}>
                <span className="mono">{c.number}</span> <span className="kana">{c.nameKana}</span> → {handedTo(c)}
              </li>
            ))}
          </ul>
        </div>
      )}
    </section>
  );
}

type Act = (action: () => Promise<unknown>) => Promise<void>;

function CurrentCase({ c, act, backend, onOpenChecklist }: { c: CaseView; act: Act; backend: Backend; onOpenChecklist: (n: string) => void }) {
  const step = (s: VisitStep) => act(() => backend.visitStep(c.number, c.position, s));
  const [items, setItems] = useState<string[]>([]);
  const [to, setTo] = useState("");
  const [cityStaff, setCityStaff] = useState<StaffMember[]>([]);
  useEffect(() => {
    if (c.state === "bundle_prepared") {
      backend.staff().then((all) => setCityStaff(all.filter((m) => m.role === "city_staff" && m.active)), () => setCityStaff([]));
    }
  }, [backend, c.state]);
  const [reason, setReason] = useState("");
  const [revisitCode, setRevisitCode] = useState("");
  const [cancelCode, setCancelCode] = useState("");
  const city = useCityReasons(backend);

  function handOver(e: FormEvent) {
    e.preventDefault();
    if (to.trim()) void step({ step: "hand_over", to: to.trim() });
  }
  const end = (kind: "revisit" | "cancel") => {
    const code = kind === "revisit" ? revisitCode : cancelCode;
    if (code) void step({ step: kind, reason: reason.trim(), code });
  };

  return (
    <div className="case" data-testid="current-case" data-state={c.state}>
      <CaseHeading c={c} />
      <p className="muted">
        {t("counter.waited", { n: c.waitingMinutes })}　{c.serviceMinutes !== null && t("counter.serving", { n: c.serviceMinutes })}
      </p>
      <Progress state={c.state} />

      {c.state === "called" && (
        <div className="step">
          <p className="muted">{t("counter.verifyHint")}</p>
          <div className="actions">
            <button type="button" className="secondary" data-action="open-checklist" onClick={() => onOpenChecklist(c.number)}>
              {t("counter.openChecklist")}
            </button>
            <button type="button" data-action="verify" onClick={() => void step({ step: "verify_checklist" })}>
              {t("counter.verify")}
            </button>
          </div>
        </div>
      )}
      {c.state === "checklist_verified" && (
        <div className="step actions">
          <button type="button" data-action="forms" onClick={() => void step({ step: "check_forms" })}>
            {t("counter.forms")}
          </button>
        </div>
      )}
      {c.state === "forms_checked" && (
        <fieldset className="step" data-testid="bundle">
          <legend>{t("counter.bundle")}</legend>
          {c.bundleItems.map((item) => (
            <label key={item} className="check">
              <input
                type="checkbox"
                name={`bundle-${item}`}
                checked={items.includes(item)}
                onChange={(e) => setItems(e.target.checked ? [...items, item] : items.filter((i) => i !== item))}
              />
              {item}
            </label>
          ))}
          <button
            type="button"
            data-action="prepare"
            disabled={!c.bundleItems.every((i) => items.includes(i))}
            onClick={() => void step({ step: "prepare_bundle", items })}
          >
            {t("counter.prepare")}
          </button>
        </fieldset>
      )}
      {c.state === "bundle_prepared" && (
        <form className="step row" onSubmit={handOver}>
          <label className="grow">
            {t("counter.handTo")}
            <select name="handTo" value={to} onChange={(e) => setTo(e.target.value)} autoFocus>
              <option value="">{t("counter.chooseCity")}</option>
              {cityStaff.map((m) => (
                <option key={m.code} value={m.code}>
                  {m.name}（{m.code}）
                </option>
              ))}
            </select>
          </label>
          <button type="submit" data-action="hand-over" disabled={!to.trim()}>
            {t("counter.handOver")}
          </button>
        </form>
      )}

      <details className="step end">
        <summary>{t("counter.endTitle")}</summary>
        <div className="row">
          <ReasonPicker kind="revisit" label={t("counter.revisitReason")} name="revisitCode" value={revisitCode} onChange={setRevisitCode} city={city} />
          <ReasonPicker kind="cancel" label={t("counter.cancelReason")} name="cancelCode" value={cancelCode} onChange={setCancelCode} city={city} />
          <ReasonWords name="endReason" value={reason} onChange={setReason} className="grow" />
        </div>
        <div className="actions">
          <button type="button" data-action="revisit" disabled={!revisitCode || c.state === "waiting"} onClick={() => end("revisit")}>
            {t("counter.revisit")}
          </button>
          <button type="button" className="secondary" data-action="cancel" disabled={!cancelCode} onClick={() => end("cancel")}>
            {t("counter.cancel")}
          </button>
        </div>
      </details>
    </div>
  );
}

const ORDER = ["called", "checklist_verified", "forms_checked", "bundle_prepared", "handed_over", "acknowledged", "completed"];

/** The steps of a visit, done ones ticked. */
function Progress({ state }: { state: string }) {
  const at = ORDER.indexOf(state);
  return (
    <ol className="progress" aria-label={t("col.state")}>
      {ORDER.map((s, i) => (
        <li key={s} className={i < at ? "done" : i === at ? "now" : undefined}>
          {tCode("visitState", s)}
        </li>
      ))}
    </ol>
  );
}
