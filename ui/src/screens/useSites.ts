// The city's sites for a screen: loaded once, and again after a sync brought changes or after
// `reload` (the settings add and close sites).
import { useCallback, useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { SitesView } from "../bindings/SitesView";
import { useOnSynced } from "./useLoaded";

/** The city's sites, loaded once and again after a sync or `reload`; `failed` when they could
 * not be read (the screens then work as in a one-site city). */
export function useSites(backend: Backend) {
  const [view, setView] = useState<SitesView | null>(null);
  const [failed, setFailed] = useState(false);
  const reload = useCallback(async () => {
    try {
      setView(await backend.sites());
      setFailed(false);
    } catch {
      setFailed(true);
    }
  }, [backend]);
  useEffect(() => {
    void reload();
  }, [reload]);
  useOnSynced(reload);
  return { view, failed, loaded: view !== null || failed, reload };
}
