"""The password hash runs in a child process at the lowest CPU priority (issue 17: wrong logins must
not take the cores the searches need)."""

from __future__ import annotations

import hashlib
import os
import subprocess
import sys
import time
from pathlib import Path

from web.admin import hashing
from web.admin.accounts import hash_password, verify_password

ROOT = Path(__file__).resolve().parents[3]


def _child_niceness() -> int:
    return os.nice(0)


def test_the_hash_is_scrypt_computed_in_a_niced_child() -> None:
    salt = b"0123456789abcdef"
    assert hashing.scrypt(b"secret", salt) == hashlib.scrypt(b"secret", salt=salt, n=2**14, r=8, p=1)
    child = hashing._hasher()
    assert child.submit(os.getpid).result() != os.getpid()
    assert child.submit(_child_niceness).result() >= min(19, os.nice(0) + 19)
    stored = hash_password("correct horse battery")
    assert verify_password("correct horse battery", stored) and not verify_password("wrong", stored)


def test_a_dead_hashing_process_is_replaced() -> None:
    hashing._hasher().submit(os._exit, 1)
    salt = b"fedcba9876543210"
    assert hashing.scrypt(b"again", salt) == hashlib.scrypt(b"again", salt=salt, n=2**14, r=8, p=1)


def test_the_hashing_process_ends_with_its_parent(tmp_path: Path) -> None:
    """A serving worker killed outright leaves no hashing process behind."""
    script = (
        "import os, sys\n"
        "from web.admin import hashing\n"
        "hashing.scrypt(b'x', b'0123456789abcdef')\n"
        "print(hashing._hasher().submit(os.getpid).result(), flush=True)\n"
        "os.kill(os.getpid(), 9)\n"
    )
    parent = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, cwd=ROOT, timeout=60
    )
    child = int(parent.stdout.split()[0])
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and Path(f"/proc/{child}").exists():
        time.sleep(0.2)
    assert not Path(f"/proc/{child}").exists() or "zombie" in Path(f"/proc/{child}/status").read_text()
