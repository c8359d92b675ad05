"""Best bets: staff pin a document to a query, with author, comment and expiry.

Kept in the store's database, in a table of their own (`indexer.storage.best_bets`). A pin matches
a query exactly or after normalisation (traditional→simplified, width, case, spaces and punctuation
ignored); at most `MAX_PER_QUERY` pins show, above the ranked results, labelled.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from indexer.analysis import normalize
from indexer.storage import Database
from indexer.storage.best_bets import BestBetRows

MAX_PER_QUERY = 2
_PUNCTUATION = re.compile(r"[\s\W_]+", re.UNICODE)


class BestBetError(ValueError):
    pass


@runtime_checkable
class PinSource(Protocol):
    """Synonyms that also carry the staff tool's reviewed best bets (``synonyms.live.LiveSynonyms`` and
    a candidate version in a preview): (query, document id, expiry YYYY-MM-DD or "")."""

    def staff_pins(self) -> Sequence[tuple[str, str, str]]: ...


def staff_pin_ids(source: object, query: str, today: dt.date | None = None) -> list[str]:
    """Document ids the staff tool pinned to ``query`` (normalised match), unexpired, oldest first."""
    if not isinstance(source, PinSource):
        return []
    key, day = query_key(query), (today or dt.date.today()).isoformat()
    return [
        doc
        for q, doc, expires in source.staff_pins()
        if (not expires or expires >= day) and query_key(q) == key
    ]


@dataclass(frozen=True)
class BestBet:
    id: int
    query: str
    doc_id: str
    author: str
    comment: str
    expires: dt.date | None
    created: str


def query_key(query: str) -> str:
    """The normalised form pins are matched on: 社保卡 补办 = 社保卡补办 = 社保卡補辦。"""
    return _PUNCTUATION.sub("", normalize(query))


class BestBets:
    """Pins in the store's database; looked up on every first results page."""

    def __init__(self, database: Database) -> None:
        self._rows = BestBetRows(database)

    def add(
        self, query: str, doc_id: str, author: str, comment: str = "", expires: dt.date | None = None
    ) -> int:
        key = query_key(query)
        if not key:
            raise BestBetError("查询词不能为空")
        if not author.strip():
            raise BestBetError("请填写置顶人（--author）")
        if expires and expires < dt.date.today():
            raise BestBetError(f"到期日 {expires} 已经过去")
        if len(self.for_query(query)) >= MAX_PER_QUERY:
            raise BestBetError(f"查询“{query}”已有 {MAX_PER_QUERY} 条置顶，请先删除一条")
        created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
        row = {
            "query": query.strip(),
            "query_key": key,
            "doc_id": doc_id,
            "author": author.strip(),
            "comment": comment.strip(),
            "expires": expires.isoformat() if expires else None,
            "created": created,
        }
        bet_id = self._rows.add(row)
        if bet_id is None:
            raise BestBetError(f"文档 {doc_id} 已置顶在查询“{query}”上")
        return bet_id

    def remove(self, bet_id: int) -> None:
        if not self._rows.remove(bet_id):
            raise BestBetError(f"没有编号为 {bet_id} 的置顶")

    def all(self) -> list[BestBet]:
        return [_bet(row) for row in self._rows.all()]

    def for_query(self, query: str, today: dt.date | None = None) -> list[BestBet]:
        """Unexpired pins for the query, oldest first, at most MAX_PER_QUERY."""
        day = (today or dt.date.today()).isoformat()
        return [_bet(row) for row in self._rows.for_key(query_key(query), day, MAX_PER_QUERY)]


def _bet(row: Sequence[object]) -> BestBet:
    bet_id, query, doc_id, author, comment, expires, created = row
    return BestBet(
        int(str(bet_id)),
        str(query),
        str(doc_id),
        str(author),
        str(comment),
        dt.date.fromisoformat(str(expires)) if expires else None,
        str(created),
    )
