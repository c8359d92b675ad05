"""The arrays a serving worker memory-maps for one vector file (`indexer.vectors`): its ids, its int8
rows, and its distinct rows with the rows each stands for (`indexer.ann.Groups`), each a plain .npy
beside the file (an .npz cannot be mapped), named for the file's version.

`govsearch index` writes them with the vector file, working out the distinct rows once for the graph and
for them (6 CPU-s at 1M titles that the first serving worker spent before); a serving worker maps them,
and makes any that is missing (a data directory written before they existed, a read-only copy).
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from indexer.ann import Groups

KINDS = ("ids", "int8", "distinct", "members", "starts")


def array_path(source: Path, kind: str) -> Path:
    """Where the `kind` array of this version of the vector file is kept."""
    stat = source.stat()
    return source.with_name(f".{source.name}.{stat.st_mtime_ns}-{stat.st_size}.{kind}.npy")


def missing(source: Path) -> bool:
    """Is any array of this version of the vector file not written yet?"""
    return not all(array_path(source, kind).exists() for kind in KINDS)


def derived(source: Path, kind: str, make: Callable[[], npt.NDArray[Any]]) -> npt.NDArray[Any]:
    """The `kind` array of the vector file, memory-mapped: `make()` is called and its result written
    (aside, then renamed, older versions removed) only when this version's is missing."""
    target = array_path(source, kind)
    if not target.exists():
        temporary = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}")
        try:
            with temporary.open("wb") as file:
                np.save(file, make())
            os.replace(temporary, target)
        except OSError:  # a read-only or full disk: this process keeps its own copy
            temporary.unlink(missing_ok=True)
            return make()
        for old in source.parent.glob(f".{source.name}.*.{kind}.npy"):
            if old != target:
                with contextlib.suppress(OSError):  # another worker may be cleaning up too
                    old.unlink()
    try:
        mapped: npt.NDArray[Any] = np.load(target, mmap_mode="r")
    except ValueError:  # numpy maps no empty array
        mapped = np.load(target)
    return mapped


def ids_array(ids: Sequence[str]) -> npt.NDArray[np.bytes_]:
    return np.array([i.encode() for i in ids], dtype=bytes)


def write_arrays(source: Path, ids: Sequence[str], matrix: npt.NDArray[np.int8], groups: Groups) -> None:
    """Write every array of the vector file just saved (the indexer, beside the file it wrote)."""
    derived(source, "ids", lambda: ids_array(ids))
    derived(source, "int8", lambda: matrix)
    derived(source, "distinct", lambda: groups.distinct)
    derived(source, "members", lambda: groups.members)
    derived(source, "starts", lambda: groups.starts)
