// The app frame: header, navigation, and the screen for the store's state.
import { useCallback, useEffect, useState } from "react";
import type { Backend } from "./api/backend";
import type { LockState } from "./bindings/LockState";
import type { StoreStatus } from "./bindings/StoreStatus";
import { type TextKey, t, tCode } from "./i18n";
import { BoardScreen } from "./screens/BoardScreen";
import { BookingScreen } from "./screens/BookingScreen";
import { ChecklistScreen } from "./screens/ChecklistScreen";
import { CounterScreen } from "./screens/CounterScreen";
import { HandoffScreen } from "./screens/HandoffScreen";
import { QueueScreen } from "./screens/QueueScreen";
import { ReconcileScreen } from "./screens/ReconcileScreen";
import { ReportsScreen } from "./screens/ReportsScreen";
import { PlannerScreen } from "./screens/PlannerScreen";
import { AuditScreen } from "./screens/AuditScreen";
import { InquiriesScreen } from "./screens/InquiriesScreen";
import { IncidentsScreen } from "./screens/IncidentsScreen";
import { RosterScreen } from "./screens/RosterScreen";
import { TrainingScreen } from "./screens/TrainingScreen";
import { ImprovementScreen } from "./screens/ImprovementScreen";
import { WorkLogScreen } from "./screens/WorkLogScreen";
import { LendingScreen } from "./screens/LendingScreen";
import { SignInScreen } from "./screens/SignInScreen";
import { StaffScreen } from "./screens/StaffScreen";
import type { Actor } from "./bindings/Actor";
import { NoStoreScreen } from "./screens/NoStoreScreen";
import { SettingsScreen } from "./screens/SettingsScreen";
import { SearchScreen } from "./screens/SearchScreen";
import { StatusScreen } from "./screens/StatusScreen";
import { SyncScreen } from "./screens/SyncScreen";
import { SyncIndicator } from "./components/SyncIndicator";
import { hereSite } from "./sites";
import type { SitesView } from "./bindings/SitesView";
import { SYNCED_EVENT } from "./screens/useLoaded";
import { UnlockScreen } from "./screens/UnlockScreen";
import { WipeResumeScreen, WipeScreen } from "./screens/WipeScreen";

type Screen =
  | "board" | "book" | "checklist" | "search" | "counter" | "handoff" | "queue" | "reconcile"
  | "inquiries" | "incidents" | "roster" | "training" | "worklog" | "improvement" | "reports" | "planner" | "plan" | "staff" | "lending" | "audit" | "sync" | "status" | "wipe";
/** The navigation, in order; Alt+1… (Alt+0 for the tenth) selects them. */
const SCREENS: [Screen, TextKey][] = [
  ["board", "nav.board"],
  ["book", "nav.book"],
  ["search", "nav.search"],
  ["checklist", "nav.checklist"],
  ["counter", "nav.counter"],
  ["handoff", "nav.handoff"],
  ["queue", "nav.queue"],
  ["reconcile", "nav.reconcile"],
  ["inquiries", "nav.inquiries"],
  ["reports", "nav.reports"],
  ["planner", "nav.planner"],
  ["plan", "nav.plan"],
  ["staff", "nav.staff"],
  ["roster", "nav.roster"],
  ["training", "nav.training"],
  ["lending", "nav.lending"],
  ["audit", "nav.audit"],
  ["incidents", "nav.incidents"],
  ["worklog", "nav.worklog"],
  ["improvement", "nav.improvement"],
  ["sync", "nav.sync"],
  ["status", "nav.status"],
  ["wipe", "nav.wipe"],
];
/** Screens only the manager and deputy use (core refuses the others anyway). */
const MANAGEMENT: Screen[] = ["worklog", "improvement", "reports", "planner", "plan", "staff", "roster", "training", "audit", "wipe"];
/** Screens only a signed-in manager or deputy uses: the wipe's certificate names who did it. */
const STAFF_ONLY: Screen[] = ["wipe"];

/** How often the frame asks whether the sign-in has ended (idle sign-out happens in core). */
const SESSION_POLL_MS = 30_000;

/** Whether the navigation offers `screen` to `actor`. */
function visible(actor: Actor, screen: Screen): boolean {
  if (actor.kind === "site") return !STAFF_ONLY.includes(screen);
  return !MANAGEMENT.includes(screen) || actor.role === "manager" || actor.role === "deputy";
}

/** Alt+digit → screen index (1…9, then 0 for the tenth). */
function screenForDigit(key: string): number {
  return key === "0" ? 9 : Number(key) - 1;
}

/** The seat number in a seat name such as 「窓口2」 (1 when there is none). */
function seatNumberOf(seatName: string): number {
  const digits = seatName.normalize("NFKC").match(/\d+/);
  return digits ? Number(digits[0]) : 1;
}

export function App({ backend }: { backend: Backend }) {
  const [lock, setLock] = useState<LockState | null>(null);
  const [status, setStatus] = useState<StoreStatus | null>(null);
  const [screen, setScreen] = useState<Screen>("board");
  const [checklistNumber, setChecklistNumber] = useState<string | null>(null);
  const [seatNo, setSeatNo] = useState<number | null>(null);
  const [actor, setActor] = useState<Actor | null>(null);
  // A wipe under way: nothing else may read the store (it closes for good), so the navigation,
  // the sync indicator, the session poll and the shortcuts stop until the app quits.
  const [wiping, setWiping] = useState(false);
  // The city's sites: the header names this PC's when there is more than one.
  const [sites, setSites] = useState<SitesView | null>(null);
  const openChecklist = useCallback((number: string) => {
    setChecklistNumber(number);
    setScreen("checklist");
  }, []);

  const refresh = useCallback(async () => {
    const state = await backend.lockState();
    setLock(state);
    setStatus(state.state === "unlocked" ? await backend.storeStatus() : null);
    setActor(state.state === "unlocked" ? await backend.signedIn() : null);
  }, [backend]);

  // An idle sign-out ends the session in core; bring the sign-in screen back when it has.
  useEffect(() => {
    if (!actor || wiping) return;
    const timer = window.setInterval(() => {
      void backend.signedIn().then(setActor, () => setActor(null));
    }, SESSION_POLL_MS);
    return () => window.clearInterval(timer);
  }, [actor, backend, wiping]);

  const signOut = useCallback(async () => {
    await backend.signOut();
    setActor(null);
    setScreen("board");
  }, [backend]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  // Read again when the screen changes (the settings add and rename sites) and after a sync.
  useEffect(() => {
    if (!status || wiping) {
      setSites(null);
      return;
    }
    const load = () => void backend.sites().then(setSites, () => setSites(null));
    load();
    window.addEventListener(SYNCED_EVENT, load);
    return () => window.removeEventListener(SYNCED_EVENT, load);
  }, [backend, status, wiping, screen]);
  const here = sites && sites.sites.length > 1 ? hereSite(sites) : undefined;

  const doLock = useCallback(async () => {
    await backend.lock();
    setScreen("board");
    await refresh();
  }, [backend, refresh]);

  // Ctrl+L locks from anywhere (staff leaving the seat); Alt+1… switch screens.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!status || !actor || wiping) return;
      if (e.ctrlKey && e.key.toLowerCase() === "l") {
        e.preventDefault();
        void doLock();
      } else if (e.altKey && /^[0-9]$/.test(e.key) && SCREENS[screenForDigit(e.key)]) {
        e.preventDefault();
        setScreen(SCREENS[screenForDigit(e.key)][0]);
      }
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, [doLock, status, actor, wiping]);

  // A training store says so on every screen (its kind is fixed when it is created).
  // Before unlock the data folder's hint says so (the key file's sealed kind decides, after).
  const training = status ? status.meta.kind === "training" : lock?.training === true;
  return (
    <div className={training ? "frame training" : "frame"}>
      <header className="topbar">
        <span className="brand">{t("app.name")}</span>
        {training && (
          <span className="training-mark" role="status" data-testid="training-mark" title={t("training.banner")}>
            {t("training.mark")}
          </span>
        )}
        <span className="subtitle">{t("app.subtitle")}</span>
        {status && (
          // With several sites the header names this PC's site and the seat; the store's own name
          // (often long) moves to the tooltip. Either way the text truncates rather than wraps.
          <span
            className="where"
            data-testid="where"
            title={
              here && here.name !== status.meta.siteName
                ? `${status.meta.siteName} ／ ${here.name} ／ ${status.meta.seatName}`
                : `${status.meta.siteName} ／ ${status.meta.seatName}`
            }
          >
            {here ? <span data-testid="site-name">{here.name}</span> : status.meta.siteName} ／ {status.meta.seatName}
          </span>
        )}
        {status && !wiping && <SyncIndicator backend={backend} onOpen={() => setScreen("sync")} />}
        {status && actor?.kind === "staff" && !wiping && (
          <span className="who" data-testid="who">
            {t("signin.who", { name: actor.name, role: tCode("role", actor.role) })}
            <button type="button" className="small secondary" onClick={() => void signOut()}>
              {t("signin.out")}
            </button>
          </span>
        )}
      </header>
      <div className="body">
        {status && actor && !wiping && (
          <nav className="sidenav" aria-label={t("nav.label")}>
            {SCREENS.map(([id, label], i) => visible(actor, id) && (
              <a
                key={id}
                href={`#${id}`}
                className={screen === id ? "active" : undefined}
                aria-current={screen === id ? "page" : undefined}
                title={i < 10 ? `Alt+${(i + 1) % 10}` : undefined}
                onClick={(e) => {
                  e.preventDefault();
                  setScreen(id);
                }}
              >
                {t(label)}
              </a>
            ))}
            <button type="button" className="lock" onClick={() => void doLock()} title="Ctrl+L">
              {t("nav.lock")}
            </button>
          </nav>
        )}
        <main className="content">
          {!lock && <p>{t("loading")}</p>}
          {lock?.state === "no_store" && <NoStoreScreen dataDir={lock.dataDir} />}
          {lock?.state === "wipe_pending" && <WipeResumeScreen backend={backend} />}
          {lock?.state === "locked" && (
            <UnlockScreen backend={backend} dataDir={lock.dataDir} onUnlocked={() => void refresh()} />
          )}
          {lock?.state === "unlocked" && status && !actor && <SignInScreen backend={backend} onSignedIn={setActor} />}
          {lock?.state === "unlocked" && status && actor && (
            <ScreenFor
              screen={screen}
              backend={backend}
              status={status}
              checklistNumber={checklistNumber}
              openChecklist={openChecklist}
              seatNo={seatNo ?? seatNumberOf(status.meta.seatName)}
              setSeatNo={setSeatNo}
              manager={actor.kind === "site" || actor.role === "manager" || actor.role === "deputy"}
              onWiping={setWiping}
            />
          )}
        </main>
      </div>
    </div>
  );
}

/** The screen for the navigation's choice, once unlocked and signed in. */
function ScreenFor(props: {
  screen: Screen;
  backend: Backend;
  status: StoreStatus;
  checklistNumber: string | null;
  openChecklist: (number: string) => void;
  seatNo: number;
  setSeatNo: (n: number) => void;
  manager: boolean;
  onWiping: (wiping: boolean) => void;
}) {
  const { backend } = props;
  switch (props.screen) {
    case "board":
      return <BoardScreen backend={backend} onOpenChecklist={props.openChecklist} />;
    case "book":
      return <BookingScreen backend={backend} />;
    case "checklist":
      return <ChecklistScreen key={props.checklistNumber ?? ""} backend={backend} number={props.checklistNumber} />;
    case "search":
      return <SearchScreen backend={backend} />;
    case "counter":
      return <CounterScreen backend={backend} seatNo={props.seatNo} onSeatNo={props.setSeatNo} onOpenChecklist={props.openChecklist} />;
    case "handoff":
      return <HandoffScreen backend={backend} />;
    case "queue":
      return <QueueScreen backend={backend} />;
    case "reconcile":
      return <ReconcileScreen backend={backend} />;
    case "inquiries":
      return <InquiriesScreen backend={backend} />;
    case "reports":
      return <ReportsScreen backend={backend} />;
    case "planner":
      return <PlannerScreen backend={backend} />;
    case "plan":
      return <SettingsScreen backend={backend} />;
    case "staff":
      return <StaffScreen backend={backend} />;
    case "lending":
      return <LendingScreen backend={backend} />;
    case "audit":
      return <AuditScreen backend={backend} />;
    case "roster":
      return <RosterScreen backend={backend} />;
    case "training":
      return <TrainingScreen backend={backend} />;
    case "incidents":
      return <IncidentsScreen backend={backend} manager={props.manager} />;
    case "worklog":
      return <WorkLogScreen backend={backend} />;
    case "improvement":
      return <ImprovementScreen backend={backend} />;
    case "sync":
      return <SyncScreen backend={backend} manager={props.manager} />;
    case "status":
      return <StatusScreen status={props.status} backend={backend} manager={props.manager} />;
    case "wipe":
      return <WipeScreen backend={backend} onWiping={props.onWiping} />;
  }
}
