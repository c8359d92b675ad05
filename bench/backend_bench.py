"""Benchmark: the tantivy backend against a SQLite FTS5 baseline on synthetic government documents.

    python bench/backend_bench.py [--docs 100000] [--queries 300] [--out bench/results/]

Both engines get the same pre-segmented, space-joined tokens (segmentation is timed separately).
  * common term   – one frequent token, top 10 by BM25 (title weight 3, body 1).
  * synonym groups – 3 groups × 3 alternatives. tantivy: `BackendQuery` with 3 `Group`s of 3 `Clause`s
    (should of dis-max, as the service sends it); FTS5: `(a OR b OR c) OR (d OR e OR f) OR (g OR h OR i)`,
    the same match set (any alternative of any group), ranked by FTS5's summed bm25.
  * mixed         – 1–4 random tokens, OR semantics on both, single-thread queries per second.
  * suggest       – `TantivyBackend.suggest`, 1–2 character prefixes segmented as the service does it.
tantivy goes through the real `TantivyBackend.search`, which also counts all hits and loads stored ids;
FTS5 runs `ORDER BY bm25 LIMIT 10` and returns ids without a total count. Build: tantivy via the real
`index()` (upsert by id, facets; 2 writer threads; merges awaited), batches of 10k;
FTS5 plain INSERTs into a regular (content-storing) table, one transaction per batch.
"""

from __future__ import annotations

import argparse
import datetime as dt
import importlib.metadata
import json
import multiprocessing
import os
import platform
import random
import resource
import sqlite3
import statistics
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout; `indexer` need not be installed

from indexer.analysis import normalize, segment_for_index, segment_query  # noqa: E402
from indexer.backends.base import BackendQuery, Clause, Group  # noqa: E402
from indexer.backends.tantivy_backend import TantivyBackend  # noqa: E402
from indexer.fields import IndexDoc  # noqa: E402

SEED = 20240601
TARGET_BYTES = 2048  # ~2 KB of UTF-8 body text per document (≈ 680 Chinese characters)
BATCH = 10_000
TITLE_WEIGHT, BODY_WEIGHT = 3.0, 1.0
FIELD_WEIGHTS = {"title": TITLE_WEIGHT, "body": BODY_WEIGHT}


CONTENT_WORDS = str.split(
    """
社会保险 养老保险 医疗保险 失业保险 工伤保险 生育保险 基本养老金 养老金 参保 参保人员 缴费 缴费基数 缴费年限
待遇 领取 转移接续 社保卡 医保 医保卡 异地就医 报销 备案 定点医院 门诊 住院 慢性病 大病保险 医疗救助
个人账户 统筹基金 公积金 住房公积金 提取 贷款 购房 租房 保障性住房 公租房 廉租房 不动产 不动产登记 产权
房产证 商品房 预售 二手房 过户 抵押 房屋 物业 拆迁 征收 补偿 安置 棚户区 改造 身份证 居民身份证 户口 户籍
户口簿 居住证 护照 港澳通行证 签注 出入境 临时身份证 迁移 落户 迁入 迁出 出生登记 死亡登记 婚姻登记 结婚
离婚 收养 登记 申请 办理 材料 审批 审核 受理 办结 时限 流程 窗口 网上办理 一网通办 政务服务 政务服务中心
便民服务 咨询 投诉 举报 查询 预约 证明 证照 许可 核准 变更 注销 延续 换领 补领 年检 复核 公示 公告 告知承诺
容缺受理 电子证照 线上 线下 现场 邮寄 免费 收费标准 法定期限 承诺期限 办件 事项 实施主体 依据 条件 对象 范围
标准 城乡居民 城镇职工 农村 农民 农民工 困难群众 低保 最低生活保障 特困人员 残疾人 老年人 高龄津贴 儿童
未成年人 妇女 退役军人 优抚对象 烈士 军属 高校毕业生 大学生 失业人员 就业困难人员 灵活就业人员 个体工商户
小微企业 企业 事业单位 机关 社会组织 补贴 补助 津贴 救助 资助 奖励 奖补 贴息 减免 税收优惠 创业担保贷款
创业补贴 就业补贴 社保补贴 岗位补贴 培训补贴 职业技能培训 技能提升 求职创业补贴 一次性补助 稳岗返还 临时救助
生活补助 护理补贴 耕地地力保护补贴 农机购置补贴 医疗 生育 生育津贴 产假 孕产妇 新生儿 疫苗 接种 预防接种
健康 体检 卫生 医师 执业 药品 医疗器械 传染病 公共卫生 家庭医生 签约 就业 创业 失业 再就业 劳动合同 劳动关系
工资 最低工资 欠薪 劳动仲裁 劳动监察 人力资源 招聘 人才 人才引进 职称 职业资格 技能等级 继续教育 档案 教育
义务教育 入学 学籍 招生 幼儿园 中小学 高中 学前教育 助学金 助学贷款 奖学金 教师资格 转学 随迁子女 营养改善
营业执照 市场主体 注册 企业开办 经营范围 食品经营许可 税务 纳税 发票 增值税 个人所得税 专项附加扣除
社会信用代码 年报 信用 失信 营商环境 招标 投标 政府采购 合同 知识产权 商标 专利 驾驶证 机动车 行驶证 车辆
年审 违章 交通 公交 道路 运输 出租车 网约车 停车 规划 建设 环境保护 环评 排污许可 应急 安全生产 消防 防汛
气象 文化 旅游 体育 民政 养老服务 养老机构 殡葬 慈善 志愿服务 社区 街道 乡镇 村委会 居委会 基层 乡村振兴
农业 林业 水利 土地 宅基地 承包地 自然资源 生态 财政 预算 资金 专项资金 审计 统计 价格 市场监管 质量 计量
标准化 公安 司法 法律援助 公证 调解 信访 人民政府 国务院 办公厅 人力资源和社会保障局 住房和城乡建设局
医疗保障局 民政局 卫生健康委员会 教育局 税务局 公安局 自然资源局 市场监督管理局 通知 意见 办法 规定 细则
方案 决定 实施 印发 贯彻落实 进一步 加强 推进 做好 完善 优化 深化 改革 工作 管理 服务 保障 政策 制度 机制
措施 有关 相关 部门 单位 个人 家庭 人员 年度 期间 有效期
"""
)
FILLER_WORDS = str.split(
    """
的 和 及 与 或 在 按照 根据 对 向 由 经 应当 可以 需要 须 不得 并 等 其 所 为 将 已 未 是 有 以上 以下
之日起 个 工作日 内 后 前 时 同时 其中 一律 均
"""
)
TITLE_SUFFIXES = ("办事指南", "的通知", "实施办法", "暂行规定", "操作规程", "服务指南", "")
REGIONS = ("北京市", "上海市", "广东省", "浙江省", "四川省", "湖北省", "江苏省", "山东省")
ZIPF_WEIGHTS = [1.0 / (rank + 1) ** 1.05 for rank in range(len(CONTENT_WORDS))]
Doc = tuple[str, str, str]  # (title_key, title tokens, body tokens), tokens space-joined


def make_doc(i: int) -> tuple[str, str]:
    """Deterministic title and ~2 KB body of document `i`."""
    rng = random.Random(SEED * 1_000_003 + i)
    target = rng.randint(8, 20)
    title = rng.choice(REGIONS) if rng.random() < 0.3 else ""
    for word in rng.choices(CONTENT_WORDS, ZIPF_WEIGHTS, k=12):
        title += word
        if len(title) >= target - 4:
            break
    title = (title + rng.choice(TITLE_SUFFIXES))[:20]
    parts: list[str] = []
    size = 0
    while size < TARGET_BYTES:
        sentence = "".join(
            rng.choice(FILLER_WORDS) if rng.random() < 0.3 else rng.choices(CONTENT_WORDS, ZIPF_WEIGHTS)[0]
            for _ in range(rng.randint(5, 14))
        ) + rng.choice("，。。；")
        parts.append(sentence)
        size += len(sentence.encode("utf-8"))
    return title, "".join(parts)


def segment_doc(i: int) -> Doc:
    title, body = make_doc(i)
    return normalize(title), " ".join(segment_for_index(title)), " ".join(segment_for_index(body))


def build_corpus(n: int, procs: int) -> list[Doc]:
    if procs <= 1:
        return [segment_doc(i) for i in range(n)]
    with multiprocessing.get_context("fork").Pool(procs) as pool:
        return pool.map(segment_doc, range(n), chunksize=500)


def index_docs(corpus: Sequence[Doc]) -> list[IndexDoc]:
    return [
        IndexDoc(
            id=f"d{i}",
            title=title,
            meta="",
            body=body,
            title_key=key,
            codes=(f"code{i}",),
            date_ordinal=738000 + i % 1500,
            keywords={
                "kind": ("guide" if i % 3 else "policy",),
                "region": (REGIONS[i % len(REGIONS)],),
                "site": (f"site{i % 50}",),
            },
        )
        for i, (key, title, body) in enumerate(corpus)
    ]


def dir_bytes(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0  # Linux reports KiB


def build_tantivy(path: Path, corpus: Sequence[Doc]) -> tuple[TantivyBackend, float]:
    docs = index_docs(corpus)
    backend = TantivyBackend(path, writable=True)
    start = time.perf_counter()
    for lo in range(0, len(docs), BATCH):
        backend.index(docs[lo : lo + BATCH])
    backend.close()  # waits for background merges, so the size on disk is settled
    elapsed = time.perf_counter() - start
    backend.refresh()
    return backend, elapsed


def build_fts(path: Path, corpus: Sequence[Doc]) -> tuple[sqlite3.Connection, float]:
    conn = sqlite3.connect(path)
    conn.execute("CREATE VIRTUAL TABLE docs USING fts5(id UNINDEXED, title, body, tokenize='unicode61')")
    start = time.perf_counter()
    for lo in range(0, len(corpus), BATCH):
        rows = [(f"d{i}", t, b) for i, (_k, t, b) in enumerate(corpus[lo : lo + BATCH], start=lo)]
        with conn:
            conn.executemany("INSERT INTO docs(id, title, body) VALUES (?, ?, ?)", rows)
    return conn, time.perf_counter() - start


def fts_stored_bytes(conn: sqlite3.Connection) -> int:
    """Bytes of FTS5's own copy of the text (tantivy keeps no text), 0 if SQLite lacks dbstat."""
    try:
        return int(conn.execute("SELECT sum(pgsize) FROM dbstat WHERE name = 'docs_content'").fetchone()[0])
    except sqlite3.OperationalError:
        return 0


def fts_quote(token: str) -> str:
    return '"' + token.replace('"', '""') + '"'


FTS_SQL = (
    f"SELECT id, bm25(docs, 0.0, {TITLE_WEIGHT}, {BODY_WEIGHT}) AS s FROM docs "
    "WHERE docs MATCH ? ORDER BY s LIMIT 10"
)


def fts_search(conn: sqlite3.Connection, match: str) -> list[str]:
    return [row[0] for row in conn.execute(FTS_SQL, (match,))]


def backend_query(groups: Sequence[Sequence[str]]) -> BackendQuery:
    parsed = tuple(Group(clauses=tuple(Clause(tokens=(t,)) for t in g)) for g in groups)
    return BackendQuery(groups=parsed, field_weights=FIELD_WEIGHTS, limit=10)


def fts_match(groups: Sequence[Sequence[str]]) -> str:
    return " OR ".join("(" + " OR ".join(fts_quote(t) for t in g) + ")" for g in groups)


def latencies_ms(run: Callable[[Any], object], items: Sequence[Any], warmup: int = 10) -> list[float]:
    for item in items[:warmup]:
        run(item)
    out = []
    for item in items:
        start = time.perf_counter_ns()
        run(item)
        out.append((time.perf_counter_ns() - start) / 1e6)
    return out


def pct(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))]


def summary(values: Sequence[float]) -> dict[str, float]:
    return {"p50_ms": pct(values, 0.50), "p95_ms": pct(values, 0.95), "mean_ms": statistics.fmean(values)}


def make_queries(corpus: Sequence[Doc], n: int, rng: random.Random) -> dict[str, list[Any]]:
    """Query terms come from the segmented corpus itself, so every engine sees tokens that exist."""
    df: Counter[str] = Counter()
    for _k, title, body in corpus[:3000]:
        df.update({t for t in (title + " " + body).split() if len(t) >= 2})
    ranked = [t for t, _ in df.most_common()]
    common, pool = ranked[:10], ranked[:300]
    titles = [k for k, _t, _b in corpus]
    starts = [(key, rng.randrange(len(key))) for key in rng.choices(titles, k=n)]
    prefixes = [key[at : at + rng.choice((1, 2))] for key, at in starts]
    return {
        "common": [[[rng.choice(common)]] for _ in range(n)],
        "synonyms": [[rng.sample(pool, 3) for _g in range(3)] for _ in range(n)],
        "mixed": [[[t] for t in rng.sample(pool, rng.randint(1, 4))] for _ in range(n)],
        "suggest": [segment_query(p) or [p] for p in prefixes],  # as the service passes them
    }


def machine_facts() -> dict[str, Any]:
    info = Path("/proc/cpuinfo")
    lines = info.read_text().splitlines() if info.exists() else []
    cpu = next((ln.split(":", 1)[1].strip() for ln in lines if ln.startswith("model name")), "")
    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "python": platform.python_version(),
        "platform": platform.platform(),
        "tantivy": importlib.metadata.version("tantivy"),
        "sqlite": sqlite3.sqlite_version,
    }


def fmt_n(n: int) -> str:
    return f"{n // 1000}k" if n >= 1000 and n % 1000 == 0 else str(n)


def render_table(r: dict[str, Any]) -> str:
    f, t = r["fts5"], r["tantivy"]

    def row(label: str, a: float, b: float, unit: str, digits: int = 2) -> str:
        return f"| {label} | {a:,.{digits}f} {unit} | {b:,.{digits}f} {unit} | {b / a:.2f}× |"

    lines = [
        f"| {fmt_n(r['docs'])} documents | SQLite FTS5 | tantivy (our backend) | ratio (tantivy ÷ FTS5) |",
        "|---|---|---|---|",
        row("common term p50", f["common"]["p50_ms"], t["common"]["p50_ms"], "ms"),
        row("common term p95", f["common"]["p95_ms"], t["common"]["p95_ms"], "ms"),
        row("synonym groups (3×3) p50", f["synonyms"]["p50_ms"], t["synonyms"]["p50_ms"], "ms"),
        row("synonym groups (3×3) p95", f["synonyms"]["p95_ms"], t["synonyms"]["p95_ms"], "ms"),
        row("mixed queries, 1 thread", f["mixed_qps"], t["mixed_qps"], "q/s", 0),
        row("build (segmentation excluded)", f["build_docs_per_s"], t["build_docs_per_s"], "docs/s", 0),
        row("index size on disk", f["size_mb"], t["size_mb"], "MB", 1),
        row("… minus FTS5's copy of the text", f["size_without_text_mb"], t["size_without_text_mb"], "MB", 1),
        f"| suggest p50 / p95 (tantivy only) | – | {t['suggest']['p50_ms']:.2f} / "
        f"{t['suggest']['p95_ms']:.2f} ms | – |",
    ]
    m = r["machine"]
    notes = [
        "",
        f"Latency, size: lower is better; q/s, docs/s: higher is better. {r['queries']} queries per row, "
        f"top 10, title weight {TITLE_WEIGHT:g} / body {BODY_WEIGHT:g}; synonym groups are OR of 3 groups of "
        "3 alternatives on both engines (tantivy: should of dis-max; FTS5: flat OR, summed bm25).",
        f"Segmentation (rjieba search mode, {r['procs']} processes): {r['segment_s']:.1f} s, "
        f"{r['docs'] / r['segment_s']:,.0f} docs/s, avg body {r['avg_body_bytes']:,.0f} bytes. "
        f"Peak RSS: {r['rss_mb']['after_corpus']:,.0f} MB after corpus, "
        f"{r['rss_mb']['after_tantivy']:,.0f} MB after tantivy build, "
        f"{r['rss_mb']['after_fts5']:,.0f} MB after FTS5 build. Total runtime {r['total_s']:.0f} s.",
        f"Machine: {m['nproc']} CPUs ({m['cpu']}), Python {m['python']}, tantivy {m['tantivy']}, "
        f"SQLite {m['sqlite']}, {m['date']}.",
    ]
    return "\n".join(lines + notes) + "\n"


def check_positive(value: Any, path: str = "") -> None:
    if isinstance(value, dict):
        for key, sub in value.items():
            check_positive(sub, f"{path}.{key}")
    elif isinstance(value, (int, float)) and not isinstance(value, bool) and value <= 0:
        raise ValueError(f"benchmark number {path} is not positive: {value}")


def main(argv: Sequence[str] | None = None) -> dict[str, Any]:
    fmt = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=fmt)
    parser.add_argument("--docs", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--procs", type=int, default=2, help="processes for segmentation")
    args = parser.parse_args(argv)
    total_start = time.perf_counter()
    rng = random.Random(SEED)

    start = time.perf_counter()
    corpus = build_corpus(args.docs, args.procs)
    segment_s = time.perf_counter() - start
    sample = [make_doc(i)[1] for i in range(min(200, args.docs))]
    rss: dict[str, float] = {"after_corpus": peak_rss_mb()}
    queries = make_queries(corpus, args.queries, rng)
    print(f"corpus: {args.docs} docs segmented in {segment_s:.1f} s", flush=True)

    with tempfile.TemporaryDirectory(prefix="govsearch-bench-") as tmp:
        tantivy_dir, fts_path = Path(tmp) / "tantivy", Path(tmp) / "fts5.sqlite"
        backend, tantivy_build_s = build_tantivy(tantivy_dir, corpus)
        rss["after_tantivy"] = peak_rss_mb()
        print(f"tantivy built in {tantivy_build_s:.1f} s", flush=True)
        conn, fts_build_s = build_fts(fts_path, corpus)
        rss["after_fts5"] = peak_rss_mb()
        print(f"fts5 built in {fts_build_s:.1f} s", flush=True)
        del corpus

        # Sanity: both engines must see the same documents for the same token.
        for term in [q[0][0] for q in queries["common"][:5]]:
            ours = backend.search(backend_query([[term]])).total
            sql = "SELECT count(*) FROM docs WHERE docs MATCH ?"
            theirs = conn.execute(sql, (fts_quote(term),)).fetchone()[0]
            if ours != theirs:
                raise RuntimeError(f"hit counts differ for {term!r}: tantivy {ours}, FTS5 {theirs}")

        def tan(groups: Sequence[Sequence[str]]) -> object:
            return backend.search(backend_query(groups))

        def fts(groups: Sequence[Sequence[str]]) -> object:
            return fts_search(conn, fts_match(groups))

        results: dict[str, Any] = {"tantivy": {}, "fts5": {}}
        for name, run in (("tantivy", tan), ("fts5", fts)):
            res = results[name]
            res["common"] = summary(latencies_ms(run, queries["common"]))
            res["synonyms"] = summary(latencies_ms(run, queries["synonyms"]))
            mixed = latencies_ms(run, queries["mixed"])
            res["mixed"] = summary(mixed)
            res["mixed_qps"] = len(mixed) / (sum(mixed) / 1000.0)
            print(f"{name} queries done", flush=True)
        results["tantivy"]["suggest"] = summary(latencies_ms(backend.suggest, queries["suggest"]))
        results["tantivy"]["doc_count"] = backend.count()
        results["fts5"]["doc_count"] = conn.execute("SELECT count(*) FROM docs").fetchone()[0]
        stored = fts_stored_bytes(conn)
        conn.close()
        for name, build_s, size, text in (
            ("tantivy", tantivy_build_s, dir_bytes(tantivy_dir), 0),  # tantivy stores only the id
            ("fts5", fts_build_s, fts_path.stat().st_size, stored),
        ):
            results[name]["build_s"] = build_s
            results[name]["build_docs_per_s"] = args.docs / build_s
            results[name]["size_mb"] = size / 1e6
            results[name]["size_without_text_mb"] = (size - text) / 1e6

    report: dict[str, Any] = {
        "docs": args.docs,
        "queries": args.queries,
        "procs": args.procs,
        "segment_s": segment_s,
        "avg_body_bytes": statistics.fmean(len(b.encode("utf-8")) for b in sample),
        "rss_mb": rss,
        **results,
        "machine": machine_facts(),
        "total_s": time.perf_counter() - total_start,
    }
    check_positive({k: v for k, v in report.items() if k != "machine"})
    table = render_table(report)
    out: Path = args.out
    out.mkdir(parents=True, exist_ok=True)
    stem = f"backend_{dt.date.today():%Y%m%d}"
    (out / f"{stem}.md").write_text(table, encoding="utf-8")
    raw = json.dumps(report, ensure_ascii=False, indent=2) + "\n"
    (out / f"{stem}.json").write_text(raw, encoding="utf-8")
    print(table)
    print(f"wrote {out / stem}.md and .json", flush=True)
    return report


if __name__ == "__main__":
    main()
