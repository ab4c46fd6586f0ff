// The app frame: header, navigation, and the screen for the store's state.
import { useCallback, useEffect, useState } from "react";
import type { Backend } from "./api/backend";
import type { LockState } from "./bindings/LockState";
import type { StoreStatus } from "./bindings/StoreStatus";
import { t } from "./i18n";
import { NoStoreScreen } from "./screens/NoStoreScreen";
import { StatusScreen } from "./screens/StatusScreen";
import { UnlockScreen } from "./screens/UnlockScreen";

export function App({ backend }: { backend: Backend }) {
  const [lock, setLock] = useState<LockState | null>(null);
  const [status, setStatus] = useState<StoreStatus | null>(null);

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
    await refresh();
  }, [backend, refresh]);

  // Ctrl+L locks from anywhere (staff leaving the seat).
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.ctrlKey && e.key.toLowerCase() === "l" && status) {
        e.preventDefault();
        void doLock();
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
            <a className="active" href="#status" aria-current="page">
              {t("nav.status")}
            </a>
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
          {lock?.state === "unlocked" && status && <StatusScreen status={status} />}
        </main>
      </div>
    </div>
  );
}
