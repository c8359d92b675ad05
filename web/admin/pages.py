"""HTML pages of the staff tool under /admin (forms post back here; the JSON API is in api.py)."""

from __future__ import annotations

import math
import secrets
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response

from search_api.access import client_address
from synonyms.staff_rules import (
    ChangeAction,
    ChangeError,
    RuleChange,
    RuleKind,
    describe,
    export_text,
    import_text,
)
from web.admin.accounts import client_key
from web.admin.auth import LOGIN_CSRF_COOKIE, SESSION_COOKIE, accounts, require_staff, staff_of
from web.admin.deps import Form, RowId, audit_csv, form_row_id, proposal_or_404, workflow
from web.admin.rendering import (
    AuditContext,
    LoginContext,
    PortalsContext,
    PortalUsageContext,
    ProposalContext,
    RuleFormContext,
    RulesContext,
    WorklistContext,
    error_page,
    page_basics,
    render,
)
from web.admin.usage import DAYS, overview, per_day, top_queries, usage_csv
from web.admin.workflow import GoldenSetBlock
from web.admin.worklist import work_list

MAX_UPLOAD = 1_000_000

public = APIRouter(include_in_schema=False)
router = APIRouter(prefix="/admin", dependencies=[Depends(require_staff)], include_in_schema=False)


def secure_cookies(request: Request) -> bool:
    """Cookies only over HTTPS when the site is public over https, or this request came over it (a
    trusted proxy's X-Forwarded-Proto counts: uvicorn's proxy headers)."""
    settings = request.app.state.settings
    public_https = str(settings.public_url).lower().startswith("https://")
    return bool(settings.admin_secure_cookie or public_https or request.url.scheme == "https")


def _back(url: str, note: str = "") -> RedirectResponse:
    return RedirectResponse(f"{url}?note={quote(note)}" if note else url, status_code=303)


# -- login (the only routes open to anonymous visitors) ----------------------------------------------
@public.get("/admin/login")
def login_form(request: Request, next: str = "/admin", note: str = "") -> HTMLResponse:
    token = secrets.token_urlsafe(24)
    shown = "密码已设置，请登录" if note == "set" else ""  # only fixed texts: the note is in the URL
    context = LoginContext(**page_basics(request, shown), csrf=token, next=next)
    response = render(request, "login.html", context)
    secure = secure_cookies(request)
    response.set_cookie(
        LOGIN_CSRF_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/admin"
    )
    return response


@public.post("/admin/login", response_model=None)
def login(request: Request, form: Form) -> Response:
    expected = request.cookies.get(LOGIN_CSRF_COOKIE, "")
    target = form.get("next", "/admin")
    target = target if target.startswith("/admin") and not target.startswith("//") else "/admin"

    def again(error: str, status: int) -> HTMLResponse:
        context = LoginContext(**page_basics(request), csrf=expected, next=target, error=error)
        return render(request, "login.html", context, status)

    if not expected or not secrets.compare_digest(form.get("csrf", ""), expected):
        return again("页面已过期，请重试", 403)
    name, staff = form.get("name", "").strip(), accounts(request)
    client = client_address(request)
    # Too soon after wrong passwords from this client or for this name: answered at once, before any
    # hashing (no waiting request holds a place the searches need). A plain function: the store and
    # the hash run in a thread, and the event loop keeps serving searches meanwhile.
    retry = max(staff.wait_seconds(client_key(client)), staff.wait_seconds(name))
    if retry > 0:
        page = again(f"尝试次数过多，请 {math.ceil(retry)} 秒后再试", 429)
        page.headers["Retry-After"] = str(math.ceil(retry))
        return page
    found = staff.login(name, form.get("password", ""))
    if found is None:
        staff.client_failed(client)
        return again("用户名或密码不正确", 401)
    staff.client_succeeded(client)
    token, _staff = found
    response = RedirectResponse(target, status_code=303)
    secure = secure_cookies(request)
    response.set_cookie(SESSION_COOKIE, token, httponly=True, samesite="strict", secure=secure, path="/")
    response.delete_cookie(LOGIN_CSRF_COOKIE, path="/admin")
    return response


@router.post("/logout")
def logout(request: Request) -> RedirectResponse:
    accounts(request).logout(request.cookies.get(SESSION_COOKIE))
    response = RedirectResponse("/admin/login", status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response


# -- rules ---------------------------------------------------------------------------------------
@router.get("")
def rules_page(request: Request, q: str = "", note: str = "") -> HTMLResponse:
    flow = workflow(request)
    context = RulesContext(
        **page_basics(request, note),
        q=q,
        rules=flow.rules(q),
        packaged=flow.packaged_rules(q),
        replaced=flow.replacements(),
        version=flow.store.current_version(),
        pending=flow.store.proposals("pending"),
    )
    return render(request, "rules.html", context)


@router.get("/rules/new")
def new_rule(request: Request, term: str = "", replaces: str = "") -> HTMLResponse:
    line = replaces or (f"{term} => " if term else "")
    context = RuleFormContext(
        **page_basics(request), action="add", rule=None, line=line, term=term, replaces=replaces
    )
    return render(request, "rule_form.html", context)


@router.get("/rules/{rule_id}")
def edit_rule(request: Request, rule_id: RowId) -> HTMLResponse:
    rule = next((r for r in workflow(request).store.current().rules if r.id == rule_id), None)
    if rule is None:
        return error_page(request, 404, f"没有编号为 {rule_id} 的规则")
    context = RuleFormContext(**page_basics(request), action="edit", rule=rule, line=rule.line)
    return render(request, "rule_form.html", context)


@router.post("/proposals", response_model=None)
def propose(request: Request, form: Form) -> Response:
    action = form.get("action", "")
    if action not in ("add", "edit", "disable", "enable", "delete"):
        return error_page(request, 422, "未知的操作")
    change = _change(form, _action(action))
    try:
        proposal_id = workflow(request).propose(staff_of(request), change, form.get("reason", ""))
    except ChangeError as exc:
        rule = next((r for r in workflow(request).store.current().rules if r.id == change.rule_id), None)
        typed = action in ("add", "edit")  # the disable/delete forms carry no rule text to show again
        context = RuleFormContext(
            **page_basics(request),
            action=action if typed else "edit",
            rule=rule,
            line=change.line if typed else (rule.line if rule else ""),
            form=form if typed else None,
            error=str(exc),
            replaces=change.replaces,
        )
        return render(request, "rule_form.html", context, 422)
    return _back(f"/admin/proposals/{proposal_id}", "已提交，等待审核人员批准")


@router.post("/preview")
def preview(request: Request, form: Form) -> HTMLResponse:
    """The rule form again, with the top results of the affected queries before and after; nothing saved."""
    flow = workflow(request)
    change = _change(form, "edit" if form_row_id(form.get("rule_id", "")) else "add")
    rule = next((r for r in flow.store.current().rules if r.id == change.rule_id), None)
    context = RuleFormContext(
        **page_basics(request),
        action=change.action,
        rule=rule,
        line=change.line,
        form=form,
        replaces=change.replaces,
    )
    try:
        context.preview = flow.preview(change)
        context.golden = flow.golden_check(flow.candidate(change))
    except ChangeError as exc:
        context.error = str(exc)
        return render(request, "rule_form.html", context, 422)
    return render(request, "rule_form.html", context)


def _change(form: dict[str, str], action: ChangeAction) -> RuleChange:
    """The change a rule form describes (packaged-rule replacements and 词林 switches included)."""
    rule_id = form.get("rule_id", "")
    replaces = form.get("replaces", "")
    return RuleChange(
        action=action,
        rule_id=form_row_id(rule_id),
        line=form.get("line", "") or (replaces if action == "disable" else ""),
        owner=form.get("owner", ""),
        category=form.get("category", ""),
        kind=_kind(form.get("kind", "")),
        replaces=replaces,
        target=form.get("target", ""),
        expires=form.get("expires", ""),
        comment=form.get("comment", ""),
        field=form.get("field", ""),
    )


def _kind(value: str) -> RuleKind:
    kinds: dict[str, RuleKind] = {
        "vocabulary": "vocabulary",
        "best_bet": "best_bet",
        "correction": "correction",
    }
    return kinds.get(value, "rule")


def _action(value: str) -> ChangeAction:
    actions: dict[str, ChangeAction] = {
        "add": "add",
        "edit": "edit",
        "disable": "disable",
        "enable": "enable",
    }
    return actions.get(value, "delete")


# -- proposals -----------------------------------------------------------------------------------
@router.get("/proposals/{proposal_id}")
def proposal_page(request: Request, proposal_id: RowId, note: str = "") -> HTMLResponse:
    flow = workflow(request)
    found = proposal_or_404(flow, proposal_id)
    before, after = describe(found.change, flow.store.current().rules)
    context = ProposalContext(**page_basics(request, note), p=found, before=before, after=after)
    if found.status == "pending":
        try:
            context.preview = flow.preview(found.change)
            context.golden = flow.golden_check(flow.candidate(found.change))
        except ChangeError as exc:
            context.error = str(exc)
    return render(request, "proposal.html", context)


@router.post("/proposals/{proposal_id}/approve", response_model=None)
def approve(request: Request, proposal_id: RowId, form: Form) -> Response:
    flow = workflow(request)
    try:
        version = flow.approve(
            staff_of(request), proposal_or_404(flow, proposal_id), form.get("override_reason", "")
        )
    except GoldenSetBlock as exc:
        return error_page(request, 409, str(exc))
    return _back("/admin", f"提议#{proposal_id} 已批准，版本 {version} 已生效")


@router.post("/proposals/{proposal_id}/reject")
def reject(request: Request, proposal_id: RowId, form: Form) -> RedirectResponse:
    flow = workflow(request)
    flow.reject(staff_of(request), proposal_or_404(flow, proposal_id), form.get("reason", ""))
    return _back("/admin", f"提议#{proposal_id} 已驳回")


# -- audit, versions, import/export, work list ------------------------------------------------------
@router.get("/audit")
def audit_page(request: Request, note: str = "") -> HTMLResponse:
    store = workflow(request).store
    context = AuditContext(**page_basics(request, note), entries=store.audit(), versions=store.versions())
    return render(request, "audit.html", context)


@router.get("/audit.csv")
def audit_export(request: Request) -> PlainTextResponse:
    return audit_csv(workflow(request))


@router.post("/versions/{version_id}/rollback")
def rollback(request: Request, version_id: RowId, form: Form) -> RedirectResponse:
    version = workflow(request).rollback(staff_of(request), version_id, form.get("reason", ""))
    return _back("/admin/audit", f"已回滚到版本 {version_id} 的规则（新版本 {version}）")


@router.get("/export")
def export(request: Request) -> PlainTextResponse:
    text = export_text(workflow(request).store.current().rules)
    return PlainTextResponse(text, headers={"Content-Disposition": 'attachment; filename="staff_rules.txt"'})


@router.post("/import", response_model=None)
async def import_rules(request: Request) -> Response:
    form = await request.form()
    upload = form.get("file")
    reason = form.get("reason")
    if upload is None or isinstance(upload, str):
        return error_page(request, 422, "请选择要导入的规则文件")
    data = await upload.read(MAX_UPLOAD + 1)
    if len(data) > MAX_UPLOAD:
        return error_page(request, 413, "文件过大（最多 1 MB）")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return error_page(request, 422, f"{upload.filename}: 不是 UTF-8 文本")
    change = RuleChange(action="import", imported=import_text(text, upload.filename or "import.txt"))
    reason_text = reason if isinstance(reason, str) else ""
    proposal_id = await run_in_threadpool(workflow(request).propose, staff_of(request), change, reason_text)
    return _back(f"/admin/proposals/{proposal_id}", f"已导入 {len(change.imported)} 条规则，等待审核")


@router.get("/worklist")
def worklist_page(request: Request) -> HTMLResponse:
    items = work_list(request.app.state.database)
    return render(request, "worklist.html", WorklistContext(**page_basics(request), items=items))


# -- usage per embedding portal -------------------------------------------------------------------
@router.get("/portals")
def portals_page(request: Request) -> HTMLResponse:
    context = PortalsContext(**page_basics(request), days=DAYS, portals=overview(request.app.state.database))
    return render(request, "portals.html", context)


@router.get("/portals/{name}")
def portal_page(request: Request, name: str) -> Response:
    database = request.app.state.database
    if name.endswith(".csv"):
        return usage_csv(database, name.removesuffix(".csv"))
    usage = next((u for u in overview(database) if u.portal.name == name), None)
    if usage is None:
        return error_page(request, 404, f"没有名为 {name} 的门户")
    context = PortalUsageContext(
        **page_basics(request),
        days=DAYS,
        usage=usage,
        per_day=per_day(database, name),
        top=top_queries(database, name),
    )
    return render(request, "portal_usage.html", context)
