"""Highlighting on the original text: escape everything, wrap matched words in <em>.

Matching runs on the normalised text (traditional→simplified, full-width→half-width), which
has the same length as the original, so offsets found there mark the original characters.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import lru_cache

from markupsafe import escape

from indexer.analysis import normalize, query_stopwords

SNIPPET_CHARS = 120
LEAD_CHARS = 24
NORMALISED_TEXTS = 1_024  # texts kept normalised: the documents that keep coming up (a few MB)


def highlight_terms(terms: Iterable[str]) -> list[str]:
    """Distinct terms, longest first, so that 居民身份证 wins over 身份证; no question or function
    word (的, 怎么, 可以): what a citizen asks about is marked, not how they asked."""
    stops = query_stopwords()
    unique = {t for t in terms if t and not t.isspace() and t not in stops}
    return sorted(unique, key=lambda t: (-len(t), t))


@lru_cache(maxsize=NORMALISED_TEXTS)
def searchable(text: str) -> str:
    """The text as terms are matched in: normalised, same length. Kept for the texts seen last: the
    same guides and policies come up for many queries, and normalising a body (OpenCC over kilobytes)
    was most of the cost of highlighting it."""
    haystack = normalize(text)
    return haystack if len(haystack) == len(text) else text.lower()


def _spans(text: str, terms: list[str]) -> list[tuple[int, int]]:
    haystack = searchable(text)
    taken = [False] * len(text)
    spans: list[tuple[int, int]] = []
    for term in terms:
        start = haystack.find(term)
        while start != -1:
            end = start + len(term)
            if not any(taken[start:end]):
                spans.append((start, end))
                for i in range(start, end):
                    taken[i] = True
            start = haystack.find(term, end)
    return _merge(sorted(spans))


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Touching matches become one highlight: <em>居民身份证换领</em>, not two."""
    merged: list[tuple[int, int]] = []
    for start, end in spans:
        if merged and merged[-1][1] == start:
            merged[-1] = (merged[-1][0], end)
        else:
            merged.append((start, end))
    return merged


def _render(text: str, spans: list[tuple[int, int]], offset: int = 0) -> str:
    out: list[str] = []
    pos = 0
    for start, end in spans:
        start, end = start - offset, end - offset
        if end <= 0 or start >= len(text):
            continue
        start, end = max(start, 0), min(end, len(text))
        out.append(str(escape(text[pos:start])))
        out.append(f"<em>{escape(text[start:end])}</em>")
        pos = end
    out.append(str(escape(text[pos:])))
    return "".join(out)


def mark(text: str, terms: list[str]) -> str:
    """The whole text, escaped, with every term occurrence in <em>."""
    return _render(text, _spans(text, terms))


def _best_start(spans: list[tuple[int, int]], text: str) -> int:
    best, best_score = 0, -1
    for start, _ in spans:
        window_end = start - LEAD_CHARS + SNIPPET_CHARS
        covered = {text[s:e] for s, e in spans if start <= s and e <= window_end}
        if len(covered) > best_score:
            best, best_score = start, len(covered)
    return max(best - LEAD_CHARS, 0)


def snippet(text: str, terms: list[str], length: int = SNIPPET_CHARS) -> str:
    """A window of the text around its densest run of matches, escaped and highlighted."""
    flat = " ".join(text.split())
    spans = _spans(flat, [t for t in terms if len(t) > 1] or terms)
    start = _best_start(spans, flat) if spans else 0
    window = flat[start : start + length]
    prefix = "…" if start > 0 else ""
    suffix = "…" if start + length < len(flat) else ""
    return prefix + _render(window, spans, offset=start) + suffix
