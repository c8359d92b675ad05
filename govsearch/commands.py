"""What each `govsearch` command does; the parser lives in `govsearch.cli`."""

from __future__ import annotations

import argparse
import logging
import shutil
import sys
from dataclasses import replace
from pathlib import Path

from crawler.profiles import ProfileError, SiteProfile, builtin_profile, load_profile, profile_with_seeds
from crawler.run import CrawlOptions, CrawlReport, crawl_sync
from govsearch.crawl_output import ProgressPrinter, log_to, report_lines
from govsearch.settings import Settings
from indexer.backends import BackendError, open_backend
from indexer.catalogue.upkeep import update_links
from indexer.documents import PolicyDocument, SearchRequest, ServiceGuide
from indexer.pipeline import IndexProgress, IndexReport, update_index
from indexer.storage import Database
from indexer.store import Store
from search_api.evaluation import JudgmentFileError, format_report, load_judgments
from search_api.evaluation import evaluate as run_eval


class CommandError(RuntimeError):
    """A user-facing failure: printed as one line, exit status 2."""


def _status(line: str, *, final: bool = False) -> None:
    """Progress on one line in a terminal, a line per update elsewhere."""
    if sys.stderr.isatty():
        print(f"\r\033[K{line}", end="\n" if final else "", file=sys.stderr, flush=True)
    else:
        print(line, file=sys.stderr, flush=True)


def resolve_profile(name: str) -> SiteProfile:
    """A TOML path, or the name of a profile shipped in crawler/sites/."""
    try:
        return load_profile(name) if Path(name).is_file() else builtin_profile(name)
    except (ProfileError, OSError, ValueError) as exc:
        raise CommandError(f"站点配置 {name!r} 无法使用：{exc}") from exc


def run_crawl(
    settings: Settings,
    profile: SiteProfile,
    *,
    recrawl: bool = False,
    delay: float | None = None,
    options: CrawlOptions | None = None,
) -> CrawlReport:
    database = Database.for_path(settings.store_path)
    store = Store(database)
    printer = ProgressPrinter(_status)

    def on_document(doc: PolicyDocument | ServiceGuide) -> None:
        store.upsert([doc])

    report = crawl_sync(
        profile,
        database,
        on_document=on_document,
        on_progress=lambda progress: printer(profile.name, progress),
        on_withdraw=lambda doc_id: store.withdraw([doc_id]),
        lookup=store.get,
        recrawl=recrawl,
        delay_override=delay,
        options=options or crawl_options(settings),
    )
    for line in report_lines(report):
        _status(line, final=True)
    store.close()
    return report


def run_index(settings: Settings, *, rebuild: bool = False) -> IndexReport:
    if rebuild:
        shutil.rmtree(settings.data_dir / "index", ignore_errors=True)
    store = Store(Database.for_path(settings.store_path))
    try:
        backend = open_backend(settings.backend, settings.data_dir, writable=True)
    except BackendError as exc:
        raise CommandError(str(exc)) from exc

    def on_progress(p: IndexProgress) -> None:
        _status(f"建索引：{p.done}/{p.total}")

    try:
        report = update_index(store, backend, rebuild=rebuild, on_progress=on_progress)
        linked = update_links(store)
    except BackendError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        backend.close()
        store.close()
    _status(
        f"索引完成：写入 {report.written} 篇，删除 {report.deleted} 篇，索引中共 {report.total_in_index} 篇；"
        f"重新关联事项的文档 {linked.documents_linked} 篇",
        final=True,
    )
    return report


def crawl_options(settings: Settings, args: argparse.Namespace | None = None) -> CrawlOptions:
    return CrawlOptions(
        concurrency=getattr(args, "concurrency", None) or settings.crawl_concurrency,
        retries=settings.crawl_retries,
        timeout=settings.crawl_timeout,
        default_delay=settings.crawl_delay,
        attachments=not getattr(args, "no_attachments", False),
    )


def check_profiles(settings: Settings, args: argparse.Namespace) -> int:
    from crawler.profiles import SITES_DIR, validate_profiles

    paths = args.files or sorted(SITES_DIR.glob("*.toml"))
    problems = validate_profiles(paths)
    for problem in problems:
        print(problem, file=sys.stderr)
    verdict = f"发现 {len(problems)} 处问题" if problems else "全部有效"
    print(f"检查站点配置 {len(paths)} 个：{verdict}")
    return 1 if problems else 0


def crawl(settings: Settings, args: argparse.Namespace) -> int:
    handler = log_to(args.log) if args.log else None
    try:
        return _crawl(settings, args)
    finally:
        if handler is not None:
            handler.close()
            logging.getLogger("govsearch.crawler").removeHandler(handler)


def _crawl(settings: Settings, args: argparse.Namespace) -> int:
    options = crawl_options(settings, args)
    if args.all or len(args.profile) > 1:
        return _crawl_many(settings, args, options)
    if not args.profile:
        raise CommandError("请指定站点配置（名称或 TOML 文件），或用 --all 抓取 crawler/sites/ 下的全部站点")
    profile = resolve_profile(args.profile[0])
    if args.seed:
        profile = profile_with_seeds(profile, args.seed)
    if args.mirror_dir:
        from demo.mirror import MirrorServer, directory_site

        if not args.mirror_dir.is_dir():
            raise CommandError(f"目录不存在：{args.mirror_dir}")
        with MirrorServer(directory_site(args.mirror_dir)) as mirror:
            _status(f"本地镜像 {args.mirror_dir} 已启动：{mirror.url}", final=True)
            mirrored = profile_with_seeds(profile, [mirror.url])
            run_crawl(settings, mirrored, recrawl=args.recrawl, delay=args.delay, options=options)
    else:
        run_crawl(settings, profile, recrawl=args.recrawl, delay=args.delay, options=options)
    if args.index:
        run_index(settings)
    return 0


def _crawl_many(settings: Settings, args: argparse.Namespace, options: CrawlOptions) -> int:
    from crawler.profiles import SITES_DIR
    from govsearch.commands_crawl import live_profiles, run_crawl_all

    if args.seed or args.mirror_dir:
        raise CommandError("--seed 和 --mirror-dir 只能用于单个站点配置")
    names = [path.stem for path in sorted(SITES_DIR.glob("*.toml"))] if args.all else args.profile
    profiles = [resolve_profile(name) for name in names]
    if args.all:
        profiles, local = live_profiles(profiles)
        skipped = "、".join(p.name for p in local)
        _status(f"跳过本地镜像配置：{skipped}（请单独抓取并指定 --mirror-dir 或 --seed）", final=True)
    delay = {} if args.delay is None else {"delay": args.delay}
    run_crawl_all(settings, profiles, replace(options, recrawl=args.recrawl, **delay), _status)
    if args.index:
        run_index(settings)
    return 0


def index(settings: Settings, args: argparse.Namespace) -> int:
    run_index(settings, rebuild=args.rebuild)
    return 0


def serve(settings: Settings, args: argparse.Namespace) -> int:
    import uvicorn

    from govsearch.app import create_app

    host = args.host or settings.host
    port = args.port or settings.port
    try:
        app = create_app(settings)
    except BackendError as exc:
        raise CommandError(str(exc)) from exc
    print(
        f"政务搜索已启动：http://{host}:{port}/  （API 文档：http://{host}:{port}/docs，按 Ctrl+C 停止）",
        flush=True,
    )
    uvicorn.run(app, host=host, port=port, log_level="warning")
    return 0


def evaluate(settings: Settings, args: argparse.Namespace) -> int:
    from govsearch.app import build_service

    try:
        judgments = load_judgments(args.queries)
    except (OSError, JudgmentFileError) as exc:
        raise CommandError(str(exc)) from exc
    service = build_service(settings.model_copy(update={"log_queries": False}))

    def top_titles(query: str) -> list[str]:
        return [h.title for h in service.search(SearchRequest(q=query, size=10)).hits]

    report = run_eval(judgments, top_titles)
    if args.verbose:
        for o in report.outcomes:
            print(f"{o.rank or '-'}\t{o.judgment.query}\t{' | '.join(o.titles[:3])}")
    print(format_report(report))
    return 0


DEMO_MIRROR_PORT = 8001  # fixed, so that document ids (from URLs) stay the same across demo runs


def demo(settings: Settings, args: argparse.Namespace) -> int:
    from demo.mirror import MirrorServer, demo_site

    try:
        mirror = MirrorServer(demo_site(), port=args.mirror_port).start()
    except OSError as exc:
        raise CommandError(
            f"示例网站端口 {args.mirror_port} 无法使用（{exc}），请用 --mirror-port 换一个"
        ) from exc
    try:
        _status(f"示例政府网站镜像已启动：{mirror.url}", final=True)
        profile = profile_with_seeds(resolve_profile("demo"), [mirror.url])
        # The demo site may have changed since the last run: fetch everything again.
        run_crawl(settings, profile, recrawl=True)
    finally:
        mirror.stop()
    # Rebuilding from the store is cheap here and survives index format changes between versions.
    run_index(settings, rebuild=True)
    if args.no_serve:
        return 0
    return serve(settings, argparse.Namespace(host=None, port=args.port))
