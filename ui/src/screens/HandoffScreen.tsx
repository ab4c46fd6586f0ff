// The handoff queue for city staff: bundles handed over and waiting for their acknowledgment,
// then bundles acknowledged and waiting for the PIN setting / issue to be completed. Each case
// shows its chain of custody (who handed what, from which seat, when); a bundle can be given
// back to the counter with the items and the reason. City staff prove each of these steps with
// their own staff ID and PIN (typed at the top, the PIN cleared after every step), so the step
// is theirs whoever is signed in at the PC.
import { type ReactNode, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import type { CaseView } from "../bindings/CaseView";
import type { VisitEvent } from "../bindings/VisitEvent";
import type { VisitStep } from "../bindings/VisitStep";
import { errorText, t, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { CaseHeading, clock, handedTo, useCases } from "./cases";

export function HandoffScreen({ backend }: { backend: Backend }) {
  const { cases, reload, error, setError } = useCases(backend);
  const [code, setCode] = useState("");
  const [pin, setPin] = useState("");
  const handed = cases.filter((c) => c.state === "handed_over");
  const acknowledged = cases.filter((c) => c.state === "acknowledged");
  const ready = code.trim() !== "" && pin !== "";

  async function step(c: CaseView, s: VisitStep) {
    try {
      await backend.cityStaffStep(c.number, c.position, s, code.trim().toUpperCase(), pin);
      setError(null);
    } catch (e) {
      setError(errorText(errorCode(e)));
    }
    setPin("");
    await reload();
  }

  return (
    <section className="card" aria-labelledby="handoff-title">
      <h1 id="handoff-title">{t("handoff.title")}</h1>
      <p className="lead muted">{t("handoff.lead")}</p>
      <div className="row notice" data-testid="city-credentials">
        <label>
          {t("handoff.cityCode")}
          <input type="text" name="cityCode" className="short" value={code} onChange={(e) => setCode(e.target.value)} autoComplete="off" />
        </label>
        <label>
          {t("handoff.cityPin")}
          <input type="password" name="cityPin" inputMode="numeric" className="short" value={pin} onChange={(e) => setPin(e.target.value)} autoComplete="off" />
        </label>
        <p className="small muted grow">{t("handoff.credentialsHint")}</p>
      </div>
      {error && <p className="error" role="alert">{error}</p>}
      <h2>{t("handoff.waiting", { n: handed.length })}</h2>
      {handed.length === 0 && <p className="muted">{t("handoff.none")}</p>}
      <div data-testid="handoff-queue">
        {handed.map((c) => (
          <CaseCard key={`${c.number}/${c.position}`} c={c} backend={backend} step={step} ready={ready}>
            <button type="button" data-action="acknowledge" disabled={!ready} onClick={() => void step(c, { step: "acknowledge", by: code })}>
              {t("handoff.acknowledge")}
            </button>
          </CaseCard>
        ))}
      </div>
      <h2>{t("handoff.acknowledged", { n: acknowledged.length })}</h2>
      <div data-testid="acknowledged">
        {acknowledged.map((c) => (
          <CaseCard key={`${c.number}/${c.position}`} c={c} backend={backend} step={step} ready={ready}>
            <button type="button" data-action="complete" disabled={!ready} onClick={() => void step(c, { step: "complete" })}>
              {t("handoff.complete")}
            </button>
          </CaseCard>
        ))}
      </div>
    </section>
  );
}

type Step = (c: CaseView, s: VisitStep) => Promise<void>;

/** One bundle with its main action, its chain of custody on demand, and the return form. */
function CaseCard({ c, backend, step, ready, children }: { c: CaseView; backend: Backend; step: Step; ready: boolean; children: ReactNode }) {
  const [history, setHistory] = useState<VisitEvent[] | null>(null);
  return (
    <div className="case" data-number={c.number}>
      <CaseHeading c={c} />
      <p className="muted">{t("handoff.handedBy", { seat: `${c.seatNo ?? ""}`, at: clock(c.handedAt), to: handedTo(c) })}</p>
      <div className="actions">
        {children}
        <button
          type="button"
          className="secondary"
          data-action="history"
          onClick={async () => setHistory(history ? null : await backend.caseHistory(c.number, c.position))}
        >
          {t("handoff.history")}
        </button>
      </div>
      <ReturnForm c={c} step={step} ready={ready} />
      {history && <History events={history} />}
    </div>
  );
}

/** Give items back to the counter, with the reason. */
function ReturnForm({ c, step, ready }: { c: CaseView; step: Step; ready: boolean }) {
  const [items, setItems] = useState<string[]>([]);
  const [note, setNote] = useState("");
  return (
    <details className="step">
      <summary>{t("handoff.return")}</summary>
      <div className="checks">
        {c.bundleItems.map((item) => (
          <label key={item} className="check">
            <input type="checkbox" checked={items.includes(item)} onChange={(e) => setItems(e.target.checked ? [...items, item] : items.filter((i) => i !== item))} />
            {item}
          </label>
        ))}
      </div>
      <div className="row">
        <label className="grow">
          {t("handoff.returnNote")}
          <input type="text" maxLength={MAX_LENGTH.returnNote} value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="button" className="secondary" disabled={items.length === 0 || !ready} onClick={() => void step(c, { step: "return_items", items, note })}>
          {t("handoff.return")}
        </button>
      </div>
    </details>
  );
}

/** The chain of custody of one case. */
function History({ events }: { events: VisitEvent[] }) {
  return (
    <ol className="history" data-testid="history">
      {events.map((e, i) => (
        <li key={i}>
          <span className="mono">{clock(e.at)}</span> {tCode("visitStep", e.step.step)} → {tCode("visitState", e.stateAfter)}
          <span className="muted">
            {" "}
            {e.seat} {e.staff}
            {"to" in e.step && ` → ${e.step.to}`}
            {"items" in e.step && ` （${e.step.items.join("、")}）`}
          </span>
        </li>
      ))}
    </ol>
  );
}
