"""Accounts managed in the tool by the admin role (/admin/accounts, /admin/api/accounts), and the
page where an invited or reset person chooses a password (/admin/welcome, open without login)."""

from __future__ import annotations

import secrets
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field

from web.admin.account_admin import SETUP_HOURS, AccountAdmin
from web.admin.accounts import MIN_PASSWORD_LENGTH, ROLES, AccountError
from web.admin.api_models import STAFF_TAG, staff_errors
from web.admin.auth import LOGIN_CSRF_COOKIE, AdminError, require_staff, staff_of
from web.admin.deps import Form
from web.admin.rendering import AccountsContext, WelcomeContext, page_basics, render

public = APIRouter(include_in_schema=False)
router = APIRouter(prefix="/admin", dependencies=[Depends(require_staff)], include_in_schema=False)
api = APIRouter(
    prefix="/admin/api", dependencies=[Depends(require_staff)], tags=[STAFF_TAG], responses=staff_errors(404)
)
ACTIONS = ("reset", "disable", "enable", "unlock")


class InviteIn(BaseModel):
    name: str = Field(max_length=50)
    role: str = Field(max_length=20)


class RoleIn(BaseModel):
    role: str = Field(max_length=20)


def admin_of(request: Request) -> AccountAdmin:
    found: AccountAdmin = request.app.state.admin_account_admin
    return found


def _setup_url(request: Request, token: str) -> str:
    return f"{str(request.base_url).rstrip('/')}/admin/welcome?token={token}"


def _act(request: Request, name: str, action: str) -> str:
    """Run one account action; returns the one-time link of a reset ("" otherwise)."""
    admin, staff = admin_of(request), staff_of(request)
    if action == "reset":
        return _setup_url(request, admin.reset(staff, name))
    if action not in ACTIONS:
        raise AdminError(404, "not_found", f"没有操作 {action}", "action")
    {"disable": admin.disable, "enable": admin.enable, "unlock": admin.unlock}[action](staff, name)
    return ""


def _page(request: Request, note: str = "", link: str = "", status: int = 200) -> HTMLResponse:
    staff = staff_of(request)
    if not staff.can_manage_accounts:
        raise AdminError(403, "forbidden", "只有管理员可以管理账号", "role")
    context = AccountsContext(
        **page_basics(request, note),
        accounts=admin_of(request).list(),
        roles=ROLES,
        link=link,
        hours=SETUP_HOURS,
    )
    return render(request, "accounts.html", context, status)


# -- pages -----------------------------------------------------------------------------------------
@router.get("/accounts")
def accounts_page(request: Request) -> HTMLResponse:
    return _page(request)


@router.post("/accounts")
def invite_form(request: Request, form: Form) -> HTMLResponse:
    name = form.get("name", "").strip()
    token = admin_of(request).invite(staff_of(request), name, form.get("role", ""))
    return _page(request, f"已邀请 {name}：请把下面的一次性链接交给本人", _setup_url(request, token))


@router.post("/accounts/{name}/role")
def role_form(request: Request, name: str, form: Form) -> HTMLResponse:
    admin_of(request).set_role(staff_of(request), name, form.get("role", ""))
    return _page(request, f"已修改 {name} 的角色")


@router.post("/accounts/{name}/{action}")
def action_form(request: Request, name: str, action: str) -> HTMLResponse:
    link = _act(request, name, action)
    note = f"{name}：已重置，请把下面的一次性链接交给本人" if link else f"{name}：已完成"
    return _page(request, note, link)


# -- API ---------------------------------------------------------------------------------------------
def _require_admin(request: Request) -> None:
    if not staff_of(request).can_manage_accounts:
        raise AdminError(403, "forbidden", "只有管理员可以管理账号", "role")


@api.get("/accounts")
def accounts_json(request: Request) -> dict[str, Any]:
    _require_admin(request)
    return {"accounts": [a.__dict__ | {"label": a.label} for a in admin_of(request).list()]}


@api.post("/accounts", status_code=201)
def invite_json(request: Request, body: InviteIn) -> dict[str, str]:
    token = admin_of(request).invite(staff_of(request), body.name, body.role)
    return {"name": body.name.strip(), "setup_url": _setup_url(request, token)}


@api.post("/accounts/{name}/role")
def role_json(request: Request, name: str, body: RoleIn) -> dict[str, str]:
    admin_of(request).set_role(staff_of(request), name, body.role)
    return {"name": name, "role": body.role}


@api.post("/accounts/{name}/{action}")
def action_json(request: Request, name: str, action: str) -> dict[str, str]:
    link = _act(request, name, action)
    return {"name": name, "action": action} | ({"setup_url": link} if link else {})


# -- the invited person ------------------------------------------------------------------------------
def _welcome(request: Request, token: str, csrf: str, error: str = "", status: int = 200) -> HTMLResponse:
    name = admin_of(request).setup_account(token)
    context = WelcomeContext(
        **page_basics(request),
        token=token,
        account=name,
        csrf=csrf,
        error=error,
        min_length=MIN_PASSWORD_LENGTH,
    )
    return render(request, "welcome.html", context, status if name else 404)


@public.get("/admin/welcome")
def welcome_form(request: Request, token: str = "") -> HTMLResponse:
    csrf = secrets.token_urlsafe(24)
    response = _welcome(request, token, csrf)
    response.set_cookie(LOGIN_CSRF_COOKIE, csrf, httponly=True, samesite="strict", path="/admin")
    return response


@public.post("/admin/welcome", response_model=None)
def welcome(request: Request, form: Form) -> Response:
    token, expected = form.get("token", ""), request.cookies.get(LOGIN_CSRF_COOKIE, "")
    if not expected or not secrets.compare_digest(form.get("csrf", ""), expected):
        return _welcome(request, token, expected, "页面已过期，请重试", 403)
    if form.get("password", "") != form.get("again", ""):
        return _welcome(request, token, expected, "两次输入的密码不一致", 422)
    try:
        admin_of(request).choose_password(token, form.get("password", ""))
    except AccountError as exc:
        return _welcome(request, token, expected, str(exc), 422)
    return RedirectResponse("/admin/login?note=set", status_code=303)
