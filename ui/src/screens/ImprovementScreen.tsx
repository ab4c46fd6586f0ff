// 業務改善 (docs/design/paperwork.md §3.5, §9; seed 000 §1.1): the city's notices with the plan's
// due day (the 7th day counting the receipt), the day payment stops (received + 7) and the
// status; a form to register a notice; per notice, the steps the cycle allows now as buttons,
// with the day and the document number (and the target day for a plan). The summary and notes
// are kept, never printed. Manager and deputy. Keyboard: labelled controls and buttons only.
import { type FormEvent, useCallback, useState } from "react";
import type { Backend } from "../api/backend";
import type { ImprovementItem } from "../bindings/ImprovementItem";
import type { ImprovementNotice } from "../bindings/ImprovementNotice";
import type { ImprovementStatus } from "../bindings/ImprovementStatus";
import type { ImprovementStep } from "../bindings/ImprovementStep";
import { dayLabel, t, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { useLoaded } from "./useLoaded";

const ITEMS: ImprovementItem[] = ["staffing", "responsibility", "training", "safety", "privacy", "operations", "unsuitable_staff", "other"];
/** The steps core's `ImprovementStep::next` allows from each status (a note always). */
const NEXT: Record<ImprovementStatus, ImprovementStep[]> = {
  notice_received: ["submit_plan"],
  plan_submitted: ["plan_accepted", "plan_returned"],
  plan_accepted: ["submit_report"],
  report_submitted: ["city_confirmed", "city_not_confirmed"],
  confirmed: [],
};

function localToday(): string {
  const d = new Date();
  return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
}

export function ImprovementScreen({ backend, today = localToday() }: { backend: Backend; today?: string }) {
  const load = useCallback(() => backend.improvementNotices(), [backend]);
  const { data, error, run } = useLoaded(load, [] as ImprovementNotice[]);
  const [docRef, setDocRef] = useState("");
  const [receivedOn, setReceivedOn] = useState(today);
  const [items, setItems] = useState<ImprovementItem[]>([]);
  const [summary, setSummary] = useState("");

  const register = async (e: FormEvent) => {
    e.preventDefault();
    const ok = await run(() => backend.receiveImprovementNotice({ docRef, receivedOn, items, incidentId: null, summary }));
    if (ok) {
      setDocRef("");
      setItems([]);
      setSummary("");
    }
  };
  return (
    <section className="card" aria-labelledby="improvement-title">
      <h1 id="improvement-title">{t("improvement.title")}</h1>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <form onSubmit={register} data-testid="improvement-form" aria-label={t("improvement.new")}>
        <h2>{t("improvement.new")}</h2>
        <label>
          {t("improvement.docRef")} <input value={docRef} maxLength={MAX_LENGTH.improvementDocument} onChange={(e) => setDocRef(e.target.value)} />
        </label>{" "}
        <label>
          {t("improvement.receivedOn")} <input type="date" value={receivedOn} onChange={(e) => setReceivedOn(e.target.value)} />
        </label>
        <fieldset>
          <legend>{t("improvement.items")}</legend>
          {ITEMS.map((i) => (
            <label key={i}>
              <input
                type="checkbox"
                checked={items.includes(i)}
                onChange={(e) => setItems(e.target.checked ? [...items, i] : items.filter((x) => x !== i))}
              />
              {tCode("improvement.item", i)}
            </label>
          ))}
        </fieldset>
        <label>
          {t("improvement.summary")}
          <textarea value={summary} maxLength={MAX_LENGTH.improvementSummary} onChange={(e) => setSummary(e.target.value)} rows={2} />
        </label>
        <button type="submit">{t("improvement.register")}</button>
      </form>

      <h2>{t("improvement.notices")}</h2>
      {data.length === 0 && <p className="muted">{t("improvement.none")}</p>}
      {data.map((n) => (
        <NoticeCard key={n.id} notice={n} today={today} onStep={(step) => run(() => backend.takeImprovementStep(n.id, step))} />
      ))}
    </section>
  );
}

function NoticeCard({
  notice: n,
  today,
  onStep,
}: {
  notice: ImprovementNotice;
  today: string;
  onStep: (step: { step: ImprovementStep; onDay: string; docRef: string; targetOn: string | null; note: string }) => Promise<boolean>;
}) {
  const [onDay, setOnDay] = useState(today);
  const [docRef, setDocRef] = useState("");
  const [targetOn, setTargetOn] = useState("");
  const [note, setNote] = useState("");
  const take = async (step: ImprovementStep) => {
    const ok = await onStep({ step, onDay, docRef, targetOn: step === "submit_plan" ? targetOn || null : null, note });
    if (ok) {
      setDocRef("");
      setNote("");
    }
  };
  const next = NEXT[n.status];
  return (
    <article className="card" data-testid="improvement-notice" aria-label={n.docRef}>
      <h3>
        {n.docRef} <span className="muted">{n.items.map((i) => tCode("improvement.item", i)).join("・")}</span>
      </h3>
      <dl className="facts">
        <dt>{t("improvement.receivedOn")}</dt>
        <dd>{dayLabel(n.receivedOn)}</dd>
        <dt>{t("improvement.planDue")}</dt>
        <dd>{dayLabel(n.planDueOn)}</dd>
        <dt>{t("improvement.paymentStop")}</dt>
        <dd>{dayLabel(n.paymentStopFrom)}</dd>
        <dt>{t("improvement.status")}</dt>
        <dd data-testid="improvement-status">{tCode("improvement.status", n.status)}</dd>
        {n.targetOn && (
          <>
            <dt>{t("improvement.targetOn")}</dt>
            <dd>{dayLabel(n.targetOn)}</dd>
          </>
        )}
      </dl>
      {n.alert && (
        <p className={n.alert.kind === "plan_overdue" ? "error" : "muted"} role="alert" data-testid="improvement-alert">
          {tCode("improvement.alert", n.alert.kind)}（{dayLabel(n.alert.due)}）
          {n.alert.kind === "plan_overdue" && ` ${t("improvement.paymentStop")}：${dayLabel(n.alert.paymentStopFrom)} ${t("improvement.cancelRule")}`}
        </p>
      )}
      {n.steps.length > 0 && (
        <ol aria-label={t("improvement.steps")}>
          {n.steps.map((s) => (
            <li key={s.id}>
              {dayLabel(s.onDay)} {tCode("improvement.step", s.step)} {s.docRef}
            </li>
          ))}
        </ol>
      )}
      <div className="row">
        <label>
          {t("improvement.stepDay")} <input type="date" value={onDay} onChange={(e) => setOnDay(e.target.value)} />
        </label>{" "}
        <label>
          {t("improvement.stepDocRef")} <input value={docRef} maxLength={MAX_LENGTH.improvementDocument} onChange={(e) => setDocRef(e.target.value)} />
        </label>{" "}
        {next.includes("submit_plan") && (
          <label>
            {t("improvement.targetOn")} <input type="date" value={targetOn} onChange={(e) => setTargetOn(e.target.value)} />
          </label>
        )}{" "}
        <label>
          {t("improvement.stepNote")} <input value={note} maxLength={MAX_LENGTH.improvementNote} onChange={(e) => setNote(e.target.value)} />
        </label>
      </div>
      <div className="row">
        {[...next, "note" as ImprovementStep].map((s) => (
          <button key={s} type="button" onClick={() => void take(s)}>
            {tCode("improvement.step", s)}
          </button>
        ))}
      </div>
    </article>
  );
}
