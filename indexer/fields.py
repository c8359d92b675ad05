"""How a shared document model becomes an `IndexDoc`: which text goes into which index field."""

from __future__ import annotations

from indexer.analysis import index_text, normalize
from indexer.backends.base import IndexDoc
from indexer.documents import Document, PolicyDocument, ServiceGuide
from indexer.regions import catalogue_facets


def code_key(code: str) -> str:
    """The exact-match form of a 发文字号 or 事项编码: normalised, brackets unified, no spaces."""
    key = normalize(code)
    for old, new in (("〔", "["), ("〕", "]"), ("［", "["), ("］", "]"), ("(", "["), (")", "]")):
        key = key.replace(old, new)
    return "".join(key.split())


def _policy_fields(doc: PolicyDocument) -> tuple[str, list[str], list[str]]:
    meta = [doc.doc_number, doc.issuer, doc.subject.replace("\\", " ")]
    body = [doc.body, *(a.name for a in doc.attachments), *(a.text for a in doc.attachments)]
    return doc.title, meta, body


def _guide_fields(doc: ServiceGuide) -> tuple[str, list[str], list[str]]:
    meta = [doc.item_code, doc.authority, doc.item_type, *doc.subjects, *doc.service_objects]
    body = [doc.conditions, *doc.materials, doc.location]
    return doc.item_name, meta, body


def to_index_doc(doc: Document) -> IndexDoc:
    title, meta, body = _policy_fields(doc) if isinstance(doc, PolicyDocument) else _guide_fields(doc)
    codes = [doc.doc_number] if isinstance(doc, PolicyDocument) else [doc.item_code, doc.catalogue_code]
    date = doc.date
    facets: dict[str, tuple[str, ...]] = {
        "site": (doc.site,) if doc.site else (),
        "region": (doc.region,) if doc.region else (),
        "publisher": (doc.publisher,) if doc.publisher else (),
        **catalogue_facets(doc),
    }
    return IndexDoc(
        id=doc.id,
        kind=doc.kind.value,
        title=index_text(title),
        meta=index_text(" ".join(m for m in meta if m)),
        body=index_text("\n".join(b for b in body if b)),
        title_key=normalize(title).strip(),
        codes=tuple(code_key(c) for c in codes if c),
        date_ordinal=date.toordinal() if date else 0,
        facets=facets,
    )
