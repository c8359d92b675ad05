from __future__ import annotations

from pathlib import Path

import pytest

from crawler.profiles import PageRole, ProfileError, builtin_profile, load_profile, profile_with_seeds
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
        ('name = "s"\nsite = "站"\nseeds = [\n', "site.toml: invalid TOML"),
        ('name = "s"\nsite = "站"\nseeds = ["http://a/"]\nlist_patterns = ["(unclosed"]\n', "site.toml:4:"),
        ('name = "s"\nsite = "站"\nseeds = ["not a url"]\n', "site.toml:3: seeds"),
        (
            'name = "s"\nsite = "站"\nseeds = ["http://a/"]\n[[detail]]\npattern = "x"\nkind = "law"\n',
            "site.toml:4:",
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
