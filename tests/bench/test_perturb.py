"""`bench/perturb.py`: the generated spelling variants keep their judged titles, come out the same for
one seed, refuse a held-out set, and the report compares each kind with its originals."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import opencc
import pytest

SCRIPT = Path(__file__).resolve().parents[2] / "bench" / "perturb.py"


@pytest.fixture(scope="module")
def perturb() -> ModuleType:
    spec = importlib.util.spec_from_file_location("perturb", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules.setdefault("perturb", module)
    spec.loader.exec_module(module)
    return module


def test_variants_keep_their_titles_and_one_seed_gives_one_set(perturb: ModuleType, tmp_path: Path) -> None:
    source = tmp_path / "dev_queries.tsv"
    source.write_text(
        "query\trelevant\tnote\n换护照\t办理及加注普通护照\tcolloquial\n残疾证怎么办\t残疾人证\tq\n"
        "shebao\t社会保险\tpinyin: already a variant\n",
        encoding="utf-8",
    )
    rows = perturb.generate(perturb.read_sources([source]), 13)
    assert rows == perturb.generate(perturb.read_sources([source]), 13)
    kinds = {(v.note.split()[0], v.query) for v in rows}
    assert ("pinyin", "huanhuzhao") in kinds and ("initials", "hhz") in kinds
    assert ("traditional", "換護照") in kinds and ("pinyin", "canjizhengzenmeban") in kinds
    assert not any("shebao" in v.note for v in rows)  # a variant already is not perturbed again
    for variant in rows:
        original = variant.note.split("orig=")[-1] if "orig=" in variant.note else variant.query
        assert variant.relevant == {"换护照": "办理及加注普通护照", "残疾证怎么办": "残疾人证"}[original]
        if variant.note.startswith("traditional"):
            assert opencc.OpenCC("t2s").convert(variant.query) == original
        if variant.note.startswith(("homophone", "shape")):
            assert len(variant.query) == len(original)
            assert sum(a != b for a, b in zip(variant.query, original, strict=True)) == 1
    with pytest.raises(SystemExit):
        perturb.read_sources([tmp_path / "own_queries_3.tsv"])


def test_the_report_sets_each_kind_against_its_originals(perturb: ModuleType) -> None:
    rows = [
        ("original src=dev:2", "换护照"),
        ("pinyin src=dev:2 orig=换护照", "huanhuzhao"),
        ("original src=dev:3", "残疾证怎么办"),
        ("pinyin src=dev:3 orig=残疾证怎么办", "canjizhengzenmeban"),
    ]
    figures = perturb.per_kind(rows, [1, None, 2, 1])["pinyin"]
    assert figures.count == 2 and figures.lost == 1
    assert figures.success == 1.0 and figures.original_success == 2.0
    assert figures.mrr == 1.0 and figures.original_mrr == 1.5
