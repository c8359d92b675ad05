"""Pure helpers shared by the extractors: HTML → text, dates, links, label normalisation."""

from __future__ import annotations

import re
from collections.abc import Iterator
from datetime import date
from urllib.parse import urldefrag, urljoin

from selectolax.lexbor import LexborHTMLParser, LexborNode

from crawler.extract.tables import is_data_table, render_table

SKIP_TAGS = frozenset(
    {"script", "style", "noscript", "template", "nav", "footer", "head", "iframe", "svg", "canvas", "select"}
)
BLOCK_TAGS = frozenset(
    {
        "address", "article", "aside", "blockquote", "br", "center", "dd", "div", "dl", "dt",
        "fieldset", "figcaption", "figure", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hr", "li", "main", "ol", "p", "pre", "section", "table", "tbody", "td", "th", "thead",
        "tr", "ul",
    }
)  # fmt: skip
_BREAK = "\n"
_SPACES = re.compile(r"[^\S\t\n]+")
_ALL_SPACES = re.compile(r"\s+")
_CN_DIGITS = {digit: value for value, digit in enumerate("零一二三四五六七八九")} | {"〇": 0, "○": 0}
_DATE_NUMERIC = re.compile(r"(\d{4})\s*[年\-/.]\s*(\d{1,2})\s*[月\-/.]\s*(\d{1,2})\s*日?")
_CN_NUMBER = "[一二三四五六七八九十]{1,3}"
_DATE_CHINESE = re.compile(rf"([〇○零一二三四五六七八九]{{4}})年({_CN_NUMBER})月({_CN_NUMBER})日")


def _walk(node: LexborNode) -> Iterator[str]:
    """Yield text pieces of `node`, with a line break around every block element."""
    stack: list[LexborNode | str] = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            yield item
            continue
        if item.is_text_node:
            yield (item.text_content or "").replace("\t", " ")  # tabs only come from rendered tables
            continue
        if not item.is_element_node or item.tag in SKIP_TAGS:
            continue
        if item.tag == "table" and is_data_table(item):
            yield from (_BREAK, render_table(item, cell_text), _BREAK)
            continue
        block = item.tag in BLOCK_TAGS
        if block:
            yield _BREAK
            stack.append(_BREAK)
        stack.extend(reversed(list(_children(item))))


HIDDEN = '[hidden], [style*="display:none" i], [style*="display: none" i], .ng-hide'


def parse_html(html: str) -> LexborHTMLParser:
    """Parse a page and drop what a browser does not show (display:none, hidden, AngularJS ng-hide)."""
    tree = LexborHTMLParser(html)
    for node in tree.css(HIDDEN):
        node.decompose()
    return tree


def cell_text(cell: LexborNode) -> str:
    """A table cell's text on one line: Word wraps long cells into paragraphs, which are joined."""
    lines = node_text(cell).split(_BREAK)
    return "".join(line.strip() for line in lines)


def _children(node: LexborNode) -> Iterator[LexborNode]:
    child = node.first_child
    while child is not None:
        yield child
        child = child.next


def clean_lines(text: str) -> str:
    """Collapse whitespace inside each line, drop empty lines, keep one "\\n" between paragraphs."""
    lines = (_SPACES.sub(" ", line).strip(" ") for line in text.split(_BREAK))
    return _BREAK.join(line for line in lines if line)


def node_text(node: LexborNode | None) -> str:
    """Readable text of a node: scripts, styles, nav and footer dropped, paragraphs on their own line."""
    if node is None:
        return ""
    return clean_lines("".join(_walk(node)))


def inline_text(node: LexborNode | None) -> str:
    """The text of a node on one line (for labels and short values)."""
    return _ALL_SPACES.sub(" ", node_text(node)).strip()


def compact_label(label: str) -> str:
    """'索 引 号：' / '标　　题:' → '索引号' / '标题'."""
    return _ALL_SPACES.sub("", label).rstrip("：:")


def _chinese_number(text: str) -> int:
    if "十" not in text:
        return int("".join(str(_CN_DIGITS[ch]) for ch in text))
    tens, _, units = text.partition("十")
    return (_CN_DIGITS[tens] if tens else 1) * 10 + (_CN_DIGITS[units] if units else 0)


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None


def parse_date(text: str) -> date | None:
    """The first date in `text`: 2018年10月27日, 2018-10-27, 2018/10/27, 二〇一八年十月二十七日."""
    match = _DATE_NUMERIC.search(text)
    if match:
        return _safe_date(int(match[1]), int(match[2]), int(match[3]))
    match = _DATE_CHINESE.search(text)
    if match:
        return _safe_date(_chinese_number(match[1]), _chinese_number(match[2]), _chinese_number(match[3]))
    return None


def absolute_url(base: str, href: str) -> str | None:
    """`href` resolved against `base`, fragment dropped; None for javascript:, mailto: and empty links."""
    href = href.strip()
    if not href or href.startswith("#") or href.lower().startswith(("javascript:", "mailto:", "tel:")):
        return None
    url, _ = urldefrag(urljoin(base, href))
    return url if url.startswith(("http://", "https://")) else None


def extract_links(url: str, html: str) -> list[str]:
    """Absolute http(s) URLs of every <a href> in the page, in order, without duplicates or fragments."""
    seen: dict[str, None] = {}
    tree = parse_html(html)
    base_node = tree.css_first("base[href]")
    base = urljoin(url, base_node.attributes.get("href") or "") if base_node else url
    for anchor in tree.css("a[href]"):
        link = absolute_url(base, anchor.attributes.get("href") or "")
        if link:
            seen.setdefault(link, None)
    return list(seen)


def _cells(row: LexborNode) -> list[LexborNode]:
    return [child for child in _children(row) if child.tag in ("th", "td")]


def labelled_cells(root: LexborNode, labels: frozenset[str]) -> dict[str, LexborNode]:
    """Value cells of table rows `<tr><th|td>LABEL</th|td><td>VALUE</td>…`, keyed by the compact label.

    A cell is a label when its compact text is one of `labels`; its value is the next cell of the row.
    The first occurrence of a label wins.
    """
    found: dict[str, LexborNode] = {}
    for row in root.css("tr"):
        cells = _cells(row)
        for index, cell in enumerate(cells[:-1]):
            label = compact_label(inline_text(cell))
            if label in labels and label not in found:
                found[label] = cells[index + 1]
    return found


def meta_tags(tree: LexborHTMLParser) -> dict[str, str]:
    """Non-empty <meta name=… content=…> values keyed by lower-cased name; the first one wins.

    TRS and Hanweb sites spell names inconsistently (ContentSource / contentSource)."""
    found: dict[str, str] = {}
    for node in tree.css("meta[name]"):
        name = (node.attributes.get("name") or "").strip().lower()
        content = (node.attributes.get("content") or "").strip()
        if name and content:
            found.setdefault(name, content)
    return found


def first_link(node: LexborNode, base: str) -> str:
    """The first absolute link inside `node`, or ""."""
    for anchor in node.css("a[href]"):
        link = absolute_url(base, anchor.attributes.get("href") or "")
        if link:
            return link
    return ""
