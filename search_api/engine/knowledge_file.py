"""The knowledge kept on disk beside the index, so that a serving process starts without reading and
spelling every title again (tens of seconds at 100k documents, minutes at 1M).

One file in the data directory, written by the process that built the knowledge and trusted like the
store and the index beside it: a pickle of the small Python parts, then every numpy array of the
knowledge (the per-document table, the title postings) as raw bytes that `load` memory-maps instead of
reading. Opening it costs the small parts only, and the serving workers of one machine share the arrays
through the page cache. The file holds the key it was built for (the store's signature, the synonym
terms, the denylist, this format); anything else — another key, a damaged, cut or foreign file — is
logged and ignored, and the knowledge is built from the store as before.
"""

from __future__ import annotations

import contextlib
import fcntl
import io
import logging
import os
import pickle
import struct
import threading
import time
from collections.abc import Hashable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

FORMAT = 7  # raise when Knowledge, Corpus, DocTable, Lexicon or Suggester change shape
MAGIC = b"GSKNOW2\n"
ABANDONED_SECONDS = 600.0  # a temporary file this old belongs to no running save
OLD_FILES = ("knowledge.pickle",)  # what earlier versions kept: removed once this file is written
ALIGN = 64  # each array starts on a cache-line boundary
_HEAD = struct.Struct("<8sQ")  # magic, length of the pickled part
log = logging.getLogger(__name__)


class _Writer(pickle.Pickler):
    """Pickles everything but numpy arrays, which are set aside to be written raw after the pickle."""

    def __init__(self, file: io.BytesIO) -> None:
        super().__init__(file, protocol=pickle.HIGHEST_PROTOCOL)
        self.arrays: list[np.ndarray[Any, Any]] = []

    def persistent_id(self, obj: object) -> object:
        if isinstance(obj, np.ndarray) and obj.dtype != object:
            self.arrays.append(np.ascontiguousarray(obj))
            return len(self.arrays) - 1
        return None


class _Reader(pickle.Unpickler):
    def __init__(self, file: io.BytesIO, arrays: list[np.ndarray[Any, Any]]) -> None:
        super().__init__(file)
        self.arrays = arrays

    def persistent_load(self, pid: object) -> object:
        if not isinstance(pid, int) or not 0 <= pid < len(self.arrays):
            raise pickle.UnpicklingError(f"no array {pid!r}")
        return self.arrays[pid]


def _aligned(offset: int) -> int:
    return -(-offset // ALIGN) * ALIGN


def load(path: Path, key: Hashable) -> object | None:
    """What was saved under `key`, or None (logged when the file is there but of no use)."""
    try:
        with path.open("rb") as file:
            magic, length = _HEAD.unpack(file.read(_HEAD.size))
            if magic != MAGIC:
                raise ValueError("not a knowledge file of this version")
            saved_key, layout, head = pickle.loads(file.read(length))
        if saved_key != (FORMAT, key):
            log.info("knowledge file %s is for another store state: built again", path)
            return None
        size = path.stat().st_size
        arrays: list[np.ndarray[Any, Any]] = []
        for descr, shape, offset in layout:
            dtype = np.lib.format.descr_to_dtype(descr)
            count = int(np.prod(shape))
            if offset + count * dtype.itemsize > size:
                raise ValueError("cut short")
            if count == 0:  # a memory map of nothing is an error in numpy
                arrays.append(np.zeros(shape, dtype=dtype))
            else:
                arrays.append(np.memmap(path, dtype=dtype, mode="r", offset=offset, shape=shape))
        value: object = _Reader(io.BytesIO(head), arrays).load()
        return value
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, struct.error,
            pickle.UnpicklingError) as error:  # fmt: skip
        log.warning("knowledge file %s unreadable (%s): built again from the store", path, error)
        return None


def save(path: Path, key: Hashable, value: object) -> None:
    """Written to a temporary file and renamed: readers see the old file or the new one, whole (a
    worker that mapped the old one keeps reading it until it drops it)."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    for left in path.parent.glob(f".{path.name}.*"):  # a process stopped while writing left it
        with contextlib.suppress(OSError):  # another process may be cleaning up too
            if time.time() - left.stat().st_mtime > ABANDONED_SECONDS:
                left.unlink()
    buffer = io.BytesIO()
    writer = _Writer(buffer)
    writer.dump(value)
    head = buffer.getvalue()
    # Arrays start after the header, whose length depends on the offsets it lists: room is left for
    # the offsets' digits (a few bytes each) and the arrays placed after it.
    bare = pickle.dumps(((FORMAT, key), [], head), protocol=pickle.HIGHEST_PROTOCOL)
    start = _aligned(_HEAD.size + len(bare) + 256 * len(writer.arrays) + 4096)
    layout: list[tuple[object, tuple[int, ...], int]] = []
    for array in writer.arrays:
        layout.append((np.lib.format.dtype_to_descr(array.dtype), array.shape, start))
        start = _aligned(start + array.nbytes)
    header = pickle.dumps(((FORMAT, key), layout, head), protocol=pickle.HIGHEST_PROTOCOL)
    if layout and _HEAD.size + len(header) > layout[0][2]:
        raise ValueError("knowledge file header overlaps its arrays")  # cannot happen: room left above
    try:
        with temporary.open("wb") as file:
            file.write(_HEAD.pack(MAGIC, len(header)))
            file.write(header)
            for array, (_dtype, _shape, at) in zip(writer.arrays, layout, strict=True):
                file.seek(at)
                file.write(array.tobytes())
        os.replace(temporary, path)
        for old in OLD_FILES:
            if old != path.name:
                (path.parent / old).unlink(missing_ok=True)
    except OSError:
        temporary.unlink(missing_ok=True)  # a read-only or full disk: start-up just stays slower


class Exclusive:
    """Held by one process at a time (a lock file beside `path`): the worker that builds what `path`
    keeps, while the other workers of the machine wait to open what it saved rather than each building
    the same thing (CPU at start, and the build's memory, once per machine instead of once per worker).
    Released by whichever thread finishes last with it (the one that saves)."""

    def __init__(self, path: Path) -> None:
        try:
            self._file: io.BufferedRandom | None = path.with_name(f"{path.name}.lock").open("a+b")
        except OSError:  # a read-only data directory: every worker builds its own, as before
            self._file = None

    def __enter__(self) -> Exclusive:
        if self._file is not None:
            fcntl.flock(self._file, fcntl.LOCK_EX)
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()

    def release(self) -> None:
        if self._file is not None:
            self._file.close()  # closing the file releases the lock
            self._file = None


@contextlib.contextmanager
def exclusive(path: Path) -> Iterator[Exclusive]:
    with Exclusive(path) as held:
        yield held
