"""政策文件 pages → PolicyDocument: label tables (gov.cn `table.bd1`, ministry penalty tables), TRS/Hanweb
meta tags, per-site selectors from the profile, and metadata found in the text itself."""

from __future__ import annotations

from datetime import date
from pathlib import PurePosixPath
from urllib.parse import unquote, urlsplit

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.extract.common import (
    absolute_url,
    cell_text,
    compact_label,
    inline_text,
    labelled_cells,
    meta_tags,
    node_text,
    parse_date,
    parse_html,
)
from crawler.extract.main_text import main_node
from crawler.extract.metadata import (
    clean_title,
    find_doc_number,
    issuer_in_title,
    title_from_page_title,
    written_date_in,
)
from crawler.extract.rules import DEFAULT_RULES, ExtractRules
from crawler.extract.tables import is_data_table, table_grid
from indexer.documents import Attachment, PolicyDocument

__all__ = ["attachments_in", "extract_policy", "find_doc_number"]

# label on the page → PolicyDocument field
POLICY_LABELS: dict[str, str] = {
    "索引号": "index_number",
    "主题分类": "subject",
    "发文机关": "issuer",
    "发布机构": "issuer",
    "作出处罚决定的机关名称": "issuer",
    "作出决定机关": "issuer",
    "成文日期": "written_date",
    "发文日期": "written_date",
    "作出处罚决定的日期": "written_date",
    "标题": "title",
    "名称": "title",
    "发文字号": "doc_number",
    "文号": "doc_number",
    "行政处罚决定书文号": "doc_number",
    "发布日期": "publish_date",
    "有效性": "validity",
    "时效性": "validity",
    "效力状态": "validity",
}
_DATE_FIELDS = frozenset({"written_date", "publish_date"})
BODY_SELECTORS = (
    "#UCAP-CONTENT", ".pages_content", "#zoom", ".article-body", ".TRS_Editor", "#wenzhang-content",
    ".article-content", "article",
)  # fmt: skip
ATTACHMENT_EXTENSIONS = frozenset({".pdf", ".doc", ".docx", ".xls", ".xlsx", ".zip", ".wps", ".ofd"})


def _label_fields(tree: LexborHTMLParser, selector: str) -> dict[str, str]:
    """Fields from label/value rows, or, when a table's first row holds several labels and the second
    none, from the column headers and the first data row."""
    fields: dict[str, str] = {}
    labels = frozenset(POLICY_LABELS)
    for table in tree.css(selector) if selector else []:
        grid = table_grid(table, cell_text) if is_data_table(table) else []
        header = [compact_label(cell) for cell in grid[0]] if grid else []
        second = [compact_label(cell) for cell in grid[1]] if len(grid) >= 2 else []
        if sum(label in labels for label in header) >= 2 and not any(cell in labels for cell in second):
            for label, value in zip(header, grid[1], strict=False):
                if label in labels and value:
                    fields.setdefault(POLICY_LABELS[label], value)
            continue
        for label, cell in labelled_cells(table, labels).items():
            fields.setdefault(POLICY_LABELS[label], inline_text(cell))
    return fields


def _first(tree: LexborHTMLParser, selectors: tuple[str, ...]) -> LexborNode | None:
    for selector in selectors:
        node = tree.css_first(selector) if selector else None
        if node is not None:
            return node
    return None


def _title(tree: LexborHTMLParser, meta: dict[str, str], rules: ExtractRules) -> str:
    title = inline_text(tree.css_first(rules.title)) if rules.title else ""
    title = title or meta.get("articletitle", "") or inline_text(tree.css_first("h1"))
    return title or title_from_page_title(inline_text(tree.css_first("title")))


def _selected_text(tree: LexborHTMLParser, selector: str) -> str:
    return inline_text(tree.css_first(selector)) if selector else ""


def _fallback_fields(
    tree: LexborHTMLParser, rules: ExtractRules, body: str, publisher: str
) -> dict[str, str]:
    meta = meta_tags(tree)
    title = clean_title(_title(tree, meta, rules))
    issuer = _selected_text(tree, rules.issuer) or meta.get("contentsource", "") or issuer_in_title(title)
    published = (
        _selected_text(tree, rules.date) or meta.get("pubdate", "") or meta.get("firstpublishedtime", "")
    )
    return {
        "title": title,
        "issuer": issuer or publisher,
        "publish_date": published,
        "doc_number": find_doc_number(title + "\n" + body[:500]),
        "subject": meta.get("columnname", ""),
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


def _dates(fields: dict[str, str], body: str) -> dict[str, date | None]:
    dates = {name: parse_date(fields.get(name, "")) for name in _DATE_FIELDS}
    if dates["written_date"] is None:
        dates["written_date"] = written_date_in(body)
    return dates


def extract_policy(
    url: str,
    html: str,
    *,
    site: str = "",
    region: str = "",
    region_code: str = "",
    publisher: str = "",
    rules: ExtractRules = DEFAULT_RULES,
) -> PolicyDocument | None:
    """A PolicyDocument from a policy page, or None when the page has no title."""
    tree = parse_html(html)
    for selector in rules.drop:
        for node in tree.css(selector):
            node.decompose()
    body_node = _first(tree, (rules.body, *BODY_SELECTORS)) or main_node(tree) or tree.body
    body = node_text(body_node)
    fields = _label_fields(tree, rules.label_tables)
    for name, value in _fallback_fields(tree, rules, body, publisher).items():
        if not fields.get(name):
            fields[name] = value
    if not fields.get("title"):
        return None
    text_fields = {k: v for k, v in fields.items() if k not in _DATE_FIELDS}
    return PolicyDocument.model_validate(
        {"url": url, "site": site, "region": region, "region_code": region_code}
        | {"body": body, "attachments": attachments_in(body_node, url)}
        | text_fields
        | _dates(fields, body)
    )
