"""How staff pages are rendered: one typed context per page (the variables its template uses)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from fastapi.templating import Jinja2Templates

from indexer.documents import Document
from search_api.engine.best_bets import BestBet
from search_api.engine.models import SearchHit
from synonyms.rules import SynonymRule
from synonyms.staff_rules import ACTION_LABELS, StaffRule
from synonyms.staff_store import AuditEntry, Proposal, Version
from web.admin.account_admin import AccountView
from web.admin.accounts import ROLE_LABELS, Staff
from web.admin.analytics import Report
from web.admin.usage import DayUsage, PortalUsage, TopQuery
from web.admin.workflow import GoldenCheck, GoldenRow, PreviewRow, VocabularyStatus
from web.admin.worklist import WorkItem

TEMPLATES = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))


@dataclass(kw_only=True)
class AdminPage:
    """What `admin_base.html` needs on every staff page."""

    site_name: str
    staff: Staff | None  # the signed-in staff member (None on the login page)
    note: str = ""  # a confirmation shown on top (“已提交，等待审核”)
    live_version: int = 0  # shown on every page with the last change, so staff know what is live
    last_change: str = ""

    def as_dict(self) -> dict[str, Any]:
        values = {f.name: getattr(self, f.name) for f in fields(self)}
        return values | {"role_labels": ROLE_LABELS, "action_labels": ACTION_LABELS}


@dataclass(kw_only=True)
class LoginContext(AdminPage):
    csrf: str
    next: str
    error: str = ""


@dataclass(kw_only=True)
class MessageContext(AdminPage):
    title: str
    message: str


@dataclass(kw_only=True)
class RulesContext(AdminPage):
    q: str
    rules: list[StaffRule]
    packaged: list[tuple[str, SynonymRule]]
    replaced: dict[str, StaffRule]  # packaged rule text → the staff rule replacing it
    version: int
    pending: list[Proposal]


@dataclass(kw_only=True)
class RuleFormContext(AdminPage):
    action: str
    rule: StaffRule | None
    line: str
    term: str = ""
    replaces: str = ""  # the packaged rule a new rule replaces
    form: dict[str, str] | None = None  # what was typed, shown again after an error or a preview
    error: str = ""
    preview: list[PreviewRow] = field(default_factory=list)
    golden: GoldenCheck | None = None


@dataclass(kw_only=True)
class ProposalContext(AdminPage):
    p: Proposal
    before: str
    after: str
    preview: list[PreviewRow] = field(default_factory=list)
    golden: GoldenCheck | None = None
    error: str = ""


@dataclass(kw_only=True)
class AuditContext(AdminPage):
    entries: list[AuditEntry]
    versions: list[Version]


@dataclass(kw_only=True)
class VocabularyContext(AdminPage):
    q: str
    status: VocabularyStatus


@dataclass(kw_only=True)
class BestBetsContext(AdminPage):
    q: str
    pins: list[StaffRule]  # reviewed in the staff tool
    listed: list[BestBet]  # added with `govsearch best-bets`
    results: list[SearchHit]  # the query's top results, to pin with one click
    today: str


@dataclass(kw_only=True)
class AnalyticsContext(AdminPage):
    report: Report
    portal_names: list[str]
    portal_label: Callable[[str], str]
    csv_query: str  # the page's filters, repeated on every CSV link


@dataclass(kw_only=True)
class AccountsContext(AdminPage):
    accounts: list[AccountView]
    roles: tuple[str, ...]
    link: str  # a one-time setup link, shown once right after an invite or reset
    hours: int


@dataclass(kw_only=True)
class WelcomeContext(AdminPage):
    token: str
    account: str | None  # None: the link is invalid or expired
    csrf: str
    error: str
    min_length: int


@dataclass(kw_only=True)
class DocumentContext(AdminPage):
    doc: Document
    fields: list[tuple[str, str, str]]  # field, label, stored value (corrected where corrected)
    corrections: list[StaffRule]  # this document's corrections in the live version
    validity_values: tuple[str, ...]


@dataclass(kw_only=True)
class DenylistContext(AdminPage):
    entries: list[StaffRule]  # reviewed denylist entries of the live version
    features: dict[str, str]  # feature → label
    off: set[str]  # features staff switched off
    file_words: list[str]  # GOVSEARCH_DENYLIST_FILE, read at start


@dataclass(kw_only=True)
class GoldenContext(AdminPage):
    rows: list[GoldenRow]
    configured: bool
    path: Path | None
    q: str = ""
    results: list[SearchHit] = field(default_factory=list)  # to pick an expected answer from


@dataclass(kw_only=True)
class WorklistContext(AdminPage):
    items: list[WorkItem]


@dataclass(kw_only=True)
class PortalsContext(AdminPage):
    days: int
    portals: list[PortalUsage]


@dataclass(kw_only=True)
class PortalUsageContext(AdminPage):
    days: int
    usage: PortalUsage
    per_day: list[DayUsage]
    top: list[TopQuery]


def page_basics(request: Request, note: str = "") -> dict[str, Any]:
    staff = getattr(request.state, "staff", None)
    basics = {"site_name": request.app.state.settings.site_name, "staff": staff, "note": note}
    if staff is None:
        return basics
    store = request.app.state.admin_workflow.store
    last = store.last_audit()
    when = last.at[:16].replace("T", " ") if last else ""
    change = f"{last.actor} {last.action}（{when}）" if last else ""
    return basics | {"live_version": store.current_version(), "last_change": change}


def render(request: Request, name: str, context: AdminPage, status: int = 200) -> HTMLResponse:
    return TEMPLATES.TemplateResponse(request, name, context.as_dict(), status_code=status)


def error_page(request: Request, status: int, message: str) -> HTMLResponse:
    context = MessageContext(**page_basics(request), title="无法完成操作", message=message)
    return render(request, "message.html", context, status)
