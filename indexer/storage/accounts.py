"""Staff accounts, their login sessions and recent wrong passwords: rows only.

Hashing, lockout policy and session lifetimes belong to `web.admin.accounts`; this module stores
what it is given (only a hash of a session token, never the token).
"""

from __future__ import annotations

from sqlalchemy import Column, Index, Table, Text, delete, func, insert, select, update
from sqlalchemy.exc import IntegrityError

from indexer.storage.database import Database
from indexer.storage.sql import metadata

staff_users = Table(
    "staff_users",
    metadata,
    Column("name", Text, primary_key=True),
    Column("role", Text, nullable=False),
    Column("password_hash", Text, nullable=False),
    Column("created_at", Text, nullable=False),
)

staff_sessions = Table(
    "staff_sessions",
    metadata,
    Column("token_hash", Text, primary_key=True),
    Column("name", Text, nullable=False),
    Column("csrf", Text, nullable=False),
    Column("expires_at", Text, nullable=False),
)

# One row per wrong password; rows older than the lockout window no longer count.
staff_login_failures = Table(
    "staff_login_failures",
    metadata,
    Column("name", Text, nullable=False),
    Column("at", Text, nullable=False),
    Index("staff_login_failures_name", "name", "at"),
)


class AccountRows:
    def __init__(self, database: Database) -> None:
        self.database = database

    def add_user(self, name: str, role: str, password_hash: str, created_at: str) -> bool:
        """False when a user of that name exists already."""
        row = {"name": name, "role": role, "password_hash": password_hash, "created_at": created_at}
        try:
            with self.database.write() as conn:
                conn.execute(insert(staff_users), row)
        except IntegrityError:
            return False
        return True

    def users(self) -> list[tuple[str, str]]:
        """(name, role) of every user, by name."""
        query = select(staff_users.c.name, staff_users.c.role).order_by(staff_users.c.name)
        with self.database.read() as conn:
            return [(str(n), str(r)) for n, r in conn.execute(query)]

    def user(self, name: str) -> tuple[str, str] | None:
        """(role, password hash) of the user, if there is one."""
        query = select(staff_users.c.role, staff_users.c.password_hash).where(staff_users.c.name == name)
        with self.database.read() as conn:
            row = conn.execute(query).first()
        return (str(row[0]), str(row[1])) if row else None

    def failures_since(self, name: str, since: str) -> int:
        query = select(func.count()).where(
            staff_login_failures.c.name == name, staff_login_failures.c.at >= since
        )
        with self.database.read() as conn:
            return int(conn.execute(query).scalar_one())

    def add_failure(self, name: str, at: str) -> None:
        with self.database.write() as conn:
            conn.execute(insert(staff_login_failures), {"name": name, "at": at})

    def start_session(self, token_hash: str, name: str, csrf: str, expires_at: str) -> None:
        """A new session; the user's earlier wrong passwords stop counting."""
        row = {"token_hash": token_hash, "name": name, "csrf": csrf, "expires_at": expires_at}
        with self.database.write() as conn:
            conn.execute(delete(staff_login_failures).where(staff_login_failures.c.name == name))
            conn.execute(insert(staff_sessions), row)

    def session(self, token_hash: str) -> tuple[str, str, str, str] | None:
        """(name, role, csrf, expires_at) of the session, if it exists (expired or not)."""
        query = select(
            staff_sessions.c.name, staff_users.c.role, staff_sessions.c.csrf, staff_sessions.c.expires_at
        ).select_from(staff_sessions.join(staff_users, staff_users.c.name == staff_sessions.c.name))
        with self.database.read() as conn:
            row = conn.execute(query.where(staff_sessions.c.token_hash == token_hash)).first()
        return (str(row[0]), str(row[1]), str(row[2]), str(row[3])) if row else None

    def end_session(self, token_hash: str) -> None:
        with self.database.write() as conn:
            conn.execute(delete(staff_sessions).where(staff_sessions.c.token_hash == token_hash))

    # -- account management (web.admin.account_admin) ---------------------------------------------
    def accounts(self) -> list[tuple[str, str, str, str]]:
        """(name, role, password hash, created_at) of every user, by name."""
        query = select(*staff_users.c).order_by(staff_users.c.name)
        with self.database.read() as conn:
            return [(str(n), str(r), str(h), str(c)) for n, r, h, c in conn.execute(query)]

    def named_by_hash(self, password_hash_prefix: str) -> str | None:
        """The user whose stored hash starts with the prefix (a one-time setup token), if any."""
        query = select(staff_users.c.name).where(staff_users.c.password_hash.startswith(password_hash_prefix))
        with self.database.read() as conn:
            row = conn.execute(query).first()
        return str(row[0]) if row else None

    def set_password_hash(self, name: str, password_hash: str, *, end_sessions: bool) -> bool:
        """False when there is no such user; ``end_sessions`` signs the user out everywhere."""
        with self.database.write() as conn:
            changed = conn.execute(
                update(staff_users).where(staff_users.c.name == name).values(password_hash=password_hash)
            ).rowcount
            if changed and end_sessions:
                conn.execute(delete(staff_sessions).where(staff_sessions.c.name == name))
        return bool(changed)

    def set_role(self, name: str, role: str) -> bool:
        with self.database.write() as conn:
            changed = conn.execute(update(staff_users).where(staff_users.c.name == name).values(role=role))
            return bool(changed.rowcount)

    def clear_failures(self, name: str) -> None:
        with self.database.write() as conn:
            conn.execute(delete(staff_login_failures).where(staff_login_failures.c.name == name))
