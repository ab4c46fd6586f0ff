// Inquiries and complaints: record one as it is taken (phone or visitor, category, minutes, what
// was asked and answered), and take complaints through their response procedure: respond,
// report to the manager, report to the city, resolve (manager / deputy). Open complaints from
// earlier days stay on the list until resolved.
import { type FormEvent, useCallback, useState } from "react";
import { addDays, type Backend } from "../api/backend";
import type { ComplaintStep } from "../bindings/ComplaintStep";
import type { Inquiry } from "../bindings/Inquiry";
import type { InquiryCategory } from "../bindings/InquiryCategory";
import type { InquiryChannel } from "../bindings/InquiryChannel";
import type { InquiryKind } from "../bindings/InquiryKind";
import { t, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { clock } from "./cases";
import { useLoaded } from "./useLoaded";

const CATEGORIES: InquiryCategory[] = ["reservation", "documents", "card_procedure", "certificate", "service", "outside_card_work", "other"];
const STEPS: ComplaintStep[] = ["respond", "escalate_manager", "escalate_city", "note", "resolve"];

export function InquiriesScreen({ backend }: { backend: Backend }) {
  const [saved, setSaved] = useState(false);
  const [kind, setKind] = useState<InquiryKind>("inquiry");
  const [channel, setChannel] = useState<InquiryChannel>("phone");
  const [category, setCategory] = useState<InquiryCategory>("reservation");
  const [minutes, setMinutes] = useState("5");
  const [summary, setSummary] = useState("");
  const [outcome, setOutcome] = useState("");
  const [referred, setReferred] = useState(false);

  // The last week from the store's today, with complaints still open from before.
  const load = useCallback(async () => {
    const day = (await backend.now()).slice(0, 10);
    return backend.inquiries(addDays(day, -6), day);
  }, [backend]);
  const { data: list, error, setError, run } = useLoaded(load, [] as Inquiry[]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    const n = Number(minutes);
    if (!Number.isInteger(n) || n < 0) return setError(t("settings.wholeNumber"));
    const ok = await run(() => backend.recordInquiry({ kind, channel, category, minutes: n, summary, outcome, referred }));
    setSaved(ok);
    if (ok) {
      setSummary("");
      setOutcome("");
      setReferred(false);
    }
  }

  return (
    <section className="card" aria-labelledby="inq-title">
      <h1 id="inq-title">{t("inq.title")}</h1>
      <form className="case" onSubmit={submit} data-testid="inquiry-form">
        <h2>{t("inq.new")}</h2>
        <div className="row">
          <label>
            {t("inq.kind")}
            <select name="kind" value={kind} onChange={(e) => setKind(e.target.value as InquiryKind)}>
              <option value="inquiry">{t("inq.kind.inquiry")}</option>
              <option value="complaint">{t("inq.kind.complaint")}</option>
            </select>
          </label>
          <label>
            {t("inq.channel")}
            <select name="channel" value={channel} onChange={(e) => setChannel(e.target.value as InquiryChannel)}>
              <option value="phone">{t("inq.channel.phone")}</option>
              <option value="visitor">{t("inq.channel.visitor")}</option>
            </select>
          </label>
          <label>
            {t("inq.category")}
            <select name="category" value={category} onChange={(e) => setCategory(e.target.value as InquiryCategory)}>
              {CATEGORIES.map((c) => (
                <option key={c} value={c}>{tCode("inq.category", c)}</option>
              ))}
            </select>
          </label>
          <label>
            {t("inq.minutes")}
            <input type="number" name="minutes" min={0} max={600} className="short" value={minutes} onChange={(e) => setMinutes(e.target.value)} />
          </label>
        </div>
        <div className="row">
          <label className="grow">
            {t("inq.summary")}
            <input type="text" name="summary" maxLength={MAX_LENGTH.inquirySummary} value={summary} onChange={(e) => setSummary(e.target.value)} />
          </label>
          <label className="grow">
            {t("inq.outcome")}
            <input type="text" name="outcome" maxLength={MAX_LENGTH.inquiryOutcome} value={outcome} onChange={(e) => setOutcome(e.target.value)} />
          </label>
        </div>
        {kind === "inquiry" && (
          <label className="check">
            <input type="checkbox" name="referred" checked={referred} onChange={(e) => setReferred(e.target.checked)} />
            {t("inq.referred")}
          </label>
        )}
        <button type="submit" disabled={!summary.trim()}>{t("inq.save")}</button>
        {saved && !error && <span className="badge ok" style={{ marginLeft: "0.6rem" }}>{t("inq.saved")}</span>}
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      <h2>{t("inq.list")}</h2>
      {list.length === 0 && <p className="muted">{t("inq.none")}</p>}
      <div data-testid="inquiry-list">
        {list.map((i) => (
          <InquiryCard key={i.id} inquiry={i} onStep={(step, note) => run(() => backend.complaintStep(i.id, step, note))} />
        ))}
      </div>
    </section>
  );
}

function InquiryCard({ inquiry: i, onStep }: { inquiry: Inquiry; onStep: (step: ComplaintStep, note: string) => Promise<boolean> }) {
  const [note, setNote] = useState("");
  const open = i.kind === "complaint" && i.status !== "resolved";
  return (
    <div className={`case ${i.kind}`} data-kind={i.kind} data-status={i.status}>
      <h3 className="case-heading">
        <span className={`badge ${i.kind === "complaint" ? "full" : "ok"}`}>{tCode("inq.kind", i.kind)}</span>
        <span className="mono small">{i.receivedAt.slice(0, 10)} {clock(i.receivedAt)}</span>
        <span className="small">{tCode("inq.channel", i.channel)}・{tCode("inq.category", i.category)}・{i.minutes}分</span>
        <span className="badge" data-testid="inquiry-status">{tCode("inq.status", i.status)}</span>
      </h3>
      <p>{i.summary}</p>
      {i.outcome && <p className="muted">→ {i.outcome}</p>}
      {i.steps.length > 0 && (
        <ol className="history">
          {i.steps.map((s, k) => (
            <li key={k}>
              <span className="mono">{clock(s.at)}</span> {tCode("inq.step", s.step)}：{s.note} <span className="muted">{s.staff}</span>
            </li>
          ))}
        </ol>
      )}
      {open && (
        <div className="row">
          <label className="grow">
            {t("inq.stepNote")}
            <input type="text" name="stepNote" maxLength={MAX_LENGTH.complaintStepNote} value={note} onChange={(e) => setNote(e.target.value)} />
          </label>
          {STEPS.map((step) => (
            <button
              key={step}
              type="button"
              className={step === "resolve" ? undefined : "secondary"}
              data-step={step}
              disabled={!note.trim()}
              onClick={async () => (await onStep(step, note)) && setNote("")}
            >
              {tCode("inq.step", step)}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}
