-- 0001 foundation: the store's identity and the first table that holds personal data.
-- Forward only: never edit a migration that has shipped; add a new numbered file instead.

-- One row: which site and seat this store belongs to. `store_id` is also sealed inside the
-- wrapped key file, so a key file from another store is recognised as such.
CREATE TABLE store_meta (
    id         INTEGER PRIMARY KEY CHECK (id = 1),
    store_id   TEXT NOT NULL,
    site_name  TEXT NOT NULL,
    seat_name  TEXT NOT NULL,
    created_at TEXT NOT NULL
) STRICT;

-- People who book or visit (申請者). Personal data: lives only inside the encrypted store.
CREATE TABLE applicants (
    id         TEXT PRIMARY KEY,          -- UUIDv7
    name_kanji TEXT NOT NULL,
    name_kana  TEXT NOT NULL,
    phone      TEXT,
    birth_date TEXT,                      -- ISO 8601 date
    created_at TEXT NOT NULL
) STRICT;
CREATE INDEX applicants_phone ON applicants (phone);
CREATE INDEX applicants_kana ON applicants (name_kana);
