"""`govsearch crawl` as an operator runs it: progress and report, JSON log, withdrawn pages leave the
index; `govsearch check-profiles` reports file:line problems."""

from __future__ import annotations

import json
from itertools import pairwise
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.cli import main
from govsearch.settings import Settings
from tests.crawler.fault_site import Page, fault_site
from tests.crawler.test_fault_crawl import links, policy


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def write_profile(path: Path, name: str, seed: str) -> Path:
    """A profile: one list page (the seed) linking policies under /p/."""
    path.write_text(
        f'name = "{name}"\nsite = "本地站"\nseeds = ["{seed}"]\nlist_patterns = ["^/$"]\n'
        "[[detail]]\npattern = '^/p/'\nkind = \"policy\"\n",
        encoding="utf-8",
    )
    return path


def test_check_profiles(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status, out, _ = run(capsys, "check-profiles")
    assert status == 0 and "全部有效" in out
    bad = tmp_path / "bad.toml"
    bad.write_text(
        'name = "bad"\nsite = "站"\nseeds = ["http://a/"]\n\n[extract]\nbody = "div["\n', encoding="utf-8"
    )
    status, out, err = run(capsys, "check-profiles", str(bad))
    assert status == 1 and f"{bad}:6: extract.body" in err and "发现 1 处问题" in out


def test_crawl_reports_logs_and_withdraws(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    pages = {
        "/": Page(links("/p/1.html", "/p/2.html", "/p/broken.html")),
        "/p/1.html": Page(policy("关于城乡居民养老保险的通知")),
        "/p/2.html": Page(policy("关于住房公积金提取的通知")),
        "/p/broken.html": Page(status=302, headers=(("Location", "/p/broken.html"),)),
    }
    with fault_site(pages) as site:
        profile = write_profile(tmp_path / "local.toml", "local", site.url("/"))
        log = tmp_path / "crawl.jsonl"
        base = ("--data-dir", str(tmp_path / "d"), "crawl", str(profile), "--delay", "0")
        status, _, err = run(capsys, *base, "--index", "--log", str(log))
        assert status == 0
        host = site.base.removeprefix("http://")
        assert "新增或更新 2 篇" in err and f"错误：{host} 1 个" in err and "redirect loop" in err
        assert "页/秒" in err and "队列" in err
        events = [json.loads(line) for line in log.read_text(encoding="utf-8").splitlines()]
        assert {"error", "finished"} <= {event.get("event") for event in events}
        (failure,) = [event for event in events if event.get("event") == "error"]
        assert (
            failure["host"] == host
            and failure["url"].endswith("/p/broken.html")
            and failure["level"] == "warning"
        )

        del site.pages["/p/2.html"]
        site.pages["/p/1.html"] = Page(policy("关于城乡居民养老保险的通知", "基础养老金每月提高二十元。"))
        status, _, err = run(capsys, *base, "--recrawl", "--index")
        assert status == 0 and "撤下 1 篇" in err and "其中内容变化 1 篇" in err
    with TestClient(create_app(Settings(data_dir=tmp_path / "d"))) as client:

        def titles(query: str) -> list[str]:
            return [hit["title"] for hit in client.get("/api/v1/search", params={"q": query}).json()["hits"]]

        assert titles("通知") == ["关于城乡居民养老保险的通知"]  # the vanished page left the index
        assert titles("基础养老金") == ["关于城乡居民养老保险的通知"]  # the changed text was re-indexed
        assert titles("住房公积金提取") == []


def test_crawl_delay_setting_applies_when_the_profile_sets_none(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("GOVSEARCH_CRAWL_DELAY", "0.3")
    pages = {"/": Page(links("/p/1.html", "/p/2.html"))} | {
        f"/p/{n}.html": Page(policy(f"第{n}号通知")) for n in (1, 2)
    }
    with fault_site(pages) as site:
        profile = write_profile(tmp_path / "nodelay.toml", "nodelay", site.url("/"))
        status, _, _ = run(capsys, "--data-dir", str(tmp_path / "d"), "crawl", str(profile))
    assert status == 0
    arrivals = [hit.at for hit in site.hits]
    assert len(arrivals) == 5  # robots.txt, sitemap.xml, the list, two pages
    assert min(later - earlier for earlier, later in pairwise(arrivals)) >= 0.3


def test_several_profiles_share_hosts_politely(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two profiles on one host crawled in one run: still one request at a time with the delay."""
    pages = {"/a/": Page(links("/a/1.html", "/a/2.html")), "/b/": Page(links("/b/1.html", "/b/2.html"))}
    pages |= {f"/{s}/{n}.html": Page(policy(f"{s}站第{n}号通知")) for s in "ab" for n in (1, 2)}
    with fault_site(pages) as site:
        files = []
        for name in "ab":
            path = tmp_path / f"{name}.toml"
            path.write_text(
                f'name = "{name}"\nsite = "{name}站"\nseeds = ["{site.url(f"/{name}/")}"]\n'
                f"list_patterns = ['^/{name}/$']\nsitemaps = false\ndelay_seconds = 0.2\n"
                f"[[detail]]\npattern = '^/{name}/\\d'\nkind = \"policy\"\n",
                encoding="utf-8",
            )
            files.append(str(path))
        status, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "crawl", *files, "--index")
    assert status == 0
    assert "【a】" in err and "【b】" in err and "全部 2 个站点：抓取 6 页，新增或更新文档 4 篇" in err
    arrivals = [hit.at for hit in site.hits if hit.path != "/robots.txt"]
    assert len(arrivals) == 6 and min(b - a for a, b in pairwise(arrivals)) >= 0.2
    status, _, err = run(capsys, "--data-dir", str(tmp_path / "d"), "crawl", *files, "--seed", "http://x/")
    assert status == 2 and "只能用于单个站点配置" in err


def test_all_means_the_real_sites_not_the_local_mirrors() -> None:
    from crawler.profiles import SITES_DIR, builtin_profile
    from govsearch.commands_crawl import live_profiles

    live, local = live_profiles([builtin_profile(path.stem) for path in sorted(SITES_DIR.glob("*.toml"))])
    assert {p.name for p in local} == {"demo", "govcn_2019"}
    assert {"govcn_zhengce", "govcn_gongbao", "shanxi_gov", "zj_fgw", "cmse", "nfra"} <= {
        p.name for p in live
    }


def test_crawl_without_a_profile_says_what_to_give(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status, _, err = run(capsys, "--data-dir", str(tmp_path), "crawl")
    assert status == 2 and "请指定站点配置" in err
    status, _, err = run(capsys, "--data-dir", str(tmp_path), "crawl", "no_such_site")
    assert status == 2 and "no_such_site" in err
