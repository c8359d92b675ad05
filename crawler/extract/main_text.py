"""The main text block of a page whose layout no selector knows: the element that directly holds the
most non-link text (text inside <a> is navigation, lists of links, related articles).

Each element's own text (not its descendants') is credited to its parent in full and to its
grandparent by half, so a column of paragraphs outweighs a footer line or a menu. Pages whose text
sits in a table of short Word-run cells (the NFRA notices) are beyond it: their profile names the block.
"""

from __future__ import annotations

from selectolax.lexbor import LexborHTMLParser, LexborNode

MIN_OWN_TEXT = 10  # shorter bits (labels, separators, dates in lists) say little about where the text is
MIN_SCORE = 80
_IGNORED = frozenset({"a", "script", "style", "noscript", "template", "option", "select", "button", "title"})


def _inside_link(node: LexborNode) -> bool:
    parent = node.parent
    for _ in range(4):  # links wrap their text closely (a > span > font)
        if parent is None:
            return False
        if parent.tag == "a":
            return True
        parent = parent.parent
    return False


def main_node(tree: LexborHTMLParser) -> LexborNode | None:
    """The element most likely to hold the main text, or None when the page has too little text."""
    body = tree.body
    if body is None:
        return None
    scores: dict[int, float] = {}
    nodes: dict[int, LexborNode] = {}
    for element in body.traverse():
        if element.tag in _IGNORED:
            continue
        own = len("".join((element.text(deep=False) or "").split()))
        if own < MIN_OWN_TEXT or _inside_link(element):
            continue
        parent = element.parent
        for weight in (1.0, 0.5):
            if parent is None or parent.tag in ("html", "body"):
                break
            scores[parent.mem_id] = scores.get(parent.mem_id, 0.0) + weight * own
            nodes[parent.mem_id] = parent
            parent = parent.parent
    if not scores:
        return None
    best = max(scores, key=lambda key: scores[key])
    return nodes[best] if scores[best] >= MIN_SCORE else None
