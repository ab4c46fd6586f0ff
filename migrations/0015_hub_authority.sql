-- The hub is the authority (docs/threat-model.md, docs/sync-protocol.md "Who may do what").
--
-- site_through: a seat enrolled while the hub's roster had no active manager or deputy (the
-- first seat, bringing the roster) may have made site-administrator changes before its
-- enrolment (`madoguchi staff add`, demo data); the hub accepts those up to this sequence of
-- the seat's and no other site-administrator change from any seat.
ALTER TABLE hub_seats ADD COLUMN site_through INTEGER NOT NULL DEFAULT 0;

-- A code a manager made to re-admit one revoked seat (NULL: a code for a new seat).
ALTER TABLE hub_enrolment_codes ADD COLUMN seat_id TEXT;
