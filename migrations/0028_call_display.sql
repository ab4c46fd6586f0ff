-- The call display (呼出表示, issue 22): a second window for a monitor in the waiting area,
-- opened from the app on the PC it hangs off. Its settings are that PC's (local): the wait
-- thresholds of the congestion lamp (the manager's; Tosu's 20 and 40 minutes to start), the
-- chime and the spoken announcement (off until turned on), and where the window goes (the
-- monitor's name; whether it is open, so it comes back after a restart). Nothing personal.
CREATE TABLE display_settings (
    id             INTEGER PRIMARY KEY CHECK (id = 1),
    yellow_minutes INTEGER NOT NULL DEFAULT 20 CHECK (yellow_minutes BETWEEN 1 AND 600),
    red_minutes    INTEGER NOT NULL DEFAULT 40 CHECK (red_minutes BETWEEN 1 AND 600),
    chime          INTEGER NOT NULL DEFAULT 1 CHECK (chime IN (0, 1)),
    voice          INTEGER NOT NULL DEFAULT 0 CHECK (voice IN (0, 1)),
    monitor        TEXT,
    open           INTEGER NOT NULL DEFAULT 0 CHECK (open IN (0, 1)),
    CHECK (yellow_minutes < red_minutes)
) STRICT;
INSERT INTO display_settings (id) VALUES (1);
