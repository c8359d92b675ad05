"""What staff routes read from the app: the workflow, the accounts, a proposal by id."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Annotated

from fastapi import Depends, Path, Request
from fastapi.responses import PlainTextResponse

from synonyms.staff_store import Proposal
from web.admin.auth import AdminError
from web.admin.workflow import Workflow

# SQLite keeps integers in 64 bits: a larger id in a URL or form would overflow in the driver (a 500),
# so it is refused as invalid before any query.
MAX_ROW_ID = 2**63 - 1
RowId = Annotated[int, Path(ge=0, le=MAX_ROW_ID)]


def form_row_id(text: str) -> int | None:
    """A rule id typed into a form: ASCII digits within range, else none (`str.isdigit` accepts "²")."""
    if text.isascii() and text.isdigit() and 1 <= int(text) <= MAX_ROW_ID:
        return int(text)
    return None


def workflow(request: Request) -> Workflow:
    flow: Workflow = request.app.state.admin_workflow
    return flow


async def form_fields(request: Request) -> dict[str, str]:
    """A posted form's text fields (files left out)."""
    form = await request.form()
    return {k: v for k, v in form.items() if isinstance(v, str)}


# Read as a dependency so that the routes themselves are plain functions, which FastAPI runs in a
# thread: the store, the password hash and the golden check never hold up the event loop.
Form = Annotated[dict[str, str], Depends(form_fields)]


def proposal_or_404(flow: Workflow, proposal_id: int) -> Proposal:
    found = flow.store.proposal(proposal_id)
    if found is None:
        raise AdminError(404, "not_found", f"没有提议#{proposal_id}", "proposal")
    return found


class CsvResponse(PlainTextResponse):
    """A CSV download (its media type in the OpenAPI schema too)."""

    media_type = "text/csv"


def csv_download(filename: str, header: list[str], rows: Iterable[Sequence[object]]) -> PlainTextResponse:
    """A CSV file to download (with a BOM, so that spreadsheet programs read the Chinese)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return CsvResponse(
        "\ufeff" + out.getvalue(),
        media_type="text/csv; charset=utf-8",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


def audit_csv(flow: Workflow) -> PlainTextResponse:
    """The audit trail as CSV."""
    header = ["id", "时间", "操作人", "操作", "修改前", "修改后", "原因", "审批", "版本"]
    rows = (
        [e.id, e.at, e.actor, e.action, e.before, e.after, e.reason, e.approval, e.version or ""]
        for e in flow.store.audit()
    )
    return csv_download("synonym_audit.csv", header, rows)
