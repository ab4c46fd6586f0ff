"""Decrypts every page of a Madoguchi store and of its WAL, live or free, and searches them.

Usage: sqlcipher_pages.py DB HEXKEY NEEDLE...

A store is SQLCipher 4 with its defaults (4096-byte pages, AES-256-CBC, each page's last 80
bytes its IV and HMAC, page 1 starting with the file's 16-byte salt) and a raw 32-byte key (the
one the key file wraps). This reads the pages itself (PyPI `cryptography` for AES), so it sees
what SQL does not: rows deleted but still in a page's free space, free pages, and old page
images in the WAL. It checks the key by page 1's header and prints, as JSON: the pages read,
and for each needle (UTF-8 and UTF-16LE) the places it was found. Exit 1 when the key is wrong.
"""
import json
import os
import sys

from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes

PAGE = 4096
RESERVE = 80  # IV (16) + HMAC-SHA512 (64)


def decrypt(key: bytes, page: bytes, first: bool) -> bytes:
    start = 16 if first else 0
    iv = page[PAGE - RESERVE : PAGE - RESERVE + 16]
    d = Cipher(algorithms.AES(key), modes.CBC(iv)).decryptor()
    return d.update(page[start : PAGE - RESERVE]) + d.finalize()


def pages(path: str):
    """(label, page number, encrypted page) of the database file, then of the WAL's frames."""
    with open(path, "rb") as f:
        data = f.read()
    for i in range(len(data) // PAGE):
        yield "db", i + 1, data[i * PAGE : (i + 1) * PAGE]
    wal = path + "-wal"
    if os.path.exists(wal):
        with open(wal, "rb") as f:
            data = f.read()
        at = 32  # WAL header
        while at + 24 + PAGE <= len(data):
            number = int.from_bytes(data[at : at + 4], "big")
            yield "wal", number, data[at + 24 : at + 24 + PAGE]
            at += 24 + PAGE


def main() -> int:
    db, key, needles = sys.argv[1], bytes.fromhex(sys.argv[2]), sys.argv[3:]
    found = {n: [] for n in needles}
    read = 0
    for label, number, page in pages(db):
        if number == 0:
            continue
        plain = decrypt(key, page, number == 1)
        if label == "db" and number == 1:
            # Bytes 16-17 of the header (offset 0 here: the salt is not decrypted) hold the
            # page size; 21-23 the fixed payload fractions 64, 32, 32.
            if plain[5:8] != bytes([64, 32, 32]) or int.from_bytes(plain[0:2], "big") != PAGE:
                print(json.dumps({"error": "page 1 does not decrypt with this key"}))
                return 1
        read += 1
        for n in needles:
            for enc in (n.encode("utf-8"), n.encode("utf-16-le")):
                if enc in plain:
                    found[n].append(f"{label}:{number}")
                    break
    print(json.dumps({"pages": read, "found": found}, ensure_ascii=False))
    return 0


if __name__ == "__main__":
    sys.exit(main())
