"""Portals: other government sites that embed the search with an API key of their own.

A portal has a name (a slug, also its hosted page's address), the browser origins its key may be used
from, a scope (the filters every one of its searches is held to: "this subsite only"), a rate, and
the name, colour and logo of its hosted results page. Keys are `gs_` + 32 random bytes; only their
SHA-256 hash is stored, so a key is shown once, when it is made or rotated.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
import threading
import time
from collections.abc import Iterable
from dataclasses import dataclass, field
from urllib.parse import urlsplit

from limits import parse_many

from indexer.storage import Database
from indexer.storage.portals import PortalRow, PortalRows
from indexer.storage.sql import now
from search_api.engine.filters import InvalidSearch, Scope, parse_scope

KEY_PREFIX = "gs_"
NAME = re.compile(r"[a-z0-9][a-z0-9-]{1,39}")
COLOUR = re.compile(r"#[0-9a-fA-F]{6}")
_UNITS = {"s": "second", "m": "minute", "min": "minute", "h": "hour", "d": "day"}
CACHE_SECONDS = 5.0  # a revoked or rotated key stops working within this time on every server
TOUCH_SECONDS = 60.0  # last-used time is written at most this often per portal


class PortalError(ValueError):
    """A portal setting that cannot be used; `field` names it (for the CLI and the staff tool)."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True)
class Portal:
    name: str
    title: str
    key_prefix: str
    origins: tuple[str, ...]
    scope: Scope
    rate: str
    colour: str = ""
    logo: str = ""
    created_at: str = ""
    rotated_at: str | None = None
    revoked_at: str | None = None
    last_used_at: str | None = None

    @property
    def revoked(self) -> bool:
        return self.revoked_at is not None

    def allows_origin(self, origin: str | None) -> bool:
        """A request without an Origin header comes from a server (allowed); a browser's must be listed."""
        return origin is None or origin in self.origins

    @classmethod
    def of(cls, row: PortalRow) -> Portal:
        scope = {k: tuple(v) for k, v in json.loads(row.scope).items()}
        return cls(
            row.name, row.title, row.key_prefix, tuple(json.loads(row.origins)), scope, row.rate,
            row.colour, row.logo, row.created_at, row.rotated_at, row.revoked_at, row.last_used_at,
        )  # fmt: skip


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def new_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def parse_origin(text: str) -> str:
    """`https://a.gov.cn` (scheme, host and an optional port; nothing else), as browsers send it."""
    parts = urlsplit(text.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
        raise PortalError(f"来源应写成 https://域名[:端口]，不能带路径：{text}", "origins")
    if parts.query or parts.fragment or parts.username:
        raise PortalError(f"来源应写成 https://域名[:端口]，不能带路径：{text}", "origins")
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{parts.hostname.lower()}{port}"


def parse_rate(text: str) -> str:
    """`20/s`, `600/min`, `20/second;600/minute` → limits' notation (`20/second`); checked."""
    parts = []
    for part in text.replace(",", ";").split(";"):
        count, _, unit = part.strip().partition("/")
        unit = _UNITS.get(unit.strip().lower(), unit.strip().lower())
        parts.append(f"{count.strip()}/{unit}")
    normal = ";".join(parts)
    try:
        if not parse_many(normal):
            raise ValueError(normal)
    except ValueError:
        raise PortalError(f"频率应写成 次数/单位，如 20/s、600/min：{text}", "rate") from None
    return normal


def parse_scope_args(entries: Iterable[str]) -> Scope:
    """`region=440100`, `kind=guide`, `site=…` (repeatable) → a canonical scope."""
    raw: dict[str, list[str]] = {}
    for entry in entries:
        name, sep, value = entry.partition("=")
        if not sep or not value.strip():
            raise PortalError(f"范围应写成 筛选条件=取值，如 region=440100：{entry}", "scope")
        raw.setdefault(name.strip(), []).append(value.strip())
    try:
        return parse_scope(raw)
    except InvalidSearch as exc:
        raise PortalError(f"范围 {exc.field}：{exc.message}", "scope") from None


@dataclass(frozen=True)
class Branding:
    """How the portal's hosted results page looks."""

    title: str = ""
    colour: str = ""  # #RRGGBB
    logo: str = ""  # a data: URI of an image, served from this site (pages make no outside request)

    def checked(self) -> Branding:
        if self.colour and not COLOUR.fullmatch(self.colour):
            raise PortalError(f"颜色应写成 #RRGGBB：{self.colour}", "colour")
        if self.logo and not self.logo.startswith("data:image/"):
            raise PortalError("标志应是图片文件", "logo")
        if len(self.title) > 40:
            raise PortalError("名称最多 40 个字", "title")
        return self


@dataclass
class _Cached:
    portal: Portal
    at: float


@dataclass
class Portals:
    """The portals of a store, with a short in-process cache: a keyed request costs no store read
    while its portal's entry is fresh (`CACHE_SECONDS`)."""

    database: Database
    _rows: PortalRows = field(init=False)
    _by_hash: dict[str, _Cached] = field(default_factory=dict, init=False)
    _origins: tuple[float, frozenset[str]] = (0.0, frozenset())
    _touched: dict[str, float] = field(default_factory=dict, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def __post_init__(self) -> None:
        self._rows = PortalRows(self.database)

    def add(
        self, name: str, origins: Iterable[str], scope: Scope, rate: str, branding: Branding
    ) -> tuple[Portal, str]:
        """A new portal and its key (shown once)."""
        if not NAME.fullmatch(name):
            raise PortalError("名称只能用小写字母、数字和连字符（2–40 个字符），如 gz-rsj", "name")
        key = new_key()
        branding = branding.checked()
        row = PortalRow(
            name, branding.title or name, key[:8], json.dumps([parse_origin(o) for o in origins]),
            json.dumps(scope, ensure_ascii=False), parse_rate(rate), branding.colour, branding.logo,
            now(), None, None, None,
        )  # fmt: skip
        if not self._rows.add(row, hash_key(key)):
            raise PortalError(f"门户 {name} 已存在", "name")
        return Portal.of(row), key

    def all(self) -> list[Portal]:
        return [Portal.of(row) for row in self._rows.all()]

    def get(self, name: str) -> Portal | None:
        row = self._rows.by_name(name)
        return Portal.of(row) if row else None

    def revoke(self, name: str) -> None:
        if not self._rows.change(name, revoked_at=now()):
            raise PortalError(f"没有名为 {name} 的门户", "name")
        self._forget()

    def change(
        self,
        name: str,
        *,
        origins: Iterable[str] | None = None,
        scope: Scope | None = None,
        rate: str | None = None,
        branding: Branding | None = None,
    ) -> Portal:
        """Change what is given (None: keep) and keep the key; every server sees it within
        `CACHE_SECONDS`. A title, colour or logo left empty in `branding` is kept."""
        values: dict[str, str | None] = {}
        if origins is not None:
            values["origins"] = json.dumps([parse_origin(o) for o in origins])
        if scope is not None:
            values["scope"] = json.dumps(scope, ensure_ascii=False)
        if rate is not None:
            values["rate"] = parse_rate(rate)
        if branding is not None:
            checked = branding.checked()
            given = {"title": checked.title, "colour": checked.colour, "logo": checked.logo}
            values |= {column: value for column, value in given.items() if value}
        if not values:
            raise PortalError(
                "没有要修改的内容：请给出 --origins、--scope、--rate、--title、--colour 或 --logo", "name"
            )
        if not self._rows.change(name, **values):
            raise PortalError(f"没有名为 {name} 的门户", "name")
        self._forget()
        found = self.get(name)
        assert found is not None
        return found

    def rotate(self, name: str) -> str:
        """A new key for the portal; the old one stops working (within `CACHE_SECONDS` elsewhere)."""
        key = new_key()
        found = self._rows.change(name, key_hash=hash_key(key), key_prefix=key[:8], rotated_at=now())
        if not found:
            raise PortalError(f"没有名为 {name} 的门户", "name")
        self._forget()
        return key

    def authenticate(self, key: str) -> Portal | None:
        """The portal holding this key (revoked ones included: the caller says why it refuses). Only
        keys that exist are cached, so made-up keys cannot grow the cache."""
        digest = hash_key(key)
        clock = time.monotonic()
        cached = self._by_hash.get(digest)
        if cached is None or clock - cached.at > CACHE_SECONDS:
            row = self._rows.by_key_hash(digest)
            if row is None:
                self._by_hash.pop(digest, None)
                return None
            cached = self._by_hash[digest] = _Cached(Portal.of(row), clock)
        if not cached.portal.revoked:
            self._touch(cached.portal.name, clock)
        return cached.portal

    def origins(self) -> frozenset[str]:
        """Every origin some active portal lists: what a CORS preflight (which carries no key) may be
        told yes to."""
        clock = time.monotonic()
        at, known = self._origins
        if clock - at > CACHE_SECONDS:
            known = frozenset(o for p in self.all() if not p.revoked for o in p.origins)
            self._origins = (clock, known)
        return known

    def _touch(self, name: str, clock: float) -> None:
        with self._lock:
            if clock - self._touched.get(name, -TOUCH_SECONDS) < TOUCH_SECONDS:
                return
            self._touched[name] = clock
        self._rows.touch(name, now())

    def _forget(self) -> None:
        self._by_hash.clear()
        self._origins = (0.0, frozenset())
