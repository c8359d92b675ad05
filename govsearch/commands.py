"""What each `govsearch` command does; the parser lives in `govsearch.cli`."""

from __future__ import annotations

import argparse
import os
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

from crawler.profiles import ProfileError, SiteProfile, builtin_profile, load_profile
from govsearch.database import open_database
from govsearch.settings import Settings
from indexer.backends import BackendError, Rebuildable, SearchBackend, open_backend
from indexer.catalogue.upkeep import update_links
from indexer.pipeline import IndexProgress, IndexReport, update_index
from indexer.store import Store
from indexer.vectors import sync_vectors, vectors_path
from search_api.engine.evaluation import JudgmentFileError, format_report, load_judgments
from search_api.engine.evaluation import evaluate as run_eval
from search_api.engine.models import SearchRequest


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


def open_writer(settings: Settings) -> SearchBackend:
    try:
        return open_backend(
            settings.backend, settings.data_dir, writable=True, elasticsearch=settings.elasticsearch
        )
    except BackendError as exc:
        raise CommandError(str(exc)) from exc


def _rebuild_beside(
    store: Store, backend: Rebuildable, on_progress: Callable[[IndexProgress], None], workers: int
) -> IndexReport:
    """Write a new generation beside the live one, check its count against the store, make it live."""
    generation = backend.new_generation()
    report = update_index(store, generation, rebuild=True, on_progress=on_progress, workers=workers)
    backend.activate(generation, expected=store.count())
    return report


def run_index(settings: Settings, *, rebuild: bool = False) -> IndexReport:
    if rebuild and settings.backend == "tantivy":
        shutil.rmtree(settings.data_dir / "index", ignore_errors=True)
    store = Store(open_database(settings))
    backend = open_writer(settings)

    def on_progress(p: IndexProgress) -> None:
        _status(f"建索引：{p.done}/{p.total}")

    try:
        workers = settings.index_workers or os.cpu_count() or 1
        if rebuild and isinstance(backend, Rebuildable) and settings.backend != "tantivy":
            report = _rebuild_beside(store, backend, on_progress, workers)
        else:
            report = update_index(store, backend, rebuild=rebuild, on_progress=on_progress, workers=workers)
        linked = update_links(store)
        if settings.semantic:
            _status("计算标题语义向量…")
            sync_vectors(store, vectors_path(settings.data_dir))
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


def check_profiles(settings: Settings, args: argparse.Namespace) -> int:
    from crawler.profiles import SITES_DIR, validate_profiles

    paths = args.files or sorted(SITES_DIR.glob("*.toml"))
    problems = validate_profiles(paths)
    for problem in problems:
        print(problem, file=sys.stderr)
    verdict = f"发现 {len(problems)} 处问题" if problems else "全部有效"
    print(f"检查站点配置 {len(paths)} 个：{verdict}")
    return 1 if problems else 0


def index(settings: Settings, args: argparse.Namespace) -> int:
    if getattr(args, "rollback", False):
        return rollback_index(settings)
    run_index(settings, rebuild=args.rebuild)
    return 0


def rollback_index(settings: Settings) -> int:
    """Make the previous generation of the index live again."""
    backend = open_writer(settings)
    try:
        if not isinstance(backend, Rebuildable):
            raise CommandError(f"搜索后端 {settings.backend} 不支持回滚")
        backend.rollback()
    except BackendError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        backend.close()
    _status("已回滚到上一代索引", final=True)
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
    from govsearch.app import build_engine

    try:
        judgments = load_judgments(args.queries)
    except (OSError, JudgmentFileError) as exc:
        raise CommandError(str(exc)) from exc
    service = build_engine(settings.model_copy(update={"log_queries": False}))

    def top_titles(query: str) -> list[str]:
        return [h.title for h in service.search(SearchRequest(q=query, size=10)).hits]

    report = run_eval(judgments, top_titles)
    if args.verbose:
        for o in report.outcomes:
            print(f"{o.rank or '-'}\t{o.judgment.query}\t{' | '.join(o.titles[:3])}")
    print(format_report(report))
    return 0
