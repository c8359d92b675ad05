"""What staff routes read from the app: the workflow, the accounts, a proposal by id."""

from __future__ import annotations

import csv
import io

from fastapi import Request
from fastapi.responses import PlainTextResponse

from synonyms.staff_store import Proposal
from web.admin.auth import AdminError
from web.admin.workflow import Workflow


def workflow(request: Request) -> Workflow:
    flow: Workflow = request.app.state.admin_workflow
    return flow


def proposal_or_404(flow: Workflow, proposal_id: int) -> Proposal:
    found = flow.store.proposal(proposal_id)
    if found is None:
        raise AdminError(404, "not_found", f"没有提议#{proposal_id}", "proposal")
    return found


def audit_csv(flow: Workflow) -> PlainTextResponse:
    """The audit trail as CSV (with a BOM, so that spreadsheet programs read the Chinese)."""
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
