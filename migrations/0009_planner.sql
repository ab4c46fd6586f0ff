-- 0009 planner: the assumptions of the capacity and staffing plan (take-up, minutes, seats,
-- call rates…), one JSON document the manager edits on the planner screen. No personal data.
CREATE TABLE planner_assumptions (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    json       TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
) STRICT;
