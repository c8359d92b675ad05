"""Wiring of the staff tool into the app, and helpers shared by its pages and API."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, RedirectResponse, Response

from govsearch.settings import Settings
from indexer.storage import Database
from search_api.service import SearchService
from synonyms.cilin import load_cilin
from synonyms.expansion import SynonymSet, default_synonym_paths
from synonyms.live import LiveSynonyms
from synonyms.loader import load_synonym_files
from synonyms.staff_rules import ChangeError
from synonyms.staff_store import Proposal, StaffStore
from web.admin.accounts import AccountError, Accounts
from web.admin.auth import AdminError
from web.admin.workflow import GoldenSetBlock, PermissionDenied, Workflow


def live_synonyms(settings: Settings, database: Database) -> LiveSynonyms:
    """Packaged + extra files, the live staff version, and the 词林 layer when configured."""
    fixed = load_synonym_files([*default_synonym_paths(), *settings.synonym_files])
    general: SynonymSet | None = load_cilin(settings.cilin_path) if settings.cilin_path else None
    return LiveSynonyms(fixed, StaffStore(database), general)


def workflow(request: Request) -> Workflow:
    flow: Workflow = request.app.state.admin_workflow
    return flow


def proposal_or_404(flow: Workflow, proposal_id: int) -> Proposal:
    found = flow.store.proposal(proposal_id)
    if found is None:
        raise AdminError(404, "not_found", f"没有提议#{proposal_id}", "proposal")
    return found


def audit_csv(flow: Workflow) -> PlainTextResponse:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["id", "时间", "操作人", "操作", "修改前", "修改后", "原因", "审批", "版本"])
    for e in flow.store.audit():
        writer.writerow(
            [e.id, e.at, e.actor, e.action, e.before, e.after, e.reason, e.approval, e.version or ""]
        )
    return PlainTextResponse(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": 'attachment; filename="synonym_audit.csv"'},
    )


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/admin/api")


def _error(request: Request, status: int, code: str, message: str, field: str | None) -> Response:
    if status == 401 and not _is_api(request):
        return RedirectResponse(f"/admin/login?next={quote(request.url.path)}", status_code=303)
    if _is_api(request):
        return JSONResponse({"error": {"code": code, "message": message, "field": field}}, status_code=status)
    from web.admin.pages import error_page  # pages import this module; import here to avoid a cycle

    return error_page(request, status, message)


def install(app: FastAPI, settings: Settings, service: SearchService) -> None:
    """Mount /admin (pages and API) and make the search service use the live synonyms."""
    from web.admin import api, pages

    database = service.store.database
    if isinstance(service.synonyms, LiveSynonyms):
        live = service.synonyms
    elif isinstance(service.synonyms, SynonymSet):  # a caller's own rule set stays the reviewed base
        live = LiveSynonyms(service.synonyms.rules, StaffStore(database))
    else:
        live = live_synonyms(settings, database)
    service.synonyms = live
    app.state.admin_accounts = Accounts(database, settings.admin_session_hours)
    app.state.admin_workflow = Workflow(service, live, live.store, settings.golden_path)

    async def admin_error(request: Request, exc: Exception) -> Response:
        if isinstance(exc, AdminError):
            return _error(request, exc.status, exc.code, exc.message, exc.field)
        if isinstance(exc, GoldenSetBlock):
            return _error(request, 409, "golden_set", str(exc), "override_reason")
        if isinstance(exc, PermissionDenied):
            return _error(request, 403, "forbidden", str(exc), "role")
        if isinstance(exc, ChangeError | AccountError):
            return _error(request, 422, "invalid", str(exc), exc.field)
        raise exc

    for kind in (AdminError, GoldenSetBlock, PermissionDenied, ChangeError, AccountError):
        app.add_exception_handler(kind, admin_error)
    app.include_router(pages.public)
    app.include_router(pages.router)
    app.include_router(api.router)
