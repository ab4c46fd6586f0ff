-- Indexes on the two references that had none (found by profiling the steady-sync bench).
--
-- Deleting a reservation makes SQLite look for rows that point at it: with no index on
-- `reservations.revisit_of` that is a scan of every reservation, and a seat rewinding its own
-- pending bookings before applying a pull page deletes one row per booking, so a page took
-- 50-100 ms with the store locked on a seat holding 18,000 reservations. Same for
-- `closure_affected.reservation_id` (small, but it grows with every closure).
-- Partial: few reservations are revisits, and `revisit_of = ?` implies NOT NULL, so SQLite uses it.
CREATE INDEX reservations_revisit_of ON reservations (revisit_of) WHERE revisit_of IS NOT NULL;
CREATE INDEX closure_affected_reservation ON closure_affected (reservation_id);
