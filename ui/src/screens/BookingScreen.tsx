// The booking flow: applicant(s) → procedures → (site) → day and slot (free places per slot) → the
// confirmation that reads back the reservation number. Keyboard: Tab through, Enter books.
// A city with more than one bookable site (拠点) picks the site first: the board and the booking
// are that site's. A call-center PC's own site is a desk, so it starts on the first bookable one.
// A site that takes only some procedures offers only those: the others are greyed out with a
// note (one already checked can still be unchecked), and a booking with one is stopped here.
import { type FormEvent, useEffect, useState } from "react";
import { SiteSelect } from "../components/SiteSelect";
import { addDays, type Backend, errorCode, today } from "../api/backend";
import type { ApplicantType } from "../bindings/ApplicantType";
import type { BookPersonRequest } from "../bindings/BookPersonRequest";
import type { Channel } from "../bindings/Channel";
import type { DayBoard } from "../bindings/DayBoard";
import type { Procedure } from "../bindings/Procedure";
import type { ReservationSummary } from "../bindings/ReservationSummary";
import type { IntakeScript } from "../bindings/IntakeScript";
import type { PhoneIntake } from "../bindings/PhoneIntake";
import { IntakePanel } from "../components/IntakePanel";
import { errorText, t, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { siteName } from "../sites";
import { useSitePicker } from "./useSites";
import { PROCEDURES } from "../procedures";


const APPLICANT_TYPES: ApplicantType[] = ["self", "legal_representative", "proxy"];

const emptyPerson = (): BookPersonRequest => ({
  nameKanji: "",
  nameKana: "",
  phone: "",
  birthDate: "",
  applicantType: "self",
  procedures: [],
});

export function BookingScreen({ backend }: { backend: Backend }) {
  const [people, setPeople] = useState<BookPersonRequest[]>([emptyPerson()]);
  const [channel, setChannel] = useState<Channel>("phone");
  const [notes, setNotes] = useState("");
  const [revisitOf, setRevisitOf] = useState("");
  const [day, setDay] = useState(addDays(today(), 1));
  const { sites, bookable, multiSite, site, setChosenSite } = useSitePicker(backend);
  const [board, setBoard] = useState<DayBoard | null>(null);
  const [slot, setSlot] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [done, setDone] = useState<ReservationSummary | null>(null);
  // Phone intake answers and the scripts they were given against, per person.
  const [intake, setIntake] = useState<PhoneIntake[]>([]);
  const [scripts, setScripts] = useState<(IntakeScript | undefined)[]>([]);
  const intakeOf = (i: number): PhoneIntake => intake[i] ?? { position: i, facts: {}, marks: {} };
  // The site the visit is booked at (a walk-in: this PC's) and the procedures it takes (null: every one).
  const bookingAt = sites.view?.sites.find((x) => x.id === (channel === "walk_in" ? sites.view?.here : (site ?? sites.view?.here)));
  const offered = bookingAt?.procedures ?? null;
  const offers = (procedure: Procedure) => offered === null || offered.includes(procedure);
  const notOffered = PROCEDURES.filter((p) => !offers(p));

  useEffect(() => {
    setSlot(null);
    // The board waits for the sites: a desk PC's own board is not the one to book on.
    if (!sites.loaded) return;
    let live = true;
    backend.dayBoard(day, site).then(
      (b) => live && setBoard(b),
      (e) => live && setError(errorText(errorCode(e))),
    );
    return () => {
      live = false;
    };
  }, [backend, day, site, sites.loaded, done]);

  const update = (i: number, patch: Partial<BookPersonRequest>) =>
    setPeople((ps) => ps.map((p, k) => (k === i ? { ...p, ...patch } : p)));

  const toggle = (i: number, procedure: Procedure) =>
    update(i, {
      procedures: people[i].procedures.includes(procedure)
        ? people[i].procedures.filter((p) => p !== procedure)
        : [...people[i].procedures, procedure],
    });

  async function submit(e: FormEvent) {
    e.preventDefault();
    if (people.some((p) => !p.nameKanji.trim() || !p.nameKana.trim() || p.procedures.length === 0)) {
      setError(t("book.required"));
      return;
    }
    const refused = PROCEDURES.filter((proc) => !offers(proc) && people.some((p) => p.procedures.includes(proc)));
    if (refused.length > 0) {
      setError(t("book.notOfferedChosen", { procedures: refused.map((p) => tCode("procedure", p)).join("・") }));
      return;
    }
    if (!slot && channel !== "walk_in") {
      setError(t("book.slot"));
      return;
    }
    try {
      const answered = people.map((_, i) => intakeOf(i)).filter((x) => Object.keys(x.marks).length > 0 || Object.keys(x.facts).length > 0);
      setDone(
        channel === "walk_in"
          ? await backend.walkIn(people)
          : await backend.book({ day, starts: slot ?? "", channel, people, notes, intake: answered, revisitOf: revisitOf.trim() || undefined, site }),
      );
      setError(null);
    } catch (err) {
      setError(errorText(errorCode(err)));
    }
  }

  if (done) {
    return (
      <section className="card narrow" aria-labelledby="done-title">
        <h1 id="done-title">{done.channel === "walk_in" ? t("book.walkInDone") : t("book.done")}</h1>
        {done.status === "queued" && <p className="error" data-testid="queued">{t("book.queued")}</p>}
        <p className="lead">{t("book.numberLead")}</p>
        {done.channel !== "walk_in" && scripts.some(Boolean) && (
          <div className="notice" data-testid="bring-list">
            <h2>{t("intake.bring")}</h2>
            <ul>
              {scripts.flatMap((sc, i) =>
                (sc?.bring ?? []).map((label) => (
                  <li key={`${i}-${label}`}>
                    {people.length > 1 ? `${people[i]?.nameKana}：` : ""}
                    {label}
                  </li>
                )),
              )}
            </ul>
            {scripts.map((sc, i) =>
              sc && sc.say.length > 0 ? (
                <p key={i} data-testid={`two-visits-${i}`}>
                  {people.length > 1 ? `${people[i]?.nameKana}：` : ""}
                  {sc.say.join("")}
                </p>
              ) : null,
            )}
          </div>
        )}
        <p className="number" data-testid="reservation-number">{done.number}</p>
        {done.provisional && (
          <p className="badge provisional" data-testid="provisional-note">
            {t("book.provisional")}
          </p>
        )}
        <p>
          {done.day} {done.status === "queued" ? "" : done.starts.slice(0, 5)}　{done.people.map((p) => p.nameKanji).join("・")}
        </p>
        {done.channel !== "walk_in" && site && (
          <p data-testid="booked-site">{t("book.siteDone", { site: siteName(sites.view, site) })}</p>
        )}
        <button
          type="button"
          autoFocus
          data-action="another"
          onClick={() => {
            setDone(null);
            setIntake([]);
            setScripts([]);
            setPeople([emptyPerson()]);
            setNotes("");
            setRevisitOf("");
          }}
        >
          {t("book.another")}
        </button>
      </section>
    );
  }

  return (
    <form className="card" onSubmit={submit} aria-labelledby="book-title">
      <h1 id="book-title">{t("book.title")}</h1>
      {people.map((p, i) => (
        <fieldset key={i} className="person">
          <legend>{t("book.person", { n: i + 1 })}</legend>
          <div className="row">
            <label>
              {t("book.nameKanji")}
              <input type="text" name={`nameKanji${i}`} maxLength={MAX_LENGTH.name} value={p.nameKanji} autoFocus={i === 0} onChange={(e) => update(i, { nameKanji: e.target.value })} />
            </label>
            <label>
              {t("book.nameKana")}
              <input type="text" name={`nameKana${i}`} maxLength={MAX_LENGTH.kanaName} value={p.nameKana} onChange={(e) => update(i, { nameKana: e.target.value })} />
            </label>
            <label>
              {t("book.phone")}
              <input type="tel" name={`phone${i}`} maxLength={MAX_LENGTH.phone} value={p.phone ?? ""} onChange={(e) => update(i, { phone: e.target.value })} />
            </label>
            <label>
              {t("book.birthDate")}
              <input type="date" name={`birthDate${i}`} value={p.birthDate ?? ""} onChange={(e) => update(i, { birthDate: e.target.value })} />
            </label>
            <label>
              {t("book.applicantType")}
              <select value={p.applicantType} onChange={(e) => update(i, { applicantType: e.target.value as ApplicantType })}>
                {APPLICANT_TYPES.map((a) => (
                  <option key={a} value={a}>{tCode("applicantType", a)}</option>
                ))}
              </select>
            </label>
          </div>
          <div className="checks" role="group" aria-label={t("book.procedures")}>
            {PROCEDURES.map((proc) => {
              const off = !offers(proc);
              const checked = p.procedures.includes(proc);
              return (
                <label key={proc} className={off ? "check not-offered" : "check"}>
                  <input
                    type="checkbox"
                    name={`${proc}${i}`}
                    checked={checked}
                    disabled={off && !checked}
                    aria-describedby={off ? `not-offered-${i}` : undefined}
                    onChange={() => toggle(i, proc)}
                  />
                  {tCode("procedure", proc)}
                </label>
              );
            })}
          </div>
          {notOffered.length > 0 && (
            <p className="small muted" id={`not-offered-${i}`} data-testid="not-offered">
              {t("book.notOffered", { procedures: notOffered.map((proc) => tCode("procedure", proc)).join("・") })}
            </p>
          )}
          {channel !== "walk_in" && (
            <IntakePanel
              backend={backend}
              position={i}
              name={p.nameKana}
              procedures={p.procedures}
              applicantType={p.applicantType}
              day={day}
              value={intakeOf(i)}
              onChange={(v) => setIntake((all) => Object.assign([...all], { [i]: v }))}
              onScript={(sc) => setScripts((all) => Object.assign([...all], { [i]: sc }))}
            />
          )}
          {i > 0 && (
            <button type="button" className="small secondary" onClick={() => setPeople((ps) => ps.filter((_, k) => k !== i))}>
              {t("book.removePerson")}
            </button>
          )}
        </fieldset>
      ))}
      <button type="button" className="secondary" onClick={() => setPeople((ps) => [...ps, { ...emptyPerson(), phone: ps[0].phone }])}>
        {t("book.addPerson")}
      </button>
      <div className="row">
        <label>
          {t("book.channel")}
          <select value={channel} onChange={(e) => setChannel(e.target.value as Channel)}>
            <option value="phone">{tCode("channel", "phone")}</option>
            <option value="counter">{tCode("channel", "counter")}</option>
            <option value="walk_in">{tCode("channel", "walk_in")}</option>
          </select>
        </label>
        {channel !== "walk_in" && bookable.length > 1 && (
          <SiteSelect
            label={t("book.site")}
            name="bookingSite"
            testId="booking-site"
            sites={bookable}
            value={site}
            onChange={(s) => {
              setChosenSite(s);
              setBoard(null);
            }}
          />
        )}
        {channel !== "walk_in" && (
        <label>
          {t("book.day")}
          <input type="date" name="day" value={day} onChange={(e) => e.target.value && setDay(e.target.value)} />
        </label>
        )}
        {channel !== "walk_in" && (
          <label>
            {t("book.revisitOf")}
            <input type="text" name="revisitOf" value={revisitOf} placeholder="1234-5678" onChange={(e) => setRevisitOf(e.target.value)} />
          </label>
        )}
        <label className="grow">
          {t("book.notes")}
          <input type="text" name="notes" maxLength={MAX_LENGTH.bookingNote} value={notes} onChange={(e) => setNotes(e.target.value)} />
        </label>
      </div>
      {channel === "walk_in" ? (
        <p className="muted">{t("book.walkInNote")}</p>
      ) : (
      <>
      <p className="muted">{t("book.slot")}</p>
      {sites.view && multiSite && bookable.length === 0 && <p className="error">{t("book.noSite")}</p>}
      {board && board.slots.length === 0 && <p className="muted">{t("book.noSlots")}</p>}
      <div className="slots" role="radiogroup" aria-label={t("book.slot")} data-day={board?.day} data-site={site}>
        {board?.slots.map((s) => {
          const free = Math.max(0, s.capacity - s.taken);
          return (
            <button
              key={s.starts}
              type="button"
              role="radio"
              aria-checked={slot === s.starts}
              data-slot={s.starts.slice(0, 5)}
              className={slot === s.starts ? "slot selected" : "slot"}
              disabled={free === 0}
              onClick={() => setSlot(s.starts)}
            >
              <span className="mono">{s.starts.slice(0, 5)}</span>
              <span className="small">{t("book.slotFree", { free })}</span>
            </button>
          );
        })}
      </div>
      </>
      )}
      {error && <p className="error" role="alert">{error}</p>}
      <button type="submit">{t("book.submit")}</button>
    </form>
  );
}
