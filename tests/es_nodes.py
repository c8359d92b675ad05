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
from collections.abc import Iterator
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


@contextmanager
def node_directory() -> Iterator[Path]:
    """A directory for node data that the node's own user can reach: the script runs nodes as the
    user `elasticsearch` when we are root, and pytest's temporary directories are private (0700)."""
    path = Path(tempfile.mkdtemp(prefix="govsearch-es-"))
    path.chmod(0o755)
    try:
        yield path
    finally:
        shutil.rmtree(path, ignore_errors=True)


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
    port = free_port(9420)
    with node_directory() as tmp:
        data_dir = tmp / f"node-{port}"
        start_node(port, data_dir)
        try:
            yield (f"http://127.0.0.1:{port}",)
        finally:
            stop_node(port, data_dir)


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
