"""Near-duplicate policies: the same document reposted on many sites becomes one canonical document
whose `reposts` list every other page it appears on.

Two pages are the same document when they carry the same 发文字号 and the same title, or when their
texts' 64-bit SimHashes differ in at most 3 bits, or in at most 7 bits when one title contains the
other (reposts add a line of their own, which moves a few bits of a short text; unrelated notices from
one template share boilerplate, so a looser match needs the titles to agree too). SimHashes are split
into eight 8-bit bands, stored indexed: two hashes within 7 bits share at least one band, so
candidates are found without a scan.
Their tables (`indexer.storage.crawl_dedup`) are shared by all profiles (reposts cross sites).
"""

from __future__ import annotations

import re
import zlib
from dataclasses import dataclass

from indexer.documents import PolicyDocument, SiteLink
from indexer.storage import Database
from indexer.storage.crawl_dedup import FingerprintRows

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

    def __init__(self, database: Database) -> None:
        self._rows = FingerprintRows(database)

    def canonical_for(self, doc: PolicyDocument) -> str | None:
        """The id of an earlier, different document that `doc` duplicates, or None."""
        print_ = Fingerprint.of(doc)
        if print_.doc_number:
            found = self._rows.same_number(print_.doc_number, print_.title_key, doc.id)
            if found:
                return found
        if not print_.simhash:
            return None
        for doc_id, other, other_title in self._rows.sharing_a_band(print_.bands(), doc.id):
            distance = bin(other ^ print_.simhash).count("1")
            titles_agree = other_title in print_.title_key or print_.title_key in other_title
            if distance <= MAX_DISTANCE or (distance <= MAX_DISTANCE_SAME_TITLE and titles_agree):
                return doc_id
        return None

    def remember(self, doc: PolicyDocument) -> None:
        """Record `doc` as a canonical document (first seen wins)."""
        print_ = Fingerprint.of(doc)
        row = {
            "doc_id": doc.id,
            "url": doc.url,
            "doc_number": print_.doc_number,
            "title_key": print_.title_key,
            "simhash": print_.simhash,
        }
        self._rows.remember(row, print_.bands() if print_.simhash else [])

    def add_repost(self, canonical_id: str, url: str, site: str) -> None:
        self._rows.add_repost(canonical_id, url, site)

    def remove_repost(self, url: str) -> str | None:
        """Forget a vanished repost; the canonical id it belonged to, if any."""
        return self._rows.remove_repost(url)

    def forget(self, doc_id: str) -> list[str]:
        """Drop a withdrawn canonical; the URLs of its reposts, which must be fetched again."""
        return self._rows.forget(doc_id)

    def reposts(self, canonical_id: str) -> list[SiteLink]:
        return [SiteLink(site=site, url=url) for site, url in self._rows.reposts(canonical_id)]

    def with_reposts(self, doc: PolicyDocument) -> PolicyDocument:
        """`doc` with the reposts recorded for it (a re-extracted canonical has none of its own)."""
        return doc.model_copy(update={"reposts": self.reposts(doc.id)})
