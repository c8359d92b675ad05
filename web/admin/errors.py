"""Staff-tool errors as the API's JSON shape (/admin/api) or as a page (redirect to login on 401)."""

from __future__ import annotations

from urllib.parse import quote

from fastapi import Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from synonyms.staff_rules import ChangeError
from web.admin.accounts import AccountError
from web.admin.auth import AdminError
from web.admin.rendering import error_page
from web.admin.workflow import GoldenSetBlock, PermissionDenied

ADMIN_ERRORS: tuple[type[Exception], ...] = (
    AdminError,
    GoldenSetBlock,
    PermissionDenied,
    ChangeError,
    AccountError,
)


def _status(exc: Exception) -> tuple[int, str, str, str | None]:
    if isinstance(exc, AdminError):
        return exc.status, exc.code, exc.message, exc.field
    if isinstance(exc, GoldenSetBlock):
        return 409, "golden_set", str(exc), "override_reason"
    if isinstance(exc, PermissionDenied):
        return 403, "forbidden", str(exc), "role"
    if isinstance(exc, ChangeError | AccountError):
        return 422, "invalid", str(exc), exc.field
    raise exc


async def admin_error(request: Request, exc: Exception) -> Response:
    status, code, message, field = _status(exc)
    if request.url.path.startswith("/admin/api"):
        return JSONResponse({"error": {"code": code, "message": message, "field": field}}, status_code=status)
    if status == 401:
        return RedirectResponse(f"/admin/login?next={quote(request.url.path)}", status_code=303)
    return error_page(request, status, message)
