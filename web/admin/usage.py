"""Usage per embedding portal for staff: searches per day, the zero-result rate, clicks and the top
queries, over a window of days; also as CSV. Read from the query and click logs (nothing personal)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from fastapi.responses import PlainTextResponse

from indexer.storage import Database
from indexer.storage.logs import QueryLog
from search_api.engine.portals import Portal, Portals
from web.admin.deps import csv_download

DAYS = 30
TOP = 20


@dataclass(frozen=True)
class Counts:
    searches: int
    zero: int
    clicks: int

    @property
    def zero_rate(self) -> str:
        return f"{self.zero / self.searches:.0%}" if self.searches else "–"


@dataclass(frozen=True)
class PortalUsage:
    portal: Portal
    total: Counts


@dataclass(frozen=True)
class DayUsage:
    day: str
    counts: Counts


@dataclass(frozen=True)
class TopQuery:
    query: str
    searches: int
    zero: int


def since(days: int = DAYS) -> str:
    """The start of the window as the logs write times (ISO, UTC)."""
    return (dt.datetime.now(dt.UTC) - dt.timedelta(days=days)).date().isoformat()


def overview(database: Database, days: int = DAYS) -> list[PortalUsage]:
    totals = QueryLog(database).portal_totals(since(days))
    return [PortalUsage(p, Counts(*totals.get(p.name, (0, 0, 0)))) for p in Portals(database).all()]


def per_day(database: Database, name: str, days: int = DAYS) -> list[DayUsage]:
    return [DayUsage(d, Counts(n, z, c)) for d, n, z, c in QueryLog(database).portal_days(name, since(days))]


def top_queries(database: Database, name: str, days: int = DAYS, limit: int = TOP) -> list[TopQuery]:
    return [TopQuery(*row) for row in QueryLog(database).portal_top_queries(name, since(days), limit)]


def usage_csv(database: Database, name: str, days: int = DAYS) -> PlainTextResponse:
    """One row a day: searches, zero-result searches and rate, clicks."""
    header = ["日期", "门户", "搜索次数", "无结果次数", "无结果率", "点击次数"]
    rows = (
        [d.day, name, d.counts.searches, d.counts.zero, d.counts.zero_rate, d.counts.clicks]
        for d in per_day(database, name, days)
    )
    return csv_download(f"portal_usage_{name}.csv", header, rows)
