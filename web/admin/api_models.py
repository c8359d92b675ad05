"""What the staff JSON API answers, as OpenAPI documents it: the answer of each operation, its errors
in the one error shape, and how a caller signs in (the session cookie; the CSRF token on writes)."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from search_api.errors import ErrorBody

STAFF_TAG = "管理后台（需登录）"
STAFF_DESCRIPTION = (
    "管理后台的 JSON 接口：先在 /admin/login 登录，会话 Cookie `gs_admin` 随每个请求发送；"
    "写操作（POST）还须在请求头 `X-CSRF-Token` 中带上 GET /admin/api/me 返回的 csrf。"
)
_ERRORS = {
    401: "未登录或会话已过期",
    403: "角色无此权限，或 CSRF 校验失败",
    404: "不存在",
    409: "黄金查询集检查未通过（可填写 override_reason 覆盖）",
    422: "参数或请求体有误",
    503: "服务繁忙或处理超时（见 Retry-After）",
}


def staff_errors(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """OpenAPI `responses`: 401, 403 (role or CSRF), 422 and 503 on every staff operation, and these."""
    every = sorted({401, 403, 422, 503, *statuses})
    return {status: {"model": ErrorBody, "description": _ERRORS[status]} for status in every}


def errors_beside_text() -> dict[int | str, dict[str, Any]]:
    """The same errors for an operation that answers text or CSV: FastAPI would document them in the
    operation's own media type, but they are JSON like every other error."""
    shape = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
    return {status: {"description": _ERRORS[status], "content": shape} for status in (401, 403, 422, 503)}


class MeOut(BaseModel):
    name: str
    role: str = Field(description="editor、reviewer 或 admin")
    csrf: str = Field(description="写操作时放在请求头 X-CSRF-Token 中")


class ProposalCreated(BaseModel):
    id: int
    status: str = Field(description="新提议总是 pending（等待审核）")
    rules: int | None = Field(default=None, description="导入时：导入的规则条数")


class PreviewRow(BaseModel):
    query: str
    before: list[str] = Field(description="改动前的前几条结果标题")
    after: list[str] = Field(description="改动后的前几条结果标题")


class GoldenVerdict(BaseModel):
    blocked: bool = Field(description="true：改动会让黄金查询集中的查询丢失预期答案")
    explanation: str


class PreviewOut(BaseModel):
    preview: list[PreviewRow]
    golden: GoldenVerdict


class ProposalOut(BaseModel):
    id: int
    at: str
    author: str
    change: dict[str, Any]
    reason: str
    status: str = Field(description="pending、approved 或 rejected")
    reviewer: str | None
    note: str
    preview: list[PreviewRow] | None = Field(default=None, description="仅待审核的提议：改动前后的结果")
    golden: GoldenVerdict | None = Field(default=None, description="仅待审核的提议：黄金查询集检查")


class ProposalsOut(BaseModel):
    proposals: list[ProposalOut]


class DecisionOut(BaseModel):
    id: int
    status: str = Field(description="approved 或 rejected")
    version: int | None = Field(default=None, description="批准后生效的规则版本")


class VersionOut(BaseModel):
    id: int
    at: str
    author: str
    rules: int = Field(description="该版本的规则条数")


class VersionsOut(BaseModel):
    versions: list[VersionOut]


class RollbackOut(BaseModel):
    version: int = Field(description="回滚生成的新版本")
    restored: int = Field(description="恢复的旧版本")


class VersionOnly(BaseModel):
    version: int = Field(description="改动后的规则版本")
