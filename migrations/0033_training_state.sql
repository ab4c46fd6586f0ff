-- Issue 23 (docs/design/paperwork.md §8): a training store's day. Local: each training store
-- keeps its own; the clock reads the training day's 09:00 at `reset_at` and runs on from there.
CREATE TABLE training_state (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    epoch TEXT NOT NULL,
    reset_at TEXT NOT NULL
);
