"""What a serving process would otherwise work out from the whole store when it starts, made once when
the index is written instead (issue 18): the knowledge file, the item matcher file and the arrays mapped
beside the title vectors. At 1M documents a server that found none of them spent 420 s building them
before it answered; with them it only maps files.

Made with exactly the ingredients a serving engine uses (`build_engine`), so that the key a server looks
for is the key written here. A server still builds whatever is missing, stale or damaged (with a log
line): this step saves start-up time and is never needed for a correct answer.
"""

from __future__ import annotations

import logging
import time

from govsearch.settings import Settings
from indexer.storage import Database
from indexer.store import Store
from search_api.engine.catalogue_search import MATCHER_FILE, CatalogueSearch
from search_api.engine.knowledge import KnowledgeCache
from search_api.engine.query_log import Popularity, load_denylist
from search_api.engine.vector_search import FileVectors
from synonyms.live import LiveSynonyms, build_live_synonyms
from synonyms.staff_store import StaffStore

SAVE_WAIT_SECONDS = 3600.0  # the knowledge file of 1M documents is hundreds of MB on a busy disk
log = logging.getLogger(__name__)


def live_synonyms(settings: Settings, database: Database) -> LiveSynonyms:
    return build_live_synonyms(StaffStore(database), settings.synonym_files, settings.cilin_path)


def denylist(settings: Settings) -> frozenset[str]:
    return load_denylist(settings.denylist_file)


def popularity(settings: Settings) -> Popularity:
    return Popularity(settings.hot_min_visitors, settings.hot_window_days)


def write_serving_files(settings: Settings, store: Store, *, vectors: bool) -> None:
    """The knowledge and item matcher files for the store as it is now (opened, not built, when they
    are current already) and, with `vectors` (the embedded index), the arrays derived from each title
    vector file."""
    started, database = time.perf_counter(), store.database
    knowledge = KnowledgeCache(
        database,
        live_synonyms(settings, database).reviewed_terms(),
        denylist(settings),
        settings.reload_seconds,
        popularity=popularity(settings),
        path=settings.knowledge_path,
    )
    knowledge.get()
    knowledge.settle(SAVE_WAIT_SECONDS)  # the file is written by a thread: wait for it
    CatalogueSearch(store, settings.knowledge_path.with_name(MATCHER_FILE)).matcher()
    if vectors and settings.models:
        FileVectors(settings.data_dir).versions(settings.models)
    log.info("serving files ready in %.1f s", time.perf_counter() - started)
