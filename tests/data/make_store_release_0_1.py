"""Build a small but complete store with release 0.1's own code and dump it as SQL text.

    /work/baseline/.venv/bin/python tests/data/make_store_release_0_1.py /work/baseline

`/work/baseline` is a checkout of release 0.1 (commit 708898a) with its own virtualenv; the dump
(`tests/data/store_release_0_1.sql`) is what `tests/storage/test_release_upgrade.py` upgrades. Every
table of that release gets rows: Guangdong items with their guides (and the links and catalogue
version they produce), two gov.cn policies, crawl frontier/page/dedup rows, staff users, a session
and a wrong password, a synonym proposal approved into a version (so the audit has rows), a rejected
proposal, a best bet, and query and click log rows.
"""

from __future__ import annotations

import json
import sqlite3
import sys
import tempfile
from itertools import islice
from pathlib import Path

HERE = Path(__file__).parent
SHARED = HERE.parents[1].parent / "shared" / "data"
ITEMS = 4  # Guangdong items with guides
POLICIES = 2
BODY_CHARS = 1200  # enough for a SimHash (MIN_TEXT is 200), small enough for the dump
PASSWORD = "release 0.1 password"  # the test logs in with it


def main(baseline: Path, out: Path) -> None:
    sys.path.insert(0, str(baseline))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "store.sqlite3"
        policies = _documents(path, Path(tmp))
        _crawl_state(path, policies)
        _staff(path)
        _search_logs(path, policies[0].id)
        conn = sqlite3.connect(path)
        out.write_text("\n".join(conn.iterdump()) + "\n", encoding="utf-8")
        conn.close()
    print(f"{out}: {out.stat().st_size} bytes")


def _documents(path: Path, tmp: Path) -> list:  # type: ignore[type-arg]
    from indexer.catalogue.formats import read_catalogue
    from indexer.catalogue.store import ItemStore
    from indexer.catalogue.upkeep import update_links
    from indexer.documents import PolicyDocument
    from indexer.importer import ImportReport
    from indexer.store import Store

    sample = tmp / "guangdong.jsonl"
    with (SHARED / "service_items" / "guangdong.jsonl").open(encoding="utf-8") as lines:
        sample.write_text("".join(islice(lines, ITEMS)), encoding="utf-8")
    imported = list(read_catalogue(sample, ImportReport()))
    store = Store(path)
    store.upsert([i.guide for i in imported if i.guide is not None])
    ItemStore(store).upsert_items([i.item for i in imported])
    policies = [_policy(record) for record in _policy_records()]
    store.upsert(policies)
    store.withdraw([imported[-1].guide.id])  # type: ignore[union-attr]
    update_links(store)
    store.mark_indexed([policies[0].id])
    store.close()
    assert all(isinstance(p, PolicyDocument) for p in policies)
    return policies


def _policy_records() -> list[dict[str, str]]:
    with (SHARED / "policies" / "govcn_2019.jsonl").open(encoding="utf-8") as lines:
        return [json.loads(line) for line in islice(lines, POLICIES)]


def _policy(record: dict[str, str]):  # type: ignore[no-untyped-def]
    from indexer.documents import PolicyDocument

    date = record["发布日期"].replace("年", "-").replace("月", "-").replace("日", "")
    return PolicyDocument.model_validate(
        {
            "url": record["url"],
            "site": "中国政府网",
            "title": record["标题"],
            "doc_number": record["发文字号"],
            "issuer": record["发文机关"],
            "publish_date": date,
            "subject": record["主题分类"],
            "body": record["body_text"][:BODY_CHARS],
        }
    )


def _crawl_state(path: Path, policies: list) -> None:  # type: ignore[type-arg]
    from crawler.dedup import DuplicateIndex
    from crawler.fetcher import Validators
    from crawler.frontier import Frontier, UrlStatus
    from crawler.pages import PageStore

    with Frontier(path, "govcn_2019") as frontier:
        frontier.enqueue("http://www.gov.cn/zhengce/index.htm", kind="list")
        for policy in policies:
            frontier.enqueue(policy.url, kind="detail", depth=1)
        frontier.enqueue("http://www.gov.cn/zhengce/missing.htm", kind="detail", depth=1)
        pages = PageStore(frontier.connection, "govcn_2019")
        while (entry := frontier.claim()) is not None:
            if entry.url.endswith("missing.htm"):
                frontier.mark(entry.url, UrlStatus.FAILED, "HTTP 500")
                continue
            policy = next((p for p in policies if p.url == entry.url), None)
            if policy is not None:
                validators = Validators('"etag-1"', "Fri, 09 Nov 2018 00:00:00 GMT")
                pages.record(entry.url, validators, policy.id, "h")
            frontier.mark(entry.url, UrlStatus.DONE)
        duplicates = DuplicateIndex(frontier.connection)
        for policy in policies:
            duplicates.remember(policy)
        duplicates.add_repost(policies[0].id, "http://www.example.gov.cn/repost/1.html", "示例省人民政府")
        duplicates.add_repost(policies[0].id, "http://www.example.gov.cn/repost/2.html", "示例市人民政府")


def _staff(path: Path) -> None:
    from synonyms.staff_rules import RuleChange, apply_change, describe
    from synonyms.staff_store import AuditEntry, StaffStore
    from web.admin.accounts import Accounts

    accounts = Accounts(path)
    accounts.add_user("editor1", "editor", PASSWORD)
    accounts.add_user("reviewer1", "reviewer", PASSWORD)
    accounts.login("reviewer1", PASSWORD)
    accounts.login("editor1", "wrong password")
    accounts.close()
    store = StaffStore(path)
    change = RuleChange(action="add", line="二代证 => 居民身份证  # 俗称")
    summary = describe(change, ())
    proposal_id = store.propose("editor1", change, "群众常用说法", summary)
    approval = f"reviewer1 批准提议#{proposal_id}"
    entry = AuditEntry(0, "", "editor1", "新增", *summary, "群众常用说法", approval, None)
    store.commit(apply_change((), change), entry, base=0)
    store.decide(proposal_id, "approved", "reviewer1", "")
    rejected = RuleChange(action="add", line="身份证 => 户口本  # 错误")
    other = store.propose("editor1", rejected, "试试", describe(rejected, ()))
    proposal = store.proposal(other)
    assert proposal is not None
    store.reject(proposal, "reviewer1", "意思不同", describe(rejected, ()))
    store.close()


def _search_logs(path: Path, doc_id: str) -> None:
    from indexer.store import Store
    from search_api.engine.best_bets import BestBets

    BestBets(path).add("政府网站 集约化", doc_id, "张工", "群众常问")
    store = Store(path)
    for _ in range(2):
        store.log_query("政府网站集约化", None, 1, 3, "year=2018")
    store.log_query("没有结果的查询", "guide", 1, 0)
    store.log_click("政府网站集约化", doc_id, 1)
    store.close()


if __name__ == "__main__":
    main(Path(sys.argv[1]), HERE / "store_release_0_1.sql")
