// Today's board: the day's status (open, holiday session, closed and why, part closed), the
// slots with places free and each slot's reservations with check-in, the people waiting in
// serving order (late arrivals after those on time), and walk-ins queued for a place.
// A city with more than one bookable site (拠点) picks whose board to show, as the booking screen
// does: this PC's site if it takes bookings, else the first that does (a call-center PC's own
// site is a desk, which has no board). There a booking can also move to another serving site
// (拠点を変更: the citizen prefers the station counter); it then leaves this site's board.
// Reception checks a booked person in with one scan of the slip's number (F4: ScanCheckIn).
// A booked line prints its reservation slip again (予約票を印刷: SlipButton).
import { Fragment, useCallback, useEffect, useRef, useState } from "react";
import { MoveSiteForm } from "../components/MoveSiteForm";
import { SiteSelect } from "../components/SiteSelect";
import { ScanCheckIn } from "../components/ScanCheckIn";
import { SlipButton } from "../components/SlipButton";
import { addDays, type Backend, errorCode, hhmm, today } from "../api/backend";
import type { DayBoard } from "../bindings/DayBoard";
import type { ImprovementNotice } from "../bindings/ImprovementNotice";
import type { DayStatus } from "../bindings/DayStatus";
import type { ReservationStatus } from "../bindings/ReservationStatus";
import type { ReservationSummary } from "../bindings/ReservationSummary";
import { errorText, t, tCode } from "../i18n";
import { useOnSynced } from "./useLoaded";
import { OpenIncidentsCard } from "./IncidentsScreen";
import { useSitePicker } from "./useSites";

export function BoardScreen({ backend, onOpenChecklist }: { backend: Backend; onOpenChecklist?: (number: string) => void }) {
  const [day, setDay] = useState(today());
  const [board, setBoard] = useState<DayBoard | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [overdue, setOverdue] = useState(0);
  const { sites, bookable, site, setChosenSite } = useSitePicker(backend);
  /** The latest board asked for: an answer to an earlier one (another day or site) is dropped. */
  const asked = useRef(0);
  /** The booking whose 拠点を変更 form is open, and the last move's message. */
  const [moving, setMoving] = useState<string | null>(null);
  const [moved, setMoved] = useState<string | null>(null);
  const moveButton = useRef<HTMLButtonElement>(null);
  const movedMessage = useRef<HTMLParagraphElement>(null);
  /** Where a booking of this board can move: the other serving sites (none in a one-site city). */
  const moveTargets = bookable.length > 1 ? bookable.filter((s) => s.id !== site) : [];

  // Reports past their due date, flagged for everyone (the manager submits them).
  useEffect(() => {
    backend.reportsDue(addDays(today(), -62)).then((due) => setOverdue(due.filter((r) => r.overdue).length), () => setOverdue(0));
  }, [backend]);

  // The manager's paperwork deadlines: work logs overdue and improvement notices late (staff: none).
  const [worklogsOverdue, setWorklogsOverdue] = useState(0);
  const [improvementsLate, setImprovementsLate] = useState<ImprovementNotice[]>([]);
  useEffect(() => {
    backend.workLogsDue(addDays(today(), -31)).then((due) => setWorklogsOverdue(due.filter((l) => l.overdue).length), () => setWorklogsOverdue(0));
    backend.improvementsOverdue().then(setImprovementsLate, () => setImprovementsLate([]));
  }, [backend]);

  const load = useCallback(async () => {
    // The board waits for the sites: a desk PC's own board is not the one to show.
    if (!sites.loaded) return;
    const ask = ++asked.current;
    try {
      const b = await backend.dayBoard(day, site);
      if (ask !== asked.current) return;
      setBoard(b);
      setError(null);
    } catch (e) {
      if (ask === asked.current) setError(errorText(errorCode(e)));
    }
  }, [backend, day, site, sites.loaded]);

  useEffect(() => {
    void load();
  }, [load]);
  useOnSynced(load);

  // Another day or site: an open move form and the last move's message belong to the board left.
  useEffect(() => {
    setMoving(null);
    setMoved(null);
  }, [day, site]);
  // The moved booking has left the board: the message takes the focus.
  useEffect(() => {
    if (moved) movedMessage.current?.focus();
  }, [moved]);

  function cancelMove() {
    moveButton.current?.focus();
    setMoving(null);
  }
  function movedTo(r: ReservationSummary, to: { name: string }) {
    setMoving(null);
    setError(null);
    setMoved(t("board.movedSite", { number: r.number, site: to.name }));
    void load();
  }

  async function act(action: () => Promise<unknown>) {
    try {
      await action();
      await load();
    } catch (e) {
      setError(errorText(errorCode(e)));
    }
  }
  const setStatus = (r: ReservationSummary, status: ReservationStatus) => act(() => backend.setReservationStatus(r.number, status));

  /** Seats a queued walk-in in the first slot with a free place that has not ended yet. */
  function seat(r: ReservationSummary) {
    const now = day === today() ? new Date().toTimeString().slice(0, 5) : "00:00";
    const slot = board?.slots.find((s) => s.taken < s.capacity && hhmm(s.starts) >= now);
    if (!slot) {
      setError(errorText("slot_full"));
      return;
    }
    void act(() => backend.reschedule(r.number, day, hhmm(slot.starts)));
  }

  const open = board && board.slots.length > 0;
  const queued = board?.reservations.filter((r) => r.status === "queued") ?? [];
  const waiting = (board?.reservations.filter((r) => r.status === "checked_in") ?? []).sort(servingOrder);
  return (
    <section className="card" aria-labelledby="board-title" data-site={site}>
      <h1 id="board-title">{t("board.title")}</h1>
      <OpenIncidentsCard backend={backend} />
      <div className="toolbar">
        {bookable.length > 1 && (
          <SiteSelect
            className="inline"
            label={t("board.site")}
            name="boardSite"
            testId="board-site"
            sites={bookable}
            value={site}
            onChange={(s) => {
              setChosenSite(s);
              setBoard(null);
            }}
          />
        )}
        <button type="button" onClick={() => setDay(addDays(day, -1))}>{t("board.prev")}</button>
        <label className="inline">
          {t("board.day")}
          <input type="date" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} />
        </label>
        <button type="button" onClick={() => setDay(addDays(day, 1))}>{t("board.next")}</button>
        {board?.status.kind === "open" && board.status.session === "holiday_session" && <span className="badge ok">{t("board.session")}</span>}
      </div>
      <ScanCheckIn backend={backend} site={site} onCheckedIn={() => void load()} />
      {error && <p className="error" role="alert">{error}</p>}
      {moved && (
        <p className="ok-message" role="status" tabIndex={-1} ref={movedMessage} data-testid="moved-site">
          {moved}
        </p>
      )}
      {overdue > 0 && (
        <p className="notice" data-testid="overdue-reports">
          {t("board.overdueReports", { n: overdue })}
        </p>
      )}
      {worklogsOverdue > 0 && (
        <p className="notice" data-testid="overdue-worklogs">
          {t("board.worklogsDue", { n: worklogsOverdue })}
        </p>
      )}
      {improvementsLate.length > 0 && (
        <div className="notice" data-testid="improvement-deadlines">
          <h2>{t("board.improvementDeadlines")}</h2>
          <ul>
            {improvementsLate.map((n) => (
              <li key={n.id} className={n.alert?.kind === "plan_overdue" ? "error" : undefined}>
                {n.docRef}：{tCode("improvement.alert", n.alert?.kind ?? "")}（{n.alert?.due}）
                {n.alert?.kind === "plan_overdue" && ` ${t("improvement.paymentStop")} ${n.paymentStopFrom}〜 ${t("improvement.cancelRule")}`}
              </li>
            ))}
          </ul>
        </div>
      )}
      {board && <DayNotice status={board.status} />}
      {queued.length > 0 && (
        <div className="notice" data-testid="walk-in-queue">
          <h2>{t("board.queue", { n: queued.length })}</h2>
          <ol>
            {queued.map((r) => (
              <li key={r.id} data-number={r.number}>
                <span className="mono">{r.checkedInAt?.slice(11, 16)}</span> <span className="kana">{r.people[0]?.nameKana}</span>{" "}
                {r.people.flatMap((p) => p.procedures).map((p) => tCode("procedure", p)).join("・")}{" "}
                <button type="button" className="small" onClick={() => seat(r)}>{t("board.seat")}</button>
                <button type="button" className="small secondary" onClick={() => void setStatus(r, "cancelled")}>{t("board.left")}</button>
              </li>
            ))}
          </ol>
        </div>
      )}
      {waiting.length > 0 && (
        <div className="waiting" data-testid="serving-order">
          <h2>{t("board.waiting")}</h2>
          <ol>
            {waiting.map((r) => (
              <li key={r.id}>
                <span className="mono">{hhmm(r.starts)}</span> <span className="kana">{r.people[0]?.nameKana}</span>
                {r.late && <span className="badge full">{t("board.late")}</span>}
              </li>
            ))}
          </ol>
        </div>
      )}
      {open && (
        <table className="grid board" data-testid="board">
          <thead>
            <tr>
              <th>{t("board.time")}</th>
              <th>{t("board.places")}</th>
              <th>{t("board.reservations")}</th>
            </tr>
          </thead>
          <tbody>
            {board.slots.map((slot) => {
              const starting = board.reservations.filter((r) => r.starts === slot.starts && r.status !== "queued");
              const free = Math.max(0, slot.capacity - slot.taken);
              return (
                <tr key={slot.starts} className={free === 0 ? "full" : undefined}>
                  <td className="mono">{hhmm(slot.starts)}</td>
                  <td>
                    {slot.capacity === 0 ? (
                      <span className="badge full">{t("board.stopped")}</span>
                    ) : (
                      <>
                        <span className={free === 0 ? "badge full" : "badge ok"}>{t("board.free", { free })}</span>
                        <span className="muted">{t("board.of", { capacity: slot.capacity })}</span>
                      </>
                    )}
                  </td>
                  <td>
                    {starting.map((r) => (
                      <Fragment key={r.id}>
                        <div className="booking" data-number={r.number}>
                          <span className="mono">{r.number}</span>
                          <span className="kana">{r.people.map((p) => p.nameKana).join("・")}</span>
                          {r.channel === "walk_in" && <span className="badge">{tCode("channel", "walk_in")}</span>}
                          <span className={`badge status-${r.status}`}>{tCode("status", r.status)}</span>
                          {r.provisional && <span className="badge provisional" data-testid="provisional" title={t("sync.lead")}>{t("board.provisional")}</span>}
                          {r.late && <span className="badge full">{t("board.late")}</span>}
                          {onOpenChecklist && (r.status === "booked" || r.status === "checked_in") && (
                            <button type="button" className="small secondary" data-action="checklist" onClick={() => onOpenChecklist(r.number)}>
                              {t("board.checklist")}
                            </button>
                          )}
                          {r.status === "booked" && (
                            <>
                              <button type="button" className="small" data-action="check-in" onClick={() => void setStatus(r, "checked_in")}>
                                {t("board.checkIn")}
                              </button>
                              <button type="button" className="small secondary" onClick={() => void setStatus(r, "no_show")}>
                                {t("board.noShow")}
                              </button>
                              {moveTargets.length > 0 && (
                                <button
                                  type="button"
                                  className="small secondary"
                                  data-action="move-site"
                                  aria-expanded={moving === r.number}
                                  ref={moving === r.number ? moveButton : undefined}
                                  onClick={() => {
                                    setMoved(null);
                                    setMoving(moving === r.number ? null : r.number);
                                  }}
                                >
                                  {t("board.moveSite")}
                                </button>
                              )}
                              <SlipButton backend={backend} number={r.number} small />
                            </>
                          )}
                        </div>
                        {moving === r.number && r.status === "booked" && moveTargets.length > 0 && (
                          <MoveSiteForm
                            backend={backend}
                            reservation={r}
                            sites={moveTargets}
                            day={day}
                            onMoved={(to) => movedTo(r, to)}
                            onCancel={cancelMove}
                          />
                        )}
                      </Fragment>
                    ))}
                  </td>
                </tr>
              );
            })}
          </tbody>
        </table>
      )}
    </section>
  );
}

/** Why the counter is closed, or which part of the day is stopped. */
function DayNotice({ status }: { status: DayStatus }) {
  if (status.kind === "open") {
    if (!status.closure) return null;
    const c = status.closure;
    return (
      <p className="error" data-testid="partly-closed">
        {t("board.partlyClosed", { from: c.from ? hhmm(c.from) : hhmm(status.opens), until: c.until ? hhmm(c.until) : hhmm(status.closes) })}
        {tCode("closureReason", c.reason)} {c.note}
      </p>
    );
  }
  const r = status.reason;
  const text =
    r.kind === "national_holiday"
      ? t("board.closedHoliday", { name: r.name })
      : r.kind === "closure"
        ? `${t("board.closedClosure")}${tCode("closureReason", r.closure.reason)} ${r.closure.note}`
        : tCode("closedReason", r.kind);
  return (
    <p className="muted" data-testid="closed">
      {text}
    </p>
  );
}

/** Those on time by booked time, then late arrivals; ties by check-in time. */
function servingOrder(a: ReservationSummary, b: ReservationSummary): number {
  return Number(a.late) - Number(b.late) || a.starts.localeCompare(b.starts) || (a.checkedInAt ?? "").localeCompare(b.checkedInAt ?? "");
}
