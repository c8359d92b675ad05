"""Account management by the admin role: invite, reset, disable and enable, unlock, change role.

An account's state is carried by its stored password hash, so the accounts table needed no new column:

- ``scrypt$…`` (see ``web.admin.accounts``): active;
- ``setup$<SHA-256 of a one-time token>$<expiry>``: invited or reset — the person chooses a password
  through ``/admin/welcome?token=…`` before the expiry; no password works until then;
- ``disabled$<the previous hash>``: disabled; enabling restores the previous hash.

Login only accepts scrypt hashes, so the other two states cannot sign in. Every action ends the
person's sessions where it matters and is written to the audit trail.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from indexer.storage.accounts import AccountRows
from synonyms.staff_store import StaffStore
from web.admin.accounts import (
    MIN_PASSWORD_LENGTH,
    ROLE_LABELS,
    ROLES,
    AccountError,
    Accounts,
    Staff,
    hash_password,
)
from web.admin.workflow import PermissionDenied

SETUP = "setup$"
DISABLED = "disabled$"
SETUP_HOURS = 72
STATE_LABELS = {"active": "正常", "setup": "待设置密码", "disabled": "已停用"}


@dataclass(frozen=True)
class AccountView:
    name: str
    role: str
    state: str  # active, setup, disabled
    created_at: str
    locked: bool  # too many wrong passwords lately

    @property
    def label(self) -> str:
        return STATE_LABELS[self.state] + ("（密码错误过多，暂时锁定）" if self.locked else "")


def _state(password_hash: str) -> str:
    if password_hash.startswith(SETUP):
        return "setup"
    return "disabled" if password_hash.startswith(DISABLED) else "active"


def _token_hash(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


class AccountAdmin:
    def __init__(self, accounts: Accounts, audit: StaffStore) -> None:
        self.accounts = accounts
        self._rows = AccountRows(accounts.database)
        self._audit = audit

    def list(self) -> list[AccountView]:
        return [
            AccountView(name, role, _state(hashed), created, self.accounts.locked(name))
            for name, role, hashed, created in self._rows.accounts()
        ]

    def _find(self, name: str) -> AccountView:
        found = next((a for a in self.list() if a.name == name), None)
        if found is None:
            raise AccountError(f"没有账号 {name}", "name")
        return found

    @staticmethod
    def _check(admin: Staff) -> None:
        if not admin.can_manage_accounts:
            raise PermissionDenied("只有管理员可以管理账号")

    def _setup_link(self, name: str) -> str:
        """A fresh one-time token stored (hashed) as the account's password hash; returns the token."""
        token = secrets.token_urlsafe(32)
        expires = (datetime.now(UTC) + timedelta(hours=SETUP_HOURS)).isoformat(timespec="seconds")
        self._rows.set_password_hash(name, f"{SETUP}{_token_hash(token)}${expires}", end_sessions=True)
        return token

    def invite(self, admin: Staff, name: str, role: str) -> str:
        """A new account waiting for its owner to choose a password; returns the one-time token."""
        self._check(admin)
        placeholder = secrets.token_urlsafe(MIN_PASSWORD_LENGTH)  # replaced by the setup hash at once
        self.accounts.add_user(name, role, placeholder)
        token = self._setup_link(name.strip())
        self._audit.record(admin.name, "账号：邀请", "", f"{name.strip()}（{ROLE_LABELS[role]}）")
        return token

    def reset(self, admin: Staff, name: str) -> str:
        """The old password stops working and every session ends; returns a new one-time token."""
        self._check(admin)
        self._find(name)
        token = self._setup_link(name)
        self._audit.record(admin.name, "账号：重置密码", name, f"{name}（待设置新密码，旧密码作废）")
        return token

    def disable(self, admin: Staff, name: str) -> None:
        self._check(admin)
        if name == admin.name:
            raise AccountError("不能停用自己的账号", "name")
        found = self._find(name)
        if found.state == "disabled":
            raise AccountError(f"账号 {name} 已停用", "name")
        stored = next(h for n, _r, h, _c in self._rows.accounts() if n == name)
        self._rows.set_password_hash(name, DISABLED + stored, end_sessions=True)
        self._audit.record(
            admin.name, "账号：停用", f"{name}（{found.label}）", f"{name}（已停用，会话已结束）"
        )

    def enable(self, admin: Staff, name: str) -> None:
        self._check(admin)
        stored = next((h for n, _r, h, _c in self._rows.accounts() if n == name), "")
        if not stored.startswith(DISABLED):
            raise AccountError(f"账号 {name} 未停用", "name")
        self._rows.set_password_hash(name, stored.removeprefix(DISABLED), end_sessions=False)
        self._audit.record(admin.name, "账号：启用", f"{name}（已停用）", f"{name}（恢复原状态）")

    def unlock(self, admin: Staff, name: str) -> None:
        """Forget the recent wrong passwords, so a locked-out person can try again now."""
        self._check(admin)
        self._find(name)
        self._rows.clear_failures(name)
        self._audit.record(admin.name, "账号：解除锁定", f"{name}（锁定）", f"{name}（可以登录）")

    def set_role(self, admin: Staff, name: str, role: str) -> None:
        self._check(admin)
        found = self._find(name)
        if role not in ROLES:
            raise AccountError(f"角色须为 {' 或 '.join(ROLES)}", "role")
        if name == admin.name and role != "admin":
            raise AccountError("不能取消自己的管理员角色", "role")
        self._rows.set_role(name, role)
        self._audit.record(admin.name, "账号：修改角色", f"{name}（{found.role}）", f"{name}（{role}）")

    # -- the person's side: /admin/welcome ---------------------------------------------------------
    def setup_account(self, token: str) -> str | None:
        """The account name a one-time token is for, while it is valid."""
        if not token:
            return None
        prefix = f"{SETUP}{_token_hash(token)}$"
        name = self._rows.named_by_hash(prefix)
        if name is None:
            return None
        stored = next(h for n, _r, h, _c in self._rows.accounts() if n == name)
        expires = stored.removeprefix(prefix)
        return name if datetime.fromisoformat(expires) > datetime.now(UTC) else None

    def choose_password(self, token: str, password: str) -> str:
        """Set the password of the token's account; the token is used up. Returns the account name."""
        name = self.setup_account(token)
        if name is None:
            raise AccountError("链接无效或已过期，请联系管理员重新发送", "token")
        if len(password) < MIN_PASSWORD_LENGTH:
            raise AccountError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符", "password")
        self._rows.set_password_hash(name, hash_password(password), end_sessions=True)
        self._audit.record(name, "账号：设置密码", "待设置密码", "正常")
        return name
