"""The password hash (scrypt) in a process of its own at the lowest CPU priority.

scrypt costs ~50 ms of a core and 16 MB per attempt. Run in the serving process it takes a core from
the searches whenever someone guesses passwords (ten wrong logins a second, each from another address,
would take half the machine). In a child process niced to 19 the kernel gives it only the time the
searches leave: a login may wait longer under load, a search does not. One child per serving process,
one hash at a time, started on the first login (a spawned interpreter: this module imports nothing of
the app).
"""

from __future__ import annotations

import hashlib
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

SCRYPT = {"n": 2**14, "r": 8, "p": 1}
PARENT_CHECK_SECONDS = 1.0
_lock = threading.Lock()
_pool: ProcessPoolExecutor | None = None


def _watch_parent(parent: int) -> None:
    """The child ends with its serving process (a pool's child would otherwise outlive a killed
    worker, waiting for work forever)."""
    while os.getppid() == parent:
        time.sleep(PARENT_CHECK_SECONDS)
    os._exit(0)


def _start_child(parent: int) -> None:
    os.nice(19)
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()


def derive(password: bytes, salt: bytes) -> bytes:
    """The scrypt digest itself (runs in the child)."""
    return hashlib.scrypt(password, salt=salt, **SCRYPT)


def _hasher(fresh: bool = False) -> ProcessPoolExecutor:
    global _pool
    with _lock:
        if _pool is None or fresh:
            context = multiprocessing.get_context("spawn")
            _pool = ProcessPoolExecutor(
                1, mp_context=context, initializer=_start_child, initargs=(os.getpid(),)
            )
        return _pool


def scrypt(password: bytes, salt: bytes) -> bytes:
    """The digest, computed in the niced child; a child that died is replaced once."""
    try:
        return _hasher().submit(derive, password, salt).result()
    except BrokenProcessPool:
        return _hasher(fresh=True).submit(derive, password, salt).result()
