"""JSON API of the staff tool under /admin/api; the same operations as the pages."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field

from synonyms.staff_rules import ChangeAction, RuleChange, RuleKind, export_text, import_text
from synonyms.staff_store import Proposal
from web.admin.auth import require_staff, staff_of
from web.admin.deps import audit_csv, proposal_or_404, workflow
from web.admin.worklist import work_list

router = APIRouter(prefix="/admin/api", dependencies=[Depends(require_staff)], include_in_schema=False)


class ProposalIn(BaseModel):
    action: ChangeAction
    rule_id: int | None = None
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


@router.get("/me")
def me(request: Request) -> dict[str, str]:
    staff = staff_of(request)
    return {"name": staff.name, "role": staff.role, "csrf": staff.csrf}


@router.get("/rules")
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


@router.get("/vocabulary")
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


@router.get("/best-bets")
def best_bets(request: Request) -> dict[str, Any]:
    """Pins reviewed in the staff tool (``staff``) and those added with `govsearch best-bets` (``listed``)."""
    flow = workflow(request)
    listed = [
        {**bet.__dict__, "expires": bet.expires.isoformat() if bet.expires else ""}
        for bet in flow.engine.best_bets.all()
    ]
    return {"staff": [r.model_dump() for r in flow.pins()], "listed": listed}


@router.post("/proposals", status_code=201)
def propose(request: Request, body: ProposalIn) -> dict[str, Any]:
    proposal_id = workflow(request).propose(staff_of(request), body.change(), body.reason)
    return {"id": proposal_id, "status": "pending"}


@router.post("/preview")
def preview(request: Request, body: ProposalIn) -> dict[str, Any]:
    """What a change would do, without proposing it: top results before/after and the golden set."""
    change = body.change()
    flow = workflow(request)
    rows = flow.preview(change)
    check = flow.golden_check(flow.candidate(change))
    return {
        "preview": [{"query": r.query, "before": r.before, "after": r.after} for r in rows],
        "golden": {"blocked": check.blocked, "explanation": check.explanation()},
    }


@router.post("/import", status_code=201)
def import_rules(request: Request, body: ImportIn) -> dict[str, Any]:
    change = RuleChange(action="import", imported=import_text(body.text, body.filename))
    proposal_id = workflow(request).propose(staff_of(request), change, body.reason)
    return {"id": proposal_id, "status": "pending", "rules": len(change.imported)}


@router.get("/proposals")
def proposals(request: Request, status: str | None = None) -> dict[str, Any]:
    found = workflow(request).store.proposals(status)
    return {"proposals": [_proposal_json(p) for p in found]}


@router.get("/proposals/{proposal_id}")
def proposal(request: Request, proposal_id: int) -> dict[str, Any]:
    flow = workflow(request)
    found = proposal_or_404(flow, proposal_id)
    result = _proposal_json(found)
    if found.status == "pending":
        preview = flow.preview(found.change)
        check = flow.golden_check(flow.candidate(found.change))
        result["preview"] = [{"query": r.query, "before": r.before, "after": r.after} for r in preview]
        result["golden"] = {"blocked": check.blocked, "explanation": check.explanation()}
    return result


@router.post("/proposals/{proposal_id}/approve")
def approve(request: Request, proposal_id: int, body: DecisionIn) -> dict[str, Any]:
    flow = workflow(request)
    version = flow.approve(staff_of(request), proposal_or_404(flow, proposal_id), body.override_reason)
    return {"id": proposal_id, "status": "approved", "version": version}


@router.post("/proposals/{proposal_id}/reject")
def reject(request: Request, proposal_id: int, body: DecisionIn) -> dict[str, Any]:
    flow = workflow(request)
    flow.reject(staff_of(request), proposal_or_404(flow, proposal_id), body.reason)
    return {"id": proposal_id, "status": "rejected"}


@router.get("/versions")
def versions(request: Request) -> dict[str, Any]:
    found = workflow(request).store.versions()
    return {"versions": [{"id": v.id, "at": v.at, "author": v.author, "rules": len(v.rules)} for v in found]}


@router.post("/versions/{version_id}/rollback")
def rollback(request: Request, version_id: int, body: DecisionIn) -> dict[str, Any]:
    version = workflow(request).rollback(staff_of(request), version_id, body.reason)
    return {"version": version, "restored": version_id}


@router.get("/audit")
def audit(request: Request) -> dict[str, Any]:
    entries = workflow(request).store.audit()
    return {"audit": [entry.__dict__ for entry in entries]}


@router.get("/audit.csv")
def audit_export(request: Request) -> PlainTextResponse:
    return audit_csv(workflow(request))


@router.get("/export")
def export(request: Request) -> PlainTextResponse:
    text = export_text(workflow(request).store.current().rules)
    return PlainTextResponse(text, headers={"Content-Disposition": 'attachment; filename="staff_rules.txt"'})


@router.get("/golden")
def golden(request: Request) -> dict[str, Any]:
    flow = workflow(request)
    rows = flow.golden_status()
    return {"configured": bool(rows) or flow.golden is not None, "queries": [row.__dict__ for row in rows]}


class GoldenIn(BaseModel):
    query: str = Field(max_length=200)
    relevant: str = Field(max_length=500)


@router.post("/golden", status_code=201)
def golden_add(request: Request, body: GoldenIn) -> dict[str, Any]:
    version = workflow(request).golden_add(staff_of(request), body.query, body.relevant)
    return {"version": version}


@router.post("/golden/{rule_id}/delete")
def golden_delete(request: Request, rule_id: int, body: DecisionIn) -> dict[str, Any]:
    return {"version": workflow(request).golden_remove(staff_of(request), rule_id, body.reason)}


@router.get("/worklist")
def worklist(request: Request) -> dict[str, Any]:
    items = work_list(request.app.state.database)
    return {"items": [{**item.__dict__, "reason": item.reason} for item in items]}


def _proposal_json(found: Proposal) -> dict[str, Any]:
    return {
        "id": found.id,
        "at": found.at,
        "author": found.author,
        "change": found.change.model_dump(),
        "reason": found.reason,
        "status": found.status,
        "reviewer": found.reviewer,
        "note": found.note,
    }
