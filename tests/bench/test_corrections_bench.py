"""Runs the corrections benchmark on a small collection of our own so the script cannot silently rot, and
checks that its two variants differ where round 13's word check is what tells them apart."""

from __future__ import annotations

from pathlib import Path

from bench import corrections as bench
from tests.factories import build_data_dir, guide

BODY_HEADER = "留言编号,留言用户,留言主题,留言时间,留言详情,一级分类\n"


def test_corrections_bench_counts_what_each_variant_offers(tmp_path: Path) -> None:
    messages = tmp_path / "shared/data/messages"
    messages.mkdir(parents=True)
    (messages / "queries_from_message_titles.tsv").write_text(
        "source\tkind\t留言编号\tquery_title\n附件2.xlsx\tclassified\t1\t医务人员在医院被打了找谁\n", "utf-8"
    )
    body = "1,U1,标题,2020/1/1,单位多年不发放高温补贴。短句,其他\n"  # one sentence of 10–30 characters
    (messages / "附件2.csv").write_text(BODY_HEADER + body, "utf-8")
    (messages / "附件4.csv").write_text(BODY_HEADER, "utf-8")
    assert bench.body_sentences(messages) == ["单位多年不发放高温补贴"]
    names = ("义务教育入学登记", "残疾人证补发", "补发工资")
    documents = [guide(name, f"G{i}") for i, name in enumerate(names)]
    build_data_dir(tmp_path / "data", documents)
    report = bench.measure(tmp_path / "data", tmp_path / "shared")
    before, after = report["before round 13"], report["round 13"]
    assert before["message titles"]["listed"][0]["correction"].startswith("义务人员")
    assert after["message titles"]["offered"] + after["message titles"]["applied"] == 0
    assert after["slips"]["queries"] > 200  # the analysis sets' typo, homophone and shape queries
    table = bench.markdown(report)
    assert "| round 13 | 0 / 0 of 1 |" in table
