"""The password hash runs in a child process at the lowest CPU priority (issue 17: wrong logins must
not take the cores the searches need)."""

from __future__ import annotations

import hashlib
import os

from web.admin import hashing
from web.admin.accounts import hash_password, verify_password


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
