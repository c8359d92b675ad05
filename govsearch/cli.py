"""`govsearch` command line: demo, crawl, index, serve, import-items, eval, best-bets, synonyms, users,
portals, db."""

from __future__ import annotations

import argparse
import importlib
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

from pydantic import ValidationError

from govsearch import commands_best_bets, commands_db, commands_portals, commands_synonyms, commands_upkeep
from govsearch.console import CommandError
from govsearch.settings import Settings
from indexer.storage import StorageError

Handler = Callable[[Settings, argparse.Namespace], int]
# Each command's module is imported when it runs: `serve` (its supervisor, and each worker process,
# which imports this module again) then loads no crawler, pipeline or evaluation code (~0.6 CPU-s).
HANDLERS = {
    "demo": "commands_demo:demo",
    "crawl": "commands_crawl:crawl",
    "check-profiles": "commands:check_profiles",
    "index": "commands:index",
    "serve": "commands_serve:serve",
    "import-items": "commands_catalogue:import_items",
    "eval": "commands:evaluate",
    "best-bets": "commands_best_bets:run",
    "synonyms": "commands_synonyms:synonyms",
    "users": "commands_synonyms:users",
    "portals": "commands_portals:run",
    "check": "commands_upkeep:check",
    "backup": "commands_upkeep:backup",
    "restore": "commands_upkeep:restore",
    "db": "commands_db:run",
}


def handler(command: str) -> Handler:
    module, name = HANDLERS[command].split(":")
    found: Handler = getattr(importlib.import_module(f"govsearch.{module}"), name)
    return found


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="govsearch", description="政务搜索：政策文件与办事指南检索")
    parser.add_argument(
        "--data-dir", type=Path, help="数据目录（默认 $GOVSEARCH_DATA_DIR 或 ./govsearch-data）"
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    demo = sub.add_parser("demo", help="启动示例政府网站镜像，抓取、建索引并提供搜索服务")
    demo.add_argument("--port", type=int, help="搜索服务端口（默认 8000）")
    demo.add_argument("--no-serve", action="store_true", help="只抓取和建索引，不启动服务")
    demo.add_argument("--mirror-port", type=int, default=8001, help="示例网站镜像端口（默认 8001）")

    crawl = sub.add_parser("crawl", help="按站点配置抓取政策文件和办事指南")
    crawl.add_argument(
        "profile", nargs="*", help="站点配置：crawler/sites/ 下的名称（如 demo）或 TOML 文件路径，可多个"
    )
    crawl.add_argument("--all", action="store_true", help="同时抓取 crawler/sites/ 下的全部站点")
    crawl.add_argument("--seed", action="append", default=[], help="覆盖起始地址（可多次指定）")
    crawl.add_argument(
        "--mirror-dir", type=Path, help="先在本机回环地址上镜像此目录的 HTML 文件，再从镜像抓取"
    )
    crawl.add_argument("--delay", type=float, help="同一站点请求间隔（秒），默认取配置")
    crawl.add_argument(
        "--resume", action="store_true", help="继续上次中断的抓取（默认行为，已完成的页面不重抓）"
    )
    crawl.add_argument("--recrawl", action="store_true", help="重新抓取已完成的页面")
    crawl.add_argument("--index", action="store_true", help="抓取后立即更新索引")
    crawl.add_argument("--concurrency", type=int, help="同时抓取的页面数（跨站点；每个站点同一时间只抓一页）")
    crawl.add_argument("--no-attachments", action="store_true", help="不下载附件（PDF/DOC/DOCX/XLS/XLSX）")
    crawl.add_argument("--log", type=Path, help="把结构化日志（JSON Lines）写入此文件")

    check = sub.add_parser("check-profiles", help="检查站点配置文件，问题以 文件:行号 报告")
    check.add_argument("files", nargs="*", type=Path, help="TOML 文件（默认 crawler/sites/ 下全部）")

    index = sub.add_parser("index", help="把存储中新增或变化的文档写入索引")
    index.add_argument(
        "--rebuild", action="store_true", help="在现有索引旁从存储全部重建，核对后原子切换（服务不中断）"
    )
    index.add_argument(
        "--rollback", action="store_true", help="切回上一次重建前的索引（Elasticsearch：别名指回上一代）"
    )

    serve = sub.add_parser("serve", help="启动网页和 API 服务")
    serve.add_argument("--host", help="监听地址（默认 127.0.0.1）")
    serve.add_argument("--port", type=int, help="端口（默认 8000）")
    serve.add_argument("--workers", type=int, help="工作进程数（默认 $GOVSEARCH_WORKERS，或 CPU 核数）")

    items = sub.add_parser(
        "import-items", help="导入政务服务事项目录：广东 JSON Lines（含办事指南）或四川 CSV（自动识别格式）"
    )
    items.add_argument("file", type=Path)
    items.add_argument("--no-index", action="store_true", help="只写入存储，不更新索引")

    ev = sub.add_parser("eval", help="用标注查询集评测当前索引的相关性")
    ev.add_argument("queries", type=Path, help="TSV：查询<TAB>相关标题片段<TAB>备注")
    ev.add_argument("--verbose", action="store_true", help="列出每个查询的前三条结果")
    commands_best_bets.add_parser(sub)
    commands_synonyms.add_parsers(sub)
    commands_portals.add_parser(sub)
    commands_upkeep.add_parsers(sub)
    commands_db.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings()
    except ValidationError as exc:  # a GOVSEARCH_ variable with a value that cannot work
        problems = "；".join(
            f"GOVSEARCH_{'_'.join(map(str, e['loc'])).upper()}：{e['msg']}" for e in exc.errors()
        )
        print(f"错误：配置无效：{problems}", file=sys.stderr)
        return 2
    if args.data_dir:
        settings = settings.model_copy(update={"data_dir": args.data_dir})
    try:
        return handler(args.command)(settings, args)
    except (CommandError, StorageError) as exc:
        print(f"错误：{exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("\n已中断。", file=sys.stderr)
        return 130


if __name__ == "__main__":
    sys.exit(main())
