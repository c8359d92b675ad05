"""SIGKILL `govsearch crawl` mid-crawl, resume it, and check on the server side that no page was lost
and no finished page was fetched twice.

The kill lands while the crawler waits for a page that hangs on its first request: that page is the
one in flight, so it is (rightly) requested again after the resume; every other page is requested once.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from indexer.storage import Database
from indexer.store import Store
from tests.crawler.fault_site import Page, fault_site
from tests.crawler.test_fault_crawl import links, policy
from tests.postgres import fresh_database
from tests.shared_data import REPO_ROOT

DETAILS = [f"/zhengce/{n:02d}.html" for n in range(1, 31)]
HANGING = DETAILS[14]


def _profile(path: Path, base: str) -> Path:
    path.write_text(
        f'name = "killtest"\nsite = "测试站"\nseeds = ["{base}/"]\nlist_patterns = [\'^/(list\\.html)?$\']\n'
        "delay_seconds = 0.0\n\n[[detail]]\npattern = '^/zhengce/'\nkind = \"policy\"\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(params=["sqlite", "postgresql"])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The crawl's store: the data directory's SQLite file, or a fresh PostgreSQL database."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'data' / 'store.sqlite3'}"
        return
    with fresh_database() as url:
        Database.open(url, upgrade=True).close()
        yield url


def _crawl(data_dir: Path, url: str, profile: Path, *extra: str) -> subprocess.Popen[bytes]:
    command = [
        sys.executable,
        "-m",
        "govsearch.cli",
        "--data-dir",
        str(data_dir),
        "crawl",
        str(profile),
        *extra,
    ]
    env = {**os.environ, "GOVSEARCH_DATABASE_URL": url}
    return subprocess.Popen(command, cwd=REPO_ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def test_sigkill_then_resume_loses_nothing_and_fetches_nothing_twice(tmp_path: Path, store_url: str) -> None:
    pages = {
        "/robots.txt": Page("User-agent: *\nAllow: /\n", content_type="text/plain"),
        "/": Page(links("/list.html")),
        "/list.html": Page(links(*DETAILS)),
    } | {path: Page(policy(f"第{n}号通知")) for n, path in enumerate(DETAILS, start=1)}
    pages[HANGING].hang_first = True
    with fault_site(pages) as site:
        profile = _profile(tmp_path / "killtest.toml", site.base)
        first = _crawl(tmp_path / "data", store_url, profile, "--delay", "0")
        try:
            assert site.hanging.wait(60), "the crawler never reached the hanging page"
            time.sleep(0.3)  # let the crawler settle on the hanging request
            os.kill(first.pid, signal.SIGKILL)
            first.wait(10)
        finally:
            if first.poll() is None:
                first.kill()
        assert first.returncode == -signal.SIGKILL
        before_resume = site.completed.copy()
        second = _crawl(tmp_path / "data", store_url, profile, "--resume", "--delay", "0")
        _out, err = second.communicate(timeout=120)
        assert second.returncode == 0, err.decode()

    assert before_resume[DETAILS[-1]] == 0 and before_resume[HANGING] == 0  # killed mid-crawl
    assert sum(before_resume[path] for path in DETAILS) == 14  # the pages before the hanging one
    requested = site.paths()
    assert requested.count("/robots.txt") == 2  # once per run, as robots.txt may change
    assert requested.count(HANGING) == 2 and site.completed[HANGING] == 1
    for path in ["/", "/list.html", "/sitemap.xml", *DETAILS]:
        if path != HANGING:
            assert requested.count(path) == 1, path
    store = Store(Database.open(store_url))
    try:
        assert store.count() == len(DETAILS)
    finally:
        store.close()
    assert "新增或更新 16 篇" in err.decode()  # the resumed run stored the remaining 16
