"""A stored document as one line of the results: title and snippet highlighted on the original text."""

from __future__ import annotations

from indexer.documents import Document, PolicyDocument, ServiceGuide
from indexer.fields import code_key
from search_api.engine.highlight import mark, snippet
from search_api.engine.models import SearchHit


def snippet_source(doc: Document) -> str:
    if isinstance(doc, PolicyDocument):
        return _without_heading(doc.body, (doc.title, doc.doc_number))
    materials = "、".join(doc.materials)
    parts = [doc.conditions, f"申请材料：{materials}" if materials else "", doc.location]
    return " ".join(p for p in parts if p)


def _without_heading(body: str, heading: tuple[str, ...]) -> str:
    """Policy bodies repeat the title and 发文字号 on top; the snippet should not."""
    text = body.lstrip()
    for part in heading:
        flat = "".join(text[: len(part) + 8].split())
        if part and flat.startswith(part):
            consumed, seen = 0, 0
            while seen < len(part) and consumed < len(text):
                seen += 0 if text[consumed].isspace() else 1
                consumed += 1
            text = text[consumed:].lstrip()
    return text


def make_hit(doc: Document, score: float, terms: list[str], status: str = "") -> SearchHit:
    return SearchHit(
        id=doc.id,
        kind=doc.kind,
        kind_label=doc.kind.label,
        title=doc.title,
        title_html=mark(doc.title, terms),
        snippet_html=snippet(snippet_source(doc), terms),
        url=doc.url,
        site=doc.site,
        publisher=doc.publisher,
        doc_number=doc.doc_number if isinstance(doc, PolicyDocument) else "",
        date=doc.date,
        online_url=doc.online_url if isinstance(doc, ServiceGuide) else "",
        score=score,
        status_label=status,
    )


def own_codes(doc: Document) -> tuple[str, ...]:
    """Exact keys of the document's 发文字号 or 事项编码 (see `indexer.fields.code_key`)."""
    codes = [doc.doc_number] if isinstance(doc, PolicyDocument) else [doc.item_code, doc.catalogue_code]
    return tuple(code_key(c) for c in codes if c)


def ranked_hit(
    doc: Document, score: float, terms: list[str], status: str, codes: tuple[str, ...]
) -> SearchHit:
    """A ranked result: its 有效性 label (`status`) and whether a 文号 or code the query holds (`codes`)
    is this document's own."""
    made = make_hit(doc, score, terms, status)
    made.exact_code = bool(codes) and bool(set(own_codes(doc)) & set(codes))
    return made
