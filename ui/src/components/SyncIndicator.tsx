// Always in the header: connected or offline, what waits to be sent, provisional bookings and
// open conflicts. It also tells the screens when changes from other seats have arrived.
import { useEffect, useRef, useState } from "react";
import type { Backend } from "../api/backend";
import type { SyncView } from "../bindings/SyncView";
import { t } from "../i18n";
import { SYNCED_EVENT } from "../screens/useLoaded";

/** How often the indicator asks (a booking elsewhere shows here within about a second). */
const POLL_MS = 500;

export function SyncIndicator({ backend, onOpen }: { backend: Backend; onOpen: () => void }) {
  const [view, setView] = useState<SyncView | null>(null);
  const cursor = useRef<number | null>(null);

  useEffect(() => {
    let alive = true;
    const poll = async () => {
      try {
        const v = await backend.syncStatus();
        if (!alive) return;
        setView(v);
        if (cursor.current !== null && v.cursor !== cursor.current) window.dispatchEvent(new Event(SYNCED_EVENT));
        cursor.current = v.cursor;
      } catch {
        if (alive) setView(null);
      }
    };
    void poll();
    const timer = window.setInterval(() => void poll(), POLL_MS);
    return () => {
      alive = false;
      window.clearInterval(timer);
    };
  }, [backend]);

  if (!view) return null;
  const update = view.errorCode === "sync_update_seat" ? "sync.updateSeat" : view.errorCode === "sync_update_hub" ? "sync.updateHub" : null;
  const state = !view.enrolled ? "none" : view.connected ? (view.loading ? "loading" : "online") : update ? "update" : "offline";
  const label = ({ none: "sync.notEnrolled", loading: "sync.loading", online: "sync.connected", update: update ?? "sync.offline", offline: "sync.offline" } as const)[state];
  return (
    <button type="button" className={`sync-indicator ${state}`} data-testid="sync-indicator" data-state={state} onClick={onOpen} title={view.lastError ?? undefined}>
      <span className="dot" aria-hidden="true" />
      {t(label)}
      {view.pending > 0 && <span className="count">{t("sync.pending", { n: view.pending })}</span>}
      {view.provisional > 0 && <span className="count warn">{t("sync.provisional", { n: view.provisional })}</span>}
      {view.conflicts > 0 && <span className="count alert" data-testid="conflict-count">{t("sync.conflicts", { n: view.conflicts })}</span>}
    </button>
  );
}
