"""`govsearch crawl`: one or several site profiles (or `--all`) into the store in one run, the pages in
flight shared across sites; `--mirror-dir` crawls a local copy of one site."""

from __future__ import annotations

import argparse
import asyncio
import logging
from pathlib import Path
from urllib.parse import urlsplit

from crawler.options import CrawlOptions
from crawler.profiles import (
    SITES_DIR,
    ProfileError,
    SiteProfile,
    builtin_profile,
    load_profile,
    profile_with_seeds,
)
from crawler.report import CrawlReport
from crawler.run import crawl_all
from crawler.sink import CrawlSink
from govsearch.commands import run_index
from govsearch.console import CommandError, status
from govsearch.crawl_output import ProgressPrinter, log_to, report_lines
from govsearch.database import open_database
from govsearch.settings import Settings
from indexer.documents import Document
from indexer.store import Store

LOOPBACK = frozenset({"127.0.0.1", "localhost", "::1"})


def resolve_profile(name: str) -> SiteProfile:
    """A TOML path, or the name of a profile shipped in crawler/sites/."""
    try:
        return load_profile(name) if Path(name).is_file() else builtin_profile(name)
    except (ProfileError, OSError, ValueError) as exc:
        raise CommandError(f"站点配置 {name!r} 无法使用：{exc}") from exc


def live_profiles(profiles: list[SiteProfile]) -> tuple[list[SiteProfile], list[SiteProfile]]:
    """(profiles of real sites, profiles of local mirrors): `--all` crawls only the first."""
    local = [p for p in profiles if all(urlsplit(seed).hostname in LOOPBACK for seed in p.seeds)]
    return [p for p in profiles if p not in local], local


def crawl_options(settings: Settings, args: argparse.Namespace | None = None) -> CrawlOptions:
    """The settings, with the command line's flags (`govsearch crawl`; `demo` has none) over them."""
    return CrawlOptions(
        recrawl=getattr(args, "recrawl", False),
        delay=getattr(args, "delay", None),
        concurrency=getattr(args, "concurrency", None) or settings.crawl_concurrency,
        retries=settings.crawl_retries,
        timeout=settings.crawl_timeout,
        default_delay=settings.crawl_delay,
        attachments=not getattr(args, "no_attachments", False),
    )


def run_crawl(
    settings: Settings, profiles: list[SiteProfile], options: CrawlOptions
) -> dict[str, CrawlReport]:
    """Crawl `profiles` into the store (several at once share each host's turns and the pages in
    flight); prints progress, then a report per profile."""
    database = open_database(settings)
    store = Store(database)

    def on_document(doc: Document) -> None:
        store.upsert([doc])

    sink = CrawlSink(
        on_document=on_document,
        on_withdraw=lambda doc_id: store.withdraw([doc_id]),
        lookup=store.get,
        on_progress=ProgressPrinter(status),
    )
    try:
        reports = asyncio.run(crawl_all(profiles, database, sink, options))
    finally:
        store.close()
    _print_reports(reports)
    return reports


def _print_reports(reports: dict[str, CrawlReport]) -> None:
    """One profile: its report. Several: each under its name, then the totals."""
    several = len(reports) > 1
    for name, report in reports.items():
        if several:
            status(f"【{name}】", final=True)
        for line in report_lines(report):
            status(line, final=True)
    if several:
        total = sum(report.fetched for report in reports.values())
        documents = sum(report.documents for report in reports.values())
        status(f"全部 {len(reports)} 个站点：抓取 {total} 页，新增或更新文档 {documents} 篇", final=True)


def crawl(settings: Settings, args: argparse.Namespace) -> int:
    """`govsearch crawl PROFILE… [--all] …`; with `--log FILE`, the crawler's log as JSON lines."""
    handler = log_to(args.log) if args.log else None
    try:
        return _crawl(settings, args)
    finally:
        if handler is not None:
            handler.close()
            logging.getLogger("govsearch.crawler").removeHandler(handler)


def _crawl(settings: Settings, args: argparse.Namespace) -> int:
    profiles = _chosen_profiles(args)
    options = crawl_options(settings, args)
    if args.mirror_dir:
        _crawl_mirror(settings, profiles[0], args.mirror_dir, options)
    else:
        run_crawl(settings, profiles, options)
    if args.index:
        run_index(settings)
    return 0


def _chosen_profiles(args: argparse.Namespace) -> list[SiteProfile]:
    """The profiles named on the command line (`--all`: every shipped one of a real site)."""
    if args.all or len(args.profile) > 1:
        if args.seed or args.mirror_dir:
            raise CommandError("--seed 和 --mirror-dir 只能用于单个站点配置")
        names = [path.stem for path in sorted(SITES_DIR.glob("*.toml"))] if args.all else args.profile
        profiles = [resolve_profile(name) for name in names]
        if args.all:
            profiles, local = live_profiles(profiles)
            skipped = "、".join(p.name for p in local)
            status(f"跳过本地镜像配置：{skipped}（请单独抓取并指定 --mirror-dir 或 --seed）", final=True)
        return profiles
    if not args.profile:
        raise CommandError("请指定站点配置（名称或 TOML 文件），或用 --all 抓取 crawler/sites/ 下的全部站点")
    profile = resolve_profile(args.profile[0])
    return [profile_with_seeds(profile, args.seed) if args.seed else profile]


def _crawl_mirror(settings: Settings, profile: SiteProfile, directory: Path, options: CrawlOptions) -> None:
    """Serve `directory` on a loopback port and crawl `profile` from there."""
    from demo.mirror import MirrorServer, directory_site

    if not directory.is_dir():
        raise CommandError(f"目录不存在：{directory}")
    with MirrorServer(directory_site(directory)) as mirror:
        status(f"本地镜像 {directory} 已启动：{mirror.url}", final=True)
        run_crawl(settings, [profile_with_seeds(profile, [mirror.url])], options)
