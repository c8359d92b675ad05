"""政策文件 pages → PolicyDocument: the gov.cn `table.bd1` layout, with a meta-tag/heading fallback."""

from __future__ import annotations

import re
from datetime import date
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.extract.common import (
    absolute_url,
    inline_text,
    labelled_cells,
    meta_content,
    node_text,
    parse_date,
    parse_html,
)
from indexer.documents import Attachment, PolicyDocument

# label on the page → PolicyDocument field
POLICY_LABELS: dict[str, str] = {
    "索引号": "index_number",
    "主题分类": "subject",
    "发文机关": "issuer",
    "发布机构": "issuer",
    "成文日期": "written_date",
    "发文日期": "written_date",
    "标题": "title",
    "名称": "title",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "发布日期": "publish_date",
}
_DATE_FIELDS = frozenset({"written_date", "publish_date"})
BODY_SELECTORS = ("#UCAP-CONTENT", ".pages_content", "#zoom", ".TRS_Editor", ".article-content", "article")
ATTACHMENT_EXTENSIONS = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".wps", ".ofd"})
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,15}\s*[〔\[［（(【]\s*\d{4}\s*[〕\]］）)】]\s*\d{1,4}\s*号")
_TITLE_SUFFIX = re.compile(r"\s*[_|－—-]\s*[^_|－—-]*$")


def find_doc_number(text: str) -> str:
    """The first 发文字号 in `text`: 国办发〔2018〕108号, 国发[2019]5号, 粤府(2020)1号."""
    match = DOC_NUMBER.search(text)
    return re.sub(r"\s+", "", match[0]) if match else ""


def _table_fields(tree: LexborHTMLParser) -> dict[str, str]:
    fields: dict[str, str] = {}
    for table in tree.css("table.bd1"):
        for label, cell in labelled_cells(table, frozenset(POLICY_LABELS)).items():
            fields.setdefault(POLICY_LABELS[label], inline_text(cell))
    return fields


def _body_node(tree: LexborHTMLParser) -> LexborNode | None:
    for selector in BODY_SELECTORS:
        node = tree.css_first(selector)
        if node is not None:
            return node
    return tree.body


def _page_title(tree: LexborHTMLParser) -> str:
    title = meta_content(tree, "ArticleTitle")
    if title:
        return title
    heading = inline_text(tree.css_first("h1"))
    if heading:
        return heading
    page_title = inline_text(tree.css_first("title"))
    return _TITLE_SUFFIX.sub("", page_title) or page_title


def _fallback_fields(tree: LexborHTMLParser, body: str) -> dict[str, str]:
    return {
        "title": _page_title(tree),
        "issuer": meta_content(tree, "ContentSource"),
        "publish_date": meta_content(tree, "PubDate"),
        "doc_number": find_doc_number(body[:500]),
    }


def attachments_in(node: LexborNode | None, base: str) -> list[Attachment]:
    """Links to documents (.pdf .doc .docx .xls .xlsx .zip .wps .ofd) inside `node`."""
    if node is None:
        return []
    found: dict[str, Attachment] = {}
    for anchor in node.css("a[href]"):
        url = absolute_url(base, anchor.attributes.get("href") or "")
        if url is None or url in found:
            continue
        path = unquote(urlsplit(url).path)
        if PurePosixPath(path).suffix.lower() in ATTACHMENT_EXTENSIONS:
            name = inline_text(anchor) or PurePosixPath(path).name
            found[url] = Attachment(name=name, url=url)
    return list(found.values())


def _dates(fields: dict[str, str]) -> dict[str, date | None]:
    return {name: parse_date(fields.get(name, "")) for name in _DATE_FIELDS}


def extract_policy(
    url: str, html: str, *, site: str = "", region: str = "", region_code: str = ""
) -> PolicyDocument | None:
    """A PolicyDocument from a policy page, or None when the page has no title."""
    tree = parse_html(html)
    body_node = _body_node(tree)
    body = node_text(body_node)
    fields = _table_fields(tree)
    for name, value in _fallback_fields(tree, body).items():
        if not fields.get(name):
            fields[name] = value
    if not fields.get("title"):
        return None
    text_fields = {k: v for k, v in fields.items() if k not in _DATE_FIELDS}
    return PolicyDocument.model_validate(
        {"url": url, "site": site, "region": region, "region_code": region_code}
        | {"body": body, "attachments": attachments_in(body_node, url)}
        | text_fields
        | _dates(fields)
    )
