"""Several readings of one query searched together: letters such as yl read as 养老 or as 医疗, about
as likely as each other (`understanding.close_readings`)."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from search_api.engine import ranking
from search_api.engine.models import Correction, SearchHit, SearchRequest


class Ranked(Protocol):
    hits: list[SearchHit]


R = TypeVar("R", bound=Ranked)


def together(request: SearchRequest, correction: Correction, run: Callable[[SearchRequest, str], R]) -> R:
    """The run of a reading (`run(request, text)`); readings about as likely as each other are searched
    together: the counts and facets of all of them at once, and each one's ranked hits in turn, within
    the reranked window (deeper pages keep the order of all the readings at once: bounded work)."""
    found = run(request, " ".join(correction.readings) or correction.text)
    if correction.readings and request.page * request.size <= ranking.RERANK_DEPTH:
        upto = request.model_copy(update={"page": 1, "size": request.page * request.size})
        each = [run(upto, text).hits for text in correction.readings]
        found.hits = interleave(each)[(request.page - 1) * request.size :][: request.size]
    return found


def interleave(ranked: Sequence[Sequence[SearchHit]]) -> list[SearchHit]:
    """Each reading's hits in turn, likeliest reading first, a document shown once: every reading's
    best results reach the first page, whatever the others' scores (which do not compare)."""
    seen: set[str] = set()
    merged: list[SearchHit] = []
    for rank in range(max((len(hits) for hits in ranked), default=0)):
        for hits in ranked:
            if rank < len(hits) and hits[rank].id not in seen:
                seen.add(hits[rank].id)
                merged.append(hits[rank])
    return merged
