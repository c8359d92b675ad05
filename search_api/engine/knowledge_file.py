"""The knowledge kept on disk beside the index, so that a serving process starts without reading and
spelling every title again (tens of seconds at 100k documents, minutes at 1M).

One pickle in the data directory, written by the process that built the knowledge and trusted like the
store and the index beside it. It holds the key it was built for (the store's signature, the synonym
terms, the denylist, this format); anything else — another key, a damaged or foreign file — is ignored
and the knowledge is built from the store as before.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import threading
import time
from collections.abc import Hashable
from pathlib import Path

FORMAT = 1  # raise when Knowledge, Corpus, Lexicon or Suggester change shape
ABANDONED_SECONDS = 600.0  # a temporary file this old belongs to no running save


def load(path: Path, key: Hashable) -> object | None:
    """What was saved under `key`, or None."""
    try:
        with path.open("rb") as file:
            saved_key, value = pickle.load(file)
    except FileNotFoundError:
        return None
    except (OSError, EOFError, ValueError, TypeError, AttributeError, ImportError, pickle.UnpicklingError):
        return None  # damaged or written by another version: built again
    return value if saved_key == (FORMAT, key) else None


def save(path: Path, key: Hashable, value: object) -> None:
    """Written to a temporary file and renamed: readers see the old file or the new one, whole."""
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{threading.get_ident()}")
    for left in path.parent.glob(f".{path.name}.*"):  # a process stopped while writing left it
        with contextlib.suppress(OSError):  # another process may be cleaning up too
            if time.time() - left.stat().st_mtime > ABANDONED_SECONDS:
                left.unlink()
    try:
        with temporary.open("wb") as file:
            pickle.dump(((FORMAT, key), value), file, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(temporary, path)
    except OSError:
        temporary.unlink(missing_ok=True)  # a read-only or full disk: start-up just stays slower
