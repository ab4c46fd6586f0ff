// The handoff queue for city staff: bundles handed over and waiting for their acknowledgment,
// then bundles acknowledged and waiting for the PIN setting / issue to be completed. Each case
// shows its chain of custody (who handed what, from which seat, when); a bundle can be given
// back to the counter with the items and the reason.
import { useState } from "react";
import type { Backend } from "../api/backend";
import type { CaseView } from "../bindings/CaseView";
import type { VisitEvent } from "../bindings/VisitEvent";
import type { VisitStep } from "../bindings/VisitStep";
import { errorText, t, tCode } from "../i18n";
import { errorCode } from "../api/backend";
import { CaseHeading, clock, useCases } from "./cases";

export function HandoffScreen({ backend }: { backend: Backend }) {
  const { cases, reload, error, setError } = useCases(backend);
  const handed = cases.filter((c) => c.state === "handed_over");
  const acknowledged = cases.filter((c) => c.state === "acknowledged");

  async function step(c: CaseView, s: VisitStep) {
    try {
      await backend.visitStep(c.number, c.position, s);
      setError(null);
    } catch (e) {
      setError(errorText(errorCode(e)));
    }
    await reload();
  }

  return (
    <section className="card" aria-labelledby="handoff-title">
      <h1 id="handoff-title">{t("handoff.title")}</h1>
      <p className="lead muted">{t("handoff.lead")}</p>
      {error && <p className="error" role="alert">{error}</p>}
      <h2>{t("handoff.waiting", { n: handed.length })}</h2>
      {handed.length === 0 && <p className="muted">{t("handoff.none")}</p>}
      <div data-testid="handoff-queue">
        {handed.map((c) => (
          <HandedCase key={`${c.number}/${c.position}`} c={c} backend={backend} step={step} />
        ))}
      </div>
      <h2>{t("handoff.acknowledged", { n: acknowledged.length })}</h2>
      <div data-testid="acknowledged">
        {acknowledged.map((c) => (
          <div key={`${c.number}/${c.position}`} className="case" data-number={c.number}>
            <CaseHeading c={c} />
            <p className="muted">{t("handoff.handedBy", { seat: `${c.seatNo ?? ""}`, at: clock(c.handedAt), to: c.handedTo ?? "" })}</p>
            <div className="actions">
              <button type="button" data-action="complete" onClick={() => void step(c, { step: "complete" })}>
                {t("handoff.complete")}
              </button>
            </div>
            <ReturnForm c={c} step={step} />
          </div>
        ))}
      </div>
    </section>
  );
}

type Step = (c: CaseView, s: VisitStep) => Promise<void>;

function HandedCase({ c, backend, step }: { c: CaseView; backend: Backend; step: Step }) {
  const [by, setBy] = useState("");
  const [history, setHistory] = useState<VisitEvent[] | null>(null);
  return (
    <div className="case" data-number={c.number}>
      <CaseHeading c={c} />
      <p className="muted">{t("handoff.handedBy", { seat: `${c.seatNo ?? ""}`, at: clock(c.handedAt), to: c.handedTo ?? "" })}</p>
      <form
        className="row"
        onSubmit={(e) => {
          e.preventDefault();
          if (by.trim()) void step(c, { step: "acknowledge", by: by.trim() });
        }}
      >
        <label className="grow">
          {t("handoff.by")}
          <input type="text" name="ackBy" value={by} onChange={(e) => setBy(e.target.value)} />
        </label>
        <button type="submit" data-action="acknowledge" disabled={!by.trim()}>
          {t("handoff.acknowledge")}
        </button>
        <button
          type="button"
          className="secondary"
          data-action="history"
          onClick={async () => setHistory(history ? null : await backend.caseHistory(c.number, c.position))}
        >
          {t("handoff.history")}
        </button>
      </form>
      <ReturnForm c={c} step={step} />
      {history && <History events={history} />}
    </div>
  );
}

/** Give items back to the counter, with the reason. */
function ReturnForm({ c, step }: { c: CaseView; step: Step }) {
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
          <input type="text" value={note} onChange={(e) => setNote(e.target.value)} />
        </label>
        <button type="button" className="secondary" disabled={items.length === 0} onClick={() => void step(c, { step: "return_items", items, note })}>
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
            {e.seat}
            {"to" in e.step && ` → ${e.step.to}`}
            {"by" in e.step && ` ${e.step.by}`}
            {"items" in e.step && ` （${e.step.items.join("、")}）`}
          </span>
        </li>
      ))}
    </ol>
  );
}
