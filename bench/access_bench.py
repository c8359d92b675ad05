"""Benchmark: what the API's access layer (portal key, origin, rate limit, unknown-parameter check) adds
to a request, against the same request with every limit off, in the same run.

  python bench/access_bench.py [--requests 2000] [--out bench/results/] [--redis redis://127.0.0.1:6379/0]

The route is /api/v1/hot (it reads an in-memory list), so the time is the HTTP stack plus the access
layer; requests go through the real app in process (ASGI, no network), one app whose settings and
limiter each variant swaps in. Rounds alternate the variants, each round starting with the next one
(no variant always goes first), so that all see the same machine; the
result is the median of per-round medians, in µs per request, and the ratio to the baseline. The
Redis row is measured when --redis names a reachable server.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import secrets
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from a checkout

from fastapi.testclient import TestClient  # noqa: E402

from govsearch.app import create_app  # noqa: E402
from govsearch.settings import Settings  # noqa: E402
from indexer.storage import Database  # noqa: E402
from search_api.engine.portals import Branding, Portals  # noqa: E402
from search_api.throttle import RateLimiter  # noqa: E402

ROUNDS = 8
UNLIMITED = "1000000/second"


def _timed(call: Callable[[], object], count: int) -> float:
    """Median µs of `count` calls."""
    samples = []
    for _ in range(count):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) * 1e6


Variant = tuple[Settings, RateLimiter, dict[str, str]]


def _variants(data_dir: Path, redis: str | None) -> dict[str, Variant]:
    """What each variant sets on the one app: its settings, its limiter and the request's headers."""
    base = Settings(data_dir=data_dir, log_queries=False, anonymous_rate="", anonymous_suggest_rate="")
    database = Database.for_path(base.store_path)
    _portal, key = Portals(database).add(f"bench-{secrets.token_hex(3)}", [], {}, UNLIMITED, Branding())
    database.close()
    local = RateLimiter()
    variants = {
        "baseline: anonymous, limits off": (base, local, {}),
        "anonymous, in-process limit": (base.model_copy(update={"anonymous_rate": UNLIMITED}), local, {}),
        "portal key, in-process limit": (base, local, {"X-Api-Key": key}),
    }
    if redis:
        variants["portal key, Redis limit"] = (base, RateLimiter(redis), {"X-Api-Key": key})
    return variants


def measure(requests: int, redis: str | None) -> dict[str, dict[str, float]]:
    """One app and one client; each variant swaps the app's settings and limiter, so that only the
    access layer differs between them."""
    with tempfile.TemporaryDirectory() as tmp:
        variants = _variants(Path(tmp), redis)
        app = create_app(next(iter(variants.values()))[0])
        per_round: dict[str, list[float]] = {name: [] for name in variants}
        with TestClient(app) as client:
            names = list(variants)
            for round_number in range(ROUNDS):
                for name in names[round_number % len(names) :] + names[: round_number % len(names)]:
                    settings, limiter, headers = variants[name]
                    app.state.settings, app.state.rate_limiter = settings, limiter
                    client.get("/api/v1/hot", headers=headers).raise_for_status()
                    per_round[name].append(
                        _timed(lambda h=headers: client.get("/api/v1/hot", headers=h), requests)
                    )
    baseline = statistics.median(next(iter(per_round.values())))
    return {
        name: {"us": round(statistics.median(v), 1), "ratio": round(statistics.median(v) / baseline, 2)}
        for name, v in per_round.items()
    }


def steps(calls: int, redis: str | None) -> dict[str, float]:
    """µs per call of the access layer's own steps, alone (medians)."""
    with tempfile.TemporaryDirectory() as tmp:
        database = Database.for_path(Path(tmp) / "store.sqlite3")
        portals = Portals(database)
        _portal, key = portals.add("steps", [], {}, UNLIMITED, Branding())
        local = RateLimiter()
        found = {
            "key lookup (cached in process)": _timed(lambda: portals.authenticate(key), calls),
            "rate limit, in process (2 windows)": _timed(
                lambda: local.hit("bench", "1000000/second;1000000/minute"), calls
            ),
        }
        if redis:
            shared = RateLimiter(redis)
            name = f"bench-{secrets.token_hex(3)}"
            found["rate limit, Redis (2 windows)"] = _timed(
                lambda: shared.hit(name, "1000000/second;1000000/minute"), calls
            )
        database.close()
    return {k: round(v, 1) for k, v in found.items()}


def write(out: Path, results: dict[str, dict[str, float]], requests: int, alone: dict[str, float]) -> Path:
    out.mkdir(parents=True, exist_ok=True)
    stamp = dt.date.today().strftime("%Y%m%d")
    meta = {"date": dt.date.today().isoformat(), "requests_per_round": requests, "rounds": ROUNDS}
    (out / f"access_{stamp}.json").write_text(
        json.dumps({**meta, "results": results, "steps_us": alone}, ensure_ascii=False, indent=2),
        encoding="utf-8",
    )
    lines = [
        "# Access layer benchmark",
        "",
        f"{meta['date']}: GET /api/v1/hot in process, {requests} requests × {ROUNDS} rounds, median µs.",
        "",
        "| variant | µs per request | ratio to baseline |",
        "|---|---|---|",
        *(f"| {name} | {r['us']} | {r['ratio']}× |" for name, r in results.items()),
        "",
        "The steps alone (median µs per call):",
        "",
        "| step | µs |",
        "|---|---|",
        *(f"| {name} | {us} |" for name, us in alone.items()),
    ]
    path = out / f"access_{stamp}.md"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--redis", help="a Redis URL to measure the shared limit too")
    args = parser.parse_args(argv)
    results = measure(args.requests, args.redis)
    alone = steps(args.requests, args.redis)
    print(write(args.out, results, args.requests, alone).read_text(encoding="utf-8"))
    return 0


if __name__ == "__main__":
    sys.exit(main())
