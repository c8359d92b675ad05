"""The law articles' cache: articles cut from Markdown law texts, their words and vectors, kept outside
the data directory under a name that changes with the laws."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from indexer.ann import graph_path, read_graph
from indexer.laws import (
    EMBEDDED_CHARS,
    article_words,
    cache_path,
    load_articles,
    parse_articles,
    sync_articles,
)
from indexer.vectors import QUANT, embed

MEDIATION_LAW = """# 示例省人民调解条例

2020年1月1日 示例省人民代表大会常务委员会通过

<!-- INFO END -->

## 第一章 总则

第一条 为了规范人民调解工作，及时化解民间纠纷，维护社会和谐稳定，制定本条例。

第二条　村民委员会、居民委员会设立人民调解委员会，调解邻里之间的民间纠纷。

第三条 人民调解员因从事调解工作致使本人误工的，由村民委员会给予适当的误工补贴。
因从事调解工作受伤的，依照有关规定给予救治。

第四条 本条例自公布之日起施行。

第四条之一 已经调解达成协议的，当事人可以共同向人民法院申请司法确认。
"""

FOOD_LAW = """# 示例省食品小作坊管理条例

<!-- INFO END -->

第1条 从事食品小作坊生产加工的，应当向所在地县级市场监督管理部门申请登记，取得登记证后方可生产。
"""


def write_laws(folder: Path) -> Path:
    (folder / "地方性法规").mkdir(parents=True)
    (folder / "地方性法规" / "示例省人民调解条例.md").write_text(MEDIATION_LAW, encoding="utf-8")
    (folder / "地方性法规" / "示例省食品小作坊管理条例.md").write_text(FOOD_LAW, encoding="utf-8")
    (folder / "README.md").write_text("# 说明\n\n本目录收录示例法规。\n", encoding="utf-8")
    return folder


def test_articles_are_cut_at_their_numbers_without_headings_or_preamble() -> None:
    articles = parse_articles(MEDIATION_LAW)
    assert articles == [
        "为了规范人民调解工作，及时化解民间纠纷，维护社会和谐稳定，制定本条例。",
        "村民委员会、居民委员会设立人民调解委员会，调解邻里之间的民间纠纷。",
        "人民调解员因从事调解工作致使本人误工的，由村民委员会给予适当的误工补贴。 "
        "因从事调解工作受伤的，依照有关规定给予救治。",
        # 第四条 (本条例自公布之日起施行。) is shorter than an article worth reading
        "已经调解达成协议的，当事人可以共同向人民法院申请司法确认。",
    ]
    assert parse_articles(FOOD_LAW)[0].startswith("从事食品小作坊生产加工的")
    assert parse_articles("# 说明\n\n没有条文的一段话，提到第三条但不在行首。") == []


def test_an_articles_words_are_its_distinct_whole_han_words() -> None:
    words = article_words("城乡居民因从事调解工作致使本人误工的，由村民委员会给予适当的误工补贴。2020年")
    assert "调解" in words and "误工" in words and "补贴" in words and "城乡居民" in words
    assert "乡居" not in words  # a fragment search mode would add
    assert len(words) == len(set(words))
    assert all(len(w) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in w) for w in words)


def test_the_cache_is_made_once_outside_the_data_directory_and_read_back(tmp_path: Path) -> None:
    laws, cache = write_laws(tmp_path / "laws"), tmp_path / "cache"
    path, made = sync_articles(laws, cache)
    assert made and path.parent == cache and path.exists()
    articles = load_articles(path)
    assert len(articles) == 5  # four of the mediation law, one of the food law; README has none
    # Rows follow the files' order (地方性法规/示例省人民调解条例.md before the food law).
    assert "误工" in articles.words(2) and "误工" not in articles.words(0)
    df = dict(zip(articles.vocabulary, articles.article_df.tolist(), strict=True))
    texts = [*parse_articles(MEDIATION_LAW), *parse_articles(FOOD_LAW)]
    assert df == {w: sum(w in article_words(t) for t in texts) for w in df}
    assert df["误工"] == 1 and df["调解"] >= 3 and set(df) == {w for t in texts for w in article_words(t)}
    assert all(articles.words(i) == article_words(t) for i, t in enumerate(texts))
    expected = embed([parse_articles(MEDIATION_LAW)[2][:EMBEDDED_CHARS]])[0]
    assert float(articles.matrix[2].astype(np.float32) @ expected) / QUANT > 0.99
    # The HNSW graph is saved beside it, newer than the vectors, so serving maps it.
    assert graph_path(path).exists() and read_graph(path, 5) is not None
    stamp = path.stat().st_mtime_ns
    assert sync_articles(laws, cache) == (path, False)
    assert path.stat().st_mtime_ns == stamp


def test_a_changed_law_makes_a_new_cache_and_removes_the_old(tmp_path: Path) -> None:
    laws, cache = write_laws(tmp_path / "laws"), tmp_path / "cache"
    old, _ = sync_articles(laws, cache)
    changed = laws / "地方性法规" / "示例省食品小作坊管理条例.md"
    changed.write_text(
        FOOD_LAW + "\n第2条 食品小作坊应当在显著位置公示登记证，接受社会监督。\n", encoding="utf-8"
    )
    os.utime(changed, ns=(changed.stat().st_atime_ns, changed.stat().st_mtime_ns + 10**9))
    assert cache_path(laws, cache) != old
    new, made = sync_articles(laws, cache)
    assert made and len(load_articles(new)) == 6
    assert sorted(p.name for p in cache.iterdir()) == sorted([new.name, graph_path(new).name])


def test_a_folder_without_articles_is_an_error_that_names_it(tmp_path: Path) -> None:
    (tmp_path / "laws").mkdir()
    (tmp_path / "laws" / "说明.md").write_text("没有条文。", encoding="utf-8")
    with pytest.raises(ValueError, match="没有找到法规条文"):
        sync_articles(tmp_path / "laws", tmp_path / "cache")
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())
