"""How a shared document model becomes an `IndexDoc`: which text goes into which index field."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from indexer.analysis import cjk_bigrams, compact, index_text, normalize
from indexer.documents import Document, PolicyDocument, ServiceGuide
from indexer.regions import area_filter_values, audience_values, document_level
from indexer.validity import Validity, validity_of


@dataclass(frozen=True)
class IndexDoc:
    """A document as the index sees it: analysed text fields, exact keys and keyword values."""

    id: str
    title: str  # space-joined search-mode tokens
    meta: str  # space-joined tokens of 发文字号, 发文机关/实施主体, 主题分类, 事项编码 …
    body: str  # space-joined tokens of the main text
    title_key: str  # normalised title, for exact-title matches and suggestions
    bigrams: str = ""  # space-joined Han character bigrams of the title (`analysis.cjk_bigrams`)
    codes: tuple[str, ...] = ()  # normalised exact keys: 发文字号, 事项编码
    date_ordinal: int = 0  # date.toordinal() of the publication date, 0 when unknown
    # keyword field → exact values (`indexer.fields.KEYWORD_FIELDS`: kind, publisher, region …)
    keywords: dict[str, tuple[str, ...]] = field(default_factory=dict)


# A 发文字号 in any of its written forms: 国办发〔2018〕108号, 国办发[2018]108号, 国办发2018年108号.
DOC_NUMBER = re.compile(r"([\u4e00-\u9fff]{1,16})[\[(〔［（]?((?:19|20)\d{2})[\])〕］）年]?第?(\d{1,5})号")


def code_key(code: str) -> str:
    """The exact-match form of a 发文字号 or 事项编码: normalised, brackets unified, no spaces;
    a 发文字号 always as 机关代字[年份]序号号, whichever way it was written."""
    key = compact(code)
    found = DOC_NUMBER.fullmatch(key)
    if found:
        return f"{found.group(1)}[{found.group(2)}]{int(found.group(3))}号"
    for old, new in (("〔", "["), ("〕", "]"), ("［", "["), ("］", "]"), ("(", "["), (")", "]")):
        key = key.replace(old, new)
    return key


def doc_number_keys(text: str) -> list[str]:
    """Exact keys of every 发文字号 written inside a query; the 机关代字 may start anywhere before the
    year (关于国发〔2019〕5号 → 国发[2019]5号 among others), so each start is offered."""
    keys: list[str] = []
    for found in DOC_NUMBER.finditer(compact(text)):
        prefix, year, number = found.groups()
        keys += [f"{prefix[i:]}[{year}]{int(number)}号" for i in range(len(prefix))]
    return keys


def _policy_fields(doc: PolicyDocument) -> tuple[str, list[str], list[str]]:
    meta = [doc.doc_number, doc.issuer, doc.subject.replace("\\", " ")]
    body = [doc.body, *(a.name for a in doc.attachments), *(a.text for a in doc.attachments)]
    return doc.title, meta, body


def _guide_fields(doc: ServiceGuide) -> tuple[str, list[str], list[str]]:
    meta = [doc.item_code, doc.authority, doc.item_type, *doc.subjects, *doc.service_objects]
    body = [doc.conditions, *doc.materials, doc.location]
    return doc.item_name, meta, body


def policy_subjects(subject: str) -> tuple[str, ...]:
    """A policy's top category (科技、教育\\科技 → 科技、教育)."""
    top = subject.split("\\", 1)[0].strip()
    return (top,) if top else ()


def guide_subjects(subjects: list[str]) -> tuple[str, ...]:
    return tuple(dict.fromkeys(s.strip() for s in subjects if s.strip()))


def subjects_of(doc: Document) -> tuple[str, ...]:
    """主题分类 as the filter offers it: a policy's top category, a guide's own themes."""
    if isinstance(doc, PolicyDocument):
        return policy_subjects(doc.subject)
    return guide_subjects(doc.subjects)


def _one(value: str) -> tuple[str, ...]:
    return (value,) if value else ()


def _validity(doc: Document) -> tuple[str, ...]:
    if isinstance(doc, ServiceGuide):
        return (Validity.CURRENT.value,)
    return (validity_of(doc.title, doc.body, doc.validity).value,)


# Every keyword field of the index (exact values: filters and facet counts) and how a document fills
# it. Backends create one keyword field per entry; search filters name these fields.
KEYWORD_FIELDS: dict[str, Callable[[Document], tuple[str, ...]]] = {
    "kind": lambda doc: (doc.kind.value,),
    "site": lambda doc: _one(doc.site),
    "region": lambda doc: _one(doc.region),
    "publisher": lambda doc: _one(doc.publisher),
    "audience": audience_values,
    "level": lambda doc: _one(document_level(doc)),
    "area": area_filter_values,  # the region and the regions above it, for the 地区 filter
    "subject": subjects_of,
    "validity": _validity,
}


def to_index_doc(doc: Document) -> IndexDoc:
    title, meta, body = _policy_fields(doc) if isinstance(doc, PolicyDocument) else _guide_fields(doc)
    codes = [doc.doc_number] if isinstance(doc, PolicyDocument) else [doc.item_code, doc.catalogue_code]
    date = doc.date
    return IndexDoc(
        id=doc.id,
        title=index_text(title),
        meta=index_text(" ".join(m for m in meta if m)),
        body=index_text("\n".join(b for b in body if b)),
        title_key=normalize(title).strip(),
        bigrams=" ".join(cjk_bigrams(title)),
        codes=tuple(code_key(c) for c in codes if c),
        date_ordinal=date.toordinal() if date else 0,
        keywords={name: values(doc) for name, values in KEYWORD_FIELDS.items()},
    )
