"""`govsearch portals add|set|list|revoke|rotate`: the sites that embed the search, and their API keys."""

from __future__ import annotations

import argparse
import base64
import mimetypes
from pathlib import Path

from govsearch.console import CommandError
from govsearch.database import open_database
from govsearch.settings import Settings
from search_api.engine.portals import Branding, Portal, PortalError, Portals, parse_scope_args

MAX_LOGO_BYTES = 100_000
LOGO_TYPES = ("image/png", "image/jpeg", "image/gif", "image/svg+xml", "image/webp")


def add_parser(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    portals = sub.add_parser("portals", help="嵌入本搜索的门户网站及其 API 密钥")
    actions = portals.add_subparsers(dest="action", required=True, metavar="ACTION")
    add = actions.add_parser("add", help="新增门户并生成密钥（密钥只显示这一次）")
    add.add_argument("name", help="门户名称：小写字母、数字和连字符，如 gz-rsj（也是其结果页地址的一部分）")
    _portal_options(add, {"origins": "", "scope": [], "rate": "20/s"})
    change = actions.add_parser("set", help="修改门户的来源、范围、频率或结果页外观（密钥不变）")
    change.add_argument("name")
    _portal_options(change, {"origins": None, "scope": None, "rate": None})
    actions.add_parser("list", help="列出全部门户（不显示密钥）")
    for action, text in (("revoke", "吊销门户的密钥"), ("rotate", "为门户生成新密钥，旧密钥随即失效")):
        actions.add_parser(action, help=text).add_argument("name")


def _portal_options(parser: argparse.ArgumentParser, defaults: dict[str, object]) -> None:
    """The options `add` and `set` share; for `set` a None default means "keep as it is"."""
    parser.add_argument(
        "--origins",
        default=defaults["origins"],
        help="允许在浏览器中使用密钥的来源，逗号分隔：https://a.gov.cn,...",
    )
    parser.add_argument(
        "--scope",
        action="append",
        default=defaults["scope"],
        help="检索范围，可多次：region=440100、kind=guide、site=…",
    )
    parser.add_argument(
        "--rate", default=defaults["rate"], help="频率上限，如 20/s、600/min（新增时默认 20/s）"
    )
    parser.add_argument("--title", default="", help="托管结果页上显示的名称（默认同 name）")
    parser.add_argument("--colour", default="", help="托管结果页页头颜色 #RRGGBB")
    parser.add_argument("--logo", type=Path, help="托管结果页标志图片（PNG/JPEG/SVG，最大 100 KB）")


def _origins(text: str) -> list[str]:
    return [o for o in text.split(",") if o.strip()]


def logo_data(path: Path | None) -> str:
    """A logo file as a data: URI, stored with the portal and served from this site (no outside request)."""
    if path is None:
        return ""
    kind = mimetypes.guess_type(path.name)[0]
    if kind not in LOGO_TYPES:
        raise CommandError(f"{path}: 标志应是 PNG、JPEG、GIF、SVG 或 WebP 图片")
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise CommandError(f"{path}: 无法读取：{exc.strerror}") from exc
    if len(data) > MAX_LOGO_BYTES:
        raise CommandError(f"{path}: 标志图片过大（最多 100 KB）")
    return f"data:{kind};base64,{base64.b64encode(data).decode('ascii')}"


def describe(portal: Portal) -> str:
    scope = "; ".join(f"{k}={','.join(v)}" for k, v in portal.scope.items()) or "全部"
    state = f"已吊销 {portal.revoked_at}" if portal.revoked else f"最近使用 {portal.last_used_at or '从未'}"
    origins = ",".join(portal.origins) or "（仅服务器调用）"
    key = f"{portal.key_prefix}…"
    fields = (portal.name, portal.title, key, origins, f"范围 {scope}", portal.rate, state)
    return "\t".join(fields)


def run(settings: Settings, args: argparse.Namespace) -> int:
    database = open_database(settings)
    portals = Portals(database)
    try:
        if args.action == "add":
            branding = Branding(args.title, args.colour, logo_data(args.logo))
            scope = parse_scope_args(args.scope)
            portal, key = portals.add(args.name, _origins(args.origins), scope, args.rate, branding)
            print(f"已新增门户 {portal.name}。密钥（只显示这一次，请妥善保存）：\n{key}")
        elif args.action == "set":
            portal = portals.change(
                args.name,
                origins=None if args.origins is None else _origins(args.origins),
                scope=None if args.scope is None else parse_scope_args(args.scope),
                rate=args.rate,
                branding=Branding(args.title, args.colour, logo_data(args.logo)),
            )
            print(f"已修改门户 {portal.name}（密钥不变）：\n{describe(portal)}")
        elif args.action == "list":
            found = portals.all()
            print("\n".join(describe(p) for p in found) if found else "还没有门户。")
        elif args.action == "revoke":
            portals.revoke(args.name)
            print(f"已吊销门户 {args.name} 的密钥")
        else:
            print(f"门户 {args.name} 的新密钥（旧密钥已失效，只显示这一次）：\n{portals.rotate(args.name)}")
    except PortalError as exc:
        raise CommandError(f"{exc}（{exc.field}）") from exc
    finally:
        database.close()
    return 0
