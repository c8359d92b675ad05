"""`govsearch db upgrade|check|copy`."""

from __future__ import annotations

import argparse

from govsearch.settings import Settings
from indexer.storage import Database, make_sqlite_folder, shown_url


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    db = sub.add_parser("db", help="存储数据库：升级结构、检查状态、整库迁移")
    actions = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    actions.add_parser("upgrade", help="把数据库结构升级到本程序的版本（多台服务器共用时由一台执行）")
    actions.add_parser("check", help="报告数据库地址与结构版本；不是最新时退出码为 1")
    copy = actions.add_parser("copy", help="把整个存储从一个数据库复制到另一个（目标须为空），并核对行数")
    copy.add_argument(
        "--from", dest="source", required=True, help="源数据库地址，如 sqlite:///govsearch-data/store.sqlite3"
    )
    copy.add_argument("--to", dest="target", required=True, help="目标数据库地址，如 postgresql+psycopg://…")


def run(settings: Settings, args: argparse.Namespace) -> int:
    if args.action == "copy":
        from govsearch.commands_db_copy import copy_command

        return copy_command(args.source, args.target)
    make_sqlite_folder(settings.store_url)
    database = Database(settings.store_url)
    try:
        status = database.check()
        where = shown_url(database.url)
        if args.action == "upgrade":
            if status.up_to_date:
                print(f"{where}：结构已是最新（{status.head}）")
                return 0
            database.upgrade()
            print(f"{where}：结构已从 {status.current or '空'} 升级到 {status.head}")
            return 0
        print(f"数据库：{where}")
        print(f"结构版本：{status.current or '空（尚未建表）'}；本程序：{status.head}")
        problem = status.problem()
        print(problem or "状态：最新")
        return 1 if problem else 0
    finally:
        database.close()
