"""Staff pages for curated data beyond the rule list: the general 词林 vocabulary layer and best bets.

Every change here is a proposal through the same workflow as a synonym rule (preview, golden-set
check, approval by someone else, audit, rollback); the forms post to the routes in pages.py.
"""

from __future__ import annotations

from datetime import date
from urllib.parse import quote

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, RedirectResponse

from indexer.storage.corrections import CORRECTABLE
from search_api.engine.models import SearchRequest
from synonyms.staff_rules import DENY_ALL, DENY_FEATURES, FIELD_LABELS
from web.admin.auth import require_staff, staff_of
from web.admin.corrections import VALIDITY_VALUES
from web.admin.deps import Form, RowId, workflow
from web.admin.rendering import (
    BestBetsContext,
    DenylistContext,
    DocumentContext,
    GoldenContext,
    VocabularyContext,
    error_page,
    page_basics,
    render,
)

router = APIRouter(prefix="/admin", dependencies=[Depends(require_staff)], include_in_schema=False)


@router.get("/vocabulary")
def vocabulary_page(request: Request, q: str = "", note: str = "") -> HTMLResponse:
    context = VocabularyContext(**page_basics(request, note), q=q, status=workflow(request).vocabulary(q))
    return render(request, "vocabulary.html", context)


@router.get("/best-bets")
def best_bets_page(request: Request, q: str = "", note: str = "") -> HTMLResponse:
    """Pins in force and a query's top results, each one click from a pin proposal."""
    flow = workflow(request)
    results = flow.engine.search(SearchRequest(q=q, size=10), record=False).hits if q.strip() else []
    context = BestBetsContext(
        **page_basics(request, note),
        q=q,
        pins=flow.pins(),
        listed=flow.engine.best_bets.all(),
        results=results,
        today=date.today().isoformat(),
    )
    return render(request, "best_bets.html", context)


@router.get("/documents/{doc_id}")
def document_page(request: Request, doc_id: str, note: str = "") -> HTMLResponse:
    """A document's metadata as crawled and as corrected, with a form to propose a correction."""
    flow = workflow(request)
    doc = flow.engine.store.get_many([doc_id]).get(doc_id)
    if doc is None:
        return error_page(request, 404, f"没有编号为 {doc_id} 的文档")
    fixes = [r for r in flow.store.current().rules if r.kind == "correction" and r.target == doc_id]
    context = DocumentContext(
        **page_basics(request, note),
        doc=doc,
        fields=[
            (f, FIELD_LABELS[f], str(getattr(doc, f, "")))
            for f in CORRECTABLE
            if doc.kind.value in CORRECTABLE[f]
        ],
        corrections=fixes,
        validity_values=VALIDITY_VALUES,
    )
    return render(request, "document.html", context)


@router.get("/denylist")
def denylist_page(request: Request, note: str = "") -> HTMLResponse:
    """The suggestion and 热搜 denylists and their kill switches (reviewed), and the file denylist."""
    flow = workflow(request)
    entries = [r for r in flow.store.current().rules if r.kind == "deny"]
    off = {r.field for r in entries if r.enabled and r.line == DENY_ALL}
    context = DenylistContext(
        **page_basics(request, note),
        entries=entries,
        features=DENY_FEATURES,
        off=off,
        file_words=sorted(flow.engine.knowledge.denylist),
    )
    return render(request, "denylist.html", context)


@router.get("/golden")
def golden_page(request: Request, q: str = "", note: str = "") -> HTMLResponse:
    """Each golden query's rank under the live rules; a query's results, one click to make one the
    expected answer (reviewers)."""
    flow = workflow(request)
    rows = flow.golden_status()
    results = flow.engine.search(SearchRequest(q=q, size=10), record=False).hits if q.strip() else []
    context = GoldenContext(
        **page_basics(request, note),
        rows=rows,
        configured=bool(rows) or flow.golden is not None,
        path=flow.golden,
        q=q,
        results=results,
    )
    return render(request, "golden.html", context)


@router.post("/golden")
def golden_add(request: Request, form: Form) -> RedirectResponse:
    query = form.get("query", "")
    workflow(request).golden_add(staff_of(request), query, form.get("relevant", ""))
    return RedirectResponse(
        f"/admin/golden?note={quote('已加入黄金查询集：' + query.strip())}", status_code=303
    )


@router.post("/golden/{rule_id}/delete")
def golden_delete(request: Request, rule_id: RowId, form: Form) -> RedirectResponse:
    workflow(request).golden_remove(staff_of(request), rule_id, form.get("reason", ""))
    return RedirectResponse(f"/admin/golden?note={quote('已从黄金查询集删除')}", status_code=303)
