"""A 发文字号 the index does not hold: say so first and offer the nearest numbers it does hold.

Searched as words, 国办发〔2018〕999号 matches every document that mentions 2018 and 号; a citizen who
typed a number wants that document or to know it is not here.
"""

from __future__ import annotations

import re
from collections.abc import Collection

from indexer.fields import DOC_NUMBER, doc_number_keys
from search_api.engine.corpus import Corpus
from search_api.engine.models import MissingDocNumber
from search_api.engine.query import AnalyzedQuery

NEAREST = 3
_KEY = re.compile(r"(.+)\[(\d{4})\](\d+)号")


def shown(key: str) -> str:
    """国办发[2018]104号 → 国办发〔2018〕104号, as documents write it."""
    return key.replace("[", "〔").replace("]", "〕")


def _parts(key: str) -> tuple[str, int, int] | None:
    found = _KEY.fullmatch(key)
    return (found.group(1), int(found.group(2)), int(found.group(3))) if found else None


def missing_number(query: AnalyzedQuery, corpus: Corpus) -> MissingDocNumber | None:
    """The notice when the query is a 发文字号 that no indexed document carries, else None."""
    found = DOC_NUMBER.search(query.compact)
    if not found or len(found.group(0)) < len(query.compact) * 0.6:  # a number inside a question
        return None
    keys = set(doc_number_keys(query.compact))
    held = corpus.held_codes
    if any(key in held for key in keys):
        return None
    wanted = _parts(max(keys, key=len)) if keys else None
    if wanted is None:
        return None
    return MissingDocNumber(number=found.group(0), nearest=[shown(k) for k in _nearest(wanted, held)])


def _nearest(wanted: tuple[str, int, int], held: Collection[str]) -> list[str]:
    """Same 机关代字 first (the 代字 ends the typed prefix: 国办发 also matches 发), then the year, then
    the number closest to the one typed."""
    issuer, year, number = wanted
    ranked = []
    for key in held:
        parts = _parts(key)
        if parts and (issuer.endswith(parts[0]) or parts[0].endswith(issuer)):
            ranked.append((parts[0] != issuer, abs(parts[1] - year), abs(parts[2] - number), key))
    return [key for *_rest, key in sorted(ranked)[:NEAREST]]
