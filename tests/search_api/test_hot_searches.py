"""热搜, suggestions and 相关搜索 that nobody can poison: distinct visitors over a window (a hash salted per
day), a minimum count, and rules that keep markup, ID numbers and phone numbers out whoever searched."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from indexer.storage import Database
from indexer.storage.logs import QueryLog
from search_api.deps import client_network
from search_api.engine.query_log import Popularity, popular_queries, showable
from search_api.engine.visitors import Visitors
from tests.factories import build_data_dir, guide
from tests.web.citizen_site import citizen_app


@pytest.mark.parametrize(
    "query",
    [
        "<script>alert(1)</script>",
        "＜img src=x onerror=alert(1)＞",
        "社保卡 http://evil.example.com",
        "身份证 44010619900101123X",
        "换证 13800138000",
        "咨询 020-83134173",
        "账号 1234567",
        "社保卡" * 20,
    ],
)
def test_what_is_never_shown_to_others(query: str) -> None:
    assert not showable(query)


def test_ordinary_queries_are_shown_unless_denied() -> None:
    for query in ("社保卡补办", "换身份證", "sbk", "国办发〔2018〕104号", "12345热线"):
        assert showable(query), query
    assert not showable("社保卡补办", frozenset({"补办"}))


def _hot(client: TestClient) -> list[str]:
    client.app.state.search_engine.knowledge.forget()  # type: ignore[attr-defined]
    hot: list[str] = client.get("/api/v1/hot").json()["hot"]
    return hot


def test_one_visitor_flooding_a_phrase_never_reaches_hot_searches(tmp_path: Path) -> None:
    with TestClient(citizen_app(tmp_path, reload_seconds=0)) as client:
        flood = {"user-agent": "flooder"}
        for _ in range(60):
            client.get("/api/v1/search", params={"q": "社保卡挂失"}, headers=flood)
            client.get("/s", params={"wd": "<script>alert(1)</script>社保卡"}, headers=flood)
        assert _hot(client) == []
        assert (
            "社保卡挂失" not in client.get("/api/v1/suggest", params={"q": "社保卡挂"}).json()["suggestions"]
        )
        for person in ("203.0.113.1", "203.0.113.2"):
            other = TestClient(client.app, client=(person, 5000))  # the same app, another address
            other.get("/api/v1/search", params={"q": "社保卡挂失"})
        assert _hot(client) == ["社保卡挂失"]  # three different visitors: popular
        for person in ("203.0.113.3", "203.0.113.4", "203.0.113.5"):
            other = TestClient(client.app, client=(person, 5000))
            other.get("/s", params={"wd": "<script>alert(1)</script>社保卡"})
        assert _hot(client) == ["社保卡挂失"]  # markup never, however many searched it
        related = client.get("/api/v1/search", params={"q": "社保卡"}).json()["related"]
        assert "社保卡挂失" in related and not any("<" in r for r in related)


def test_the_window_and_the_minimum(tmp_path: Path) -> None:
    database = Database.for_path(tmp_path / "store.sqlite3")
    log = QueryLog(database)
    for person in ("a", "b"):
        log.log_query("公积金提取", None, 1, 3, visitor=person)
    log.log_query("公积金提取", None, 1, 3)  # before visitors were counted: no one to count
    assert popular_queries(database, frozenset(), Popularity(min_visitors=3)) == []
    assert popular_queries(database, frozenset(), Popularity(min_visitors=2)) == [("公积金提取", 2)]
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=30)
    assert log.popular(2, Popularity(window_days=14).since(later), 10) == []  # outside the window
    database.close()


def test_visitor_hashes_change_every_day_and_old_salts_are_gone(tmp_path: Path) -> None:
    database = Database.for_path(tmp_path / "store.sqlite3")
    visitors = Visitors(QueryLog(database))
    monday, tuesday = dt.date(2026, 11, 30), dt.date(2026, 12, 1)
    first = visitors.key("127.0.0.1", "browser", monday)
    assert (
        first == visitors.key("127.0.0.1", "browser", monday) != visitors.key("127.0.0.2", "browser", monday)
    )
    other_process = Visitors(QueryLog(Database.for_path(tmp_path / "store.sqlite3")))
    assert other_process.key("127.0.0.1", "browser", monday) == first  # one salt for every worker
    assert visitors.key("127.0.0.1", "browser", tuesday) != first
    assert QueryLog(database).salt_of(tuesday.isoformat()) != QueryLog(database).salt_of(monday.isoformat())
    assert "127.0.0.1" not in first and len(first) == 24
    database.close()


SCAM = "退税补贴领取"


def _visible(client: TestClient, phrase: str) -> dict[str, bool]:
    """Where `phrase` shows to anyone: 热搜, the suggestions for its prefix, 相关搜索 of a related query."""
    related = client.get("/api/v1/search", params={"q": "社保卡"}).json()["related"]
    suggestions = client.get("/api/v1/suggest", params={"q": phrase[:3]}).json()["suggestions"]
    return {"hot": phrase in _hot(client), "suggest": phrase in suggestions, "related": phrase in related}


def test_three_hundred_searches_from_one_client_never_make_a_phrase_popular(tmp_path: Path) -> None:
    """Defect 8 of issue 17, through the app with the anonymous rate limits off: 300 searches in a
    minute from one client, each with another browser name, and from many addresses of one IPv6 /64,
    leave the phrase out of 热搜, suggestions and 相关搜索; distinct clients make it popular."""
    app = citizen_app(tmp_path, reload_seconds=0, anonymous_rate="", anonymous_suggest_rate="")
    with TestClient(app, client=("198.51.100.7", 5000)) as attacker:
        for number in range(300):
            answer = attacker.get(
                "/s", params={"wd": f"社保卡 {SCAM}"}, headers={"user-agent": f"bot/{number}"}
            )
            assert answer.status_code == 200  # no rate limit saved us
        for number in range(5):
            same_line = TestClient(app, client=(f"2001:db8:5:7::{number + 1}", 5000))
            same_line.get("/api/v1/search", params={"q": f"社保卡 {SCAM}"})
        assert _visible(attacker, f"社保卡 {SCAM}") == {"hot": False, "suggest": False, "related": False}
        for address in ("203.0.113.9", "2001:db8:9::1"):
            TestClient(app, client=(address, 5000)).get("/api/v1/search", params={"q": f"社保卡 {SCAM}"})
        assert _visible(attacker, f"社保卡 {SCAM}")["hot"]  # three different clients: popular


def test_client_networks() -> None:
    assert client_network("198.51.100.7") == "198.51.100.7"
    assert client_network("2001:db8:5:7::1") == client_network("2001:db8:5:7:ffff::9") == "2001:db8:5:7::/64"
    assert client_network("::ffff:198.51.100.7") == "198.51.100.7"
    assert client_network("testclient") == "testclient"


def test_initials_read_as_the_words_of_the_results_different_people_open(tmp_path: Path) -> None:
    """Item popularity (issue 13): hd is 河道 in three titles and 航道 in one. Once three different
    clients have opened the 航道 guide from the results, hd reads 航道; one client clicking it fifty
    times does not make it popular."""
    documents = [
        guide("修建跨越航道建筑物审批", "H001"),
        guide("河道采砂许可", "H002"),
        guide("河道管理范围内建设项目审批", "H003"),
        guide("河道整治工程验收", "H004"),
    ]
    settings = build_data_dir(tmp_path, documents)
    app = create_app(settings.model_copy(update={"anonymous_rate": "", "anonymous_suggest_rate": ""}))
    with TestClient(app, client=("198.51.100.7", 5000)) as client:

        def reading() -> str:
            client.app.state.search_engine.knowledge.forget()  # type: ignore[attr-defined]
            answer = client.get("/api/v1/search", params={"q": "hd"}).json()
            text: str = answer["correction"]["text"]
            assert text in answer["hits"][0]["title"], answer["hits"][0]  # and its results are shown
            return text

        assert reading() == "河道"
        click = {"query": "hd", "doc_id": documents[0].id, "position": 2}
        for _ in range(50):
            assert client.post("/api/v1/clicks", json=click).status_code == 204
        assert reading() == "河道"
        for address in ("203.0.113.1", "2001:db8:9::1"):
            assert (
                TestClient(app, client=(address, 5000)).post("/api/v1/clicks", json=click).status_code == 204
            )
        assert reading() == "航道"
