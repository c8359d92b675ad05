"""Read-only aggregates of the query and click logs for the staff analytics page.

Every function takes a half-open range of days [start, end) as ISO dates (the logs write ISO UTC
times, so string comparison is time order) and optional filters: the embedding portal (``SITE`` for
the site's own pages) and the document type searched. Only first result pages count as searches.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Select, case, func, select

from indexer.storage.database import Database
from indexer.storage.logs import click_log, query_log

SITE = "-"  # the portal filter value for searches from the site's own pages (no portal)


@dataclass(frozen=True)
class LogFilter:
    start: str  # YYYY-MM-DD, inclusive
    end: str  # YYYY-MM-DD, exclusive
    portal: str | None = None  # None: all; SITE: the site's own pages
    kind: str | None = None  # query_log.type: policy, guide …


def _searches(f: LogFilter) -> list[ColumnElement[bool]]:
    where = [query_log.c.page == 1, query_log.c.at >= f.start, query_log.c.at < f.end]
    if f.portal is not None:
        where.append(query_log.c.portal.is_(None) if f.portal == SITE else query_log.c.portal == f.portal)
    if f.kind:
        where.append(query_log.c.type == f.kind)
    return where


def _clicks(f: LogFilter) -> list[ColumnElement[bool]]:
    where = [click_log.c.at >= f.start, click_log.c.at < f.end]
    if f.portal is not None:
        where.append(click_log.c.portal.is_(None) if f.portal == SITE else click_log.c.portal == f.portal)
    return where


_ZERO = func.sum(case((query_log.c.total == 0, 1), else_=0))


class LogAnalytics:
    def __init__(self, database: Database) -> None:
        self.database = database

    def _rows(self, query: Select[tuple[object, ...]]) -> list[tuple[object, ...]]:
        with self.database.read() as conn:
            return [tuple(row) for row in conn.execute(query)]

    def days(self, f: LogFilter) -> list[tuple[str, int, int, int]]:
        """(day, searches, zero-result searches, clicks) for each day with any."""
        day = func.substr(query_log.c.at, 1, 10)
        searched = select(day, func.count(), _ZERO).where(*_searches(f)).group_by(day)
        click_day = func.substr(click_log.c.at, 1, 10)
        clicked = select(click_day, func.count()).where(*_clicks(f)).group_by(click_day)
        searches = {str(d): (int(str(n)), int(str(z))) for d, n, z in self._rows(searched)}
        clicks = {str(d): int(str(n)) for d, n in self._rows(clicked)}
        return [(d, *searches.get(d, (0, 0)), clicks.get(d, 0)) for d in sorted(set(searches) | set(clicks))]

    def queries(self, f: LogFilter, limit: int) -> list[tuple[str, int, int, int]]:
        """(query, searches, zero-result searches, clicks), most searched first."""
        searches = func.count().label("n")
        top = (
            select(query_log.c.query, searches, _ZERO)
            .where(*_searches(f))
            .group_by(query_log.c.query)
            .order_by(searches.desc(), query_log.c.query)
            .limit(limit)
        )
        found = [(str(q), int(str(n)), int(str(z))) for q, n, z in self._rows(top)]
        names = [q for q, _n, _z in found]
        clicked = (
            select(click_log.c.query, func.count())
            .where(*_clicks(f), click_log.c.query.in_(names))
            .group_by(click_log.c.query)
        )
        clicks = {str(q): int(str(n)) for q, n in self._rows(clicked)} if names else {}
        return [(q, n, z, clicks.get(q, 0)) for q, n, z in found]

    def positions(self, f: LogFilter) -> list[tuple[int, int]]:
        """(1-based result position, clicks there), positions in order."""
        clicked = (
            select(click_log.c.position, func.count())
            .where(*_clicks(f))
            .group_by(click_log.c.position)
            .order_by(click_log.c.position)
        )
        return [(int(str(p)), int(str(n))) for p, n in self._rows(clicked)]

    def portals(self, f: LogFilter) -> list[tuple[str, int, int, int]]:
        """(portal or SITE, searches, zero-result searches, clicks), most searched first."""
        unfiltered = LogFilter(f.start, f.end, None, f.kind)
        searched = select(query_log.c.portal, func.count(), _ZERO).where(*_searches(unfiltered))
        clicked = select(click_log.c.portal, func.count()).where(*_clicks(unfiltered))
        searches = {
            str(p or SITE): (int(str(n)), int(str(z)))
            for p, n, z in self._rows(searched.group_by(query_log.c.portal))
        }
        clicks = {str(p or SITE): int(str(n)) for p, n in self._rows(clicked.group_by(click_log.c.portal))}
        rows = [(p, *searches.get(p, (0, 0)), clicks.get(p, 0)) for p in set(searches) | set(clicks)]
        return sorted(rows, key=lambda r: (-r[1], r[0]))
