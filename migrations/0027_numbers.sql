-- Reservation numbers dealt by the hub (issue 21): a PC that holds one site's bookings (or a
-- call center's) cannot see the numbers other sites took, and a number picked at random late
-- in a contract would clash with one of ~100,000 taken in 9,000,000 about once per 90
-- bookings (the hub then refuses the booking, after the citizen was told the number). The hub
-- deals each seat a stock of numbers no booking has and no other seat holds; the seat books
-- with them, and picks at random only when it has run out offline. Local tables: numbers name
-- nobody.
--
-- On the hub: the numbers dealt and not yet booked, per seat.
CREATE TABLE hub_numbers (
    number  INTEGER PRIMARY KEY,
    seat_id TEXT NOT NULL
) STRICT;
CREATE INDEX hub_numbers_seat ON hub_numbers (seat_id);
-- On a seat: its stock.
CREATE TABLE sync_numbers (
    number INTEGER PRIMARY KEY
) STRICT;
