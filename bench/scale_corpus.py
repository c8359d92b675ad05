"""The generated corpus and the query mix of `bench/scale.py`.

Service-item records in the Guangdong JSON Lines shape, recombined from the real Guangdong items (name,
department, type, materials, aliases) and sentences of the laws in `../shared/data/laws/` (the 受理条件
text, 1–3 KB a record); seeded, so the same size gives the same corpus. A record past the first copy of
the real items is the same item implemented in another city (its own 实施编码, region and guide URL), with
a sub-item named after another item now and then — the way real catalogues grow.
"""

from __future__ import annotations

import json
import random
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

CITIES = [
    ("广东省", "440000", "省级"),
    ("广州市", "440100", "市级"),
    ("深圳市", "440300", "市级"),
    ("珠海市", "440400", "市级"),
    ("汕头市", "440500", "市级"),
    ("佛山市", "440600", "市级"),
    ("韶关市", "440200", "市级"),
    ("江门市", "440700", "市级"),
    ("湛江市", "440800", "市级"),
    ("茂名市", "440900", "市级"),
    ("肇庆市", "441200", "市级"),
    ("惠州市", "441300", "市级"),
    ("梅州市", "441400", "市级"),
    ("东莞市", "441900", "市级"),
    ("中山市", "442000", "市级"),
    ("广州市天河区", "440106", "县级"),
    ("深圳市南山区", "440305", "县级"),
]
# What citizens type most: two to four characters, where per-query work is largest.
SHORT_QUERIES = [
    "社保", "医保", "公积金", "户口", "身份证", "护照", "驾驶证", "营业执照", "结婚", "离婚", "生育",
    "退休", "养老", "失业", "低保", "残疾", "出生证明", "居住证", "港澳通行证", "税务", "发票", "专利",
    "商标", "食品", "药品", "建筑", "消防", "环评", "教师资格", "律师", "公证", "房产", "不动产", "车辆",
    "交通", "档案", "人才", "落户", "补贴", "证明",
]  # fmt: skip
_SENTENCE = re.compile(r"[^。！？\n]{12,160}[。！？]")


def law_sentences(shared: Path, limit_files: int = 1200) -> list[str]:
    """Sentences of the law texts (headings and list markers dropped)."""
    index = json.loads((shared / "data/laws/index.json").read_text(encoding="utf-8"))
    found: list[str] = []
    for entry in index[:limit_files]:
        path = shared / "data/laws/md" / entry["path"]
        if path.is_file():
            text = path.read_text(encoding="utf-8")
            found += [s.strip().lstrip("#*- ") for s in _SENTENCE.findall(text)]
    return found


def real_items(shared: Path) -> list[dict[str, Any]]:
    lines = (shared / "data/service_items/guangdong.jsonl").read_text(encoding="utf-8").splitlines()
    items = [json.loads(line) for line in lines if line.strip()]
    for item in items:  # only the aliases of the original record are read by the importer
        raw = item.get("_raw") or {}
        item["_raw"] = {k: raw.get(k) for k in ("matter_short", "matter_daily")}
    return items


def records(n: int, shared: Path, seed: int = 18) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    items = real_items(shared)
    sentences = law_sentences(shared)
    for i in range(n):
        base = items[i % len(items)]
        record = dict(base)
        if i >= len(items):  # a copy: another city implements the same item
            region, code, level = CITIES[rng.randrange(len(CITIES))]
            record.update({"行政区划": region, "区划代码": code, "层级": level})
            if rng.random() < 0.3:
                other = items[rng.randrange(len(items))]["事项名称"]
                record["子项名称"] = other
                record["事项名称"] = f"{base['事项名称']}（{other}）"
        record["事项编码"] = f"{base['事项编码']}{i:07d}"
        record["办事指南URL"] = f"https://scale.example.gov.cn/item/{i}"
        target = rng.randint(350, 1000)  # characters: 1–3 KB of UTF-8
        parts = [str(base.get("受理条件") or "")[:300]]
        while sum(len(p) for p in parts) < target:
            parts.append(sentences[rng.randrange(len(sentences))])
        record["受理条件"] = "".join(parts)
        yield record


def write_corpus(n: int, shared: Path, path: Path, seed: int = 18) -> int:
    """Writes the corpus as JSON Lines; returns its size in bytes. A complete file of `n` records left by
    an earlier run is kept (a build can be started again with other settings without generating 1M
    records anew); a new file appears under its name only once it is complete."""
    if path.exists() and _lines(path) == n:
        return path.stat().st_size
    partial = path.with_name(path.name + ".partial")
    with partial.open("w", encoding="utf-8") as out:
        for record in records(n, shared, seed):
            out.write(json.dumps(record, ensure_ascii=False) + "\n")
    partial.replace(path)
    return path.stat().st_size


def _lines(path: Path) -> int:
    with path.open("rb") as file:
        return sum(chunk.count(b"\n") for chunk in iter(lambda: file.read(1 << 20), b""))


def query_mix(shared: Path) -> list[str]:
    """The development queries, the 645 citizens' message titles and short common queries, interleaved
    the way a real log mixes them (seeded)."""

    def column(path: Path, name: str) -> list[str]:
        lines = path.read_text(encoding="utf-8").splitlines()
        at = lines[0].split("\t").index(name)
        return [line.split("\t")[at].strip() for line in lines[1:] if line.strip()]

    dev = column(shared / "eval/dev_queries.tsv", "query")
    messages = column(shared / "data/messages/queries_from_message_titles.tsv", "query_title")
    mix = [q[:100] for q in [*dev, *messages, *SHORT_QUERIES * 3] if q]
    random.Random(18).shuffle(mix)
    return mix


def suggest_prefixes(queries: list[str]) -> list[str]:
    """Every prefix (up to 6 characters) of the short queries and the development queries."""
    found: list[str] = []
    for q in queries:
        text = "".join(q.split())
        found += [text[:n] for n in range(1, min(len(text), 6) + 1)]
    return list(dict.fromkeys(found))
