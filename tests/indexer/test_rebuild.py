"""Rebuilds beside the live index: searches keep the old one until an atomic switch, a wrong count is
refused, one rollback is kept, and a SIGKILL at any of 20 points leaves a complete index that the server
starts on."""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from govsearch.app import create_app
from govsearch.settings import Settings
from indexer.backends.base import BackendError, BackendQuery
from indexer.backends.tantivy_backend import TantivyBackend
from indexer.pipeline import rebuild_beside, update_index
from indexer.storage import Database
from indexer.store import Store
from tests.factories import SAMPLE_DOCUMENTS, build_data_dir, guide
from tests.shared_data import REPO_ROOT

EVERYTHING = BackendQuery(groups=(), field_weights={}, match_all=True, limit=1000)


def _ids(backend: TantivyBackend) -> set[str]:
    return {hit.id for hit in backend.search(EVERYTHING).hits}


def test_searches_keep_the_old_index_until_the_switch_and_one_rollback_is_kept(tmp_path: Path) -> None:
    settings = build_data_dir(tmp_path)
    store = Store(Database.for_path(settings.store_path))
    serving = TantivyBackend(tmp_path / "index")  # another process's reader, as `serve` has
    before = _ids(serving)
    store.upsert([guide("新增事项", "G900")])
    builder = TantivyBackend(tmp_path / "index")
    generation = builder.new_generation()
    assert generation.count() == 0 and _ids(serving) == before  # building changes nothing live
    report = rebuild_beside(store, builder)
    assert report.total_in_index == store.count() == len(before) + 1
    serving.refresh()
    added = guide("新增事项", "G900").id
    assert _ids(serving) == before | {added}
    assert store.count_pending() == 0
    builder.rollback()
    serving.refresh()
    assert _ids(serving) == before
    store.close()


def test_a_generation_with_the_wrong_count_is_refused(tmp_path: Path) -> None:
    build_data_dir(tmp_path)
    live = TantivyBackend(tmp_path / "index")
    before = live.count()
    generation = live.new_generation()
    with pytest.raises(BackendError, match="仍使用原索引"):
        live.activate(generation, before)  # the new generation is empty
    live.refresh()
    assert live.count() == before


def test_rollback_without_a_previous_generation_says_so(tmp_path: Path) -> None:
    build_data_dir(tmp_path)
    with pytest.raises(BackendError, match="没有可回滚"):
        TantivyBackend(tmp_path / "index").rollback()


# -- the crash test: `govsearch index --rebuild` killed at 20 points --------------------------------
# The child patches one function to SIGKILL itself before (or after) its n-th call: deterministic
# points inside the batches, the switch and the delete of the old index; plus kills at moments in time.
CHILD = textwrap.dedent(
    """
    import importlib, os, signal, sys
    from pathlib import Path
    import indexer.pipeline
    indexer.pipeline.BATCH_SIZE = 2  # several batches and commits from a few documents
    indexer.pipeline.COMMIT_EVERY = 2
    os.environ["GOVSEARCH_INDEX_WORKERS"] = "1"  # no worker process outlives a killed child
    target, nth, when = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    module_name, _, attr = target.rpartition(":")
    owner = importlib.import_module(module_name)
    *path, name = attr.split(".")
    for part in path:
        owner = getattr(owner, part)
    original = getattr(owner, name)
    calls = 0

    def die() -> None:
        os.kill(os.getpid(), signal.SIGKILL)

    def wrapped(*args, **kwargs):
        global calls
        calls += 1
        if calls == nth and when == "before":
            die()
        if calls == nth and when == "midway":  # delete half of the tree, then die
            files = sorted(p for p in Path(args[0]).rglob("*") if p.is_file())
            for f in files[: len(files) // 2]:
                f.unlink()
            die()
        result = original(*args, **kwargs)
        if calls == nth and when == "after":
            die()
        return result

    setattr(owner, name, wrapped)
    from govsearch.cli import main
    sys.exit(main(["--data-dir", sys.argv[4], "index", "--rebuild"]))
    """
)
GEN = "indexer.backends.generations"
TB = "indexer.backends.tantivy_backend:TantivyBackend"
POINTS = [
    (f"{TB}.index", 1, "before"),
    (f"{TB}.index", 2, "after"),
    (f"{TB}.index", 3, "before"),
    (f"{GEN}:new_directory", 1, "after"),
    (f"{TB}.close", 1, "after"),  # the generation is complete, not yet checked
    (f"{GEN}:_write", 1, "before"),  # the switch: before the pointer moves
    (f"{GEN}:_write", 1, "after"),  # live switched, previous not yet recorded
    (f"{GEN}:_write", 2, "before"),
    (f"{GEN}:_write", 2, "after"),
    (f"{GEN}:_fsync_dir", 1, "before"),
    (f"{GEN}:shutil.rmtree", 1, "before"),  # the delete of the old index
    (f"{GEN}:shutil.rmtree", 1, "midway"),
    (f"{TB}._follow", 1, "before"),
    ("indexer.store:Store.mark_indexed", 1, "before"),
    ("indexer.store:Store.mark_indexed", 1, "after"),
]
MOMENTS = (0.2, 0.4, 0.6, 0.8, 0.95)  # fractions of a full rebuild's run time


def _template(root: Path) -> Path:
    """A data directory after one rebuild: the next one switches generations and deletes `index`."""
    documents = [*SAMPLE_DOCUMENTS, *(guide(f"事项{i}", f"C{i:03d}") for i in range(8))]
    settings = build_data_dir(root / "template", documents)
    store = Store(Database.for_path(settings.store_path))
    rebuild_beside(store, TantivyBackend(root / "template" / "index"))
    store.close()
    return root / "template"


def _run_child(data_dir: Path, point: tuple[str, int, str]) -> subprocess.Popen[bytes]:
    target, nth, when = point
    argv = [sys.executable, "-c", CHILD, target, str(nth), when, str(data_dir)]
    return subprocess.Popen(argv, cwd=REPO_ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _assert_complete(data_dir: Path) -> None:
    store = Store(Database.for_path(data_dir / "store.sqlite3"))
    live = TantivyBackend(data_dir / "index")
    assert _ids(live) == store.live_ids()
    update_index(store, TantivyBackend(data_dir / "index", writable=True))  # the store's marks agree
    assert _ids(TantivyBackend(data_dir / "index")) == store.live_ids()
    store.close()
    settings = Settings(data_dir=data_dir, reload_seconds=0)
    with TestClient(create_app(settings)) as client:
        found = client.get("/api/v1/search", params={"q": "居民身份证"}).json()
        assert found["total"] >= 2


def test_sigkill_at_twenty_points_of_a_rebuild_leaves_a_complete_index(tmp_path: Path) -> None:
    template = _template(tmp_path)
    timed = tmp_path / "timed"
    shutil.copytree(template, timed)
    started = time.monotonic()
    assert _run_child(timed, ("os:getpid", 10**9, "before")).wait() == 0  # a full run, never killed
    full = time.monotonic() - started
    points: list[tuple[tuple[str, int, str], float | None]] = [(p, None) for p in POINTS]
    points += [(("os:getpid", 10**9, "before"), full * m) for m in MOMENTS]
    assert len(points) == 20
    for number, (point, moment) in enumerate(points):
        data_dir = tmp_path / f"run{number}"
        shutil.copytree(template, data_dir)
        child = _run_child(data_dir, point)
        if moment is not None:
            time.sleep(moment)
            child.send_signal(signal.SIGKILL)
        code = child.wait()
        expected = (0, -signal.SIGKILL) if moment is not None else (-signal.SIGKILL,)  # the point was hit
        assert code in expected, (point, child.stderr.read() if child.stderr else b"")
        _assert_complete(data_dir)
    assert os.path.isdir(template)
