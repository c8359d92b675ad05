"""Corrections offered to citizens' own words, as round 13 makes them and as before it, measured in the same
run: before, a fix could change or cut a word of the language (`spelling._breaks_a_word`) and was put in
place of the results in a citizen's account too (`understanding.reads_better`, `query.long_account`).
(The third change of round 13, masked place names left alone, is in both.)

    python bench/corrections.py [--data-dir DIR] [--shared ../shared] [--out bench/results/]

Citizens' own words: the 645 message titles of ../shared/data/messages and one sentence of 10–30
characters from each message body of 附件2 and 附件4 (drawn with `random.Random(1202)`), searched as they
are. Hardly any has a slip, so nearly every correction there is a wrong 您要找的是不是 (offered) or, worse,
results replaced by a misreading (applied); each one is listed for a reader to judge. Slips: the typo,
homophone and shape queries of the analysis sets (own 1–9 and the perturbed set), where a correction is
wanted: how many are corrected and how many find a relevant title in the first ten.
"""

from __future__ import annotations

import csv
import random
import re
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path
from typing import Any
from unittest.mock import patch

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from bench.reporting import bench_parser, tsv_column, write_results  # noqa: E402
from bench.search_bench import build_corpus  # noqa: E402
from govsearch.app import build_engine  # noqa: E402
from govsearch.settings import Settings  # noqa: E402
from search_api.engine import spelling, understanding  # noqa: E402
from search_api.engine.evaluation import is_relevant, kind_of, load_judgments  # noqa: E402
from search_api.engine.models import SearchRequest  # noqa: E402
from search_api.engine.search import SearchEngine  # noqa: E402

SLIP_KINDS = ("typo", "homophone", "shape")
SLIP_SETS = ("own_queries.tsv", *(f"own_queries_{i}.tsv" for i in range(2, 10)), "perturbed.tsv")


def body_sentences(messages: Path, seed: int = 1202) -> list[str]:
    """One sentence of 10–30 characters from each message body that has one, as the citizen wrote it
    (not `synonyms.messages.read_messages`, which cuts masked places out: A市 is part of what is measured)."""
    rows: list[dict[str, str]] = []
    for name in ("附件2.csv", "附件4.csv"):
        with (messages / name).open(encoding="utf-8") as file:
            rows += list(csv.DictReader(file))
    draw = random.Random(seed)
    found = []
    for row in rows:
        parts = [p.strip() for p in re.split(r"[。！？!?\n]", row["留言详情"]) if 10 <= len(p.strip()) <= 30]
        if parts:
            found.append(draw.choice(parts))
    return found


@contextmanager
def as_before(service: SearchEngine) -> Iterator[None]:
    """The spelling as it was before round 13: any fix may change or cut a word of the language, and one
    that reads better replaces the results of an account as of any query."""
    with (
        patch.object(spelling, "_breaks_a_word", lambda fix, words: False),
        patch.object(understanding, "long_account", lambda query: False),  # the name reads_better calls
    ):
        service.knowledge.get().memo.clear()
        try:
            yield
        finally:
            service.knowledge.get().memo.clear()


def corrections(service: SearchEngine, queries: list[str]) -> dict[str, Any]:
    listed = []
    for query in queries:
        found = service.search(SearchRequest(q=query)).correction
        if found is not None and found.reason == "typo":
            listed.append({"query": query, "correction": found.text, "applied": found.applied})
    applied = sum(1 for c in listed if c["applied"])
    return {"queries": len(queries), "offered": len(listed) - applied, "applied": applied, "listed": listed}


def slips(service: SearchEngine, evals: Path) -> dict[str, int]:
    judged = [j for name in SLIP_SETS for j in load_judgments(evals / name) if kind_of(j.note) in SLIP_KINDS]
    corrected = found = 0
    for judgment in judged:
        response = service.search(SearchRequest(q=judgment.query))
        corrected += bool(response.correction and response.correction.reason == "typo")
        found += any(is_relevant(hit.title, judgment.fragments) for hit in response.hits[:10])
    return {"queries": len(judged), "corrected": corrected, "relevant_in_first_ten": found}


def measure(data_dir: Path, shared: Path) -> dict[str, Any]:
    service = build_engine(Settings(data_dir=data_dir, log_queries=False))
    service.knowledge.settle()
    sources = {
        "message titles": tsv_column(shared / "data/messages/queries_from_message_titles.tsv", "query_title"),
        "message body sentences": body_sentences(shared / "data/messages"),
    }
    report: dict[str, Any] = {}
    for variant in ("before round 13", "round 13"):
        with as_before(service) if variant.startswith("before") else nullcontext():
            report[variant] = {
                **{name: corrections(service, queries) for name, queries in sources.items()},
                "slips": slips(service, ROOT / "bench" / "eval"),
            }
    return report


def markdown(report: dict[str, Any]) -> str:
    lines = [
        "# Corrections offered to citizens' own words (`bench/corrections.py`)",
        "",
        "| variant | message titles: offered / applied | body sentences: offered / applied "
        "| slips: corrected / relevant in first ten |",
        "|---|---|---|---|",
    ]
    for variant, found in report.items():
        titles, bodies, slip = found["message titles"], found["message body sentences"], found["slips"]
        lines.append(
            f"| {variant} | {titles['offered']} / {titles['applied']} of {titles['queries']} "
            f"| {bodies['offered']} / {bodies['applied']} of {bodies['queries']} "
            f"| {slip['corrected']} / {slip['relevant_in_first_ten']} of {slip['queries']} |"
        )
    for variant, found in report.items():
        for source in ("message titles", "message body sentences"):
            lines += ["", f"## {variant}: {source}", ""]
            lines += [
                f"- {'applied' if c['applied'] else 'offered'}: {c['query']} → {c['correction']}"
                for c in found[source]["listed"]
            ]
    return "\n".join(lines) + "\n"


def main() -> int:
    parser = bench_parser(__doc__, "the data directory (default: built as bench/relevance.sh builds it)")
    args = parser.parse_args()
    if args.data_dir is not None:
        report = measure(args.data_dir, args.shared)
    else:
        with tempfile.TemporaryDirectory() as tmp:
            build_corpus(args.shared, Path(tmp))
            report = measure(Path(tmp), args.shared)
    write_results(args.out, "corrections", report, markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
