"""What each `govsearch` command does; the parser lives in `govsearch.cli`."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Collection

from govsearch.console import CommandError, status
from govsearch.database import open_database
from govsearch.serving_files import write_serving_files
from govsearch.settings import Settings
from indexer.backends import BackendError, Rebuildable, SearchBackend, open_backend
from indexer.backends.base import VectorSearch
from indexer.catalogue.upkeep import update_links
from indexer.laws import sync_articles
from indexer.pipeline import IndexProgress, IndexReport, field_workers, update_index
from indexer.store import Store
from indexer.vectors import VectorFields, sync_all
from search_api.engine.evaluation import JudgmentFileError, format_report, load_judgments
from search_api.engine.evaluation import evaluate as run_eval
from search_api.engine.models import SearchRequest


def open_writer(settings: Settings, *, rebuild: bool = False) -> SearchBackend:
    """The backend for writing. An embedded rebuild (or rollback) writes a new generation beside the
    live index and never opens the live one for writing, so it works even when that one is broken;
    Elasticsearch always opens as a writer (it keeps the index template up to date)."""
    embedded_switch = rebuild and settings.backend == "tantivy"
    try:
        return open_backend(
            settings.backend,
            settings.data_dir,
            writable=not embedded_switch,
            rebuilding=rebuild,
            elasticsearch=settings.elasticsearch,
            vectors=VectorFields(settings.data_dir, settings.models),
        )
    except BackendError as exc:
        raise CommandError(str(exc)) from exc


def run_index(
    settings: Settings, *, rebuild: bool = False, derived: Collection[str] = frozenset()
) -> IndexReport:
    """Bring the index up to date; `rebuild` builds a new one beside the live index and switches to it
    (the live one is never written, so serving goes on and a crash changes nothing). `derived`: guides
    whose items an import has just written (`update_links`)."""
    store = Store(open_database(settings))
    workers = index_workers(settings)
    fields = field_workers(store, workers, rebuild=rebuild)  # forked before the index starts threads
    try:
        backend = open_writer(settings, rebuild=rebuild)
    except CommandError:
        fields.close()
        store.close()
        raise

    def on_progress(p: IndexProgress) -> None:
        status(f"建索引：{p.done}/{p.total}")

    # Elasticsearch writes each document with its vectors, so they are computed first; the embedded
    # index makes new documents searchable first and embeds their titles after.
    vectors_first = isinstance(backend, VectorSearch)
    try:
        if vectors_first:
            _sync_vectors(settings, store, workers)
        report = update_index(store, backend, rebuild=rebuild, on_progress=on_progress, workers=fields)
        fields.close()
        linked = update_links(
            store, derived=derived, on_progress=lambda d, t: status(f"关联事项：{d}/{t}"), workers=workers
        )
        if not vectors_first:
            _sync_vectors(settings, store, workers)
        # What every serving process would otherwise build from the whole store at its start.
        status("准备检索服务所需文件…")
        write_serving_files(settings, store, vectors=not vectors_first)
        _sync_laws(settings, workers)  # last: a laws folder in error leaves the index and its files whole
    except BackendError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        fields.close()
        backend.close()
        store.close()
    status(
        f"索引完成：写入 {report.written} 篇，删除 {report.deleted} 篇，索引中共 {report.total_in_index} 篇；"
        f"重新关联事项的文档 {linked.documents_linked} 篇",
        final=True,
    )
    return report


def index_workers(settings: Settings) -> int:
    """`GOVSEARCH_INDEX_WORKERS`, else one process per core: segmenting and linking are Python, and
    one process runs Python on one core at a time."""
    return settings.index_workers or os.cpu_count() or 1


def _sync_vectors(settings: Settings, store: Store, workers: int) -> None:
    if settings.models:
        status("计算标题语义向量…")
        bound = settings.slow_model_max_titles
        if left_out := sync_all(store, settings.data_dir, settings.models, workers, bound):
            status(
                f"不同标题超过 {bound} 个，不计算、不使用 {'、'.join(left_out)} 的向量"
                "（GOVSEARCH_SLOW_MODEL_MAX_TITLES）",
                final=True,
            )


def _sync_laws(settings: Settings, workers: int) -> None:
    """The law articles' cache (`indexer.laws`), made once per set of laws, outside the data directory."""
    if (laws := settings.laws) is None:
        return
    if not laws.is_dir():
        raise CommandError(f"法律法规目录不存在：{laws}（GOVSEARCH_LAWS_DIR）")
    status(f"整理法律法规条文（首次需数分钟，结果缓存在 {settings.laws_cache_dir}）…")
    try:
        sync_articles(laws, settings.laws_cache_dir, workers)
    except (OSError, ValueError) as exc:
        raise CommandError(f"无法整理法律法规条文：{exc}") from exc


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
    if args.rollback:
        return rollback_index(settings)
    run_index(settings, rebuild=args.rebuild)
    return 0


def rollback_index(settings: Settings) -> int:
    """Make the previous generation of the index live again."""
    backend = open_writer(settings, rebuild=True)
    try:
        if not isinstance(backend, Rebuildable):
            raise CommandError(f"搜索后端 {settings.backend} 不支持回滚")
        backend.rollback()
    except BackendError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        backend.close()
    status("已回滚到上一代索引；正在运行的服务会在几秒内改用它。", final=True)
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
