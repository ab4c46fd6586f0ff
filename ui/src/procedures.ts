import type { Procedure } from "./bindings/Procedure";

/** Every procedure, in the order core keeps them (and a site's list of them). */
export const PROCEDURES: Procedure[] = [
  "card_issue",
  "card_reissue",
  "details_change",
  "certificate_issue",
  "certificate_renewal",
  "application_support",
];
