"""`govsearch best-bets` as staff use it: add, list, remove, clear errors, and the pin on the page."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.cli import main
from tests.factories import build_data_dir


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    status = main(list(args))
    out, err = capsys.readouterr()
    return status, out, err


def test_add_list_remove_and_the_pin_shows_labelled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    settings = build_data_dir(tmp_path)
    with TestClient(create_app(settings)) as client:
        target = client.get("/api/v1/search", params={"q": "驾驶证期满换证"}).json()["hits"][0]
        d = ("--data-dir", str(tmp_path))
        status, out, _ = run(
            capsys,
            *d,
            "best-bets",
            "add",
            "驾照到期",
            target["id"],
            "--author",
            "李工",
            "--comment",
            "常见问法",
        )
        assert status == 0 and "已置顶（编号 1）" in out
        page = client.get("/s", params={"wd": "驾照 到期"}).text
        first = page.index('class="result')
        assert "推荐" in page[first : first + 400] and target["title"] in page[first : first + 600]

        status, out, _ = run(capsys, *d, "best-bets", "list")
        assert status == 0 and out.startswith("1\t驾照到期\t" + target["id"] + "\t李工\t长期\t常见问法")

        status, _, err = run(capsys, *d, "best-bets", "add", "驾照到期", "g-missing", "--author", "李工")
        assert status == 2 and "不存在" in err
        status, _, err = run(capsys, *d, "best-bets", "add", "驾照到期", target["id"], "--author", "李工")
        assert status == 2 and "已置顶" in err
        status, _, err = run(
            capsys, *d, "best-bets", "add", "x", target["id"], "--author", "李", "--expires", "2020-01-01"
        )
        assert status == 2 and "已经过去" in err
        status, _, err = run(
            capsys, *d, "best-bets", "add", "x", target["id"], "--author", "李", "--expires", "soon"
        )
        assert status == 2 and "YYYY-MM-DD" in err

        assert run(capsys, *d, "best-bets", "remove", "1")[0] == 0
        assert "推荐</span>" not in client.get("/s", params={"wd": "驾照到期"}).text
        status, _, err = run(capsys, *d, "best-bets", "remove", "1")
        assert status == 2 and "没有编号为 1 的置顶" in err
