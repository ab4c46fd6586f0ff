"""Reads a Madoguchi store with an independent SQLCipher 4 client (PyPI sqlcipher3-binary).

Usage: sqlcipher_read.py DB [HEXKEY]
Without a key: prints "refused: <error>" if the file cannot be read (the expected outcome).
With a key: prints the kana names of all applicants, one a line.
"""
import sys

import sqlcipher3

db, key = sys.argv[1], (sys.argv[2] if len(sys.argv) > 2 else None)
conn = sqlcipher3.connect(db)
try:
    if key:
        conn.execute(f"PRAGMA key = \"x'{key}'\"")
    rows = conn.execute("SELECT name_kana FROM applicants ORDER BY id").fetchall()
except sqlcipher3.DatabaseError as e:
    print(f"refused: {e}")
    sys.exit(0 if not key else 1)
cipher = conn.execute("PRAGMA cipher_version").fetchone()
print(f"cipher: {cipher[0] if cipher else 'none'}", file=sys.stderr)
for (name,) in rows:
    print(name)
