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

KINDS = ("ids", "int8", "distinct", "members", "starts")  # the arrays `write_arrays` writes


def array_path(source: Path, kind: str) -> Path:
    """Where the `kind` array of this version of the vector file is kept."""
    stat = source.stat()
    return source.with_name(f".{source.name}.{stat.st_mtime_ns}-{stat.st_size}.{kind}.npy")


def missing(source: Path) -> bool:
    """Is any array of this version of the vector file not written yet?"""
    return not all(array_path(source, kind).exists() for kind in KINDS)


def _write(source: Path, target: Path, kind: str, array: npt.NDArray[Any]) -> None:
    """Write aside, then rename (a reader sees the whole array or none), and remove older versions."""
    temporary = target.with_name(f"{target.name}.{os.getpid()}.{threading.get_ident()}")
    try:
        with temporary.open("wb") as file:
            np.save(file, array)
        os.replace(temporary, target)
    except OSError:
        temporary.unlink(missing_ok=True)
        raise
    for old in source.parent.glob(f".{source.name}.*.{kind}.npy"):
        if old != target:
            with contextlib.suppress(OSError):  # another worker may be cleaning up too
                old.unlink()


def derived(source: Path, kind: str, make: Callable[[], npt.NDArray[Any]]) -> npt.NDArray[Any]:
    """The `kind` array of the vector file, memory-mapped: `make()` is called and its result written
    only when this version's is missing (a serving worker over an older data directory)."""
    target = array_path(source, kind)
    if not target.exists():
        array = make()
        try:
            _write(source, target, kind, array)
        except OSError:  # a read-only or full disk: this process keeps its own copy
            return array
    try:
        mapped: npt.NDArray[Any] = np.load(target, mmap_mode="r")
    except ValueError:  # numpy maps no empty array
        mapped = np.load(target)
    return mapped


def ids_array(ids: Sequence[str]) -> npt.NDArray[np.bytes_]:
    return np.array([i.encode() for i in ids], dtype=bytes)


def write_arrays(source: Path, ids: Sequence[str], matrix: npt.NDArray[np.int8], groups: Groups) -> None:
    """Write every missing array of the vector file just saved (the indexer, beside the file it
    wrote); nothing is mapped here."""
    arrays: dict[str, Callable[[], npt.NDArray[Any]]] = {
        "ids": lambda: ids_array(ids),
        "int8": lambda: matrix,
        "distinct": lambda: groups.distinct,
        "members": lambda: groups.members,
        "starts": lambda: groups.starts,
    }
    for kind, make in arrays.items():
        if not (target := array_path(source, kind)).exists():
            with contextlib.suppress(OSError):  # a full disk: the first serving worker makes it instead
                _write(source, target, kind, make())
