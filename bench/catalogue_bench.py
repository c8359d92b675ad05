"""Benchmark: catalogue linking and the item card, each against a naive baseline measured in the same run.

  python bench/catalogue_bench.py [--shared ../shared] [--out bench/results/]

* linking  – every policy of govcn_2019.jsonl and every Guangdong guide against the Guangdong and
  Sichuan catalogues. Ours: `Linker.link` (one Aho–Corasick pass per sentence). Baseline: the same
  patterns looked up one by one with `pattern in sentence` (what a plain loop would do); matching only.
* item card – `ItemMatcher.best` (character-bigram candidates, then exact coverage) for the
  development queries plus the issue's examples. Baseline: the same coverage computed for every item.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from indexer.analysis import (  # noqa: E402
    compact,
    query_stopwords,
    segment_query,
)
from indexer.catalogue.formats import read_catalogue  # noqa: E402
from indexer.documents import CatalogueItem, Document, PolicyDocument  # noqa: E402
from indexer.importer import ImportReport  # noqa: E402
from indexer.linking import Linker, sentences  # noqa: E402
from search_api.engine.item_card import ItemMatcher, _coverage  # noqa: E402
from search_api.engine.item_card import prepared as spans_of  # noqa: E402
from synonyms.expansion import load_default_synonyms  # noqa: E402

EXAMPLES = ("驾照到期换证", "律所查询", "社保卡挂失", "注销律师证", "结婚登记", "身份证", "残疾证怎么办")


def _ms(seconds: float) -> float:
    return round(seconds * 1000, 3)


def _timed(function: Callable[[], object], repeat: int) -> list[float]:
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        function()
        times.append(time.perf_counter() - started)
    return times


def load(shared: Path, limit: int | None = None) -> tuple[list[CatalogueItem], list[Document], list[str]]:
    items: list[CatalogueItem] = []
    docs: list[Document] = []
    for name in ("data/service_items/guangdong.jsonl", "data/catalogue/sichuan_guangan.csv"):
        for x in read_catalogue(shared / name, ImportReport()):
            items.append(x.item)
            if x.guide is not None:
                docs.append(x.guide)
    for line in (shared / "data/policies/govcn_2019.jsonl").read_text(encoding="utf-8").splitlines():
        r = json.loads(line)
        docs.append(PolicyDocument(url=r["url"], title=r["标题"], subject=r["主题分类"], body=r["body_text"]))
    queries = [line.split("\t")[0] for line in (shared / "eval/dev_queries.tsv").read_text().splitlines()[1:]]
    if limit:
        items, docs = items[:limit], docs[:limit]
    return items, docs, [*queries, *EXAMPLES]


def bench_linking(items: list[CatalogueItem], docs: list[Document]) -> dict[str, Any]:
    started = time.perf_counter()
    linker = Linker(items)
    build = time.perf_counter() - started
    patterns = list(map(str, linker._automaton.keys()))  # the same patterns, for the baseline
    texts = [
        [
            compact(s)
            for s in sentences(f"{d.title}\n{d.body if isinstance(d, PolicyDocument) else d.conditions}")
        ]
        for d in docs
    ]

    flat = [s for doc_sentences in texts for s in doc_sentences]

    def ours() -> set[tuple[int, str]]:
        return {(i, text) for i, s in enumerate(flat) for text, _targets in linker._matches(s)}

    def naive() -> set[tuple[int, str]]:
        return {(i, p) for i, s in enumerate(flat) for p in patterns if p in s}

    assert ours() == naive()  # same matches, or the comparison means nothing
    ours_s, naive_s = min(_timed(ours, 3)), min(_timed(naive, 1))
    started = time.perf_counter()
    links = sum(len(linker.link(d)) for d in docs)
    full = time.perf_counter() - started
    return {
        "items": len(items),
        "documents": len(docs),
        "patterns": len(patterns),
        "build_ms": _ms(build),
        "matching_ms": {"ours": _ms(ours_s), "baseline": _ms(naive_s), "ratio": round(ours_s / naive_s, 4)},
        "link_all_ms": _ms(full),
        "links": links,
    }


def bench_card(items: list[CatalogueItem], queries: Sequence[str]) -> dict[str, Any]:
    synonyms = load_default_synonyms()
    matcher = ItemMatcher(items)
    prepared = [(tokens, synonyms.expand(tokens)) for tokens in (segment_query(q) for q in queries)]
    stop = query_stopwords()

    def full_scan(tokens: list[str], matches: Any) -> str | None:
        words = [compact(t) for t in tokens]
        spans = spans_of(matches)
        best = max(
            (
                (max(_coverage(words, spans, n, stop) for n in e.names), e.key)
                for e in map(matcher.entry, range(len(matcher)))
            ),
            default=(0.0, ""),
        )
        return best[1] if best[0] >= 0.6 else None

    ours = [min(_timed(lambda t=t, m=m: matcher.best(t, m), 3)) for t, m in prepared]
    base = [min(_timed(lambda t=t, m=m: full_scan(t, m), 1)) for t, m in prepared]
    p = statistics.quantiles
    return {
        "queries": len(prepared),
        "ours_ms": {"p50": _ms(statistics.median(ours)), "p95": _ms(p(ours, n=20)[-1])},
        "baseline_ms": {"p50": _ms(statistics.median(base)), "p95": _ms(p(base, n=20)[-1])},
        "ratio_p50": round(statistics.median(ours) / statistics.median(base), 4),
        "cards": sum(1 for t, m in prepared if matcher.best(t, m)),
    }


def report(result: dict[str, Any]) -> str:
    link, card = result["linking"], result["item_card"]
    m = link["matching_ms"]
    return "\n".join(
        [
            f"# Catalogue benchmark {result['date']}",
            "",
            f"{link['items']} items, {link['documents']} documents, {link['patterns']} patterns; "
            f"{card['queries']} queries (ratios: ours ÷ baseline, same run).",
            "",
            "| measure | baseline | ours | ratio |",
            "|---|---|---|---|",
            f"| matching every sentence of every document | {m['baseline']} ms | {m['ours']} ms | "
            f"{m['ratio']}× |",
            f"| item card p50 | {card['baseline_ms']['p50']} ms | {card['ours_ms']['p50']} ms | "
            f"{card['ratio_p50']}× |",
            f"| item card p95 | {card['baseline_ms']['p95']} ms | {card['ours_ms']['p95']} ms | – |",
            "",
            f"Linker build {link['build_ms']} ms; linking every document {link['link_all_ms']} ms "
            f"({link['links']} links); cards shown for {card['cards']} of {card['queries']} queries.",
            "",
        ]
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--limit", type=int, help="use only this many items and documents (smoke test)")
    args = parser.parse_args(argv)
    items, docs, queries = load(args.shared, args.limit)
    today = dt.date.today().strftime("%Y%m%d")
    result = {"date": today, "linking": bench_linking(items, docs), "item_card": bench_card(items, queries)}
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / f"catalogue_{today}.json").write_text(json.dumps(result, ensure_ascii=False, indent=2))
    text = report(result)
    (args.out / f"catalogue_{today}.md").write_text(text, encoding="utf-8")
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
