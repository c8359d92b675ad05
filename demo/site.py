"""Rendering of sites into ``path -> Resource`` maps served by :mod:`demo.mirror`."""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Protocol
from urllib.parse import unquote, urlsplit

import jinja2

from demo.content import Guide, Policy, load_guides, load_policies

HTML = "text/html; charset=utf-8"
TEXT = "text/plain; charset=utf-8"
SITE_NAME = "示例市人民政府"
SERVICE_NAME = "示例市政务服务网"
PAGE_SIZE = 10
HOME_LATEST = 5
DEMO_ROBOTS = "User-agent: *\nDisallow: /admin/\n"
ALLOW_ALL_ROBOTS = "User-agent: *\nDisallow:\n"


@dataclass(frozen=True)
class Resource:
    """One response body with its content type."""

    body: bytes
    content_type: str = HTML


class Site(Protocol):
    """What :class:`demo.mirror.MirrorServer` serves: a lookup from URL path to resource."""

    def get(self, path: str) -> Resource | None: ...

    def not_found(self) -> Resource: ...


@dataclass(frozen=True)
class StaticSite:
    """A site fully rendered in memory: ``{"/index.html": Resource, ...}``."""

    resources: Mapping[str, Resource]
    missing: Resource = field(default_factory=lambda: Resource(b"<h1>404 Not Found</h1>"))

    def get(self, path: str) -> Resource | None:
        return self.resources.get(normalize_path(path))

    def not_found(self) -> Resource:
        return self.missing

    def paths(self) -> list[str]:
        return sorted(self.resources)


def normalize_path(raw: str) -> str:
    """Strip query and fragment, percent-decode, and give ``/`` for an empty path."""
    path = unquote(urlsplit(raw).path) or "/"
    return path if path.startswith("/") else "/" + path


def _environment() -> jinja2.Environment:
    folder = resources.files("demo").joinpath("templates")
    templates = {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".html")
    }
    env = jinja2.Environment(
        loader=jinja2.DictLoader(templates),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        keep_trailing_newline=True,
    )
    env.globals.update(site_name=SITE_NAME, service_name=SERVICE_NAME)
    return env


@dataclass(frozen=True)
class ListItem:
    path: str
    label: str
    date: str


def list_page_path(stem: str, page: int) -> str:
    """``/policies.html`` for page 1, ``/policies_2.html`` for page 2, …"""
    return f"/{stem}.html" if page == 1 else f"/{stem}_{page}.html"


def _render_lists(
    env: jinja2.Environment, stem: str, heading: str, items: Sequence[ListItem]
) -> dict[str, Resource]:
    template = env.get_template("list.html")
    pages = max(1, -(-len(items) // PAGE_SIZE))
    links = [(n, list_page_path(stem, n)) for n in range(1, pages + 1)]
    out: dict[str, Resource] = {}
    for page in range(1, pages + 1):
        chunk = items[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
        text = template.render(
            heading=heading,
            items=chunk,
            page=page,
            pages=pages,
            total=len(items),
            page_links=links,
            prev_href=list_page_path(stem, page - 1) if page > 1 else None,
            next_href=list_page_path(stem, page + 1) if page < pages else None,
        )
        out[list_page_path(stem, page)] = Resource(text.encode("utf-8"))
    return out


def render_demo_pages(policies: Sequence[Policy], guides: Sequence[Guide]) -> dict[str, Resource]:
    """Render every page of the demo site."""
    env = _environment()
    pages: dict[str, Resource] = {}
    home = env.get_template("index.html").render(
        policies=policies[:HOME_LATEST],
        guides=guides[:HOME_LATEST],
        policy_count=len(policies),
        guide_count=len(guides),
    )
    pages["/"] = pages["/index.html"] = Resource(home.encode("utf-8"))
    policy_items = [ListItem(p.path, p.title, p.published) for p in policies]
    guide_items = [ListItem(g.path, g.name, g.published) for g in guides]
    pages.update(_render_lists(env, "policies", "政策文件", policy_items))
    pages.update(_render_lists(env, "guides", "办事指南", guide_items))
    policy_template = env.get_template("policy.html")
    for p in policies:
        pages[p.path] = Resource(policy_template.render(p=p).encode("utf-8"))
    guide_template = env.get_template("guide.html")
    for g in guides:
        pages[g.path] = Resource(guide_template.render(g=g).encode("utf-8"))
    admin = Resource(env.get_template("admin.html").render().encode("utf-8"))
    pages["/admin/"] = pages["/admin/index.html"] = admin
    pages["/robots.txt"] = Resource(DEMO_ROBOTS.encode("utf-8"), TEXT)
    return pages


def build_demo_site() -> StaticSite:
    """The 示例市 demo site: home, paginated lists, policy and guide pages, robots.txt, /admin/."""
    env = _environment()
    missing = Resource(env.get_template("not_found.html").render().encode("utf-8"))
    return StaticSite(render_demo_pages(load_policies(), load_guides()), missing)


_TITLE_RE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


def _html_title(data: bytes, fallback: str) -> str:
    match = _TITLE_RE.search(data)
    if not match:
        return fallback
    title = " ".join(html.unescape(match.group(1).decode("utf-8", "replace")).split())
    return title or fallback


def _html_resource(data: bytes) -> Resource:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return Resource(data, "text/html")
    return Resource(data, HTML)


def build_directory_site(directory: Path) -> StaticSite:
    """Serve the ``*.html`` files of ``directory`` with a generated ``/`` index linking each (sorted)."""
    if not directory.is_dir():
        raise NotADirectoryError(str(directory))
    files = sorted(p for p in directory.glob("*.html") if p.is_file())
    pages: dict[str, Resource] = {}
    entries: list[tuple[str, str]] = []
    for file in files:
        data = file.read_bytes()
        pages["/" + file.name] = _html_resource(data)
        entries.append((file.name, _html_title(data, file.name)))
    index = (
        _environment()
        .get_template("directory_index.html")
        .render(title=f"Index of {directory.name}", files=entries)
    )
    pages["/"] = Resource(index.encode("utf-8"))
    pages["/robots.txt"] = Resource(ALLOW_ALL_ROBOTS.encode("utf-8"), TEXT)
    return StaticSite(pages)
