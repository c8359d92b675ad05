"""The per-document facts of the whole collection in a few flat arrays instead of one Python object per
document: a `DocInfo` with its tuples cost ~650 bytes a document (650 MB at 1M, in every serving worker);
a row here costs 28 bytes plus its id and codes, and the arrays are memory-mapped from the knowledge
file (`knowledge_file`), so the workers of one machine share one copy through the page cache.

A `DocTable` is a read-only mapping from document id to `DocInfo`, made on each look-up (a few
microseconds; a search looks up its page of hits).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Iterator, Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class DocInfo:
    """The per-document facts the reranker uses."""

    kind: str
    title: str  # normalised
    date: dt.date | None
    high_level: bool  # 国务院 / 国家 level
    invalid: str  # "" or the label to show: 已废止, 已失效
    codes: tuple[str, ...] = ()  # exact keys (`code_key`) of its 发文字号 / 事项编码
    areas: tuple[str, ...] = ()  # its region's names and code (`indexer.regions.area_values`)
    audiences: tuple[str, ...] = ()  # 个人 / 法人, from a guide's 服务对象


# One row per document, ordered by id. Small repeated values (kind, label, region, 服务对象) are numbers
# into short lists; the title a number into the corpus's distinct titles; codes a range of `codes`.
ROW = np.dtype(
    [
        ("kind", "u1"),
        ("high", "u1"),
        ("invalid", "u1"),
        ("audiences", "u1"),
        ("title", "<i4"),
        ("date", "<i4"),  # proleptic Gregorian ordinal, 0: none
        ("areas", "<i4"),
        ("code_start", "<i4"),
        ("code_end", "<i4"),
    ]
)
LOOKUPS_KEPT = 20_000  # DocInfo made recently, kept (a few MB): the same hits come back across searches


def _strings(values: Sequence[str]) -> npt.NDArray[np.bytes_]:
    """Fixed-width UTF-8 (byte order is code point order, so sorted bytes are sorted strings)."""
    return np.array([v.encode() for v in values], dtype=bytes) if values else np.zeros(0, dtype="S1")


class SortedStrings(Collection[str]):
    """A sorted array of distinct strings: membership by binary search, iteration in order."""

    def __init__(self, values: npt.NDArray[np.bytes_]) -> None:
        self.values = values

    def __contains__(self, text: object) -> bool:
        if not isinstance(text, str) or not len(self.values):
            return False
        key = text.encode()
        at = int(np.searchsorted(self.values, key))
        return at < len(self.values) and bytes(self.values[at]) == key

    def __iter__(self) -> Iterator[str]:
        return (bytes(v).decode() for v in self.values)

    def __len__(self) -> int:
        return len(self.values)


class DocTable(Mapping[str, DocInfo]):
    def __init__(
        self,
        ids: npt.NDArray[np.bytes_],
        rows: npt.NDArray[np.void],
        codes: npt.NDArray[np.bytes_],
        titles: Sequence[str],
        tables: tuple[list[str], list[str], list[tuple[str, ...]], list[tuple[str, ...]]],
    ) -> None:
        """`tables`: the kinds, the invalid labels, the areas and the audiences rows number into."""
        self.ids, self.rows, self.codes, self.titles = ids, rows, codes, titles
        self.tables = tables
        self._made: dict[str, DocInfo] = {}

    def __reduce__(self) -> tuple[object, ...]:  # the arrays, not the look-ups made so far
        return (DocTable, (self.ids, self.rows, self.codes, self.titles, self.tables))

    def _row(self, doc_id: str) -> int:
        key = doc_id.encode()
        at = int(np.searchsorted(self.ids, key))
        return at if at < len(self.ids) and bytes(self.ids[at]) == key else -1

    def __getitem__(self, doc_id: str) -> DocInfo:
        found = self._made.get(doc_id)
        if found is not None:
            return found
        at = self._row(doc_id) if len(self.ids) else -1
        if at < 0:
            raise KeyError(doc_id)
        kind, high, invalid, audiences, title, date, areas, start, end = self.rows[at].item()
        kinds, labels, area_rows, audience_rows = self.tables
        info = DocInfo(
            kinds[kind],
            self.titles[title],
            dt.date.fromordinal(date) if date else None,
            bool(high),
            labels[invalid],
            tuple(bytes(c).decode() for c in self.codes[start:end]),
            area_rows[areas],
            audience_rows[audiences],
        )
        if len(self._made) >= LOOKUPS_KEPT:
            self._made.clear()
        self._made[doc_id] = info
        return info

    def __contains__(self, doc_id: object) -> bool:
        return isinstance(doc_id, str) and len(self.ids) > 0 and self._row(doc_id) >= 0

    def __iter__(self) -> Iterator[str]:
        return (bytes(i).decode() for i in self.ids)

    def __len__(self) -> int:
        return len(self.ids)

    def held_codes(self) -> SortedStrings:
        return SortedStrings(np.unique(self.codes))


class DocTableBuilder:
    """Collects documents in any order; `table()` sorts them by id."""

    def __init__(self) -> None:
        self._ids: list[str] = []
        self._rows: list[tuple[int, ...]] = []
        self._codes: list[str] = []
        self._numbers: dict[object, int] = {}  # (table, value) → its number in that table
        self._tables: tuple[list[str], list[str], list[tuple[str, ...]], list[tuple[str, ...]]] = (
            [],
            [""],
            [()],
            [()],
        )

    def _number(self, table: int, value: object) -> int:
        key = (table, value)
        if key not in self._numbers:
            self._numbers[key] = len(self._tables[table])
            self._tables[table].append(value)  # type: ignore[arg-type]
        return self._numbers[key]

    def add(self, doc_id: str, info: DocInfo, title: int) -> None:
        """`title`: the number of the document's title among the corpus's distinct titles."""
        start = len(self._codes)
        self._codes.extend(info.codes)
        self._ids.append(doc_id)
        self._rows.append(
            (
                self._number(0, info.kind),
                info.high_level,
                0 if not info.invalid else self._number(1, info.invalid),
                0 if not info.audiences else self._number(3, info.audiences),
                title,
                info.date.toordinal() if info.date else 0,
                0 if not info.areas else self._number(2, info.areas),
                start,
                len(self._codes),
            )
        )

    def table(self, titles: Sequence[str]) -> DocTable:
        order = sorted(range(len(self._ids)), key=self._ids.__getitem__)
        rows = np.array([self._rows[i] for i in order], dtype=ROW) if order else np.zeros(0, ROW)
        return DocTable(
            _strings([self._ids[i] for i in order]), rows, _strings(self._codes), titles, self._tables
        )


def held_codes(docs: Mapping[str, DocInfo]) -> Collection[str]:
    """Every code some document carries: a sorted array for a table, a set for a plain mapping."""
    if isinstance(docs, DocTable):
        return docs.held_codes()
    return frozenset(code for info in docs.values() for code in info.codes)
