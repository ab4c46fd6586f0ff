// The waiting area at a glance (reception / 受付案内): who waits and for how long, each seat's
// current case, and the day's waiting and service times so far. Re-read every few seconds.
import type { Backend } from "../api/backend";
import type { CaseView } from "../bindings/CaseView";
import type { CityReason } from "../bindings/CityReason";
import { useCityReasons } from "../components/ReasonPicker";
import { reasonLabel, t, tCode } from "../i18n";
import { clock, useCases } from "./cases";

const AT_SEAT = ["called", "checklist_verified", "forms_checked", "bundle_prepared"];

function mean(xs: number[]): number | null {
  return xs.length ? Math.round(xs.reduce((a, b) => a + b, 0) / xs.length) : null;
}

export function QueueScreen({ backend }: { backend: Backend }) {
  const { cases, error } = useCases(backend);
  const city = useCityReasons(backend);
  const waiting = cases.filter((c) => c.state === "waiting");
  const atSeats = cases.filter((c) => AT_SEAT.includes(c.state)).sort((a, b) => (a.seatNo ?? 0) - (b.seatNo ?? 0));
  const called = cases.filter((c) => c.calledAt);
  const handed = cases.filter((c) => c.handedAt);
  const minutes = (n: number | null) => (n === null ? "—" : t("queue.minutes", { n }));
  const figures: [string, string, string][] = [
    ["waiting", t("queue.waitingCount"), t("queue.people", { n: waiting.length })],
    ["longest", t("queue.longest"), minutes(waiting.length ? Math.max(...waiting.map((c) => c.waitingMinutes)) : null)],
    ["mean-wait", t("queue.meanWait"), minutes(mean(called.map((c) => c.waitingMinutes)))],
    ["mean-service", t("queue.meanService"), minutes(mean(handed.map((c) => c.serviceMinutes ?? 0)))],
    ["done", t("queue.done"), t("queue.people", { n: handed.length })],
  ];
  return (
    <section className="card" aria-labelledby="queue-title">
      <h1 id="queue-title">{t("queue.title")}</h1>
      {error && <p className="error" role="alert">{error}</p>}
      <dl className="figures" data-testid="queue-figures">
        {figures.map(([id, label, value]) => (
          <div key={id} data-figure={id}>
            <dt>{label}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <div className="two-col">
        <div>
          <h2>{t("queue.waitingList")}</h2>
          <ol data-testid="waiting-list">
            {waiting.map((c) => (
              <li key={`${c.number}/${c.position}`}>
                <span className="mono">{c.starts.slice(0, 5)}</span> <span className="kana">{c.nameKana}</span>{" "}
                {c.late && <span className="badge full">{t("board.late")}</span>} <span className="muted">{minutes(c.waitingMinutes)}</span>
              </li>
            ))}
            {waiting.length === 0 && <li className="muted">{t("queue.none")}</li>}
          </ol>
        </div>
        <div>
          <h2>{t("queue.seats")}</h2>
          <ul data-testid="seats">
            {atSeats.map((c) => (
              <li key={`${c.number}/${c.position}`}>
                <strong>{t("queue.seatNo", { n: c.seatNo ?? 0 })}</strong> <span className="kana">{c.nameKana}</span> {tCode("visitState", c.state)}{" "}
                <span className="muted">{minutes(c.serviceMinutes)}</span>
              </li>
            ))}
            {atSeats.length === 0 && <li className="muted">{t("queue.none")}</li>}
          </ul>
        </div>
      </div>
      <h2>{t("queue.allCases")}</h2>
      <CaseTable cases={cases} city={city} />
    </section>
  );
}

/** Every case of the day with its times: what the reports are made from. */
export function CaseTable({ cases, city = [] }: { cases: CaseView[]; city?: CityReason[] }) {
  return (
    <table className="grid" data-testid="case-table">
      <thead>
        <tr>
          <th>{t("col.number")}</th>
          <th>{t("col.kana")}</th>
          <th>{t("col.state")}</th>
          <th>{t("col.seat")}</th>
          <th>{t("col.checkedIn")}</th>
          <th>{t("col.called")}</th>
          <th>{t("col.handed")}</th>
          <th>{t("col.wait")}</th>
          <th>{t("col.service")}</th>
        </tr>
      </thead>
      <tbody>
        {cases.map((c) => (
          <tr key={`${c.number}/${c.position}`} data-number={c.number}>
            <td className="mono">{c.number}</td>
            <td className="kana">{c.nameKana}</td>
            <td>
              {tCode("visitState", c.state)} {c.endCode && <span className="muted small">{reasonLabel(c.state === "revisit" ? "revisit" : "cancel", c.endCode, city)}{c.endReason && `（${c.endReason}）`}</span>}
            </td>
            <td>{c.seatNo ?? ""}</td>
            <td className="mono">{clock(c.checkedInAt)}</td>
            <td className="mono">{clock(c.calledAt)}</td>
            <td className="mono">{clock(c.handedAt)}</td>
            <td>{c.waitingMinutes}</td>
            <td>{c.serviceMinutes ?? ""}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
