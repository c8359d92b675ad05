"""The one way the composition root opens the store's database."""

from __future__ import annotations

from govsearch.settings import Settings
from indexer.storage import Database, make_sqlite_folder


def open_database(settings: Settings) -> Database:
    """The process's one Database (`GOVSEARCH_DATABASE_URL`, default the data directory's SQLite
    file). The embedded file is upgraded on open; a server database must already be current
    (`StorageError` otherwise, printed by the command line as one line)."""
    make_sqlite_folder(settings.store_url)
    return Database.open(settings.store_url)
