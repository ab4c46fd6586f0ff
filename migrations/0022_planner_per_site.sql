-- The planner per site (issue 21): each site's assumptions (take-up at that site, its seats,
-- its hours…), kept on the PC that plans, like `planner_assumptions` (local, not synced). A
-- site with no row starts from this PC's `planner_assumptions` (what it planned before sites).
CREATE TABLE planner_site_assumptions (
    site_id    TEXT PRIMARY KEY,
    json       TEXT NOT NULL,
    changed_at TEXT NOT NULL,
    changed_by TEXT NOT NULL
) STRICT;
