"""Index generations on disk for the embedded backend: which directory is live, switched atomically.

`<data_dir>/index` is the index's name. A rebuild writes a new directory beside it
(`index.gen-<time>`); a one-line pointer file `index.current` names the live one and `index.previous`
the one it replaced (kept for one rollback). The pointer is replaced with `os.replace`, which is
atomic, after the new directory is complete and synced, so a crash at any moment leaves either the old
or the new index live, never a partial one. Without a pointer file (a data directory from before
generations) `index` itself is live.
"""

from __future__ import annotations

import os
import shutil
import time
from pathlib import Path

CURRENT_SUFFIX = ".current"
PREVIOUS_SUFFIX = ".previous"
GENERATION_INFIX = ".gen-"


def _pointer(base: Path, suffix: str) -> Path:
    return base.with_name(base.name + suffix)


def _read(pointer: Path) -> Path | None:
    try:
        name = pointer.read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    target = pointer.with_name(name)
    # Only a sibling of our own naming counts: a pointer file never sends us elsewhere.
    return target if name and "/" not in name and target.is_dir() else None


def _fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def _write(pointer: Path, target: Path) -> None:
    """Point `pointer` at `target`, atomically and durably."""
    tmp = pointer.with_name(pointer.name + ".tmp")
    with tmp.open("w", encoding="utf-8") as out:
        out.write(target.name + "\n")
        out.flush()
        os.fsync(out.fileno())
    os.replace(tmp, pointer)
    _fsync_dir(pointer.parent)


def live(base: Path) -> Path:
    """The directory searches read: the generation `index.current` names, else `index` itself."""
    return _read(_pointer(base, CURRENT_SUFFIX)) or base


def previous(base: Path) -> Path | None:
    return _read(_pointer(base, PREVIOUS_SUFFIX))


def new_directory(base: Path) -> Path:
    """A fresh, empty directory for the next generation (leftovers of an interrupted rebuild go)."""
    remove_unused(base)
    target = base.with_name(f"{base.name}{GENERATION_INFIX}{time.time_ns()}")
    target.mkdir(parents=True)
    return target


def switch(base: Path, target: Path) -> None:
    """Make `target` live; the live one becomes the previous generation; older ones are deleted."""
    replaced = live(base)
    _write(_pointer(base, CURRENT_SUFFIX), target)
    if replaced != target:
        _write(_pointer(base, PREVIOUS_SUFFIX), replaced)
    remove_unused(base)


def rollback(base: Path) -> Path | None:
    """Make the previous generation live again (and the current one previous); None without one."""
    before = previous(base)
    if before is None:
        return None
    switch(base, before)
    return before


def remove_unused(base: Path) -> None:
    """Delete generations that are neither live nor previous (a crash here only leaves garbage)."""
    keep = {live(base), previous(base)}
    candidates = [p for p in base.parent.glob(f"{base.name}{GENERATION_INFIX}*") if p.is_dir()]
    if base.is_dir():
        candidates.append(base)
    for path in candidates:
        if path not in keep:
            shutil.rmtree(path, ignore_errors=True)
    _pointer(base, CURRENT_SUFFIX + ".tmp").unlink(missing_ok=True)
    _pointer(base, PREVIOUS_SUFFIX + ".tmp").unlink(missing_ok=True)
