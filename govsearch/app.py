"""The app factory: the one place that knows every package."""

from __future__ import annotations

import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI
from fastapi.staticfiles import StaticFiles

import web
from govsearch.settings import Settings
from indexer.backends import open_backend
from indexer.storage import Database
from indexer.store import Store
from search_api import item_routes
from search_api import routes as api_routes
from search_api.query_log import load_denylist
from search_api.service import SearchService
from web import catalogue_routes
from web import routes as web_routes
from web.admin.state import install as install_admin
from web.admin.state import live_synonyms


def build_service(settings: Settings) -> SearchService:
    """A read-only search service over the data directory (serving never takes the index writer)."""
    backend = open_backend(settings.backend, settings.data_dir, writable=False)
    database = Database.for_path(settings.store_path)  # the process's one Database, upgraded on open
    return SearchService(
        backend,
        Store(database),
        live_synonyms(settings, database),
        log_queries=settings.log_queries,
        reload_seconds=settings.reload_seconds,
        denylist=load_denylist(settings.denylist_file),
    )


def create_app(settings: Settings | None = None, service: SearchService | None = None) -> FastAPI:
    settings = settings or Settings()
    search_service = service or build_service(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Titles, words and pinyin for query understanding: built before the first search needs them.
        threading.Thread(target=search_service.knowledge.get, name="knowledge", daemon=True).start()
        yield
        search_service.backend.close()
        search_service.store.close()

    app = FastAPI(
        title="政务搜索 API",
        version="1.0.0",
        description="检索政策文件与办事指南。所有接口位于 /api/v1，返回 JSON。",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.search_service = search_service
    app.state.database = search_service.store.database
    app.include_router(api_routes.router)
    app.include_router(item_routes.router)
    app.include_router(web_routes.router)
    app.include_router(catalogue_routes.router)
    install_admin(app, settings, search_service)
    app.mount("/static", StaticFiles(directory=str(Path(web.__file__).parent / "static")), name="static")
    return app
