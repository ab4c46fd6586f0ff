// The city's sites (拠点) as the screens use them: which can be booked, which one a picker starts
// on, what a site is called. A one-site city shows no site picker anywhere (docs/design/sites.md
// §1.3); screens load the sites with `useSites` (screens/useSites.ts).
import type { Site } from "./bindings/Site";
import type { SitesView } from "./bindings/SitesView";

/** A site code as core accepts it: 1–40 of a–z, 0–9 and '-', not starting with '-'. */
export const SITE_CODE = /^[a-z0-9][a-z0-9-]{0,39}$/;
/** A site name's length in characters (core: 1–40, one line). */
export const SITE_NAME_MAX = 40;

/** Whether a booking can be made at `site`: open, and a counter or an outreach venue (a desk serves nobody). */
export function isBookable(site: Site): boolean {
  return site.active && site.kind !== "desk";
}

/** The sites a booking can be made at, in the city's order. */
export function bookableSites(view: SitesView): Site[] {
  return view.sites.filter(isBookable);
}

/** Where a booking starts: this PC's site if it takes bookings, else the first that does
 * (a call-center PC's own site is a desk). Null when no site takes bookings. */
export function defaultBookingSite(view: SitesView): string | null {
  const bookable = bookableSites(view);
  return (bookable.find((s) => s.id === view.here) ?? bookable[0])?.id ?? null;
}

/** The open sites, in the city's order. */
export function activeSites(view: SitesView): Site[] {
  return view.sites.filter((s) => s.active);
}

/** A site's name by its code (the code itself when unknown). */
export function siteName(view: SitesView | null, id: string): string {
  return view?.sites.find((s) => s.id === id)?.name ?? id;
}

/** This PC's site. */
export function hereSite(view: SitesView): Site | undefined {
  return view.sites.find((s) => s.id === view.here);
}
