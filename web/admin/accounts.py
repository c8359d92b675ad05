"""Staff accounts and login sessions in the store's database (rows in `indexer.storage.accounts`).

Passwords are hashed with scrypt (standard library; in a niced process of its own, `hashing`) and a
per-user salt. Sessions are random tokens;
only their SHA-256 is stored, with a CSRF token that every write must echo back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Literal, cast

from indexer.storage import Database
from indexer.storage.accounts import AccountRows
from web.admin import hashing

Role = Literal["editor", "reviewer", "admin"]
ROLES: tuple[Role, ...] = ("editor", "reviewer", "admin")
ROLE_LABELS = {"editor": "编辑（提议修改）", "reviewer": "审核（批准上线）", "admin": "管理员（管理账号）"}
MIN_PASSWORD_LENGTH = 10
# Password guessing is slowed, never locked out (a lockout lets anyone lock staff out): after a few
# wrong passwords within the window, each further answer, for the account and for the client address,
# waits twice as long as the one before, up to a cap; the right password still gets in after the wait.
FREE_FAILURES = 3
MAX_DELAY_SECONDS = 8.0
FAILURE_WINDOW_MINUTES = 15


def failure_delay(failures: int) -> float:
    """Seconds before the next password is checked: none for the first few mistakes, then doubling."""
    if failures < FREE_FAILURES:
        return 0.0
    return min(2.0 ** (failures - FREE_FAILURES), MAX_DELAY_SECONDS)


def client_key(address: str) -> str:
    """Where a client address's wrong passwords are counted: the same store rows as an account name's,
    so every serving process sees them (a per-process count gave a guesser one budget per worker). No
    account name holds a space, so the two never meet."""
    return f"client {address}"[:50]


class AccountError(ValueError):
    """Bad account input; ``field`` names the input that is wrong."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Staff:
    name: str
    role: Role
    csrf: str = ""

    @property
    def can_review(self) -> bool:
        return self.role == "reviewer"

    @property
    def can_manage_accounts(self) -> bool:
        return self.role == "admin"


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashing.scrypt(password.encode("utf-8"), salt)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    scheme, _, rest = stored.partition("$")
    salt_hex, _, digest_hex = rest.partition("$")
    if scheme != "scrypt" or not salt_hex or not digest_hex:
        return False
    digest = hashing.scrypt(password.encode("utf-8"), bytes.fromhex(salt_hex))
    return hmac.compare_digest(digest.hex(), digest_hex)


@cache
def _unknown_user_hash() -> str:
    """A hash to check an unknown name's password against: the answer takes as long as for a real one."""
    return hash_password(secrets.token_urlsafe(16))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _staff(name: str, role: str, csrf: str = "") -> Staff:
    return Staff(name, cast(Role, role), csrf)


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts:
    def __init__(self, database: Database, session_hours: float = 8.0) -> None:
        self.database = database
        self._rows = AccountRows(database)
        self.session_hours = session_hours

    def close(self) -> None:
        self.database.close()

    def add_user(self, name: str, role: str, password: str) -> Staff:
        name = name.strip()
        if not name or len(name) > 50 or any(c.isspace() for c in name):
            raise AccountError("用户名需为 1–50 个字符且不含空格", "name")
        if role not in ROLES:
            raise AccountError(f"角色须为 {' 或 '.join(ROLES)}", "role")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符", "password")
        if not self._rows.add_user(name, role, hash_password(password), _now()):
            raise AccountError(f"用户 {name} 已存在", "name")
        return Staff(name, role)

    def users(self) -> list[Staff]:
        return [_staff(name, role) for name, role in self._rows.users()]

    def wait_seconds(self, name: str) -> float:
        """Seconds before the next password for this name is checked (0: now). Known or unknown names
        answer alike; the wait is counted from the last wrong password, so it is never a lockout."""
        now = datetime.now(UTC)
        since = (now - timedelta(minutes=FAILURE_WINDOW_MINUTES)).isoformat(timespec="seconds")
        count, last = self._rows.failures_since(name[:50], since)
        if last is None:
            return 0.0
        ready = datetime.fromisoformat(last) + timedelta(seconds=failure_delay(count))
        return max(0.0, (ready - now).total_seconds())

    def client_failed(self, address: str) -> None:
        self._rows.add_failure(client_key(address), _now())

    def client_succeeded(self, address: str) -> None:
        self._rows.clear_failures(client_key(address))

    def locked(self, name: str) -> bool:
        """Wrong passwords for this name are being slowed down right now (shown in account management)."""
        return self.wait_seconds(name) > 0

    def login(self, name: str, password: str) -> tuple[str, Staff] | None:
        """A new session token and the staff member, or None when name or password is wrong."""
        found = self._rows.user(name)
        role, password_hash = found or ("", _unknown_user_hash())
        if not verify_password(password, password_hash) or found is None:
            self._rows.add_failure(name[:50], _now())  # unknown names too: they slow down alike
            return None
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        expires = datetime.now(UTC) + timedelta(hours=self.session_hours)
        self._rows.start_session(_token_hash(token), name, csrf, expires.isoformat(timespec="seconds"))
        return token, _staff(name, role, csrf)

    def session(self, token: str | None) -> Staff | None:
        if not token:
            return None
        row = self._rows.session(_token_hash(token))
        if row is None or datetime.fromisoformat(row[3]) < datetime.now(UTC):
            return None
        return _staff(row[0], row[1], row[2])

    def logout(self, token: str | None) -> None:
        if token:
            self._rows.end_session(_token_hash(token))
