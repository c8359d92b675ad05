"""Query understanding over the collection's own words: abbreviations, pinyin and typos.

Pure functions of the query, the `Corpus` and its pinyin `Lexicon`; nothing here edits synonym data.
- 综保区 → 综合保税区: an unknown word whose characters appear, in order, in a title phrase.
- canjirenzheng → 残疾人证, hzjz → 护照 加注: letters read as full pinyin or as initials; full pinyin
  also as everyday words of the segmenter's dictionary that no title holds (zimaoqu → 自贸区).
- 社报卡 → 社保卡, 公积今 → 公积金: an unknown stretch replaced by a known word that sounds the same
  (or alike, for 3+ characters: z/zh, n/l, in/ing), or, for 3+ characters, by one character that looks
  alike (公枳金 → 公积金: 积 and 枳 share 只).
A 文号, an item code or a quoted phrase is never corrected.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import NamedTuple

from indexer.analysis import (
    common_words,
    compact,
    dictionary_short_forms,
    query_stopwords,
    word_bounds,
)
from indexer.fields import doc_number_keys
from search_api.engine import ranking
from search_api.engine.corpus import Corpus
from search_api.engine.models import Correction
from search_api.engine.pinyin import Lexicon, is_cjk, names_a_thing
from search_api.engine.query import AnalyzedQuery, long_account
from search_api.engine.short_names import MAX_GAP, clipped_from, in_order
from search_api.engine.spelling import correct_spelling, fixes_non_words

# A short form some title contains is read as an abbreviation only when titles hold the long form at
# least this many times as often as the short form as a word, and in at least this many places.
ABBREVIATION_RATIO = 5
ABBREVIATION_MIN_TITLES = 3
LONG_FORMS_CHECKED = 20  # most frequent long forms of an unknown word checked for whole words
MAX_PINYIN_LETTERS = 40  # longer strings of letters are not read as pinyin (bounded work per query)


class Reading(NamedTuple):
    """A reading of the query: its text, why (pinyin, typo), and for pinyin with readings about as
    likely as each other, all of them, likeliest first (searched together)."""

    text: str
    reason: str
    together: tuple[str, ...] = ()

    def correction(self) -> Correction:
        """The reading as the response tells it (not yet applied: the search decides)."""
        return Correction(text=self.text, reason=self.reason, applied=False, readings=list(self.together))


def abbreviation(token: str, corpus: Corpus) -> str | None:
    """The most frequent title phrase that starts and ends like `token` and holds its characters in
    order, for a 2–4 character word no title contains (律所 → 律师事务所).

    A word some title does contain (the segmenter knows it, and a title may hold it in another sense)
    is read as an abbreviation only when the segmenter's dictionary tags it 简称 and the collection's
    own vocabulary agrees: the long form is built the way Chinese short forms are (each character
    begins one of its words: 招投标 → 招标投标) and titles hold it far more often than they hold the
    short form as a word of its own (发现 or 保证 are words, never read as 发掘现场 or 保安员证)."""
    if not (2 <= len(token) <= 4) or not is_cjk(token) or token in corpus.terms:
        return None
    known = corpus.known(token)
    if known and token not in dictionary_short_forms():
        return None  # before the scan of every title below
    found = _long_forms(token, corpus)
    if not known:
        found = _ending_at_words(token, found, corpus)
    if known:
        need = max(ABBREVIATION_RATIO * corpus.word_df.get(token, 0), ABBREVIATION_MIN_TITLES)
        found = Counter(
            {
                f: n
                for f, n in found.items()
                if n >= need and word_initials(token, f) and whole_words_in_titles(f, corpus)
            }
        )
    if not found:
        return None
    return max(found.items(), key=lambda kv: (kv[1], -len(kv[0])))[0]


def _ending_at_words(token: str, found: Counter[str], corpus: Corpus) -> Counter[str]:
    """The long forms made the way short forms are and whole words of their titles (法律援助 for 法援,
    not 法律援, whose index words 法律 援助 hold no 援; not 成绩的单位 for 成绩单), when there are any
    among the most frequent; else the phrases that end with the word's last character, as before."""
    frequent = found.most_common(LONG_FORMS_CHECKED)
    whole = Counter(
        {f: n for f, n in frequent if word_initials(token, f) and whole_words_in_titles(f, corpus)}
    )
    return whole or Counter({f: n for f, n in found.items() if f.endswith(token[-1])})


def long_form(token: str, corpus: Corpus, variants: Mapping[str, str]) -> str | None:
    """What a query word stands for in titles: its long form if it is an abbreviation, else the same
    word written with variant characters (沙石 → 砂石) when no title holds it as typed, else the name of
    the one item whose catalogue short name it was clipped from (病退 → 因病提前退休申请's item)."""
    return abbreviation(token, corpus) or variant_form(token, corpus, variants) or clipped_name(token, corpus)


def clipped_name(token: str, corpus: Corpus) -> str | None:
    """For a 2–4 character word no title and no rule holds: `short_names.clipped_from`. A common word
    only as it is typed, inside one item's short names (工龄 in 工龄审核): spelt out of order across them
    it means itself (工人 is spelt inside 工伤个人信息变更's short name: a worker)."""
    if not (2 <= len(token) <= 4) or not is_cjk(token) or corpus.known(token):
        return None
    return clipped_from(token, corpus.short_names, whole_words=token in common_words())


def variant_form(token: str, corpus: Corpus, variants: Mapping[str, str]) -> str | None:
    """The word with one character replaced by a variant (`SynonymSet.variants`: 沙 → 砂) that titles
    hold, for a word no title holds: both spellings are right, so this is no typo to correct."""
    if len(token) < 2 or corpus.known(token):
        return None
    for place, char in enumerate(token):
        for other in variants.get(char, ""):
            form = token[:place] + other + token[place + 1 :]
            if corpus.title_count(form):
                return form
    return None


def _long_forms(token: str, corpus: Corpus) -> Counter[str]:
    """Title phrases that start like `token` and hold its characters in order, with how often titles
    hold them: ending with its last character or up to MAX_GAP characters beyond it (医保: 医疗保险,
    where 保 begins the last word). Over `han_blob`: Han characters only."""
    found: Counter[str] = Counter()
    for match in in_order(token).finditer(corpus.han_blob):
        for more in range(MAX_GAP + 1):
            phrase = corpus.han_blob[match.start() : match.end() + more]
            if "\n" in phrase or match.end() + more > len(corpus.han_blob):
                break
            if len(phrase) > len(token):
                found[phrase] += 1
    return found


def word_initials(short: str, long: str) -> bool:
    """Is `short` made the way short forms are: its characters begin words of `long` in order, the last
    one possibly ending it (社会 保险 → 社保; 律师 事务所 → 律所; 综合 保税区 → 综保区)? Words are the
    dictionary's, the words inside longer ones too (`word_bounds`)."""
    bounds = word_bounds(long)
    at = 0
    for i, char in enumerate(short):
        found = next((p for p in sorted(bounds) if at <= p < len(long) and long[p] == char), None)
        if found is None and i == len(short) - 1 and long[-1] == char and len(long) > at:
            found = len(long) - 1
        if found is None or (i == 0 and found != 0):
            return False
        at = found + 1
    return True


def whole_words_in_titles(long: str, corpus: Corpus) -> bool:
    """Does the first title holding `long` hold it as whole words (国人大 is not, inside 全国人大)?"""
    at = corpus.blob.find(long)
    if at < 0:
        return False
    start = corpus.blob.rfind("\n", 0, at) + 1
    end = corpus.blob.find("\n", at)
    bounds = word_bounds(corpus.blob[start : end if end >= 0 else len(corpus.blob)])
    return at - start in bounds and at - start + len(long) in bounds


def association(words: tuple[str, ...], corpus: Corpus) -> float:
    """How strongly the words keep company in titles (Ochiai: shared / √(df₁·df₂·…)); 1 for one word."""
    if len(words) == 1:
        return 1.0
    shared = corpus.cooccurring_titles(words)
    product = math.prod(max(corpus.word_df.get(w, 0), 1) for w in words)
    return float(shared / product ** (1 / len(words)))


ReadingScore = tuple[bool, int, bool, int, int, float, int, float, float]
# (initials, everyday words): full pinyin in the collection's words, then with everyday words, then initials
READING_PASSES = ((False, False), (False, True), (True, False))


def _reading_score(
    words: tuple[str, ...], corpus: Corpus, lexicon: Lexicon, said_blob: str, *, everyday: bool = False
) -> ReadingScore:
    """A word citizens are known to say (a synonym-rule term or a popular query: hz → 护照) first, then
    one that citizens' terms and queries contain most often (lh → 离婚, part of 离婚证, 离婚登记 …, not
    良好, which only titles use) — counting too each different visitor who lately opened a document whose
    title holds it (`opened_by`) — then a reading titles hold, then (with everyday words) the one with
    fewest lone characters (残疾证 怎么办, not 参 及 证 怎么办), then association and frequency (of a lone
    character: in the words of titles)."""
    joined = "".join(words)
    said = joined in corpus.terms
    in_titles = corpus.title_count(joined) > 0  # popular documents are titles too: none holds it else
    mentioned = said_blob.count(joined) + (opened_by(joined, corpus) if in_titles else 0)
    attested = said or in_titles
    weight = sum(lexicon.weight.get(w, 0.0) for w in words)
    if not everyday:
        return said, mentioned, attested, 0, 0, association(words, corpus), 0, 0.0, weight
    # Everyday words, lone characters and words only the segmenter's dictionary knows keep no company in
    # titles. Fewest of those strays first (自贸区 as one, not 字 毛 区; 医生 资格证, not 一声 资格证), then
    # fewest words (电子眼, not 电子 眼), then the known words' company, then the most names of things among
    # the dictionary's words (驾校, not 家小: `names_a_thing`), then the dictionary words counted most in
    # everyday text (轮椅, not 论艺), then lone characters citizens' questions use (了, 哪) or the title
    # words use most (查 of 查询, not 茶 or 差; 补 of 补办, not 不).
    known = tuple(w for w in words if len(w) > 1 and w in lexicon.weight)
    strays = [w for w in words if w not in known]
    named = sum(len(w) > 1 and names_a_thing(w) for w in strays)
    counted = sum(math.log1p(common_words().get(w, 0)) for w in strays if len(w) > 1)
    spoken, used = query_stopwords(), lexicon.character
    usage = sum(math.inf if c in spoken else float(used[c]) for c in strays if len(c) == 1)
    company = association(known, corpus) if known else 0.0
    return said, mentioned, attested, -len(strays), -len(words), company, named, counted, usage + weight


def opened_by(text: str, corpus: Corpus) -> int:
    """How many different visitors lately opened, from the results, documents whose titles hold `text`
    (`Corpus.opened`, at most `query_log.POPULAR_LIMIT` documents): item popularity, which makes a reading
    likelier the way a citizen's query does."""
    return sum(visitors for title, visitors in corpus.opened if text in title)


def pinyin_readings(query: AnalyzedQuery, corpus: Corpus, lexicon: Lexicon) -> list[str]:
    """Chinese words for a query typed in pinyin, full pinyin first, then initials: the likeliest
    reading, and after it those about as likely (`close_readings`: yl → 养老, 医疗), or [].

    Full pinyin that the collection's words alone cannot read may use everyday words between them
    (huanhuzhao → 换护照, canjizhengzenmeban → 残疾证怎么办: `pinyin.everyday_words`), before initials.
    Readings are ranked by how likely a citizen means them: a term citizens say wins (hz → 护照), then
    one their terms, their queries and the documents they open contain most often, then one that occurs
    as such in a title, then one whose words most often share a title (hzjz → 护照 加注, not 核准 建造),
    then the most frequent."""
    letters = query.pinyin
    if letters is None or len(letters) > MAX_PINYIN_LETTERS:
        return []
    said_blob, terms = corpus.terms_blob, corpus.terms
    unsupported: list[str] = []
    for use_initials, everyday in READING_PASSES:
        scored: dict[str, ReadingScore] = {}
        for words in lexicon.readings(letters, use_initials=use_initials, everyday=everyday):
            score = _reading_score(words, corpus, lexicon, said_blob, everyday=everyday)
            text = "".join(words)  # 医疗保险 as one word or as 医疗 保险: one reading, its best score
            scored[text] = max(score, scored.get(text, score))
        if not scored:
            continue
        ranked = sorted(scored.items(), key=lambda kv: kv[1], reverse=True)
        best, (said, mentioned, *_rest) = ranked[0]
        if use_initials and (led := lexicon.led_reading(letters, terms, best, said or mentioned > 0)):
            return [led]
        if use_initials or everyday or not unsupported_reading(ranked[0][1]):
            return close_readings(ranked)
        unsupported = unsupported or close_readings(ranked)
    return unsupported


def unsupported_reading(score: ReadingScore) -> bool:
    """A reading of several words nothing vouches for: no term citizens say or mention, no title phrase,
    and its words share no title (chagongzhengyuan as 茶 公证 院). Everyday words may read it better
    (查 公证员); when they read it no better, it stays."""
    said, mentioned, attested, _strays, _words, associated, _named, _counted, _weight = score
    return not (said or mentioned or attested or associated > 0)


def close_readings(ranked: list[tuple[str, ReadingScore]]) -> list[str]:
    """The best reading, and the runners-up a citizen may as well mean: the same kind of evidence (a
    term citizens say or not — or at least as many mentions, so that 养老保险 joins the rule term 医疗保险
    for ylbx; a word titles hold or not) and, on the log scale the lexicon scores with, at least
    CLOSE_READING_SHARE of the best's mentions in citizens' terms and queries. A clearly dominant
    reading stays alone: 护照 is a term citizens say, 换证 and 核准 are not."""
    best_text, best = ranked[0]
    close = [best_text]
    for text, score in ranked[1:]:
        same_kind = (score[0] == best[0] or score[1] >= best[1]) and score[2] == best[2]
        likely = score[1] > 0 and math.log1p(score[1]) >= ranking.CLOSE_READING_SHARE * math.log1p(best[1])
        if same_kind and likely and len(close) < ranking.MAX_READINGS:
            close.append(text)
    return close


def read_pinyin(query: AnalyzedQuery, corpus: Corpus, lexicon: Lexicon) -> str | None:
    """The likeliest Chinese reading of a query typed in pinyin (`pinyin_readings`), or None."""
    readings = pinyin_readings(query, corpus, lexicon)
    return readings[0] if readings else None


def reads_better(
    query: AnalyzedQuery, correction: Correction, corpus: Corpus, long_forms: Mapping[str, str] | None = None
) -> bool:
    """A typo whose correction is a title phrase or rule term while the typed query is neither, or
    whose every corrected word is a word titles or rules hold while the typed one is no word at all
    (`fixes_non_words`): its results are shown even when the misspelt query finds some (社报卡 finds
    titles with 报; 在哪里办虎照 finds titles with 在 and 办). Never for a 文号, a code or a “quoted”
    phrase: those were typed exactly on purpose; nor when every word no title holds is a short form
    of whole title words (`long_forms`: 法援 is 法律援助, not a slip for 法院); nor in a citizen's account
    (`long_account`): meaning reads past a slip there, and what such fixes changed in citizens' messages was
    mostly a name the segmenter guessed (山水华庭 → 山水画庭, 合心村 → 核心村)."""
    if correction.reason != "typo" or query.quoted or doc_number_keys(query.text) or long_account(query):
        return False
    unknown = _unknown(query, corpus)
    if unknown and long_forms and all(_short_form_of(t, long_forms.get(t), corpus) for t in unknown):
        return False
    fixed = compact(correction.text)
    if corpus.known(fixed) and not corpus.known(query.compact):
        return True
    return fixes_non_words(query.compact, fixed, corpus)


def _unknown(query: AnalyzedQuery, corpus: Corpus) -> list[str]:
    return [t for t in query.tokens if is_cjk(t) and not corpus.known(t)]


def _short_form_of(token: str, form: str | None, corpus: Corpus) -> bool:
    return form is not None and word_initials(token, form) and whole_words_in_titles(form, corpus)


def reading(query: AnalyzedQuery, corpus: Corpus, lexicon: Lexicon) -> Reading | None:
    """What the query reads as when typed in pinyin or with a typo, or None."""
    readings = pinyin_readings(query, corpus, lexicon)
    if readings:
        return Reading(readings[0], "pinyin", tuple(readings) if len(readings) > 1 else ())
    fixed = correct_spelling(query, corpus, lexicon)
    return Reading(fixed, "typo") if fixed else None
