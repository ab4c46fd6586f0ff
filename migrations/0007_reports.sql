-- 0007 reports: what was produced and submitted of the daily reports (日報, due the next
-- business day) and monthly reports (月報, due within the first 7 business days of the next
-- month), so the board can flag the overdue ones. The reports themselves hold aggregates only.
CREATE TABLE report_submissions (
    kind         TEXT NOT NULL CHECK (kind IN ('daily', 'monthly')),
    period       TEXT NOT NULL,                  -- YYYY-MM-DD or YYYY-MM
    produced_at  TEXT,                           -- local time
    produced_by  TEXT,
    submitted_at TEXT,
    submitted_by TEXT,
    PRIMARY KEY (kind, period)
) STRICT;
