from __future__ import annotations

from pathlib import Path

import pytest

from crawler.profiles import (
    SITES_DIR,
    PageRole,
    ProfileError,
    builtin_profile,
    load_profile,
    profile_with_seeds,
    validate_profiles,
)
from indexer.documents import DocumentKind


def test_demo_profile_has_both_kinds() -> None:
    demo = builtin_profile("demo")
    base = demo.seeds[0].rstrip("/")
    assert demo.role(base + "/") is PageRole.LIST
    assert demo.role(base + "/policies_3.html") is PageRole.LIST
    assert demo.role(base + "/zhengce/2019/a.html") is PageRole.POLICY
    assert demo.role(base + "/bszn/sfz.html") is PageRole.GUIDE
    assert demo.role(base + "/about.html") is None
    assert demo.role("http://elsewhere.example/zhengce/a.html") is None


def test_govcn_profile_with_mirror_seed() -> None:
    mirror = profile_with_seeds(builtin_profile("govcn_2019"), ["http://localhost:8765/"])
    assert (mirror.site, mirror.region, mirror.allowed_hosts) == ("中国政府网", "全国", ["localhost:8765"])
    assert mirror.role("http://localhost:8765/govcn_content_5338761.html") is PageRole.POLICY
    assert mirror.role("http://127.0.0.1:8002/govcn_content_5338761.html") is None


def test_kind_at_top_level_is_the_default_of_detail_tables(tmp_path: Path) -> None:
    path = tmp_path / "site.toml"
    path.write_text(
        'name = "s"\nsite = "站"\nkind = "guide"\nseeds = ["http://a.example/"]\n'
        "[[detail]]\npattern = '^/bs/'\n",
        encoding="utf-8",
    )
    profile = load_profile(path)
    assert profile.detail_patterns[0].kind is DocumentKind.GUIDE
    assert profile.allowed_hosts == ["a.example"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('name = "s"\nsite = "站"\nseeds = [\n', r"site.toml(:\d+)?: invalid TOML"),
        ('name = "s"\nsite = "站"\nseeds = ["http://a/"]\nlist_patterns = ["(unclosed"]\n', "site.toml:4:"),
        ('name = "s"\nsite = "站"\nseeds = ["not a url"]\n', "site.toml:3: seeds"),
        (
            'name = "s"\nsite = "站"\nseeds = ["http://a/"]\n[[detail]]\npattern = "x"\nkind = "law"\n',
            "site.toml:6: detail.0.kind",
        ),
        (
            'name = "s"\nsite = "站"\nseeds = ["http://a/"]\n[[detail]]\npattern = "x"\nkind = "policy"\n'
            '[[detail]]\npattern = "(bad"\nkind = "policy"\n',
            "site.toml:8: detail.1.pattern",
        ),
        (
            'name = "s"\nsite = "站"\nseeds = ["http://a/"]\n\n[extract]\ntitle = "h1"\nbody = "div["\n',
            "site.toml:7: extract.body: .*invalid CSS selector",
        ),
        (
            'name = "s"\nsite = "站"\nseeds = ["http://a/"]\n[extract]\ntitel = "h1"\n',
            "site.toml:5: extract.titel",
        ),
        ('name = "s"\nsite = "站"\nseeds = ["http://a/"]\ncolour = "red"\n', "site.toml:4: colour"),
    ],
)
def test_errors_name_the_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "site.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ProfileError, match=message):
        load_profile(path)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(ProfileError, match=r"nothing\.toml"):
        load_profile(tmp_path / "nothing.toml")


def test_every_shipped_profile_is_valid_and_names_are_unique() -> None:
    paths = sorted(SITES_DIR.glob("*.toml"))
    assert {path.stem for path in paths} >= {
        "demo",
        "govcn_2019",
        "govcn_zhengce",
        "govcn_gongbao",
        "shanxi_gov",
        "zj_fgw",
        "cmse",
        "nfra",
    }
    assert validate_profiles(paths) == []


def test_validate_profiles_reports_every_file(tmp_path: Path) -> None:
    good = 'name = "same"\nsite = "站"\nseeds = ["http://a/"]\n'
    (tmp_path / "a.toml").write_text(good, encoding="utf-8")
    (tmp_path / "b.toml").write_text(good, encoding="utf-8")
    (tmp_path / "c.toml").write_text('name = "c"\nsite = "站"\nseeds = [1]\n', encoding="utf-8")
    problems = validate_profiles(sorted(tmp_path.glob("*.toml")))
    assert len(problems) == 2
    assert problems[0].startswith(f"{tmp_path / 'b.toml'}:1: name: 'same' is already used")
    assert problems[1].startswith(f"{tmp_path / 'c.toml'}:3: seeds.0")


def test_real_site_profiles_recognise_their_urls() -> None:
    cases = {
        "govcn_zhengce": (
            "http://www.gov.cn/zhengce/content/2018-11/09/content_5338761.htm",
            PageRole.POLICY,
        ),
        "govcn_gongbao": ("https://www.gov.cn/gongbao/content/2007/content_711039.htm", PageRole.POLICY),
        "shanxi_gov": ("http://www.shanxi.gov.cn/yw/sxyw/201909/t20190918_693227.shtml", PageRole.POLICY),
        "zj_fgw": ("https://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html", PageRole.POLICY),
        "cmse": ("http://www.cmse.gov.cn/ztbd/xwfbh/201206/t20120624_43188.html", PageRole.POLICY),
        "nfra": (
            "https://www.nfra.gov.cn/cn/view/pages/ItemDetail.html?docId=1212085&itemId=4114&generaltype=9",
            PageRole.POLICY,
        ),
    }
    for name, (url, role) in cases.items():
        profile = builtin_profile(name)
        assert profile.role(url) is role, name
        assert all(profile.role(seed) is PageRole.LIST for seed in profile.seeds), name
        assert profile.role("https://elsewhere.example/a.html") is None


def test_the_documented_example_profile_is_valid(tmp_path: Path) -> None:
    from tests.shared_data import REPO_ROOT

    readme = (REPO_ROOT / "docs" / "commands.md").read_text(encoding="utf-8")
    example = readme.split("### Adding a site", 1)[1].split("```toml", 1)[1].split("```", 1)[0]
    path = tmp_path / "example.toml"
    path.write_text(example, encoding="utf-8")
    profile = load_profile(path)
    assert profile.role("https://fgw.zj.gov.cn/art/2016/11/22/art_1621004_30332664.html") is PageRole.POLICY
    assert profile.extract.body == "#zoom"
