"""Near-duplicate policies: the same document reposted on many sites becomes one canonical document
whose `reposts` list every other page it appears on.

Two pages are the same document when they carry the same 发文字号 and the same title, or when their
texts' 64-bit SimHashes differ in at most 3 bits, or in at most 7 bits when one title contains the
other (reposts add a line of their own, which moves a few bits of a short text; unrelated notices from
one template share boilerplate, so a looser match needs the titles to agree too). SimHashes are split
into eight 8-bit bands, stored indexed: two hashes within 7 bits share at least one band, so
candidates are found without a scan.
Tables `crawl_fingerprints`, `crawl_fp_bands` and `crawl_reposts` are shared by all profiles (reposts
cross sites).
"""

from __future__ import annotations

import re
import sqlite3
import zlib
from dataclasses import dataclass

from indexer.documents import PolicyDocument, SiteLink

MAX_DISTANCE = 3
MAX_DISTANCE_SAME_TITLE = 7
BANDS = 8
MIN_TEXT = 200  # shorter texts (a notice of one line) are too alike to compare by SimHash
_SHINGLE = 4
_MAX_SHINGLES = 1500
_SAMPLE = 3
_NOISE = re.compile(r"[\s\W_]+")
_BRACKETS = str.maketrans(
    {"[": "〔", "]": "〕", "［": "〔", "］": "〕", "(": "〔", ")": "〕", "（": "〔", "）": "〕"}
)

SCHEMA = """
CREATE TABLE IF NOT EXISTS crawl_fingerprints (
    doc_id     TEXT PRIMARY KEY,
    url        TEXT NOT NULL,
    doc_number TEXT NOT NULL,
    title_key  TEXT NOT NULL,
    simhash    INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS crawl_fp_number ON crawl_fingerprints (doc_number);
CREATE TABLE IF NOT EXISTS crawl_fp_bands (
    band   INTEGER NOT NULL,  -- band number * 256 + the band's 8 bits
    doc_id TEXT NOT NULL,
    PRIMARY KEY (band, doc_id)
);
CREATE TABLE IF NOT EXISTS crawl_reposts (
    canonical_id TEXT NOT NULL,
    url          TEXT PRIMARY KEY,
    site         TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS crawl_reposts_canonical ON crawl_reposts (canonical_id);
"""


def simhash(text: str) -> int:
    """64-bit SimHash of the character 4-grams of `text` (punctuation and spaces ignored).

    For speed the 4-grams are sampled by hash value (one in `_SAMPLE`, the same ones in every text, so
    similar texts keep similar samples) and hashed with two CRC32s (C speed; not a security use)."""
    squeezed = _NOISE.sub("", text).encode("utf-32-le")  # 4 bytes per character: slices are characters
    width = _SHINGLE * 4
    hashes = []
    for i in range(0, max(1, len(squeezed) - width + 1), 4):
        shingle = squeezed[i : i + width]
        low = zlib.crc32(shingle)
        if low % _SAMPLE == 0:
            hashes.append(format((zlib.crc32(shingle, 0x9E3779B9) << 32) | low, "064b"))
            if len(hashes) >= _MAX_SHINGLES:
                break
    half = len(hashes) / 2
    bits = "".join("1" if "".join(column).count("1") > half else "0" for column in zip(*hashes, strict=True))
    return int(bits or "0", 2)


def _signed(value: int) -> int:
    """SQLite integers are signed 64-bit."""
    return value - (1 << 64) if value >= 1 << 63 else value


def normalize_doc_number(number: str) -> str:
    return _NOISE.sub("", number.translate(_BRACKETS)) if number else ""


def title_key(title: str) -> str:
    return _NOISE.sub("", title)


@dataclass(frozen=True)
class Fingerprint:
    doc_number: str
    title_key: str
    simhash: int

    @classmethod
    def of(cls, doc: PolicyDocument) -> Fingerprint:
        text = doc.body if len(doc.body) >= MIN_TEXT else ""
        return cls(normalize_doc_number(doc.doc_number), title_key(doc.title), simhash(text) if text else 0)

    def bands(self) -> list[int]:
        return [i * 256 + ((self.simhash >> (8 * i)) & 0xFF) for i in range(BANDS)]


class DuplicateIndex:
    """Finds the canonical copy of a policy and keeps the list of its reposts."""

    def __init__(self, db: sqlite3.Connection) -> None:
        self._db = db
        self._db.executescript(SCHEMA)

    def canonical_for(self, doc: PolicyDocument) -> str | None:
        """The id of an earlier, different document that `doc` duplicates, or None."""
        print_ = Fingerprint.of(doc)
        if print_.doc_number:
            row = self._db.execute(
                "SELECT doc_id FROM crawl_fingerprints "
                "WHERE doc_number = ? AND title_key = ? AND doc_id != ?",
                (print_.doc_number, print_.title_key, doc.id),
            ).fetchone()
            if row:
                return str(row[0])
        if not print_.simhash:
            return None
        marks = ",".join("?" * BANDS)
        rows = self._db.execute(
            "SELECT f.doc_id, f.simhash, f.title_key FROM crawl_fingerprints f WHERE f.doc_id IN "
            f"(SELECT doc_id FROM crawl_fp_bands WHERE band IN ({marks})) AND f.doc_id != ?",
            (*print_.bands(), doc.id),
        ).fetchall()
        for doc_id, other, other_title in rows:
            distance = bin((other & ((1 << 64) - 1)) ^ print_.simhash).count("1")
            titles_agree = other_title in print_.title_key or print_.title_key in other_title
            if distance <= MAX_DISTANCE or (distance <= MAX_DISTANCE_SAME_TITLE and titles_agree):
                return str(doc_id)
        return None

    def remember(self, doc: PolicyDocument) -> None:
        """Record `doc` as a canonical document (first seen wins)."""
        print_ = Fingerprint.of(doc)
        self._db.execute(
            "INSERT OR REPLACE INTO crawl_fingerprints VALUES (?, ?, ?, ?, ?)",
            (doc.id, doc.url, print_.doc_number, print_.title_key, _signed(print_.simhash)),
        )
        self._db.execute("DELETE FROM crawl_fp_bands WHERE doc_id = ?", (doc.id,))
        if print_.simhash:
            rows = [(band, doc.id) for band in print_.bands()]
            self._db.executemany("INSERT OR IGNORE INTO crawl_fp_bands VALUES (?, ?)", rows)

    def add_repost(self, canonical_id: str, url: str, site: str) -> None:
        self._db.execute(
            "INSERT OR REPLACE INTO crawl_reposts (canonical_id, url, site) VALUES (?, ?, ?)",
            (canonical_id, url, site),
        )

    def remove_repost(self, url: str) -> str | None:
        """Forget a vanished repost; the canonical id it belonged to, if any."""
        row = self._db.execute("SELECT canonical_id FROM crawl_reposts WHERE url = ?", (url,)).fetchone()
        self._db.execute("DELETE FROM crawl_reposts WHERE url = ?", (url,))
        return str(row[0]) if row else None

    def forget(self, doc_id: str) -> list[str]:
        """Drop a withdrawn canonical; the URLs of its reposts, which must be fetched again."""
        urls = [
            str(row[0])
            for row in self._db.execute("SELECT url FROM crawl_reposts WHERE canonical_id = ?", (doc_id,))
        ]
        self._db.execute("DELETE FROM crawl_reposts WHERE canonical_id = ?", (doc_id,))
        self._db.execute("DELETE FROM crawl_fingerprints WHERE doc_id = ?", (doc_id,))
        self._db.execute("DELETE FROM crawl_fp_bands WHERE doc_id = ?", (doc_id,))
        return urls

    def reposts(self, canonical_id: str) -> list[SiteLink]:
        rows = self._db.execute(
            "SELECT site, url FROM crawl_reposts WHERE canonical_id = ? ORDER BY rowid", (canonical_id,)
        )
        return [SiteLink(site=site, url=url) for site, url in rows]

    def with_reposts(self, doc: PolicyDocument) -> PolicyDocument:
        """`doc` with the reposts recorded for it (a re-extracted canonical has none of its own)."""
        return doc.model_copy(update={"reposts": self.reposts(doc.id)})
