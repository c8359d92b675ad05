"""The staff analytics page (/admin/analytics), its CSV tables and its JSON twin."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, PlainTextResponse

from indexer.storage.analytics import SITE
from web.admin.analytics import Report, percent, portal_label, rate, report
from web.admin.api_models import STAFF_TAG, staff_errors
from web.admin.auth import AdminError, require_staff
from web.admin.deps import csv_download
from web.admin.rendering import AnalyticsContext, page_basics, render

router = APIRouter(prefix="/admin", dependencies=[Depends(require_staff)], include_in_schema=False)
api = APIRouter(
    prefix="/admin/api", dependencies=[Depends(require_staff)], tags=[STAFF_TAG], responses=staff_errors()
)

QUERY_HEADER = ["查询", "搜索次数", "无结果次数", "点击次数", "点击率"]


def _report(request: Request, start: str, end: str, portal: str, kind: str) -> Report:
    return report(request.app.state.database, start, end, portal, kind)


@router.get("/analytics")
def analytics_page(
    request: Request, start: str = "", end: str = "", portal: str = "", kind: str = ""
) -> HTMLResponse:
    found = _report(request, start, end, portal, kind)
    portals = request.app.state.portals.all()
    context = AnalyticsContext(
        **page_basics(request),
        report=found,
        portal_names=[SITE, *(p.name for p in portals)],
        portal_label=portal_label,
        csv_query=str(request.url.query),
    )
    return render(request, "analytics.html", context)


def _csv_rows(found: Report, table: str) -> tuple[list[str], list[list[object]]]:
    if table == "days":
        header = ["日期", "搜索次数", "无结果次数", "无结果率", "点击次数", "点击率"]
        return header, [
            [
                d.day,
                d.searches,
                d.zero,
                percent(rate(d.zero, d.searches)),
                d.clicks,
                percent(rate(d.clicks, d.searches)),
            ]
            for d in found.days
        ]
    if table == "positions":
        return ["排名位置", "点击次数", "点击率"], [[p, n, percent(r)] for p, n, r in found.positions]
    if table == "portals":
        return ["门户", *QUERY_HEADER[1:]], [
            [portal_label(q.query), q.searches, q.zero, q.clicks, q.ctr] for q in found.portals
        ]
    if table == "rising":
        return [*QUERY_HEADER, "上一周期搜索次数"], [
            [q.query, q.searches, q.zero, q.clicks, q.ctr, q.before] for q in found.rising
        ]
    rows = {"top": found.top, "zero": found.zero, "low_click": found.low_click}.get(table)
    if rows is None:
        raise AdminError(404, "not_found", f"没有名为 {table} 的统计表", "table")
    return QUERY_HEADER, [[q.query, q.searches, q.zero, q.clicks, q.ctr] for q in rows]


@router.get("/analytics.csv")
def analytics_csv(
    request: Request, table: str = "days", start: str = "", end: str = "", portal: str = "", kind: str = ""
) -> PlainTextResponse:
    found = _report(request, start, end, portal, kind)
    header, rows = _csv_rows(found, table)
    return csv_download(f"analytics_{table}_{found.start}_{found.end}.csv", header, rows)


@api.get("/analytics")
def analytics_json(
    request: Request, start: str = "", end: str = "", portal: str = "", kind: str = ""
) -> dict[str, Any]:
    found = _report(request, start, end, portal, kind)
    result = {k: v for k, v in asdict(found).items() if k != "charts"}
    return result | {"searches": found.searches, "zero_rate": found.zero_rate, "ctr": found.ctr}
