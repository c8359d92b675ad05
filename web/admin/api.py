"""JSON API of the staff tool under /admin/api; the same operations as the pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from synonyms.staff_rules import ChangeAction, RuleChange, RuleKind, export_text, import_text
from synonyms.staff_store import Proposal
from web.admin.api_models import (
    STAFF_TAG,
    DecisionOut,
    GoldenVerdict,
    MeOut,
    PreviewOut,
    PreviewRow,
    ProposalCreated,
    ProposalOut,
    ProposalsOut,
    RollbackOut,
    VersionOnly,
    VersionOut,
    VersionsOut,
    errors_beside_text,
    staff_errors,
)
from web.admin.auth import require_staff, staff_of
from web.admin.deps import MAX_ROW_ID, CsvResponse, RowId, audit_csv, proposal_or_404, workflow
from web.admin.worklist import work_list

router = APIRouter(
    prefix="/admin/api", dependencies=[Depends(require_staff)], tags=[STAFF_TAG], responses=staff_errors()
)
BY_ID = staff_errors(404)  # an id that does not exist
DECIDED = staff_errors(404, 409)  # … or a change the golden set blocks


class ProposalIn(BaseModel):
    action: ChangeAction
    rule_id: int | None = Field(default=None, ge=1, le=MAX_ROW_ID)
    line: str = Field(default="", max_length=2000)
    owner: str = Field(default="", max_length=100)
    category: str = Field(default="", max_length=100)
    kind: RuleKind = "rule"
    replaces: str = Field(default="", max_length=2000)
    target: str = Field(default="", max_length=200)
    expires: str = Field(default="", max_length=10)
    comment: str = Field(default="", max_length=500)
    field: str = Field(default="", max_length=40)
    reason: str = Field(default="", max_length=1000)

    def change(self) -> RuleChange:
        return RuleChange(**self.model_dump(exclude={"reason"}))


class DecisionIn(BaseModel):
    reason: str = Field(default="", max_length=1000)
    override_reason: str = Field(default="", max_length=1000)


class ImportIn(BaseModel):
    text: str = Field(max_length=1_000_000)
    filename: str = Field(default="import.txt", max_length=200)
    reason: str = Field(default="", max_length=1000)


@router.get("/me", summary="当前登录的工作人员及其 CSRF 令牌")
def me(request: Request) -> MeOut:
    staff = staff_of(request)
    return MeOut(name=staff.name, role=staff.role, csrf=staff.csrf)


@router.get("/rules", summary="规则列表（员工规则与随软件发布的规则）")
def rules(request: Request, q: str = "") -> dict[str, Any]:
    flow = workflow(request)
    replaced = flow.replacements()
    packaged = [
        {
            "line": text,
            "source": r.source,
            "owner": r.owner,
            "category": r.category,
            "replaced_by": replaced[text].id if text in replaced else None,
            "in_force": text not in replaced,
        }
        for text, r in flow.packaged_rules(q)
    ]
    return {
        "version": flow.store.current_version(),
        "rules": [r.model_dump() for r in flow.rules(q)],
        "packaged": packaged,
    }


@router.get("/vocabulary", summary="词林通用词汇层的状态")
def vocabulary(request: Request, q: str = "") -> dict[str, Any]:
    """The general 词林 layer: on/off, classes in use, staff exclusions, the classes holding ``q``."""
    status = workflow(request).vocabulary(q)
    return {
        "configured": status.configured,
        "on": status.on,
        "classes": status.classes,
        "live_classes": status.live_classes,
        "switches": [r.model_dump() for r in status.switches],
        "matches": [
            {"code": code, "words": list(words), "excluded": out} for code, words, out in status.matches
        ],
    }


@router.get("/best-bets", summary="置顶结果")
def best_bets(request: Request) -> dict[str, Any]:
    """Pins reviewed in the staff tool (``staff``) and those added with `govsearch best-bets` (``listed``)."""
    flow = workflow(request)
    listed = [
        {**bet.__dict__, "expires": bet.expires.isoformat() if bet.expires else ""}
        for bet in flow.engine.best_bets.all()
    ]
    return {"staff": [r.model_dump() for r in flow.pins()], "listed": listed}


@router.post("/proposals", status_code=201, summary="提议一项改动（等待他人审核）", responses=BY_ID)
def propose(request: Request, body: ProposalIn) -> ProposalCreated:
    proposal_id = workflow(request).propose(staff_of(request), body.change(), body.reason)
    return ProposalCreated(id=proposal_id, status="pending")


@router.post("/preview", summary="预览改动的效果（不提交）", responses=BY_ID)
def preview(request: Request, body: ProposalIn) -> PreviewOut:
    """What a change would do, without proposing it: top results before/after and the golden set."""
    change = body.change()
    flow = workflow(request)
    rows = flow.preview(change)
    check = flow.golden_check(flow.candidate(change))
    return PreviewOut(
        preview=[PreviewRow(query=r.query, before=r.before, after=r.after) for r in rows],
        golden=GoldenVerdict(blocked=check.blocked, explanation=check.explanation()),
    )


@router.post("/import", status_code=201, summary="导入规则文件（成为一项待审核的提议）")
def import_rules(request: Request, body: ImportIn) -> ProposalCreated:
    change = RuleChange(action="import", imported=import_text(body.text, body.filename))
    proposal_id = workflow(request).propose(staff_of(request), change, body.reason)
    return ProposalCreated(id=proposal_id, status="pending", rules=len(change.imported))


@router.get("/proposals", summary="提议列表（可按状态筛选）")
def proposals(request: Request, status: str | None = None) -> ProposalsOut:
    found = workflow(request).store.proposals(status)
    return ProposalsOut(proposals=[_proposal_json(p) for p in found])


@router.get("/proposals/{proposal_id}", summary="一项提议；待审核的附改动前后的结果", responses=BY_ID)
def proposal(request: Request, proposal_id: RowId) -> ProposalOut:
    flow = workflow(request)
    found = proposal_or_404(flow, proposal_id)
    result = _proposal_json(found)
    if found.status == "pending":
        preview = flow.preview(found.change)
        check = flow.golden_check(flow.candidate(found.change))
        result.preview = [PreviewRow(query=r.query, before=r.before, after=r.after) for r in preview]
        result.golden = GoldenVerdict(blocked=check.blocked, explanation=check.explanation())
    return result


@router.post(
    "/proposals/{proposal_id}/approve", summary="批准（审核人员；不能批准自己的提议）", responses=DECIDED
)
def approve(request: Request, proposal_id: RowId, body: DecisionIn) -> DecisionOut:
    flow = workflow(request)
    version = flow.approve(staff_of(request), proposal_or_404(flow, proposal_id), body.override_reason)
    return DecisionOut(id=proposal_id, status="approved", version=version)


@router.post("/proposals/{proposal_id}/reject", summary="驳回（审核人员）", responses=BY_ID)
def reject(request: Request, proposal_id: RowId, body: DecisionIn) -> DecisionOut:
    flow = workflow(request)
    flow.reject(staff_of(request), proposal_or_404(flow, proposal_id), body.reason)
    return DecisionOut(id=proposal_id, status="rejected")


@router.get("/versions", summary="规则版本")
def versions(request: Request) -> VersionsOut:
    found = workflow(request).store.versions()
    return VersionsOut(
        versions=[VersionOut(id=v.id, at=v.at, author=v.author, rules=len(v.rules)) for v in found]
    )


@router.post("/versions/{version_id}/rollback", summary="回滚到某个版本（审核人员）", responses=DECIDED)
def rollback(request: Request, version_id: RowId, body: DecisionIn) -> RollbackOut:
    version = workflow(request).rollback(staff_of(request), version_id, body.reason)
    return RollbackOut(version=version, restored=version_id)


@router.get("/audit", summary="审计记录")
def audit(request: Request) -> dict[str, Any]:
    entries = workflow(request).store.audit()
    return {"audit": [entry.__dict__ for entry in entries]}


@router.get(
    "/audit.csv", summary="审计记录（CSV）", response_class=CsvResponse, responses=errors_beside_text()
)
def audit_export(request: Request) -> PlainTextResponse:
    return audit_csv(workflow(request))


@router.get(
    "/export",
    summary="导出员工规则（文本）",
    response_class=PlainTextResponse,
    responses=errors_beside_text(),
)
def export(request: Request) -> PlainTextResponse:
    text = export_text(workflow(request).store.current().rules)
    return PlainTextResponse(text, headers={"Content-Disposition": 'attachment; filename="staff_rules.txt"'})


@router.get("/golden", summary="黄金查询集及其当前状态")
def golden(request: Request) -> dict[str, Any]:
    flow = workflow(request)
    rows = flow.golden_status()
    return {"configured": bool(rows) or flow.golden is not None, "queries": [row.__dict__ for row in rows]}


class GoldenIn(BaseModel):
    query: str = Field(max_length=200)
    relevant: str = Field(max_length=500)


@router.post("/golden", status_code=201, summary="加入黄金查询集（审核人员）", responses=DECIDED)
def golden_add(request: Request, body: GoldenIn) -> VersionOnly:
    return VersionOnly(version=workflow(request).golden_add(staff_of(request), body.query, body.relevant))


@router.post("/golden/{rule_id}/delete", summary="从黄金查询集删除（审核人员）", responses=DECIDED)
def golden_delete(request: Request, rule_id: RowId, body: DecisionIn) -> VersionOnly:
    return VersionOnly(version=workflow(request).golden_remove(staff_of(request), rule_id, body.reason))


@router.get("/worklist", summary="待处理清单（零结果、低点击的查询）")
def worklist(request: Request) -> dict[str, Any]:
    items = work_list(request.app.state.database)
    return {"items": [{**item.__dict__, "reason": item.reason} for item in items]}


def _proposal_json(found: Proposal) -> ProposalOut:
    return ProposalOut(
        id=found.id,
        at=found.at,
        author=found.author,
        change=found.change.model_dump(),
        reason=found.reason,
        status=found.status,
        reviewer=found.reviewer,
        note=found.note,
    )
