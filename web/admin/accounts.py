"""Staff accounts and login sessions in the store's SQLite file.

Passwords are hashed with scrypt (standard library) and a per-user salt. Sessions are random tokens;
only their SHA-256 is stored, with a CSRF token that every write must echo back.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import sqlite3
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Literal

from indexer.sqlite_db import SQLiteDatabase

Role = Literal["editor", "reviewer"]
ROLES: tuple[Role, ...] = ("editor", "reviewer")
ROLE_LABELS = {"editor": "编辑（提议修改）", "reviewer": "审核（批准上线）"}
MIN_PASSWORD_LENGTH = 10
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
# Password guessing: after this many wrong passwords for one account, it is locked for a while.
MAX_FAILED_LOGINS = 5
LOCKOUT_MINUTES = 15

_SCHEMA = """
CREATE TABLE IF NOT EXISTS staff_users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS staff_sessions (
    token_hash TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    csrf TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS staff_login_failures (
    name TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS staff_login_failures_name ON staff_login_failures (name, at);
"""


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


def hash_password(password: str) -> str:
    salt = secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode("utf-8"), salt=salt, **_SCRYPT)
    return f"scrypt${salt.hex()}${digest.hex()}"


def verify_password(password: str, stored: str) -> bool:
    scheme, _, rest = stored.partition("$")
    salt_hex, _, digest_hex = rest.partition("$")
    if scheme != "scrypt" or not salt_hex or not digest_hex:
        return False
    digest = hashlib.scrypt(password.encode("utf-8"), salt=bytes.fromhex(salt_hex), **_SCRYPT)
    return hmac.compare_digest(digest.hex(), digest_hex)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class Accounts(SQLiteDatabase):
    schema = _SCHEMA

    def __init__(self, path: Path, session_hours: float = 8.0) -> None:
        super().__init__(path)
        self.session_hours = session_hours

    def add_user(self, name: str, role: str, password: str) -> Staff:
        name = name.strip()
        if not name or len(name) > 50 or any(c.isspace() for c in name):
            raise AccountError("用户名需为 1–50 个字符且不含空格", "name")
        if role not in ROLES:
            raise AccountError(f"角色须为 {' 或 '.join(ROLES)}", "role")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符", "password")
        conn = self._connect()
        try:
            with conn:
                conn.execute(
                    "INSERT INTO staff_users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)",
                    (name, role, hash_password(password), datetime.now(UTC).isoformat(timespec="seconds")),
                )
        except sqlite3.IntegrityError as exc:
            raise AccountError(f"用户 {name} 已存在", "name") from exc
        return Staff(name, role)

    def users(self) -> list[Staff]:
        rows = self._connect().execute("SELECT name, role FROM staff_users ORDER BY name").fetchall()
        return [Staff(r[0], r[1]) for r in rows]

    def locked(self, name: str) -> bool:
        """Too many wrong passwords for this account within the last LOCKOUT_MINUTES."""
        since = (datetime.now(UTC) - timedelta(minutes=LOCKOUT_MINUTES)).isoformat(timespec="seconds")
        sql = "SELECT COUNT(*) FROM staff_login_failures WHERE name = ? AND at >= ?"
        return int(self._connect().execute(sql, (name, since)).fetchone()[0]) >= MAX_FAILED_LOGINS

    def login(self, name: str, password: str) -> tuple[str, Staff] | None:
        """A new session token and the staff member, or None when name or password is wrong."""
        row = (
            self._connect()
            .execute("SELECT role, password_hash FROM staff_users WHERE name = ?", (name,))
            .fetchone()
        )
        if row is None:
            verify_password(password, hash_password("timing-equaliser"))
            return None
        conn = self._connect()
        if not verify_password(password, row[1]):
            with conn:
                conn.execute("INSERT INTO staff_login_failures (name, at) VALUES (?, ?)", (name, _now()))
            return None
        token, csrf = secrets.token_urlsafe(32), secrets.token_urlsafe(24)
        expires = datetime.now(UTC) + timedelta(hours=self.session_hours)
        with conn:
            conn.execute("DELETE FROM staff_login_failures WHERE name = ?", (name,))
            conn.execute(
                "INSERT INTO staff_sessions (token_hash, name, csrf, expires_at) VALUES (?, ?, ?, ?)",
                (_token_hash(token), name, csrf, expires.isoformat(timespec="seconds")),
            )
        return token, Staff(name, row[0], csrf)

    def session(self, token: str | None) -> Staff | None:
        if not token:
            return None
        row = (
            self._connect()
            .execute(
                "SELECT s.name, u.role, s.csrf, s.expires_at FROM staff_sessions s "
                "JOIN staff_users u ON u.name = s.name WHERE s.token_hash = ?",
                (_token_hash(token),),
            )
            .fetchone()
        )
        if row is None or datetime.fromisoformat(row[3]) < datetime.now(UTC):
            return None
        return Staff(row[0], row[1], row[2])

    def logout(self, token: str | None) -> None:
        if token:
            conn = self._connect()
            with conn:
                conn.execute("DELETE FROM staff_sessions WHERE token_hash = ?", (_token_hash(token),))
