// The counter checklist: for each person of a reservation, tick what is presented (and which
// identity documents, and whether they have expired), see at once what is missing and why,
// then mark the case ready or a revisit with its coded reason (staff's optional words stay in the
// store, never on a report) and what to bring next time. The facts
// that switch requirements are asked here too, and the screen says whether the case finishes
// today or needs a second visit (文書照会), and why.
// Every change is recorded at once (who and when live in the store).
import { type FormEvent, useCallback, useEffect, useState } from "react";
import { type Backend, errorCode } from "../api/backend";
import type { CaseInput } from "../bindings/CaseInput";
import type { CheckOutcome } from "../bindings/CheckOutcome";
import type { CityReason } from "../bindings/CityReason";
import type { DocumentKind } from "../bindings/DocumentKind";
import type { ItemCheck } from "../bindings/ItemCheck";
import type { Mark } from "../bindings/Mark";
import type { PersonChecklist } from "../bindings/PersonChecklist";
import type { PresentedDocument } from "../bindings/PresentedDocument";
import type { ReservationChecklist } from "../bindings/ReservationChecklist";
import { FactInput } from "../components/IntakePanel";
import { ReasonPicker, ReasonWords, useCityReasons } from "../components/ReasonPicker";
import { errorText, reasonLabel, t, tCode } from "../i18n";

export function ChecklistScreen({ backend, number: initial }: { backend: Backend; number: string | null }) {
  const [query, setQuery] = useState(initial ?? "");
  const [number, setNumber] = useState(initial);
  const [data, setData] = useState<ReservationChecklist | null>(null);
  const [error, setError] = useState<string | null>(null);
  const city = useCityReasons(backend);

  const run = useCallback(async (action: () => Promise<ReservationChecklist>) => {
    try {
      setData(await action());
      setError(null);
    } catch (e) {
      setError(errorText(errorCode(e)));
    }
  }, []);

  useEffect(() => {
    if (number) void run(() => backend.checklist(number));
  }, [backend, number, run]);

  return (
    <section className="card" aria-labelledby="check-title">
      <h1 id="check-title">{t("check.title")}</h1>
      <form
        className="toolbar"
        onSubmit={(e: FormEvent) => {
          e.preventDefault();
          setNumber(query.trim());
        }}
      >
        <label className="inline">
          {t("check.number")}
          <input name="checkNumber" value={query} onChange={(e) => setQuery(e.target.value)} autoFocus={!initial} />
        </label>
        <button type="submit">{t("check.open")}</button>
      </form>
      {error && <p className="error" role="alert">{error}</p>}
      {data && (
        <>
          <p className="muted">
            <span className="mono">{data.reservation.number}</span> {data.reservation.day} {data.reservation.starts.slice(0, 5)}　
            {t("check.rules", { version: data.people[0]?.counter.rulesVersion ?? "" })}
          </p>
          {data.revisitOf && <p className="badge ok">{t("check.carried", { number: data.revisitOf })}</p>}
          {data.people.map((p) => (
            <PersonCard
              key={p.position}
              person={p}
              documents={data.documents}
              city={city}
              onRecord={(input) => run(() => backend.recordChecklist(data.reservation.number, p.position, "counter", input))}
              onReady={() => run(() => backend.recordCheckOutcome(data.reservation.number, p.position, { outcome: "ready" }))}
              onRevisit={(code, reason) =>
                run(() => backend.recordCheckOutcome(data.reservation.number, p.position, { outcome: "revisit", reason, missing: p.counter.missing, code }))
              }
            />
          ))}
        </>
      )}
    </section>
  );
}

type PersonProps = {
  person: PersonChecklist;
  documents: DocumentKind[];
  city: CityReason[];
  onRecord: (input: CaseInput) => Promise<void>;
  onReady: () => Promise<void>;
  onRevisit: (code: string, reason: string) => Promise<void>;
};

/** What an outcome says: ready, or the revisit's code label with staff's words (old outcomes: words only). */
function outcomeText(outcome: CheckOutcome, city: CityReason[]): string {
  if (outcome.outcome === "ready") return t("check.outcomeReady");
  const label = outcome.code ? reasonLabel("revisit", outcome.code, city) : "";
  const words = outcome.reason.trim();
  return t("check.outcomeRevisit", { reason: label && words ? `${label}（${words}）` : label || words });
}

function PersonCard({ person, documents, city, onRecord, onReady, onRevisit }: PersonProps) {
  const input = person.counterInput;
  const missing = person.counter.items.filter((i) => i.state.state === "missing");
  // The code staff picked (null: not yet, so the one the missing items suggest), and their words.
  const [picked, setPicked] = useState<string | null>(null);
  const [reason, setReason] = useState("");
  const suggested = missing.some((i) => i.kind === "identity") ? "identity_documents" : "missing_documents";
  const code = picked ?? suggested;

  const setMark = (item: string, mark: Mark) => onRecord({ ...input, marks: { ...input.marks, [item]: mark } });
  const setDocs = (item: string, docs: PresentedDocument[]) =>
    onRecord({ ...input, marks: { ...input.marks, [item]: docs.length ? "presented" : "unknown" }, documents: { ...input.documents, [item]: docs } });

  return (
    <fieldset className="person" data-testid={`checklist-${person.position}`}>
      <legend>{t("check.person", { name: person.nameKana, type: tCode("applicantType", person.applicantType) })}</legend>
      <p className="muted">
        {person.procedures.map((p) => tCode("procedure", p)).join("・")}　
        {person.phone ? t("check.phoneDone") : t("check.phoneNone")}
      </p>
      {person.carriedOver && <p className="badge ok">{t("check.carried", { number: "" })}</p>}
      {person.counter.facts.length > 0 && (
        <div className="checks" role="group" aria-label={t("check.facts")}>
          {person.counter.facts.map((f) => (
            <FactInput key={f.id} fact={f} name={`fact-${f.id}`} facts={input.facts} onChange={(facts) => void onRecord({ ...input, facts })} />
          ))}
        </div>
      )}
      <VisitPlanNote plan={person.counter.visits} />
      <table className="grid checklist">
        <tbody>
          {person.counter.items.map((item) => (
            <ItemRow key={item.item} item={item} documents={documents} presented={input.documents[item.item] ?? []} onMark={setMark} onDocs={setDocs} />
          ))}
        </tbody>
      </table>
      {person.outcome ? (
        <p className={person.outcome.outcome === "ready" ? "badge ok" : "badge full"} data-testid="outcome">
          {outcomeText(person.outcome, city)}
        </p>
      ) : null}
      {person.outcome?.outcome === "revisit" && (
        <div className="notice" data-testid="next-time">
          <h2>{t("check.nextTime")}</h2>
          <ul>
            {person.counter.items
              .filter((i) => person.outcome?.outcome === "revisit" && person.outcome.missing.includes(i.item))
              .map((i) => (
                <li key={i.item}>
                  <strong>{i.label}</strong>：{i.explain}
                </li>
              ))}
          </ul>
        </div>
      )}
      <p className={person.counter.ready ? "ok" : "error"} data-testid="verdict">
        {person.counter.ready ? t("check.ready") : t("check.notReady", { n: missing.length })}
      </p>
      <div className="toolbar">
        <button type="button" disabled={!person.counter.ready} onClick={() => void onReady()}>
          {t("check.markReady")}
        </button>
        {!person.counter.ready && (
          <form
            className="inline revisit"
            onSubmit={(e: FormEvent) => {
              e.preventDefault();
              if (code) void onRevisit(code, reason.trim());
            }}
          >
            <ReasonPicker kind="revisit" label={t("check.revisitReason")} name="revisitCode" value={code} onChange={setPicked} city={city} className="inline" />
            <ReasonWords name="revisitReason" value={reason} onChange={setReason} className="inline" />
            <button type="submit" className="secondary" disabled={!code}>
              {t("check.markRevisit")}
            </button>
          </form>
        )}
      </div>
    </fieldset>
  );
}

type ItemProps = {
  item: ItemCheck;
  documents: DocumentKind[];
  presented: PresentedDocument[];
  onMark: (item: string, mark: Mark) => void;
  onDocs: (item: string, docs: PresentedDocument[]) => void;
};

/** One visit or two, and why: what the citizen is told before anything is handed over. */
function VisitPlanNote({ plan }: { plan: PersonChecklist["counter"]["visits"] }) {
  if (plan.finishesToday) {
    return (
      <p className="badge ok" data-testid="visit-plan">
        {t("check.oneVisit")}
      </p>
    );
  }
  return (
    <div className="notice" data-testid="visit-plan">
      <h4>{t("check.twoVisits")}</h4>
      <p>{plan.reasons[0]?.say}</p>
      <ul>
        {plan.reasons.map((r) => (
          <li key={r.path}>{r.reason}</li>
        ))}
      </ul>
    </div>
  );
}

function ItemRow({ item, documents, presented, onMark, onDocs }: ItemProps) {
  const state = item.state;
  const toggleDoc = (id: string, on: boolean) =>
    onDocs(item.item, on ? [...presented, { document: id, expired: false }] : presented.filter((d) => d.document !== id));
  const toggleExpired = (id: string, expired: boolean) => onDocs(item.item, presented.map((d) => (d.document === id ? { ...d, expired } : d)));
  return (
    <tr data-item={item.item} data-source={item.source} className={state.state === "missing" ? "full" : undefined}>
      <td>
        <strong>{item.label}</strong>
        {item.owner && <span className="badge small">{t("check.cityRule", { owner: item.owner })}</span>}
        {state.state === "missing" && <div className="error small">{state.reason}</div>}
        {state.state === "deferred" && <div className="small">{state.reason}</div>}
      </td>
      <td>
        {item.kind === "identity" ? (
          <div className="checks" role="group" aria-label={t("check.documents")}>
            {documents.map((d) => {
              const shown = presented.find((p) => p.document === d.id);
              return (
                <span key={d.id} className="doc">
                  <label className="check">
                    <input type="checkbox" name={`${item.item}-${d.id}`} checked={!!shown} onChange={(e) => toggleDoc(d.id, e.target.checked)} />
                    {d.class} {d.name}
                  </label>
                  {shown && (
                    <label className="check small">
                      <input type="checkbox" name={`${item.item}-${d.id}-expired`} checked={shown.expired} onChange={(e) => toggleExpired(d.id, e.target.checked)} />
                      {t("check.expired")}
                    </label>
                  )}
                </span>
              );
            })}
          </div>
        ) : item.kind === "notice" || item.kind === "refusal" ? (
          <span className="muted small">{item.explain}</span>
        ) : (
          <span className="marks">
            <button type="button" className={item.mark === "presented" ? "small" : "small secondary"} aria-pressed={item.mark === "presented"} onClick={() => onMark(item.item, "presented")}>
              {t("check.presented")}
            </button>
            <button type="button" className={item.mark === "missing" ? "small" : "small secondary"} aria-pressed={item.mark === "missing"} onClick={() => onMark(item.item, "missing")}>
              {t("check.missing")}
            </button>
          </span>
        )}
      </td>
      <td>
        {state.state === "satisfied" && <span className="badge ok">{t("check.ok")}</span>}
        {state.state === "to_return" && <span className="badge">{t("check.toReturn")}</span>}
        {state.state === "missing" && <span className="badge full">{t("check.missing")}</span>}
        {state.state === "notice" && <span className="badge">{t("check.notice")}</span>}
        {state.state === "deferred" && <span className="badge">{t("check.deferred")}</span>}
      </td>
    </tr>
  );
}
