"""`govsearch synonyms …` and `govsearch users …`: dictionary checks, candidates from the catalogue and
from citizens' messages, staff accounts."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from govsearch.console import CommandError
from govsearch.database import open_database
from govsearch.settings import Settings
from indexer.storage.documents import Documents
from synonyms.bridges import mine_messages
from synonyms.catalogue import CatalogueFileError, import_catalogue
from synonyms.cilin import filter_classes, parse_cilin
from synonyms.expansion import default_synonym_paths
from synonyms.loader import SynonymFileError, load_synonym_files
from synonyms.messages import MessageFileError, read_messages
from synonyms.staff_rules import ChangeError, RuleChange, apply_change, describe, import_text, validate
from synonyms.staff_store import StaffStore
from web.admin.accounts import ROLES, AccountError, Accounts


def add_parsers(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    syn = sub.add_parser("synonyms", help="同义词词典：检查、从事项目录或群众留言生成候选规则")
    syn_sub = syn.add_subparsers(dest="synonyms_command", required=True, metavar="ACTION")
    check = syn_sub.add_parser("check", help="严格检查词典文件（重复、循环、自映射、空项），报告 文件:行")
    check.add_argument("files", nargs="*", type=Path, help="默认：内置词典和 GOVSEARCH_SYNONYM_FILES")
    imp = syn_sub.add_parser("import-catalogue", help="把事项目录的日常用语、简称变成待审核的候选规则文件")
    imp.add_argument("file", type=Path, help="事项目录 JSON Lines（含 _raw.matter_daily / matter_short）")
    imp.add_argument("--out", type=Path, default=Path("synonym-candidates.txt"), help="候选规则文件")
    mine = syn_sub.add_parser(
        "mine-messages", help="从群众留言及答复中学习 说法 → 标题用语 的候选规则（每条注明留言编号）"
    )
    mine.add_argument(
        "files", nargs="+", type=Path, help="留言 CSV（列：留言编号、留言主题，可选 留言详情、答复意见）"
    )
    mine.add_argument(
        "--cilin",
        type=Path,
        help="同义词词林文件：另找群众用词与标题用词同属一类的候选（默认 GOVSEARCH_CILIN_PATH）",
    )
    mine.add_argument("--out", type=Path, default=Path("bridge-candidates.txt"), help="候选规则文件")
    for parser in (imp, mine):
        parser.add_argument(
            "--propose-as",
            metavar="USER",
            help="同时以该管理后台账号提交为一条待审核的导入提议（/admin 中审核）",
        )

    users = sub.add_parser("users", help="管理后台账号")
    users_sub = users.add_subparsers(dest="users_command", required=True, metavar="ACTION")
    add = users_sub.add_parser("add", help="新建账号（密码从终端输入，或用 --password-stdin 从标准输入读取）")
    add.add_argument("name")
    add.add_argument(
        "--role",
        choices=ROLES,
        required=True,
        help="editor 提议修改；reviewer 审核上线；admin 在 /admin/accounts 管理账号",
    )
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读取密码（一行）")
    users_sub.add_parser("list", help="列出账号")


def synonyms(settings: Settings, args: argparse.Namespace) -> int:
    packaged = _packaged(settings)
    if args.synonyms_command == "check":
        paths = args.files or packaged
        try:
            rules = load_synonym_files(paths)
        except SynonymFileError as exc:
            for error in exc.errors:
                print(error, file=sys.stderr)
            return 1
        print(f"{len(rules)} 条规则，{len(paths)} 个文件，没有问题。")
        return 0
    if args.synonyms_command == "mine-messages":
        text, summary, what = _mine(settings, args, packaged)
    else:
        text, summary, what = _catalogue(args, packaged)
    args.out.write_text(text, encoding="utf-8")
    print(summary)
    if args.propose_as:
        proposal_id = _propose_import(settings, args.propose_as, text, args.out.name, what)
        print(f"已提交为待审核提议#{proposal_id}，请审核人员在 /admin/proposals/{proposal_id} 审核")
    return 0


def _catalogue(args: argparse.Namespace, packaged: list[Path]) -> tuple[str, str, str]:
    try:
        text, report = import_catalogue(args.file, load_synonym_files(packaged))
    except OSError as exc:
        raise CommandError(f"无法读取 {args.file}：{exc}") from exc
    except (CatalogueFileError, SynonymFileError) as exc:
        raise CommandError(str(exc)) from exc
    skipped = "，".join(f"{reason} {n}" for reason, n in report.skipped.items()) or "无"
    summary = (
        f"{report.items} 个事项，{report.items_with_names} 个带日常用语或简称；"
        f"生成候选规则 {len(report.rules)} 条 → {args.out}（未生效，待审核）\n跳过：{skipped}"
    )
    return text, summary, f"从 {args.file.name} 导入目录日常用语、简称"


def _mine(settings: Settings, args: argparse.Namespace, packaged: list[Path]) -> tuple[str, str, str]:
    """Bridge candidates from message files against the titles of the store in the data directory."""
    cilin = args.cilin or settings.cilin_path
    try:
        messages = [m for path in args.files for m in read_messages(path)]
        classes = filter_classes(parse_cilin(cilin.read_text(encoding="utf-8").splitlines())) if cilin else []
        existing = load_synonym_files(packaged)
    except OSError as exc:
        raise CommandError(f"无法读取 {cilin}：{exc}") from exc
    except (MessageFileError, SynonymFileError) as exc:
        raise CommandError(str(exc)) from exc
    database = open_database(settings)
    try:
        titles = [row.title for row in Documents(database).corpus_rows()]
    finally:
        database.close()
    if not titles:
        raise CommandError("数据目录中还没有文档：先导入或抓取（标题是候选规则的目标用语）")
    text, report = mine_messages(messages, titles, existing, classes)
    summary = (
        f"{report.messages} 条留言（{report.replies} 条有答复），{len(titles)} 个标题；"
        f"生成候选规则 {len(report.rules)} 条 → {args.out}（未生效，待审核）"
    )
    names = "、".join(path.name for path in args.files)
    return text, summary, f"从群众留言 {names} 学到的说法"


def _propose_import(settings: Settings, author: str, text: str, filename: str, source: str) -> int:
    """Candidates as one pending import proposal, checked like one made in the staff tool."""
    database = open_database(settings)
    accounts = Accounts(database)
    if author not in {staff.name for staff in accounts.users()}:
        database.close()
        raise CommandError(f"没有管理后台账号 {author}（先用 govsearch users add 创建）")
    store = StaffStore(database)
    try:
        change = RuleChange(action="import", imported=import_text(text, filename))
        validate(apply_change(store.current().rules, change), load_synonym_files(_packaged(settings)))
        summary = describe(change, store.current().rules)
        return store.propose(author, change, source, summary)
    except ChangeError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        store.close()


def _packaged(settings: Settings) -> list[Path]:
    return [*default_synonym_paths(), *settings.synonym_files]


def users(settings: Settings, args: argparse.Namespace) -> int:
    accounts = Accounts(open_database(settings))
    try:
        if args.users_command == "list":
            for staff in accounts.users():
                print(f"{staff.name}\t{staff.role}")
            return 0
        if args.password_stdin:
            password = sys.stdin.readline().rstrip("\n")
        else:
            password = getpass.getpass("密码：")
            if getpass.getpass("再次输入密码：") != password:
                raise CommandError("两次输入的密码不一致")
        staff = accounts.add_user(args.name, args.role, password)
    except AccountError as exc:
        raise CommandError(str(exc)) from exc
    finally:
        accounts.close()
    print(f"已创建账号 {staff.name}（{staff.role}）")
    return 0
