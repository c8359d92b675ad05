"""Usage per embedding portal for staff: searches per day, the zero-result rate, clicks and the top
queries, over a window of days; also as CSV. Read from the query and click logs (nothing personal)."""

from __future__ import annotations

import csv
import datetime as dt
import io
from dataclasses import dataclass

from fastapi.responses import PlainTextResponse

from indexer.storage import Database
from indexer.storage.logs import QueryLog
from search_api.engine.portals import Portal, Portals

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
    """One row a day: searches, zero-result searches and rate, clicks (BOM: spreadsheets read Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["日期", "门户", "搜索次数", "无结果次数", "无结果率", "点击次数"])
    for row in per_day(database, name, days):
        c = row.counts
        writer.writerow([row.day, name, c.searches, c.zero, c.zero_rate, c.clicks])
    return PlainTextResponse(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="portal_usage_{name}.csv"'},
    )
