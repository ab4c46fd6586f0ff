-- 0012 wipe: the hub keeps each seat's certificate of sanitization (データ消去証明書) until
-- its own wipe, whose certificate lists them. No personal data: names of the seat and of the
-- staff who performed the wipe, paths, sizes, digests.
CREATE TABLE wipe_certificates (
    wipe_id     TEXT PRIMARY KEY,
    json        TEXT NOT NULL,          -- the certificate as received (digest checked on entry and on every read)
    recorded_at TEXT NOT NULL
) STRICT;
