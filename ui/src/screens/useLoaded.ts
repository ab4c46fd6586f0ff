// What the list screens share: load something from the backend, show failures as Japanese
// sentences, and run actions that reload it afterwards.
import { useCallback, useEffect, useState } from "react";
import { errorCode } from "../api/backend";
import { errorText } from "../i18n";

/** Dispatched on `window` by the sync indicator when this seat applied changes from the hub. */
export const SYNCED_EVENT = "madoguchi:synced";

/** Runs `reload` whenever changes from other seats have arrived through sync. */
export function useOnSynced(reload: () => unknown) {
  useEffect(() => {
    const onSynced = () => void reload();
    window.addEventListener(SYNCED_EVENT, onSynced);
    return () => window.removeEventListener(SYNCED_EVENT, onSynced);
  }, [reload]);
}

export function useLoaded<T>(load: () => Promise<T>, initial: T) {
  const [data, setData] = useState<T>(initial);
  const [error, setError] = useState<string | null>(null);

  const reload = useCallback(async () => {
    try {
      setData(await load());
    } catch (e) {
      setError(errorText(errorCode(e)));
    }
  }, [load]);

  useEffect(() => {
    void reload();
  }, [reload]);

  useOnSynced(reload);

  /** Runs `action`; on success clears the error and reloads. True if it succeeded. */
  const run = useCallback(
    async (action: () => Promise<unknown>) => {
      try {
        await action();
        setError(null);
        await reload();
        return true;
      } catch (e) {
        setError(errorText(errorCode(e)));
        return false;
      }
    },
    [reload],
  );

  return { data, error, setError, reload, run };
}
