"""Real Elasticsearch nodes for the tests: the cluster at GOVSEARCH_ELASTICSEARCH_URL when it is set
(a contributor's own), else nodes started on loopback by ../shared/tools/elasticsearch/ (once per test
session). Under CI=true an Elasticsearch that cannot be reached or started is a failure, elsewhere a skip.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Callable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest
from elasticsearch import Elasticsearch

from indexer.backends import ElasticsearchConfig, SearchBackend, open_backend
from indexer.vectors import VectorFields
from tests.shared_data import SHARED

TOOLS = SHARED / "tools" / "elasticsearch"
HEAP = "512m"  # 0.85 GB RSS a node (tools README); the machine is shared
START_TIMEOUT = "240"
CLUSTER_NODES = 3  # tests/indexer/test_elasticsearch_cluster.py


def unavailable(message: str) -> None:
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"Elasticsearch is required under CI=true: {message}")
    pytest.skip(message)


def free_port(start: int, count: int = 1) -> int:
    """The first port from `start` where `count` consecutive HTTP ports and their transport ports
    (+100, the script's rule) are free on loopback."""
    for base in range(start, start + 500, count):
        ports = [p + d for p in range(base, base + count) for d in (0, 100)]
        if all(_free(p) for p in ports):
            return base
    raise RuntimeError("no free port range for Elasticsearch")


def _free(port: int) -> bool:
    with socket.socket() as s:
        return s.connect_ex(("127.0.0.1", port)) != 0


def _run(script: str, *args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, "ES_HEAP": HEAP, "ES_START_TIMEOUT": START_TIMEOUT, **(env or {})}
    return subprocess.run(
        ["bash", str(TOOLS / script), *args], capture_output=True, text=True, env=full_env, check=False
    )


def start_node(port: int, data_dir: Path) -> None:
    if not (TOOLS / "start.sh").exists():
        unavailable(f"{TOOLS}/start.sh not found and GOVSEARCH_ELASTICSEARCH_URL not set")
    done = _run("start.sh", str(port), str(data_dir))
    if done.returncode != 0:
        unavailable(f"could not start Elasticsearch on {port}: {done.stderr[-2000:]}")


def stop_node(port: int, data_dir: Path) -> None:
    _run("stop.sh", str(port), str(data_dir))


def start_cluster(nodes: int, base: int, directory: Path) -> None:
    done = _run("cluster.sh", "start", str(nodes), str(base), str(directory))
    if done.returncode != 0:
        unavailable(f"could not start a {nodes}-node cluster on {base}: {done.stderr[-2000:]}")


def stop_cluster(nodes: int, base: int, directory: Path) -> None:
    _run("cluster.sh", "stop", str(nodes), str(base), str(directory))


def restart_member(port: int, seed_ports: list[int], directory: Path, base: int) -> None:
    env = {"ES_SEED_PORTS": " ".join(map(str, seed_ports)), "ES_CLUSTER_NAME": f"es-local-{base}"}
    done = _run("start.sh", str(port), str(directory / f"node-{port}"), env=env)
    assert done.returncode == 0, done.stderr[-2000:]


# Nodes begun in a background thread as soon as the tests are collected (`begin`), so that the tests
# that need them do not wait for JVMs to start: the first of them runs minutes into the session, and
# a 3-node cluster takes over a minute to form on a busy 2-core machine. One start at a time: the
# first one installs Elasticsearch, and two installs must not race.
_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="es-start")
_begun: dict[str, tuple[Future[tuple[int, Path]], Callable[[int, Path], None]]] = {}
SESSION_NODE = "session node"
CLUSTER = "cluster"


def _start_session_node() -> tuple[int, Path]:
    port = free_port(9420)
    with _removed_unless_started() as directory:
        start_node(port, directory / f"node-{port}")
    return port, directory


def _stop_session_node(port: int, directory: Path) -> None:
    stop_node(port, directory / f"node-{port}")
    shutil.rmtree(directory, ignore_errors=True)


def _start_cluster() -> tuple[int, Path]:
    base = free_port(9450, CLUSTER_NODES)
    with _removed_unless_started() as directory:
        start_cluster(CLUSTER_NODES, base, directory)
    return base, directory


def _stop_cluster(base: int, directory: Path) -> None:
    stop_cluster(CLUSTER_NODES, base, directory)
    shutil.rmtree(directory, ignore_errors=True)


STARTS = {SESSION_NODE: (_start_session_node, _stop_session_node), CLUSTER: (_start_cluster, _stop_cluster)}


def begin(name: str) -> None:
    """Start `name` (SESSION_NODE or CLUSTER) in the background; `started` waits for it."""
    if name not in _begun:
        start, stop = STARTS[name]
        _begun[name] = (_pool.submit(start), stop)


@contextmanager
def started(name: str) -> Iterator[tuple[int, Path]]:
    """(first port, directory) of what `begin` started (or of a start made now), stopped at the end."""
    begun = _begun.get(name)
    start, stop = STARTS[name]
    port, directory = begun[0].result() if begun else start()  # a skip or failure raised in the thread
    _begun.pop(name, None)  # ours to stop now (until here, `stop_unused` stops it if the run ends)
    try:
        yield port, directory
    finally:
        stop(port, directory)


def stop_unused() -> None:
    """Stop what was begun but never used (a run stopped early, e.g. by -x): no node outlives the run."""
    for future, stop in _begun.values():
        try:
            port, directory = future.result()
        except BaseException:
            continue
        stop(port, directory)
    _begun.clear()


@contextmanager
def _removed_unless_started() -> Iterator[Path]:
    """A directory for node data that the node's own user can reach (the script runs nodes as the user
    `elasticsearch` when we are root, and pytest's temporary directories are private, 0700); removed
    when the start fails."""
    path = Path(tempfile.mkdtemp(prefix="govsearch-es-"))
    path.chmod(0o755)
    try:
        yield path
    except BaseException:
        shutil.rmtree(path, ignore_errors=True)
        raise


def session_cluster() -> Iterator[tuple[str, ...]]:
    """The URLs of the cluster the tests use, started (and stopped) here when none is configured."""
    configured = os.environ.get("GOVSEARCH_ELASTICSEARCH_URL")
    if configured:
        urls = tuple(u.strip() for u in configured.split(",") if u.strip())
        try:
            Elasticsearch(list(urls), request_timeout=10).info()
        except Exception as exc:  # any failure to talk to it: the cluster is not usable
            unavailable(f"GOVSEARCH_ELASTICSEARCH_URL={configured} does not answer: {exc}")
        yield urls
        return
    with started(SESSION_NODE) as (port, _directory):
        yield (f"http://127.0.0.1:{port}",)


def isolated_config(urls: tuple[str, ...], key: str = "") -> ElasticsearchConfig:
    """A config with an index prefix of its own (one per test, or per `key`): tests never share data."""
    suffix = hashlib.sha1(key.encode()).hexdigest()[:10] if key else uuid.uuid4().hex[:10]
    return ElasticsearchConfig(urls=urls, index_prefix=f"gs-test-{suffix}", replicas=0, timeout=30.0)


def drop_prefix(config: ElasticsearchConfig) -> None:
    client = Elasticsearch(list(config.urls), request_timeout=30)
    client.indices.delete(index=f"{config.index_prefix}*", ignore_unavailable=True)
    client.options(ignore_status=404).indices.delete_index_template(name=f"{config.index_prefix}-template")
    client.close()


class BackendOpener:
    """Opens a backend by name over a path, as `open_backend` does: for Elasticsearch the path names
    the index prefix, so opening the same path again reaches the same index."""

    def __init__(self, request: pytest.FixtureRequest) -> None:
        self._request = request
        self.configs: list[ElasticsearchConfig] = []

    def __call__(
        self,
        name: str,
        path: Path,
        *,
        writable: bool = False,
        vectors: VectorFields | None = None,
        **changes: object,
    ) -> SearchBackend:
        config = None
        if name == "elasticsearch":
            urls: tuple[str, ...] = self._request.getfixturevalue("es_urls")
            config = replace(isolated_config(urls, str(path)), **changes)  # type: ignore[arg-type]
            self.configs.append(config)
        return open_backend(name, path, writable=writable, elasticsearch=config, vectors=vectors)

    def cleanup(self) -> None:
        for config in {c.index_prefix: c for c in self.configs}.values():
            drop_prefix(config)
