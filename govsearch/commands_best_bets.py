"""`govsearch best-bets add|list|remove`: staff pin a document to a query (at most two per query)."""

from __future__ import annotations

import argparse
import datetime as dt

from govsearch.console import CommandError
from govsearch.database import open_database
from govsearch.settings import Settings
from indexer.store import Store
from search_api.engine.best_bets import BestBetError, BestBets


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    bets = sub.add_parser("best-bets", help="置顶推荐：把某个文档固定在某个查询的最前面")
    actions = bets.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="新增置顶")
    add.add_argument("query", help="查询词（繁简、全半角、空格和标点不影响匹配）")
    add.add_argument("doc_id", help="文档 id，如 g-… 或 p-…（见搜索结果或 /doc/ 地址）")
    add.add_argument("--author", required=True, help="置顶人")
    add.add_argument("--comment", default="", help="说明：为什么置顶")
    add.add_argument("--expires", help="到期日 YYYY-MM-DD（含当天），不填则长期有效")
    actions.add_parser("list", help="列出全部置顶")
    remove = actions.add_parser("remove", help="删除置顶")
    remove.add_argument("id", type=int, help="置顶编号（见 list）")


def run(settings: Settings, args: argparse.Namespace) -> int:
    store = Store(open_database(settings))
    bets = BestBets(store.database)
    try:
        if args.action == "add":
            expires = _date(args.expires)
            if store.get(args.doc_id) is None:
                raise CommandError(f"文档 {args.doc_id} 不存在或已撤销")
            number = bets.add(args.query, args.doc_id, args.author, args.comment, expires)
            print(f"已置顶（编号 {number}）：“{args.query}” → {args.doc_id}")
        elif args.action == "list":
            rows = bets.all()
            if not rows:
                print("还没有置顶。")
            for bet in rows:
                until = f"至 {bet.expires}" if bet.expires else "长期"
                print(f"{bet.id}\t{bet.query}\t{bet.doc_id}\t{bet.author}\t{until}\t{bet.comment}")
        else:
            bets.remove(args.id)
            print(f"已删除置顶 {args.id}")
    except BestBetError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        store.close()
    return 0


def _date(value: str | None) -> dt.date | None:
    if not value:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"到期日 {value!r} 格式应为 YYYY-MM-DD") from None
