"""`govsearch demo`: serve the demo government site on loopback, crawl it, index it, serve search."""

from __future__ import annotations

import argparse
from dataclasses import replace

from crawler.profiles import profile_with_seeds
from demo.mirror import MirrorServer, demo_site
from govsearch.commands import run_index
from govsearch.commands_crawl import crawl_options, resolve_profile, run_crawl
from govsearch.commands_serve import serve
from govsearch.console import CommandError, status
from govsearch.settings import Settings


def demo(settings: Settings, args: argparse.Namespace) -> int:
    try:  # the port has a fixed default, so that document ids (from URLs) stay the same across runs
        mirror = MirrorServer(demo_site(), port=args.mirror_port).start()
    except OSError as exc:
        raise CommandError(
            f"示例网站端口 {args.mirror_port} 无法使用（{exc}），请用 --mirror-port 换一个"
        ) from exc
    try:
        status(f"示例政府网站镜像已启动：{mirror.url}", final=True)
        profile = profile_with_seeds(resolve_profile("demo"), [mirror.url])
        # The demo site may have changed since the last run: fetch everything again.
        run_crawl(settings, [profile], replace(crawl_options(settings), recrawl=True))
    finally:
        mirror.stop()
    # Rebuilding from the store is cheap here and survives index format changes between versions.
    run_index(settings, rebuild=True)
    if args.no_serve:
        return 0
    return serve(settings, argparse.Namespace(host=None, port=args.port))
