// A table of reservations (search results, lists). Shows the first person's name; a household
// booking adds "ほか n 名".
import type { ReservationSummary } from "../bindings/ReservationSummary";
import { t, tCode } from "../i18n";

export function ReservationTable({ rows, actions }: {
  rows: ReservationSummary[];
  actions?: (r: ReservationSummary) => React.ReactNode;
}) {
  return (
    <table className="grid" data-testid="reservation-table">
      <thead>
        <tr>
          <th>{t("col.number")}</th>
          <th>{t("col.day")}</th>
          <th>{t("col.time")}</th>
          <th>{t("col.name")}</th>
          <th>{t("col.phone")}</th>
          <th>{t("col.procedures")}</th>
          <th>{t("col.status")}</th>
          {actions && <th />}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.id}>
            <td className="mono">{r.number}</td>
            <td>{r.day}</td>
            <td>{r.starts.slice(0, 5)}</td>
            <td>
              <div className="kana">{r.people[0]?.nameKana}</div>
              <div>
                {r.people[0]?.nameKanji}
                {r.people.length > 1 && <span className="muted">（ほか {r.people.length - 1} 名）</span>}
              </div>
            </td>
            <td className="mono">{r.people[0]?.phone ?? ""}</td>
            <td>{r.people.flatMap((p) => p.procedures).map((p) => tCode("procedure", p)).join("・")}</td>
            <td>
              <span className={`badge status-${r.status}`}>{tCode("status", r.status)}</span>
            </td>
            {actions && <td className="actions">{actions(r)}</td>}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
