"""`govsearch portals add|set|list|revoke|rotate` as an operator runs it: the key is printed once and only its
hash is stored; bad input is a one-line error naming what is wrong."""

from __future__ import annotations

import base64
import sqlite3
from pathlib import Path

import pytest

from govsearch.cli import main
from search_api.engine.portals import hash_key


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_add_list_rotate_revoke(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ("--data-dir", str(tmp_path))
    logo = tmp_path / "logo.png"
    logo.write_bytes(
        base64.b64decode(
            "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg=="
        )
    )
    status, out, _ = run(
        capsys, *base, "portals", "add", "gz-rsj", "--origins", "https://a.gov.cn,https://B.gov.cn:8443/",
        "--scope", "region=440100", "--scope", "kind=guide", "--rate", "20/s", "--title", "广州人社",
        "--colour", "#aa3300", "--logo", str(logo),
    )  # fmt: skip
    assert status == 0
    key = out.strip().splitlines()[-1]
    assert key.startswith("gs_") and len(key) > 40
    with sqlite3.connect(tmp_path / "store.sqlite3") as conn:
        stored = conn.execute("SELECT key_hash, origins, scope, rate, logo FROM portals").fetchone()
    assert stored[0] == hash_key(key) and key not in str(stored)
    assert stored[1] == '["https://a.gov.cn", "https://b.gov.cn:8443"]'
    assert stored[2] == '{"region": ["440100"], "type": ["guide"]}' and stored[3] == "20/second"
    assert stored[4].startswith("data:image/png;base64,")
    status, out, _ = run(capsys, *base, "portals", "list")
    assert status == 0 and "gz-rsj\t广州人社\tgs_" in out and "最近使用 从未" in out and key not in out
    status, out, _ = run(capsys, *base, "portals", "rotate", "gz-rsj")
    new_key = out.strip().splitlines()[-1]
    assert status == 0 and new_key.startswith("gs_") and new_key != key
    status, out, _ = run(capsys, *base, "portals", "revoke", "gz-rsj")
    assert status == 0 and "已吊销" in out
    assert "已吊销" in run(capsys, *base, "portals", "list")[1]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("add", "gz", "--scope", "colour=red"), "范围 colour"),
        (("add", "gz", "--scope", "region"), "范围应写成 筛选条件=取值"),
        (("add", "gz", "--scope", "type=law"), "类型只能是"),
        (("add", "gz", "--rate", "20/fortnight"), "频率应写成"),
        (("add", "gz", "--origins", "https://a.gov.cn/search"), "不能带路径"),
        (("add", "GZ RSJ"), "小写字母"),
        (("add", "gz", "--colour", "red"), "#RRGGBB"),
        (("add", "gz", "--logo", "logo.txt"), "标志应是"),
        (("revoke", "nobody"), "没有名为 nobody 的门户"),
        (("rotate", "nobody"), "没有名为 nobody 的门户"),
        (("set", "nobody", "--rate", "5/s"), "没有名为 nobody 的门户"),
        (("set", "nobody"), "没有要修改的内容"),
    ],
)
def test_bad_input_is_one_clear_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...], message: str
) -> None:
    status, _, err = run(capsys, "--data-dir", str(tmp_path), "portals", *args)
    assert status == 2 and err.startswith("错误：") and message in err and err.count("\n") == 1


def test_a_name_is_taken_once(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    base = ("--data-dir", str(tmp_path), "portals", "add", "once")
    assert run(capsys, *base)[0] == 0
    status, _, err = run(capsys, *base)
    assert status == 2 and "门户 once 已存在" in err


def test_set_changes_what_is_given_and_keeps_the_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    base = ("--data-dir", str(tmp_path), "portals")
    run(
        capsys,
        *base,
        "add",
        "gz",
        "--origins",
        "https://a.gov.cn",
        "--scope",
        "region=440100",
        "--title",
        "广州",
    )
    with sqlite3.connect(tmp_path / "store.sqlite3") as conn:
        before = conn.execute("SELECT key_hash, origins, scope, rate, title FROM portals").fetchone()
    status, out, _ = run(capsys, *base, "set", "gz", "--scope", "kind=policy", "--rate", "5/s")
    assert status == 0 and "已修改门户 gz" in out
    with sqlite3.connect(tmp_path / "store.sqlite3") as conn:
        after = conn.execute("SELECT key_hash, origins, scope, rate, title FROM portals").fetchone()
    assert after == (before[0], before[1], '{"type": ["policy"]}', "5/second", "广州")
    status, _, err = run(capsys, *base, "set", "gz", "--rate", "lots")
    assert status == 2 and "频率应写成" in err
    run(capsys, *base, "set", "gz", "--origins", "")  # no origins: server use only
    with sqlite3.connect(tmp_path / "store.sqlite3") as conn:
        assert conn.execute("SELECT origins, rate FROM portals").fetchone() == ("[]", "5/second")
