-- 0011: the roster syncs between seats (as mutations); wrong-PIN counts and lock-outs stay
-- with the seat where the PIN was typed, so they move to a table of their own.
CREATE TABLE staff_lockout (
    code            TEXT PRIMARY KEY,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT                         -- local time; NULL when not locked out
) STRICT;
INSERT INTO staff_lockout (code, failed_attempts, locked_until)
    SELECT code, failed_attempts, locked_until FROM staff
    WHERE failed_attempts > 0 OR locked_until IS NOT NULL;
ALTER TABLE staff DROP COLUMN failed_attempts;
ALTER TABLE staff DROP COLUMN locked_until;
