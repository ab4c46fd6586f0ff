// The city's sites for a screen: loaded once, and again after a sync brought changes or after
// `reload` (the settings add and close sites).
import { useCallback, useEffect, useState } from "react";
import type { Backend } from "../api/backend";
import type { SitesView } from "../bindings/SitesView";
import { bookableSites, defaultBookingSite } from "../sites";
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

/** The 拠点 a screen shows or books (the board, the booking screen): the one chosen in its picker,
 * else the default once the sites are known (this PC's, or for a call-center PC the first that
 * takes bookings); `undefined` in a one-site city or when the sites could not be read (the
 * backend then takes this PC's). */
export function useSitePicker(backend: Backend) {
  const sites = useSites(backend);
  /** The site chosen in the picker (null: the default). */
  const [chosenSite, setChosenSite] = useState<string | null>(null);
  const bookable = sites.view ? bookableSites(sites.view) : [];
  const multiSite = (sites.view?.sites.length ?? 0) > 1;
  const chosen = bookable.some((s) => s.id === chosenSite) ? chosenSite : null;
  const site = multiSite && sites.view ? (chosen ?? defaultBookingSite(sites.view) ?? undefined) : undefined;
  return { sites, bookable, multiSite, site, setChosenSite };
}
