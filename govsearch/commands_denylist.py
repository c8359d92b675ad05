"""`govsearch denylist add|remove|list`: staff words whose queries never appear in 热搜, suggestions
or 相关搜索, kept in the store (every server applies a change at its next query)."""

from __future__ import annotations

import argparse

from govsearch.commands import CommandError
from govsearch.database import open_database
from govsearch.settings import Settings
from indexer.storage.denylist import DenylistRows

MAX_WORD_LENGTH = 50


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    deny = sub.add_parser(
        "denylist", help="屏蔽词：含这些词的查询不进热搜、搜索建议和相关搜索（各服务器共用）"
    )
    actions = deny.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="新增屏蔽词")
    add.add_argument("words", nargs="+", help="一个或多个词")
    add.add_argument("--by", required=True, help="操作人")
    remove = actions.add_parser("remove", help="删除屏蔽词")
    remove.add_argument("words", nargs="+")
    actions.add_parser("list", help="列出全部屏蔽词")


def run(settings: Settings, args: argparse.Namespace) -> int:
    database = open_database(settings)
    rows = DenylistRows(database)
    try:
        if args.action == "list":
            for word, by, at in rows.all():
                print(f"{word}\t{by}\t{at}")
            if settings.denylist_file is not None:
                print(f"（另有文件 {settings.denylist_file} 中的词，仅对读取该文件的服务器生效）")
            return 0
        words = [w.strip() for w in args.words]
        for word in words:
            if not word or len(word) > MAX_WORD_LENGTH:
                raise CommandError(f"屏蔽词 {word!r} 无效：须为 1–{MAX_WORD_LENGTH} 个字符")
        for word in words:
            if args.action == "add":
                print(f"已添加：{word}" if rows.add(word, args.by) else f"已存在：{word}")
            else:
                print(f"已删除：{word}" if rows.remove(word) else f"不在屏蔽词中：{word}")
        return 0
    finally:
        database.close()
