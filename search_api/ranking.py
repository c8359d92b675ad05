"""Every ranking weight in one place.

Field weights multiply BM25 per field; the citizen's own words count fully, expansions less.
Change these only with `govsearch eval` before and after (see README, "Relevance").
"""

from __future__ import annotations

FIELD_WEIGHTS: dict[str, float] = {
    "title": 6.0,  # 标题 / 事项名称
    "meta": 2.0,  # 发文字号, 发文机关/实施主体, 主题分类, 事项编码
    "body": 1.0,  # 正文 / 受理条件, 申请材料
}
SYNONYM_BOOST = 0.6  # an expanded synonym counts less than the word the citizen typed
SUB_WORD_BOOST = 0.4  # the parts of a long word (养老保险 → 养老 + 保险), as a fallback
STOPWORD_BOOST = 0.1  # question words such as 怎么办, 如何
CODE_BOOST = 60.0  # the query is exactly a 发文字号 or 事项编码
TITLE_KEY_BOOST = 30.0  # the query is exactly a title
