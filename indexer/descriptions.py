"""What a document is for, in its own first sentences: the text of the description vectors.

A title names a service the official way (职工因病或非因工致残完全丧失劳动能力提前退休申请); who may
apply and why is said in the guide's 受理条件, or in the opening of a policy's body, often in plainer
words (已经享受养老保险待遇，并对核定的待遇有异议). `indexer.vectors` embeds this text as a second vector
per document beside the title's, and the semantic step keeps the nearer of the two.

Only the first sentences (`DESCRIPTION_CHARS`): the point is the document's purpose, not its detail,
and an encoder reads a short text best. Boilerplate that says nothing about the purpose (直接申请, 无,
a salutation such as 各省、自治区、直辖市人民政府：) gives no description: that document keeps its title
vector alone.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence

from indexer.documents import Document, ServiceGuide
from indexer.store import Store

DESCRIPTION_CHARS = 120  # about two sentences of a 受理条件 or a policy's opening
MIN_DESCRIPTION_CHARS = 12  # shorter is a formula (直接申请, 无, 符合条件的申请人), not a purpose
BATCH = 500  # documents read from the store at once

# A salutation line ends with a full-width colon within its first characters (各省、自治区…：).
_SALUTATION = re.compile(r"^[^。；\n]{0,80}?[：:]\s*")
_SPACE = re.compile(r"\s+")
_SENTENCE_END = "。；！？"


def _opening(text: str) -> str:
    """The first sentences of a text, cut at a sentence end near `DESCRIPTION_CHARS`."""
    text = _SPACE.sub("", text)
    if len(text) <= DESCRIPTION_CHARS:
        return text
    head = text[:DESCRIPTION_CHARS]
    cut = max(head.rfind(mark) for mark in _SENTENCE_END)
    return head[: cut + 1] if cut >= MIN_DESCRIPTION_CHARS else head


def description_text(doc: Document) -> str:
    """A guide's 受理条件, or a policy's body after its salutation, cut to its first sentences; "" when
    what is there is too short to say what the document is for."""
    if isinstance(doc, ServiceGuide):
        text = doc.conditions
    else:
        text = _SALUTATION.sub("", doc.body.lstrip(), count=1)
    opening = _opening(text)
    return opening if len(opening) >= MIN_DESCRIPTION_CHARS else ""


def description_rows(store: Store, ids: Sequence[str]) -> Iterator[tuple[str, str]]:
    """(document id, description) of the given live documents that have one, in the given order."""
    for start in range(0, len(ids), BATCH):
        chunk = list(ids[start : start + BATCH])
        docs = store.get_many(chunk)
        for doc_id in chunk:
            doc = docs.get(doc_id)
            text = description_text(doc) if doc is not None else ""
            if text:
                yield doc_id, text
