"""Search analytics for staff: what citizens search, what finds nothing, what they click.

Built from the query and click logs (`indexer.storage.analytics`) for a date range and filters; drawn
as SVG charts (`web.admin.charts`) and also offered as CSV. Click-through here is clicks ÷ first-page
searches: the logs do not tie a click to one search, so a query clicked twice counts twice.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from markupsafe import Markup

from indexer.storage import Database
from indexer.storage.analytics import SITE, LogAnalytics, LogFilter
from web.admin.auth import AdminError
from web.admin.charts import bar_chart, line_chart

DEFAULT_DAYS = 30
MAX_DAYS = 366
TOP = 20
CANDIDATES = 1000  # queries read per period for the rising, zero-result and low-click lists
LOW_CLICK_MIN_SEARCHES = 3
LOW_CLICK_RATE = 0.1
POSITIONS = 10  # positions 1–10 one by one, the rest together


def rate(part: int, whole: int) -> float:
    return part / whole if whole else 0.0


def percent(value: float) -> str:
    return f"{value:.0%}"


def axis_percent(value: float) -> str:
    """A chart axis label: 2.5% stays 2.5%, not a rounded 2%."""
    return f"{value * 100:.1f}".rstrip("0").rstrip(".") + "%"


@dataclass(frozen=True)
class QueryRow:
    query: str
    searches: int
    zero: int
    clicks: int
    before: int = 0  # searches in the previous period of the same length (rising queries)

    @property
    def ctr(self) -> str:
        return percent(rate(self.clicks, self.searches))


@dataclass(frozen=True)
class DayRow:
    day: str
    searches: int
    zero: int
    clicks: int


@dataclass
class Report:
    start: str
    end: str  # inclusive, as staff typed it
    portal: str
    kind: str
    days: list[DayRow]
    top: list[QueryRow]
    rising: list[QueryRow]
    zero: list[QueryRow]
    low_click: list[QueryRow]
    positions: list[tuple[str, int, float]]  # position label, clicks, share of searches
    portals: list[QueryRow]  # query = portal name (SITE: the site's own pages)
    charts: dict[str, Markup] = field(default_factory=dict)

    @property
    def searches(self) -> int:
        return sum(d.searches for d in self.days)

    @property
    def zero_rate(self) -> str:
        return percent(rate(sum(d.zero for d in self.days), self.searches))

    @property
    def ctr(self) -> str:
        return percent(rate(sum(d.clicks for d in self.days), self.searches))


def parse_range(start: str, end: str, today: dt.date | None = None) -> tuple[dt.date, dt.date]:
    """(first day, last day), both inclusive; by default the last DEFAULT_DAYS days."""
    today = today or dt.datetime.now(dt.UTC).date()
    try:
        last = dt.date.fromisoformat(end) if end else today
        first = dt.date.fromisoformat(start) if start else last - dt.timedelta(days=DEFAULT_DAYS - 1)
    except ValueError:
        raise AdminError(422, "invalid", "日期须为 YYYY-MM-DD 格式", "start" if start else "end") from None
    if first > last:
        raise AdminError(422, "invalid", "开始日期晚于结束日期", "start")
    if (last - first).days >= MAX_DAYS:
        raise AdminError(422, "invalid", f"日期范围最长 {MAX_DAYS} 天", "start")
    return first, last


def _all_days(first: dt.date, last: dt.date, found: list[tuple[str, int, int, int]]) -> list[DayRow]:
    """Every day of the range, with zeros where nobody searched (so the charts keep their time axis)."""
    by_day = {d: (n, z, c) for d, n, z, c in found}
    days = [(first + dt.timedelta(days=i)).isoformat() for i in range((last - first).days + 1)]
    return [DayRow(d, *by_day.get(d, (0, 0, 0))) for d in days]


def report(database: Database, start: str = "", end: str = "", portal: str = "", kind: str = "") -> Report:
    first, last = parse_range(start, end)
    after = (last + dt.timedelta(days=1)).isoformat()
    flt = LogFilter(first.isoformat(), after, portal or None, kind or None)
    length = last - first + dt.timedelta(days=1)
    previous = LogFilter((first - length).isoformat(), first.isoformat(), flt.portal, flt.kind)
    logs = LogAnalytics(database)
    days = _all_days(first, last, logs.days(flt))
    queries = [QueryRow(*row) for row in logs.queries(flt, CANDIDATES)]
    before = {q: n for q, n, _z, _c in logs.queries(previous, CANDIDATES)}
    searches = sum(d.searches for d in days)
    found = Report(
        start=first.isoformat(),
        end=last.isoformat(),
        portal=portal,
        kind=kind,
        days=days,
        top=queries[:TOP],
        rising=_rising(queries, before),
        zero=[q for q in queries if q.zero == q.searches][:TOP],
        low_click=[
            q
            for q in queries
            if q.zero < q.searches
            and q.searches >= LOW_CLICK_MIN_SEARCHES
            and rate(q.clicks, q.searches) < LOW_CLICK_RATE
        ][:TOP],
        positions=_positions(logs.positions(flt), searches),
        portals=[QueryRow(p, n, z, c) for p, n, z, c in logs.portals(flt)],
    )
    found.charts = _charts(found)
    return found


def _rising(queries: list[QueryRow], before: dict[str, int]) -> list[QueryRow]:
    """Queries searched more than in the previous period of the same length, by how much more."""
    grown = [
        QueryRow(q.query, q.searches, q.zero, q.clicks, before.get(q.query, 0))
        for q in queries
        if q.searches >= 2 and q.searches > before.get(q.query, 0)
    ]
    return sorted(grown, key=lambda q: (-(q.searches - q.before), q.query))[:TOP]


def _positions(clicks: list[tuple[int, int]], searches: int) -> list[tuple[str, int, float]]:
    by_position = dict(clicks)
    rows = [(str(p), by_position.get(p, 0)) for p in range(1, POSITIONS + 1)]
    rows.append((f"{POSITIONS + 1}+", sum(n for p, n in clicks if p > POSITIONS)))
    return [(label, n, rate(n, searches)) for label, n in rows]


def _charts(found: Report) -> dict[str, Markup]:
    labels = [d.day[5:] for d in found.days]  # MM-DD
    return {
        "searches": line_chart(
            "chart-searches", "每日搜索次数", labels, [("搜索次数", [d.searches for d in found.days])]
        ),
        "rates": line_chart(
            "chart-rates",
            "无结果率与点击率",
            labels,
            [
                ("点击率", [rate(d.clicks, d.searches) for d in found.days]),
                ("无结果率", [rate(d.zero, d.searches) for d in found.days]),
            ],
            axis_percent,
        ),
        "positions": bar_chart(
            "chart-positions",
            "各排名位置的点击率",
            [label for label, _n, _r in found.positions],
            [r for _label, _n, r in found.positions],
            axis_percent,
        ),
    }


def portal_label(name: str) -> str:
    return "本站页面" if name == SITE else name
