"""Site profiles: which pages of a site to crawl and what they contain, loaded from TOML files."""

from __future__ import annotations

import re
import tomllib
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from crawler.addresses import is_private_literal
from crawler.extract.rules import ExtractRules
from indexer.documents import DocumentKind

SITES_DIR = Path(__file__).resolve().parent / "sites"


class PageRole(StrEnum):
    """What a URL is to the crawler: a list page to follow, or a detail page of one kind."""

    LIST = "list"
    POLICY = "policy"
    GUIDE = "guide"


def _check_regex(pattern: str) -> str:
    try:
        re.compile(pattern)
    except re.error as exc:
        raise ValueError(f"invalid regular expression {pattern!r}: {exc}") from exc
    return pattern


def url_target(url: str) -> str:
    """The part of a URL the patterns match: path plus '?query' when there is one."""
    parts = urlsplit(url)
    return (parts.path or "/") + (f"?{parts.query}" if parts.query else "")


def host_key(url: str) -> str:
    """'host:port' of a URL (port only when explicit), lower-cased."""
    return urlsplit(url).netloc.lower()


class DetailPattern(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    pattern: str = Field(description="regex on path+query of a detail page")
    kind: DocumentKind = Field(description="what the page holds: policy or guide")

    _check = field_validator("pattern")(_check_regex)


DEFAULT_PORTS = {"http": 80, "https": 443}


class SiteProfile(BaseModel):
    """One site to crawl. Detail patterns each carry a kind, so one site can hold policies and guides."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    name: str = Field(min_length=1, pattern=r"^[A-Za-z0-9_.-]+$")
    site: str = Field(min_length=1, description="站点显示名称, e.g. 中国政府网")
    seeds: list[str] = Field(min_length=1)
    allowed_hosts: list[str] = Field(default_factory=list, description='"host:port" or "host"')
    list_patterns: list[str] = Field(default_factory=list)
    detail_patterns: list[DetailPattern] = Field(default_factory=list, alias="detail")
    kind: DocumentKind | None = Field(default=None, description="default kind of [[detail]] entries")
    region: str = ""
    region_code: str = ""
    publisher: str = Field(default="", description="发文机关 when a page names none")
    extract: ExtractRules = Field(default_factory=ExtractRules)
    feeds: list[str] = Field(default_factory=list, description="RSS/Atom feeds listing detail pages")
    sitemaps: bool = Field(default=True, description="read sitemaps named in robots.txt and /sitemap.xml")
    delay_seconds: float | None = Field(
        default=None, ge=0, description="seconds between requests to one host; default: the crawl's default"
    )
    max_pages: int = Field(default=10000, ge=1)
    user_agent: str | None = None
    private_addresses: bool | None = Field(
        default=None,
        description="fetch from loopback/private/link-local addresses; default: only when every seed is one",
    )

    @model_validator(mode="before")
    @classmethod
    def _default_detail_kind(cls, data: Any) -> Any:
        if isinstance(data, dict) and data.get("kind"):
            for entry in data.get("detail") or data.get("detail_patterns") or []:
                if isinstance(entry, dict):
                    entry.setdefault("kind", data["kind"])
        return data

    @field_validator("list_patterns")
    @classmethod
    def _check_list_patterns(cls, patterns: list[str]) -> list[str]:
        return [_check_regex(pattern) for pattern in patterns]

    @field_validator("seeds")
    @classmethod
    def _check_seeds(cls, seeds: list[str]) -> list[str]:
        for seed in seeds:
            if urlsplit(seed).scheme not in ("http", "https") or not urlsplit(seed).netloc:
                raise ValueError(f"seed is not an absolute http(s) URL: {seed!r}")
        return seeds

    @model_validator(mode="after")
    def _hosts_default_to_seeds(self) -> SiteProfile:
        if not self.allowed_hosts:
            self.allowed_hosts = sorted({host_key(seed) for seed in self.seeds})
        return self

    @property
    def allows_private_addresses(self) -> bool:
        """Said in the profile, or else a crawl whose seeds are all private IP addresses (a local mirror)."""
        if self.private_addresses is not None:
            return self.private_addresses
        return all(is_private_literal(urlsplit(seed).hostname or "") for seed in self.seeds)

    def host_allowed(self, url: str) -> bool:
        """On an allowed host: "host:port" entries match exactly; a bare "host" only on the scheme's
        default port (a redirect to another port of an allowed host is another service)."""
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https"):
            return False
        try:
            port = parts.port
        except ValueError:
            return False
        netloc, hostname = parts.netloc.lower(), (parts.hostname or "").lower()
        default_port = port is None or port == DEFAULT_PORTS[parts.scheme]
        return any(
            entry.lower() == netloc or (entry.lower() == hostname and default_port)
            for entry in self.allowed_hosts
        )

    def role(self, url: str) -> PageRole | None:
        """LIST, POLICY or GUIDE for a URL on an allowed host; None for pages the crawler ignores."""
        if not self.host_allowed(url):
            return None
        target = url_target(url)
        for detail in self.detail_patterns:
            if re.search(detail.pattern, target):
                return PageRole(detail.kind.value)
        if any(re.search(pattern, target) for pattern in self.list_patterns):
            return PageRole.LIST
        return None


class ProfileError(ValueError):
    """A profile file that cannot be read; the message names the file and, where known, the line."""


def _line_of(text: str, loc: tuple[int | str, ...]) -> int | None:
    """The line of the key at `loc` (e.g. ('extract', 'body') or ('detail', 1, 'pattern')), or of the
    closest enclosing key found."""
    lines = text.splitlines()
    start, found = 0, None
    parts = ["detail" if part == "detail_patterns" else part for part in loc]
    for index, part in enumerate(parts):
        if isinstance(part, int):
            continue
        pattern = re.compile(rf"^\s*(?:{re.escape(part)}\s*=|\[+\s*{re.escape(part)}\s*\]+)")
        hits = [n for n in range(start, len(lines)) if pattern.match(lines[n])]
        following = parts[index + 1] if index + 1 < len(parts) else 0
        nth = following if isinstance(following, int) else 0
        if len(hits) <= nth:
            break
        start = hits[nth]
        found = start + 1
    return found


def _describe(path: Path, text: str, error: ValidationError) -> str:
    messages = []
    for item in error.errors():
        location = ".".join(str(part) for part in item["loc"]) or "(top level)"
        line = _line_of(text, tuple(item["loc"])) if item["loc"] else None
        where = f"{path}:{line}" if line else str(path)
        messages.append(f"{where}: {location}: {item['msg']}")
    return "\n".join(messages)


def load_profile(path: str | Path) -> SiteProfile:
    """Read a SiteProfile from a TOML file; raise ProfileError naming the file (and line) on any problem."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ProfileError(f"{path}: cannot read profile: {exc}") from exc
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        match = re.search(r"\(at line (\d+), column \d+\)", str(exc))
        where = f"{path}:{match[1]}" if match else str(path)
        raise ProfileError(f"{where}: invalid TOML: {exc}") from exc
    try:
        return SiteProfile.model_validate(data)
    except ValidationError as exc:
        raise ProfileError(_describe(path, text, exc)) from exc


def validate_profiles(paths: list[Path]) -> list[str]:
    """Every problem in the given profile files ('file:line: message'), and duplicate profile names."""
    problems: list[str] = []
    names: dict[str, Path] = {}
    for path in paths:
        try:
            profile = load_profile(path)
        except ProfileError as exc:
            problems.extend(str(exc).splitlines())
            continue
        if profile.name in names:
            problems.append(
                f"{path}:{_line_of(path.read_text(encoding='utf-8'), ('name',)) or 1}: "
                f"name: {profile.name!r} is already used by {names[profile.name]}"
            )
        names[profile.name] = path
    return problems


def builtin_profile(name: str) -> SiteProfile:
    """A profile shipped in crawler/sites/<name>.toml."""
    return load_profile(SITES_DIR / f"{name}.toml")


def profile_with_seeds(profile: SiteProfile, seeds: list[str]) -> SiteProfile:
    """The same profile crawling `seeds` instead, restricted to their hosts (e.g. a local mirror)."""
    hosts = sorted({host_key(seed) for seed in seeds})
    return SiteProfile.model_validate(profile.model_dump() | {"seeds": seeds, "allowed_hosts": hosts})
