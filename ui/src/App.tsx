// The app frame: header, navigation, and the screen for the store's state.
import { useCallback, useEffect, useState } from "react";
import type { Backend } from "./api/backend";
import type { LockState } from "./bindings/LockState";
import type { StoreStatus } from "./bindings/StoreStatus";
import { type TextKey, t } from "./i18n";
import { BoardScreen } from "./screens/BoardScreen";
import { BookingScreen } from "./screens/BookingScreen";
import { ChecklistScreen } from "./screens/ChecklistScreen";
import { CounterScreen } from "./screens/CounterScreen";
import { HandoffScreen } from "./screens/HandoffScreen";
import { QueueScreen } from "./screens/QueueScreen";
import { ReconcileScreen } from "./screens/ReconcileScreen";
import { NoStoreScreen } from "./screens/NoStoreScreen";
import { SettingsScreen } from "./screens/SettingsScreen";
import { SearchScreen } from "./screens/SearchScreen";
import { StatusScreen } from "./screens/StatusScreen";
import { UnlockScreen } from "./screens/UnlockScreen";

type Screen = "board" | "book" | "checklist" | "search" | "counter" | "handoff" | "queue" | "reconcile" | "plan" | "status";
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
  ["plan", "nav.plan"],
  ["status", "nav.status"],
];

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
  const openChecklist = useCallback((number: string) => {
    setChecklistNumber(number);
    setScreen("checklist");
  }, []);

  const refresh = useCallback(async () => {
    const state = await backend.lockState();
    setLock(state);
    setStatus(state.state === "unlocked" ? await backend.storeStatus() : null);
  }, [backend]);

  useEffect(() => {
    void refresh();
  }, [refresh]);

  const doLock = useCallback(async () => {
    await backend.lock();
    setScreen("board");
    await refresh();
  }, [backend, refresh]);

  // Ctrl+L locks from anywhere (staff leaving the seat); Alt+1… switch screens.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!status) return;
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
  }, [doLock, status]);

  return (
    <div className="frame">
      <header className="topbar">
        <span className="brand">{t("app.name")}</span>
        <span className="subtitle">{t("app.subtitle")}</span>
        {status && (
          <span className="where" data-testid="where">
            {status.meta.siteName} ／ {status.meta.seatName}
          </span>
        )}
      </header>
      <div className="body">
        {status && (
          <nav className="sidenav" aria-label={t("nav.label")}>
            {SCREENS.map(([id, label], i) => (
              <a
                key={id}
                href={`#${id}`}
                className={screen === id ? "active" : undefined}
                aria-current={screen === id ? "page" : undefined}
                title={`Alt+${(i + 1) % 10}`}
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
          {lock?.state === "locked" && (
            <UnlockScreen backend={backend} dataDir={lock.dataDir} onUnlocked={() => void refresh()} />
          )}
          {lock?.state === "unlocked" && status && screen === "board" && <BoardScreen backend={backend} onOpenChecklist={openChecklist} />}
          {lock?.state === "unlocked" && status && screen === "book" && <BookingScreen backend={backend} />}
          {lock?.state === "unlocked" && status && screen === "checklist" && (
            <ChecklistScreen key={checklistNumber ?? ""} backend={backend} number={checklistNumber} />
          )}
          {lock?.state === "unlocked" && status && screen === "search" && <SearchScreen backend={backend} />}
          {lock?.state === "unlocked" && status && screen === "counter" && (
            <CounterScreen
              backend={backend}
              seatNo={seatNo ?? seatNumberOf(status.meta.seatName)}
              onSeatNo={setSeatNo}
              onOpenChecklist={openChecklist}
            />
          )}
          {lock?.state === "unlocked" && status && screen === "handoff" && <HandoffScreen backend={backend} />}
          {lock?.state === "unlocked" && status && screen === "queue" && <QueueScreen backend={backend} />}
          {lock?.state === "unlocked" && status && screen === "reconcile" && <ReconcileScreen backend={backend} />}
          {lock?.state === "unlocked" && status && screen === "plan" && <SettingsScreen backend={backend} />}
          {lock?.state === "unlocked" && status && screen === "status" && <StatusScreen status={status} />}
        </main>
      </div>
    </div>
  );
}
