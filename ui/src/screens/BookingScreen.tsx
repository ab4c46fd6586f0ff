// The booking flow: applicant(s) → procedures → (site) → day and slot (free places per slot) → the
// confirmation that reads back the reservation number, with 「予約票を印刷」 (SlipButton) beside
// 「続けて予約」 for the slip's PDF (a revisit's second visit is booked here too, with 「前回の予約番号」).
// Keyboard (a phone booking in a few keys once the names and phone are typed): Alt+P the first
// procedure (Space ticks it; in the procedures the digit n ticks the n-th), Alt+D the day (↑↓ or + − move it by one), Alt+S the slots (a radio
// group with one Tab stop; ←→↑↓ Home End move between the free ones and select), Alt+N the next
// free slot on or after the day, Enter books (from any field, or on a slot: that slot). The
// shortcuts jump over the phone intake, whose questions stay in the Tab order. A booking with
// something missing says what and puts the focus there.
// A city with more than one bookable site (拠点) picks the site first: the board and the booking
// are that site's. A call-center PC's own site is a desk, so it starts on the first bookable one.
// A site that takes only some procedures offers only those: the others are greyed out with a
// note (one already checked can still be unchecked), and a booking with one is stopped here.
import { type FormEvent, type KeyboardEvent as ReactKeyboardEvent, useEffect, useLayoutEffect, useRef, useState } from "react";
import { SiteSelect } from "../components/SiteSelect";
import { addDays, type Backend, errorCode, today } from "../api/backend";
import type { ApplicantType } from "../bindings/ApplicantType";
import type { BookPersonRequest } from "../bindings/BookPersonRequest";
import type { Channel } from "../bindings/Channel";
import type { DayBoard } from "../bindings/DayBoard";
import type { SlotInfo } from "../bindings/SlotInfo";
import type { Procedure } from "../bindings/Procedure";
import type { ReservationSummary } from "../bindings/ReservationSummary";
import type { IntakeScript } from "../bindings/IntakeScript";
import type { PhoneIntake } from "../bindings/PhoneIntake";
import { IntakePanel } from "../components/IntakePanel";
import { SlipButton } from "../components/SlipButton";
import { dayLabel, errorText, t, tCode } from "../i18n";
import { MAX_LENGTH } from "../limits";
import { siteName } from "../sites";
import { useSitePicker } from "./useSites";
import { PROCEDURES } from "../procedures";


const APPLICANT_TYPES: ApplicantType[] = ["self", "legal_representative", "proxy"];

/** How many days from the chosen one 「次の空き」 looks through. */
const NEXT_FREE_DAYS = 31;

const isFree = (s: SlotInfo) => s.capacity - s.taken > 0;

/** The key of a shortcut Alt+letter, whatever the layout makes of the letter (macOS: Option+S is ß). */
function altLetter(e: KeyboardEvent): string | null {
  if (!e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || e.isComposing) return null;
  if (/^Key[A-Z]$/.test(e.code)) return e.code.slice(3).toLowerCase();
  return e.key.length === 1 ? e.key.toLowerCase() : null;
}

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
  const formRef = useRef<HTMLFormElement>(null);
  const dayRef = useRef<HTMLInputElement>(null);
  const slotsRef = useRef<HTMLDivElement>(null);
  // A slot 「次の空き」 found before its day's board was shown: selected once it is.
  const pending = useRef<{ day: string; site: string | undefined; starts: string } | null>(null);
  // What the asynchronous 「次の空き」 and the window's shortcuts read: the values as last rendered.
  const latest = useRef({ day, site, board });
  // A booking under way (a held Enter does not book twice).
  const busy = useRef(false);

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

  // The slot group's one Tab stop: the chosen slot, else the first free one.
  const tabStop = board?.slots.find((s) => s.starts === slot && isFree(s))?.starts ?? board?.slots.find(isFree)?.starts ?? null;
  const slotButton = (starts: string) => slotsRef.current?.querySelector<HTMLButtonElement>(`[data-slot="${starts.slice(0, 5)}"]`) ?? null;
  const choose = (starts: string) => {
    setSlot(starts);
    slotButton(starts)?.focus();
  };
  const focusSlots = () => (tabStop ? slotButton(tabStop) : slotsRef.current)?.focus();
  /** The first procedure that can be ticked of person `i`. */
  const focusProcedures = (i: number) =>
    formRef.current
      ?.querySelectorAll<HTMLElement>("fieldset.person")
      [i]?.querySelector<HTMLInputElement>("[data-procedures] input:not(:disabled)")
      ?.focus();

  useLayoutEffect(() => {
    latest.current = { day, site, board };
  });

  // The board of the day 「次の空き」 moved to is shown: select the slot it found there.
  useEffect(() => {
    const p = pending.current;
    if (!p || !board || board.day !== p.day || p.site !== site) return;
    pending.current = null;
    if (board.slots.some((s) => s.starts === p.starts && isFree(s))) choose(p.starts);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [board, site]);

  /** 「次の空き」: the earliest free slot on or after the chosen day (the day moves to it). */
  async function nextFree() {
    if (channel === "walk_in") return;
    const from = day;
    const at = site;
    for (let k = 0; k < NEXT_FREE_DAYS; k++) {
      const d = addDays(from, k);
      const shown = latest.current.board;
      let b: DayBoard;
      if (shown && shown.day === d && latest.current.day === d) {
        b = shown;
      } else {
        try {
          b = await backend.dayBoard(d, at);
        } catch (err) {
          setError(errorText(errorCode(err)));
          return;
        }
      }
      // The staff moved on meanwhile: their choice stands.
      if (latest.current.day !== from || latest.current.site !== at) return;
      const s = b.slots.find(isFree);
      if (!s) continue;
      if (d === from && latest.current.board?.day === from) {
        choose(s.starts);
      } else {
        pending.current = { day: d, site: at, starts: s.starts };
        if (d !== from) setDay(d);
      }
      return;
    }
    setError(t("book.noFreeFrom", { from: dayLabel(from), days: NEXT_FREE_DAYS }));
  }

  // Alt+P procedures, Alt+D day, Alt+S slots, Alt+N next free slot: from anywhere on the screen.
  const shortcut = useRef<(e: KeyboardEvent) => void>(() => {});
  useLayoutEffect(() => {
    shortcut.current = (e) => {
      const form = formRef.current;
      const letter = altLetter(e);
      if (!form || !letter) return;
      if (letter === "p") {
        const here = document.activeElement?.closest("fieldset.person");
        const at = Array.from(form.querySelectorAll("fieldset.person")).findIndex((f) => f === here);
        focusProcedures(Math.max(0, at));
      } else if (letter === "d" && dayRef.current) {
        dayRef.current.focus();
      } else if (letter === "s" && slotsRef.current) {
        focusSlots();
      } else if (letter === "n" && channel !== "walk_in") {
        void nextFree();
      } else {
        return;
      }
      e.preventDefault();
    };
  });
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => shortcut.current(e);
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);

  /** In the day field: ↑ or + the next day, ↓ or − the day before. */
  function onDayKey(e: ReactKeyboardEvent<HTMLInputElement>) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.nativeEvent.isComposing) return;
    const step = ["ArrowUp", "+", "Add"].includes(e.key) ? 1 : ["ArrowDown", "-", "−", "Subtract"].includes(e.key) ? -1 : 0;
    if (step === 0) return;
    e.preventDefault();
    setDay((d) => addDays(d, step));
  }

  /** In a person's procedures: the digit n ticks (or unticks) the n-th procedure and focuses it. */
  function onProcedureKey(e: ReactKeyboardEvent<HTMLDivElement>) {
    if (e.altKey || e.ctrlKey || e.metaKey || e.nativeEvent.isComposing) return;
    const n = /^[1-9]$/.test(e.key.normalize("NFKC")) ? Number(e.key.normalize("NFKC")) : 0;
    const box = n > 0 ? e.currentTarget.querySelectorAll<HTMLInputElement>('input[type="checkbox"]')[n - 1] : undefined;
    if (!box || box.disabled) return;
    e.preventDefault();
    box.focus();
    box.click();
  }

  /** The slots as one radio group: arrows, Home and End move between the free ones and select;
   * Enter books the focused one. */
  function onSlotKey(e: ReactKeyboardEvent<HTMLDivElement>) {
    if (e.altKey || e.ctrlKey || e.metaKey) return;
    const free = board?.slots.filter(isFree) ?? [];
    const current = (e.target as HTMLElement).closest<HTMLElement>("[data-starts]")?.dataset.starts;
    if (e.key === "Enter") {
      if (!current) return;
      e.preventDefault();
      setSlot(current);
      void book(current);
      return;
    }
    if (free.length === 0) return;
    const at = free.findIndex((s) => s.starts === current);
    const last = free.length - 1;
    const next: Record<string, number> = {
      ArrowRight: at < 0 ? 0 : at === last ? 0 : at + 1,
      ArrowDown: at < 0 ? 0 : at === last ? 0 : at + 1,
      ArrowLeft: at <= 0 ? last : at - 1,
      ArrowUp: at <= 0 ? last : at - 1,
      Home: 0,
      End: last,
    };
    if (!(e.key in next)) return;
    e.preventDefault();
    choose(free[next[e.key]].starts);
  }

  const update = (i: number, patch: Partial<BookPersonRequest>) =>
    setPeople((ps) => ps.map((p, k) => (k === i ? { ...p, ...patch } : p)));

  const toggle = (i: number, procedure: Procedure) =>
    update(i, {
      procedures: people[i].procedures.includes(procedure)
        ? people[i].procedures.filter((p) => p !== procedure)
        : [...people[i].procedures, procedure],
    });

  function submit(e: FormEvent) {
    e.preventDefault();
    void book(slot);
  }

  /** Books in `chosen` (a walk-in: none); with something missing, says what and focuses the first. */
  async function book(chosen: string | null) {
    const missing: string[] = [];
    let focus: (() => void) | null = null;
    people.forEach((p, i) => {
      const what: string[] = [];
      const field = (name: string) => () => formRef.current?.querySelector<HTMLInputElement>(`[name="${name}"]`)?.focus();
      if (!p.nameKanji.trim()) {
        what.push(t("book.nameKanji"));
        focus ??= field(`nameKanji${i}`);
      }
      if (!p.nameKana.trim()) {
        what.push(t("book.nameKana"));
        focus ??= field(`nameKana${i}`);
      }
      if (p.procedures.length === 0) {
        what.push(t("book.procedures"));
        focus ??= () => focusProcedures(i);
      }
      if (what.length > 0) missing.push(people.length > 1 ? t("book.missingOf", { n: i + 1, what: what.join("・") }) : what.join("・"));
    });
    const problems = missing.length > 0 ? [t("book.missing", { what: missing.join("、") })] : [];
    if (!chosen && channel !== "walk_in") {
      problems.push(t("book.missingSlot"));
      focus ??= focusSlots;
    }
    if (problems.length > 0) {
      setError(problems.join(" "));
      (focus as (() => void) | null)?.();
      return;
    }
    const refused = PROCEDURES.filter((proc) => !offers(proc) && people.some((p) => p.procedures.includes(proc)));
    if (refused.length > 0) {
      setError(t("book.notOfferedChosen", { procedures: refused.map((p) => tCode("procedure", p)).join("・") }));
      return;
    }
    if (busy.current) return;
    busy.current = true;
    try {
      const answered = people.map((_, i) => intakeOf(i)).filter((x) => Object.keys(x.marks).length > 0 || Object.keys(x.facts).length > 0);
      setDone(
        channel === "walk_in"
          ? await backend.walkIn(people)
          : await backend.book({ day, starts: chosen ?? "", channel, people, notes, intake: answered, revisitOf: revisitOf.trim() || undefined, site }),
      );
      setError(null);
    } catch (err) {
      setError(errorText(errorCode(err)));
    } finally {
      busy.current = false;
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
        <div className="slip-actions">
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
          {done.channel !== "walk_in" && done.status === "booked" && <SlipButton backend={backend} number={done.number} />}
        </div>
      </section>
    );
  }

  return (
    <form className="card" ref={formRef} onSubmit={submit} aria-labelledby="book-title" aria-describedby="book-keys">
      <h1 id="book-title">{t("book.title")}</h1>
      <p className="small muted" id="book-keys">{t("book.keysLead")}</p>
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
          <div className="checks" role="group" aria-label={t("book.procedures")} aria-keyshortcuts="Alt+P" data-procedures onKeyDown={onProcedureKey}>
            <span className="small muted" aria-hidden="true">{t("book.proceduresKeys")}</span>
            {PROCEDURES.map((proc, k) => {
              const off = !offers(proc);
              const checked = p.procedures.includes(proc);
              return (
                <span key={proc} style={{ display: "flex", alignItems: "center", gap: "0.25rem" }}>
                  <kbd className="small muted" aria-hidden="true">{k + 1}</kbd>
                  <label className={off ? "check not-offered" : "check"}>
                    <input
                      type="checkbox"
                      name={`${proc}${i}`}
                      checked={checked}
                      disabled={off && !checked}
                      aria-describedby={off ? `not-offered-${i}` : undefined}
                      aria-keyshortcuts={String(k + 1)}
                      onChange={() => toggle(i, proc)}
                    />
                    {tCode("procedure", proc)}
                  </label>
                </span>
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
          <span>
            {t("book.day")}
            <span className="small muted" aria-hidden="true">{t("book.dayKeys")}</span>
          </span>
          <input
            type="date"
            name="day"
            ref={dayRef}
            value={day}
            aria-keyshortcuts="Alt+D"
            onKeyDown={onDayKey}
            onChange={(e) => e.target.value && setDay(e.target.value)}
          />
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
      <p className="muted">
        {t("book.slot")}
        <span className="small" aria-hidden="true">{t("book.slotKeys")}</span>{" "}
        <button type="button" className="small secondary" name="nextFree" aria-keyshortcuts="Alt+N" onClick={() => void nextFree()}>
          {t("book.nextFree")}
        </button>
      </p>
      {sites.view && multiSite && bookable.length === 0 && <p className="error">{t("book.noSite")}</p>}
      {board && board.slots.length === 0 && <p className="muted">{t("book.noSlots")}</p>}
      <div
        className="slots"
        role="radiogroup"
        aria-label={t("book.slot")}
        aria-keyshortcuts="Alt+S"
        ref={slotsRef}
        tabIndex={tabStop ? undefined : -1}
        onKeyDown={onSlotKey}
        data-day={board?.day}
        data-site={site}
      >
        {board?.slots.map((s) => {
          const free = Math.max(0, s.capacity - s.taken);
          return (
            <button
              key={s.starts}
              type="button"
              role="radio"
              aria-checked={slot === s.starts}
              data-slot={s.starts.slice(0, 5)}
              data-starts={s.starts}
              tabIndex={s.starts === tabStop ? 0 : -1}
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
      <button type="submit" name="book">{t("book.submit")}</button>
    </form>
  );
}
