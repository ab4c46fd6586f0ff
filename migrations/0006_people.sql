-- 0006 people and accountability: the staff roster with roles and PIN hashes, sign-ins per
-- seat (the attendance record, 出勤記録), the append-only hash-chained audit trail, the
-- inquiry and complaint log with its response steps, and the ledger of materials lent by
-- the city (貸与資料).

-- 業務従事者名簿. PINs are kept only as argon2id hashes (PHC strings).
CREATE TABLE staff (
    code            TEXT PRIMARY KEY,            -- staff ID, e.g. S001
    name            TEXT NOT NULL,
    role            TEXT NOT NULL CHECK (role IN ('manager', 'deputy', 'staff', 'city_staff')),
    pin_hash        TEXT NOT NULL,
    active          INTEGER NOT NULL DEFAULT 1,
    failed_attempts INTEGER NOT NULL DEFAULT 0,
    locked_until    TEXT,                        -- local time; NULL when not locked out
    created_at      TEXT NOT NULL
) STRICT;

-- One row per sign-in at a seat; ended_by says how it ended.
CREATE TABLE sign_ins (
    id            INTEGER PRIMARY KEY,
    staff_code    TEXT NOT NULL REFERENCES staff (code),
    seat          TEXT NOT NULL,
    signed_in_at  TEXT NOT NULL,
    signed_out_at TEXT,
    ended_by      TEXT CHECK (ended_by IN ('sign_out', 'idle', 'replaced', 'locked', 'closed'))
) STRICT;
CREATE INDEX sign_ins_day ON sign_ins (signed_in_at);

-- The audit trail: each seat's entries form a hash chain (hash = SHA-256 over the previous
-- hash and this entry's fields), so an edit, a deletion or a reordering breaks it. Keyed by the
-- writing store's id so the hub can later hold the union of every seat's chain. audit_head
-- holds the last entry of each chain, written in the same transaction, so deleting the newest
-- entries is caught too.
CREATE TABLE audit_log (
    chain     TEXT NOT NULL,                     -- store id of the seat that wrote it
    seq       INTEGER NOT NULL,
    at        TEXT NOT NULL,                     -- local time
    seat      TEXT NOT NULL,
    actor     TEXT NOT NULL,                     -- staff code or site:<tool>
    action    TEXT NOT NULL,
    subject   TEXT NOT NULL,                     -- reservation number, staff code, day… never a name
    detail    TEXT NOT NULL DEFAULT '',
    prev_hash TEXT NOT NULL,
    hash      TEXT NOT NULL,
    PRIMARY KEY (chain, seq)
) STRICT;
CREATE TABLE audit_head (
    chain TEXT PRIMARY KEY,
    seq   INTEGER NOT NULL,
    hash  TEXT NOT NULL
) STRICT;
CREATE TRIGGER audit_log_append_only_update BEFORE UPDATE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER audit_log_append_only_delete BEFORE DELETE ON audit_log
BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;

-- Inquiries (問い合わせ) and complaints (クレーム). The summary may name a citizen: it lives only
-- in this encrypted store and never in logs or reports.
CREATE TABLE inquiries (
    id          TEXT PRIMARY KEY,                -- UUIDv7
    kind        TEXT NOT NULL CHECK (kind IN ('inquiry', 'complaint')),
    channel     TEXT NOT NULL CHECK (channel IN ('phone', 'visitor')),
    category    TEXT NOT NULL,
    received_at TEXT NOT NULL,
    minutes     INTEGER NOT NULL DEFAULT 0 CHECK (minutes BETWEEN 0 AND 600),
    summary     TEXT NOT NULL,
    outcome     TEXT NOT NULL DEFAULT '',
    status      TEXT NOT NULL,
    taken_by    TEXT NOT NULL,
    seat        TEXT NOT NULL
) STRICT;
CREATE INDEX inquiries_received ON inquiries (received_at);

-- The response procedure of a complaint, step by step (append-only).
CREATE TABLE complaint_steps (
    inquiry_id TEXT NOT NULL REFERENCES inquiries (id),
    at         TEXT NOT NULL,
    step       TEXT NOT NULL,
    note       TEXT NOT NULL,
    staff      TEXT NOT NULL
) STRICT;
CREATE INDEX complaint_steps_inquiry ON complaint_steps (inquiry_id);

-- 貸与資料: what the city lent, where it is kept, and its return confirmed by both sides.
CREATE TABLE lent_materials (
    id                TEXT PRIMARY KEY,          -- UUIDv7
    item              TEXT NOT NULL,
    quantity          INTEGER NOT NULL CHECK (quantity BETWEEN 1 AND 10000),
    lent_on           TEXT NOT NULL,             -- YYYY-MM-DD
    lent_by           TEXT NOT NULL,             -- the city's section or officer
    kept_at           TEXT NOT NULL,
    received_by       TEXT NOT NULL,             -- staff code
    returned_on       TEXT,
    returned_by       TEXT,                      -- contractor staff code
    return_confirmed_by TEXT,                    -- city staff code
    note              TEXT NOT NULL DEFAULT ''
) STRICT;
