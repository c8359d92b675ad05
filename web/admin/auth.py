"""The gate in front of every /admin route: a valid session, and on writes a matching CSRF token.

HTML pages send an anonymous visitor to the login page (303); the JSON API answers 401. The gate is
a router-level dependency, so a route added to the protected routers cannot forget it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Request, Security
from fastapi.security import APIKeyCookie

from web.admin.accounts import Accounts, Staff

SESSION_COOKIE = "gs_admin"
LOGIN_CSRF_COOKIE = "gs_admin_login"
CSRF_FIELD = "csrf"
CSRF_HEADER = "X-CSRF-Token"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


@dataclass
class AdminError(Exception):
    """Rendered as ``{"error": {code, message, field}}`` (API) or a redirect / error page (HTML)."""

    status: int
    code: str
    message: str
    field: str | None = None


def accounts(request: Request) -> Accounts:
    found: Accounts = request.app.state.admin_accounts
    return found


def current_staff(request: Request) -> Staff | None:
    return accounts(request).session(request.cookies.get(SESSION_COOKIE))


async def _csrf_token_sent(request: Request) -> str:
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
        form = await request.form()
        value = form.get(CSRF_FIELD)
        return value if isinstance(value, str) else ""
    return ""


# For the OpenAPI schema: the staff API is called with the session cookie (read by `current_staff`).
SESSION_SCHEME = APIKeyCookie(
    name=SESSION_COOKIE, auto_error=False, description="登录 /admin/login 后的会话 Cookie"
)


async def require_staff(
    request: Request,
    staff: Annotated[Staff | None, Depends(current_staff)],
    _session: Annotated[str | None, Security(SESSION_SCHEME)],
) -> Staff:
    """Router dependency: the signed-in staff member, checked for CSRF on every write. The session is
    looked up by a plain function (in a thread: it reads the store); this one only reads the form."""
    if staff is None:
        raise AdminError(401, "unauthenticated", "请先登录管理后台")
    if request.method not in SAFE_METHODS:
        sent = await _csrf_token_sent(request)
        if not sent or not secrets.compare_digest(sent, staff.csrf):
            raise AdminError(403, "csrf", "CSRF 校验失败：请刷新页面后重试", CSRF_FIELD)
    request.state.staff = staff
    return staff


def staff_of(request: Request) -> Staff:
    staff: Staff = request.state.staff
    return staff
