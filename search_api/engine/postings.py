"""Word → the sorted numbers of the entries holding it (titles, catalogue items), as ranges of one int32
array: a set of ints per word cost ~40 bytes a number in every serving worker, a range 4 bytes, and the
array is memory-mapped when the knowledge is opened from its file (`knowledge_file`)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from functools import reduce

import numpy as np
import numpy.typing as npt

Numbers = npt.NDArray[np.int32]
_NONE: Numbers = np.zeros(0, dtype=np.int32)


class Postings:
    """Word → the numbers of the entries holding it, as one sorted int32 array per word cut from a
    single array (a set of ints per word cost ~40 bytes a number; this 4, memory-mapped when loaded)."""

    def __init__(
        self, slots: dict[str, int] | None = None, starts: Numbers = _NONE, numbers: Numbers = _NONE
    ) -> None:
        self.slots = slots or {}  # word → its row in `starts`
        self.starts = starts
        self.numbers = numbers

    @classmethod
    def of(cls, lists: Mapping[str, Iterable[int]]) -> Postings:
        slots: dict[str, int] = {}
        starts, numbers = [0], []
        for word, found in lists.items():
            slots[word] = len(slots)
            numbers.extend(sorted(set(found)))
            starts.append(len(numbers))
        return cls(slots, np.array(starts, dtype=np.int32), np.array(numbers, dtype=np.int32))

    def get(self, word: str) -> Numbers:
        slot = self.slots.get(word)
        return _NONE if slot is None else self.numbers[self.starts[slot] : self.starts[slot + 1]]

    def lists(self) -> dict[str, list[int]]:
        return {word: self.get(word).tolist() for word in self.slots}


def intersection(arrays: Sequence[Numbers]) -> Numbers:
    """The numbers in every one of the sorted arrays."""
    return reduce(lambda a, b: np.intersect1d(a, b, assume_unique=True), arrays)


def union(arrays: Iterable[Numbers]) -> Numbers:
    found = list(arrays)
    return np.unique(np.concatenate(found)) if found else _NONE


class PackedStrings:
    """A list of strings as one UTF-8 buffer and its offsets: no Python object per string until one is
    read, and memory-mapped when loaded from a knowledge file."""

    def __init__(
        self, data: npt.NDArray[np.uint8] | None = None, ends: npt.NDArray[np.int64] | None = None
    ) -> None:
        self.data = data if data is not None else np.zeros(0, dtype=np.uint8)
        self.ends = ends if ends is not None else np.zeros(0, dtype=np.int64)

    @classmethod
    def of(cls, values: Iterable[str]) -> PackedStrings:
        encoded = [v.encode() for v in values]
        ends = np.cumsum([len(e) for e in encoded], dtype=np.int64) if encoded else None
        return cls(np.frombuffer(b"".join(encoded), dtype=np.uint8).copy(), ends)

    def __getitem__(self, number: int) -> str:
        start = int(self.ends[number - 1]) if number else 0
        return bytes(self.data[start : int(self.ends[number])]).decode()

    def __len__(self) -> int:
        return len(self.ends)
