// Moving a booking to another 拠点 (the citizen prefers the station counter): the site, the day
// and a free time of that site's day, read from its board as the booking screen reads another
// site's slots. Core moves the booking with its people; its refusals (a site that serves nobody
// or is closed, a booking no longer "booked", no room) are shown here and the form stays open.
// Enter moves (also from a select), Escape gives up.
import { type FormEvent, type KeyboardEvent, useEffect, useState } from "react";
import { type Backend, errorCode, hhmm, today } from "../api/backend";
import type { ReservationSummary } from "../bindings/ReservationSummary";
import type { Site } from "../bindings/Site";
import { errorText, t } from "../i18n";
import { SiteSelect } from "./SiteSelect";

export function MoveSiteForm({
  backend,
  reservation,
  sites,
  day: startDay,
  onMoved,
  onCancel,
}: {
  backend: Backend;
  reservation: ReservationSummary;
  /** The sites it can move to: serving (a counter or an outreach venue, open), its own left out. Not empty. */
  sites: Site[];
  /** The day first offered (the board's). */
  day: string;
  onMoved: (to: Site) => void;
  onCancel: () => void;
}) {
  const [chosenSite, setChosenSite] = useState(sites[0].id);
  // An outreach venue opens on its one day only: choosing it offers that day.
  const [day, setDay] = useState(sites[0].day ?? startDay);
  /** The free times (HH:MM) of the chosen site's day; null while they load. */
  const [free, setFree] = useState<string[] | null>(null);
  const [starts, setStarts] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const site = sites.find((s) => s.id === chosenSite) ?? sites[0];
  /** A time of the day now shown is chosen (not one left from another site or day still loading). */
  const ready = !!free && free.includes(starts);

  useEffect(() => {
    let current = true;
    setFree(null);
    backend.dayBoard(day, site.id).then(
      (board) => {
        if (!current) return;
        // Today, a slot that has begun is no longer offered (as the board seats walk-ins).
        const now = day === today() ? new Date().toTimeString().slice(0, 5) : "00:00";
        const times = board.slots.filter((s) => s.taken < s.capacity && hhmm(s.starts) >= now).map((s) => hhmm(s.starts));
        setFree(times);
        setStarts((chosen) => (times.includes(chosen) ? chosen : (times[0] ?? "")));
      },
      (e) => {
        if (!current) return;
        setFree([]);
        setError(errorText(errorCode(e)));
      },
    );
    return () => {
      current = false;
    };
  }, [backend, day, site.id]);

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (busy || !ready) return;
    setBusy(true);
    setError(null);
    try {
      await backend.reschedule(reservation.number, day, starts, site.id);
      onMoved(site);
    } catch (err) {
      setError(errorText(errorCode(err)));
      setBusy(false);
    }
  }

  function keys(e: KeyboardEvent<HTMLFormElement>) {
    if (e.key === "Escape") {
      e.preventDefault();
      e.stopPropagation();
      onCancel();
    } else if (e.key === "Enter" && e.target instanceof HTMLSelectElement && !e.nativeEvent.isComposing) {
      // A select does not submit its form on Enter by itself.
      e.preventDefault();
      e.currentTarget.requestSubmit();
    }
  }

  return (
    <form className="move-site" aria-label={t("board.moveSiteOf", { number: reservation.number })} data-testid="move-site" onSubmit={submit} onKeyDown={keys}>
      <div className="row">
        <SiteSelect
          label={t("board.moveTo")}
          name="moveSite"
          testId="move-site-to"
          sites={sites}
          value={site.id}
          autoFocus
          onChange={(id) => {
            setChosenSite(id);
            setError(null);
            const only = sites.find((s) => s.id === id)?.day;
            if (only) setDay(only);
          }}
        />
        <label>
          {t("board.moveDay")}
          <input
            type="date"
            name="moveDay"
            value={day}
            onChange={(e) => {
              if (!e.target.value) return;
              setDay(e.target.value);
              setError(null);
            }}
          />
        </label>
        <label>
          {t("board.moveTime")}
          <select name="moveTime" value={starts} disabled={!free?.length} onChange={(e) => setStarts(e.target.value)}>
            {free?.map((time) => (
              <option key={time} value={time}>
                {time}
              </option>
            ))}
          </select>
        </label>
      </div>
      {free === null && <p className="muted small">{t("board.moveLoading")}</p>}
      {free?.length === 0 && !error && <p className="muted">{t("board.moveNoSlot")}</p>}
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="actions">
        <button type="submit" className="small" disabled={busy || !ready}>
          {t("board.moveSubmit")}
        </button>
        <button type="button" className="small secondary" onClick={onCancel}>
          {t("board.moveCancel")}
        </button>
        <span className="small muted">{t("board.moveHint")}</span>
      </div>
    </form>
  );
}
