"""The relevance harness: judged queries → success@10, MRR@10, nDCG@10.

A judgment file is TSV with a header: `query<TAB>relevant<TAB>note`; `relevant` holds title
fragments separated by `|`; a hit is relevant when its normalised title contains one of them.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from indexer.analysis import compact

CUTOFF = 10


@dataclass(frozen=True)
class Judgment:
    query: str
    fragments: tuple[str, ...]
    note: str
    line: int


@dataclass
class QueryOutcome:
    judgment: Judgment
    titles: list[str]
    rank: int | None  # 1-based rank of the first relevant hit within the cutoff
    ndcg: float


@dataclass
class EvalReport:
    outcomes: list[QueryOutcome] = field(default_factory=list)

    @property
    def success(self) -> float:
        return _mean([1.0 if o.rank else 0.0 for o in self.outcomes])

    @property
    def mrr(self) -> float:
        return _mean([1.0 / o.rank if o.rank else 0.0 for o in self.outcomes])

    @property
    def ndcg(self) -> float:
        return _mean([o.ndcg for o in self.outcomes])

    @property
    def failures(self) -> list[QueryOutcome]:
        return [o for o in self.outcomes if not o.rank]

    def summary_line(self) -> str:
        return (
            f"success@10={self.success:.3f} MRR@10={self.mrr:.3f} "
            f"nDCG@10={self.ndcg:.3f} queries={len(self.outcomes)}"
        )


class JudgmentFileError(ValueError):
    pass


def _mean(values: Sequence[float]) -> float:
    return sum(values) / len(values) if values else 0.0


def _key(text: str) -> str:
    return compact(text)


def load_judgments(path: Path) -> list[Judgment]:
    """Parse a judgment TSV; a malformed line raises with `file:line`."""
    judgments: list[Judgment] = []
    lines = path.read_text(encoding="utf-8").splitlines()
    for number, line in enumerate(lines, start=1):
        if number == 1 and line.lower().startswith("query\t"):
            continue
        if not line.strip() or line.startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2 or not parts[0].strip() or not parts[1].strip():
            raise JudgmentFileError(f"{path}:{number}: 需要 “查询<TAB>相关标题片段<TAB>备注” 三列")
        fragments = tuple(f.strip() for f in parts[1].split("|") if f.strip())
        judgments.append(
            Judgment(parts[0].strip(), fragments, parts[2].strip() if len(parts) > 2 else "", number)
        )
    if not judgments:
        raise JudgmentFileError(f"{path}: 没有可评测的查询")
    return judgments


def is_relevant(title: str, fragments: Sequence[str]) -> bool:
    key = _key(title)
    return any(_key(f) in key for f in fragments)


def score_titles(judgment: Judgment, titles: list[str]) -> QueryOutcome:
    gains = [1.0 if is_relevant(t, judgment.fragments) else 0.0 for t in titles[:CUTOFF]]
    rank = next((i + 1 for i, g in enumerate(gains) if g), None)
    dcg = sum(g / math.log2(i + 2) for i, g in enumerate(gains))
    ideal_count = min(len(judgment.fragments), CUTOFF)
    idcg = sum(1.0 / math.log2(i + 2) for i in range(ideal_count))
    return QueryOutcome(judgment, titles, rank, min(dcg / idcg, 1.0) if idcg else 0.0)


def evaluate(judgments: Sequence[Judgment], top_titles: Callable[[str], list[str]]) -> EvalReport:
    """Run every judged query through `top_titles` (the real search) and score the result."""
    return EvalReport([score_titles(j, top_titles(j.query)) for j in judgments])


def format_report(report: EvalReport) -> str:
    lines = []
    for outcome in report.failures:
        top = " | ".join(outcome.titles[:3]) or "（无结果）"
        lines.append(
            f"FAIL {outcome.judgment.query}\t想要：{'|'.join(outcome.judgment.fragments)}\t前三：{top}"
        )
    lines.append(kinds_line(report))
    lines.append(report.summary_line())
    return "\n".join(lines)


def kind_of(note: str) -> str:
    """The kind of a judged query: the first word of its note (colloquial, pinyin …), else 其他."""
    return note.replace(":", " ").split()[0] if note.strip() else "其他"


def kinds_line(report: EvalReport) -> str:
    """Successes per kind, e.g. `kinds: pinyin 5/6, typo 7/8`."""
    found: dict[str, list[int]] = {}
    for outcome in report.outcomes:
        tally = found.setdefault(kind_of(outcome.judgment.note), [0, 0])
        tally[0] += 1 if outcome.rank else 0
        tally[1] += 1
    return "kinds: " + ", ".join(f"{k} {ok}/{n}" for k, (ok, n) in sorted(found.items()))
