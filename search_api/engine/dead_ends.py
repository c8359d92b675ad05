"""Never a dead end: when a search finds little, a broader search that finds more, and someone to call.

The corrected search (typo, pinyin) is `understanding`'s; here: the same words without the filters or
without the quotation marks that made them a required phrase, and the phones of the departments the
search is about (the chosen 发文机关/实施主体, the item card's, the few results') with the 12345 hotline.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from search_api.engine.contact import Contact, contacts_for
from search_api.engine.models import Broader, ItemCard, SearchHit, SearchRequest

MAX_DEPARTMENTS = 2


def _unquoted(text: str) -> str:
    return text.translate(str.maketrans("", "", "\"“”'‘’「」"))


def broader_search(request: SearchRequest, count: Callable[[SearchRequest], int]) -> Broader | None:
    """The first of: the query without its filters, the query without quotation marks, that finds
    something (`count` runs a search and returns its total)."""
    candidates: list[tuple[SearchRequest, str]] = []
    if request.filters and request.q:
        candidates.append((request.model_copy(update={"filters": {}}), "去掉筛选条件"))
    if _unquoted(request.q) != request.q and _unquoted(request.q).strip():
        candidates.append((request.model_copy(update={"q": _unquoted(request.q).strip()}), "去掉引号"))
    for candidate, change in candidates:
        total = count(candidate.model_copy(update={"page": 1}))
        if total:
            return Broader(q=candidate.q, filters=candidate.filters, total=total, change=change)
    return None


def help_contacts(
    request: SearchRequest, card: ItemCard | None, hits: Sequence[SearchHit], phones: dict[str, str]
) -> list[Contact]:
    """Whom to call: the departments this search is about, when their phone is known, and 12345."""
    departments = [request.filters.get("publisher", "")]
    if card is not None:
        departments.append(card.item.authority)
    departments += [h.publisher for h in hits]
    named = [d for d in dict.fromkeys(departments) if d and d in phones][:MAX_DEPARTMENTS]
    return contacts_for(named, phones)
