"""The query, analysed once: every later step (query building, understanding, reranking, highlighting,
cards, best bets, related searches) reads this object instead of normalising the text again."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from indexer.analysis import compact, normalize, segment_query
from indexer.fields import DOC_NUMBER, code_key, doc_number_keys
from search_api.engine import ranking
from search_api.engine.pinyin import is_cjk, latin_letters

_ITEM_CODE = re.compile(r"[0-9a-z]{10,}|\d{6,}", re.IGNORECASE)
_QUOTE_MARKS = re.compile(r"[\"“”「」『』]")
_QUOTED = re.compile(r"[\"“”「『]([^\"“”「」『』]+)[\"“”」』]")


class Script(StrEnum):
    HAN = "han"  # Chinese characters (and digits, punctuation)
    LATIN = "latin"  # letters only: pinyin, initials or English
    MIXED = "mixed"


@dataclass(frozen=True)
class AnalyzedQuery:
    text: str  # as typed, trimmed
    normalized: str  # simplified, half-width, lower case; same length as `text`
    compact: str  # normalised without white space: how names, titles and codes are compared
    tokens: tuple[str, ...]  # precise-mode words, as the synonym rules and the index see them
    codes: tuple[str, ...]  # exact keys: the whole query as a 文号/事项编码, and every 文号 inside it
    quoted: tuple[tuple[str, ...], ...]  # words of each “quoted phrase”
    pinyin: str | None  # the letters, when the query is only letters (shebaoka, sbk, can ji)
    script: Script
    traditional: bool  # typed in traditional characters (換身份證)

    @property
    def protected(self) -> bool:
        """A 文号, an item code or a quoted phrase: taken literally, never corrected."""
        literal = DOC_NUMBER.search(self.compact) or _ITEM_CODE.search(self.compact)
        return bool(literal or _QUOTE_MARKS.search(self.text))


def exact_keys(compact_text: str) -> tuple[str, ...]:
    """The whole query as a code, and every 发文字号 written inside a longer query."""
    if not compact_text:
        return ()
    keys = [code_key(compact_text)]
    if not DOC_NUMBER.fullmatch(compact_text):
        keys += doc_number_keys(compact_text)
    return tuple(dict.fromkeys(keys))


def _script(text: str) -> Script:
    letters = any(c.isascii() and c.isalpha() for c in text)
    han = any(is_cjk(c) for c in text)
    return Script.MIXED if letters and han else Script.LATIN if letters else Script.HAN


# A lone Latin letter (with a digit or two) before 市/县/区/镇/村 is a masked or coded place name (F市,
# A3区), as in published citizens' messages: it must not match the F of 延期F字签证.
MASKED_PLACE_IN_TEXT = re.compile(r"(?<![a-z])[a-z]\d{0,2}(?=[市县区镇村省])")
# Removed before segmenting, with the place word: the segmenter would otherwise glue 市 or 县 to the next
# word (C4市人在哪里办 → 市人, K3县大忠桥 → 县大忠桥). A letter standing alone between spaces (护照 F) is
# no word either; one attached to Chinese (F字签证) is.
_NOT_A_WORD = re.compile(r"(?<![a-z0-9])[a-z]\d{0,2}[市县区镇村省州乡]|(?<!\w)[a-z](?!\w)")


def analyse(text: str) -> AnalyzedQuery:
    text = text.strip()
    normalized = normalize(text)
    flat = compact(text)
    quoted = (tuple(segment_query(m.group(1))) for m in _QUOTED.finditer(text))
    return AnalyzedQuery(
        text=text,
        normalized=normalized,
        compact=flat,
        tokens=tuple(segment_query(_NOT_A_WORD.sub(" ", normalized)) or segment_query(text)),
        codes=exact_keys(flat),
        quoted=tuple(p for p in quoted if p),
        pinyin=latin_letters(text),
        script=_script(normalized),
        traditional=any(a != b and is_cjk(a) for a, b in zip(text, normalized, strict=False)),
    )


EMPHASIS_MIN_LENGTH = 10  # a question this long with quotes in it is prose, not a search operator


def emphasis_quotes(query: AnalyzedQuery) -> bool:
    """Quotes a citizen used for emphasis inside a long question (关于“一网通办”办不了的问题), not
    an exact-phrase search."""
    return bool(query.quoted) and len(unquoted(query.compact)) >= EMPHASIS_MIN_LENGTH


def unquoted(text: str) -> str:
    return _QUOTE_MARKS.sub(" ", text).strip()


def long_account(query: AnalyzedQuery) -> bool:
    """A citizen's account of a situation rather than a name (LONG_ACCOUNT_CHARACTERS Han characters or
    more): with weak words, where a second model's reading of meaning is worth its milliseconds; where a
    slip's fix is offered, not put in place of the results (`understanding.reads_better`)."""
    return han_characters(query.compact) >= ranking.LONG_ACCOUNT_CHARACTERS


def han_characters(text: str) -> int:
    return sum(map(is_cjk, text))
