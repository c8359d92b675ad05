"""Load benchmark: `govsearch serve` (its default workers and admission control) under an open-loop
offered load of real queries, on loopback only.

  python bench/load.py [--data-dir DIR] [--rate 300] [--seconds 60] [--out bench/results/]

Phases, one server: a baseline at a light rate; the offered load (a request every 1/rate s whether or not
earlier ones finished, as a busy day would: 4 in 5 to /api/v1/search, 1 in 5 to the page /s); then the
recovery (a probe every 0.25 s until latency is back near the baseline); then search throughput of a
fixed number of closed-loop clients without and with 10 wrong staff logins per second. Reported:
completed/s, p50/p95/p99 of completed requests, shed (503) and failed (timeouts, other 5xx, errors)
counts, seconds to recover, RSS of the server's processes before and after, and the login ratio.
The load generator shares the machine's cores with the server, so the figures are pessimistic.
"""

from __future__ import annotations

import argparse
import asyncio
import datetime as dt
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

import httpx

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))
from search_bench import build_corpus, queries  # noqa: E402

from bench.reporting import percentile  # noqa: E402

HOST = "127.0.0.1"  # loopback only: this tool never sends load elsewhere
MAX_RATE, MAX_SECONDS = 1000, 300  # bounds on what it may offer
CLIENT_TIMEOUT = 10.0
CLOSED_LOOP_CLIENTS, CLOSED_LOOP_SECONDS, CLOSED_LOOP_ROUNDS = 8, 5.0, 8
LOGIN_ADDRESSES = 200


def _rss_mb(pid: int) -> float:
    """Resident memory of the process and its children (the workers), in MB."""
    pids = [pid, *(int(p) for p in _children(pid))]
    total = 0
    for p in pids:
        try:
            status = Path(f"/proc/{p}/status").read_text()
        except OSError:
            continue
        match = re.search(r"VmRSS:\s+(\d+) kB", status)
        total += int(match.group(1)) if match else 0
    return round(total / 1024, 1)


def _cpu_seconds(pid: int) -> float:
    """CPU time (user + system) the server's processes have used so far: how much of the machine the
    server actually got, which on a shared machine says more than the wall clock."""
    total = 0
    for p in [pid, *(int(c) for c in _children(pid))]:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime (clock ticks)
    return total / os.sysconf("SC_CLK_TCK")


def _children(pid: int) -> list[str]:
    try:
        found = Path(f"/proc/{pid}/task/{pid}/children").read_text().split()
    except OSError:
        return []
    return [*found, *(c for child in found for c in _children(int(child)))]


async def _get(host: str, port: int, path: str) -> int:
    """One GET on a fresh connection; the status code. A bare HTTP/1.1 client: at 300 requests/s on the
    server's own cores the generator must cost far less than the server (httpx costs ~2 ms a request)."""
    reader, writer = await asyncio.open_connection(host, port)
    try:
        target = quote(path, safe="/?=&%")
        writer.write(f"GET {target} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\n\r\n".encode())
        await writer.drain()
        status_line = await reader.readline()
        await reader.read()  # the rest, until the server closes
        return int(status_line.split()[1])
    finally:
        writer.close()


async def _one(base: tuple[str, int], path: str, outcomes: Counter[str], times: list[float]) -> None:
    started = time.perf_counter()
    try:
        status = await asyncio.wait_for(_get(*base, path), CLIENT_TIMEOUT)
    except TimeoutError:
        outcomes["timeout"] += 1
        return
    except (OSError, ValueError, IndexError):
        outcomes["error"] += 1
        return
    if status == 503:
        outcomes["shed"] += 1
    elif status >= 500:
        outcomes[f"status_{status}"] += 1
    else:
        outcomes["completed"] += 1
        times.append(time.perf_counter() - started)


def _url(number: int, search: list[str]) -> str:
    q = search[number % len(search)]
    return f"/s?wd={q}" if number % 5 == 4 else f"/api/v1/search?q={q}"


async def offered(base: str, search: list[str], rate: float, seconds: float) -> dict[str, Any]:
    """Open loop: a request every 1/rate s, each with its own task; nothing waits for answers."""
    outcomes: Counter[str] = Counter()
    times: list[float] = []
    address = urlsplit(base)
    target = (address.hostname or HOST, address.port or 80)
    start = time.perf_counter()
    tasks = []
    for number in range(int(rate * seconds)):
        delay = start + number / rate - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(_one(target, _url(number, search), outcomes, times)))
    sent = time.perf_counter() - start
    await asyncio.gather(*tasks)
    elapsed = time.perf_counter() - start
    failed = sum(v for k, v in outcomes.items() if k not in ("completed", "shed"))
    return {
        "offered_per_s": rate,
        "seconds_sending": round(sent, 1),  # more than asked: the generator could not keep up
        "seconds": round(elapsed, 1),
        "completed": outcomes["completed"],
        "completed_per_s": round(outcomes["completed"] / elapsed, 1),
        "p50_ms": round(percentile(times, 0.5) * 1000, 1),
        "p95_ms": round(percentile(times, 0.95) * 1000, 1),
        "p99_ms": round(percentile(times, 0.99) * 1000, 1),
        "shed_503": outcomes["shed"],
        "failed": failed,
        "failures": {k: v for k, v in outcomes.items() if k not in ("completed", "shed")},
    }


async def recovery(base: str, search: list[str], normal_ms: float, limit: float = 60.0) -> float:
    """Seconds after the load until four probes in a row answer within 3× the baseline (≥ 100 ms)."""
    threshold = max(3 * normal_ms, 100.0) / 1000
    start, good = time.perf_counter(), 0
    async with httpx.AsyncClient(base_url=base, timeout=CLIENT_TIMEOUT) as client:
        number = 0
        while time.perf_counter() - start < limit:
            began = time.perf_counter()
            try:
                answer = await client.get(_url(number, search))
                ok = answer.status_code == 200 and time.perf_counter() - began <= threshold
            except httpx.HTTPError:
                ok = False
            good = good + 1 if ok else 0
            if good == 4:
                return round(time.perf_counter() - start - 0.75, 2)
            number += 1
            await asyncio.sleep(0.25)
    return limit


async def _wrong_login(client: httpx.AsyncClient, name: str) -> int:
    page = await client.get("/admin/login")
    token = re.search(r'name="csrf" value="([^"]+)"', page.text)
    csrf = token.group(1) if token else ""
    answer = await client.post("/admin/login", data={"csrf": csrf, "name": name, "password": "wrong-guess"})
    return answer.status_code


async def _wrong_logins(base: str, per_second: float, stop: asyncio.Event) -> Counter[int]:
    """Open loop too: a wrong login every 1/per_second s, however slowly the server answers them. The
    worst case for the server: every guess from another loopback address (127.0.0.2 …) for another
    name, so the throttle (per address and per name) never answers early and every guess is hashed."""
    tasks = []
    clients = [
        httpx.AsyncClient(
            base_url=base,
            timeout=CLIENT_TIMEOUT,
            # Plain HTTP on loopback: no certificate store to load 200 times (seconds of the
            # generator's own loop, which would starve its searches).
            transport=httpx.AsyncHTTPTransport(local_address=f"127.0.0.{2 + n}", verify=False),
        )
        for n in range(LOGIN_ADDRESSES)
    ]
    number = 0
    while not stop.is_set():
        client = clients[number % LOGIN_ADDRESSES]
        tasks.append(asyncio.create_task(_wrong_login(client, f"bench-guess-{number}")))
        number += 1
        await asyncio.sleep(1 / per_second)
    answers = await asyncio.gather(*tasks, return_exceptions=True)
    for client in clients:
        await client.aclose()
    return Counter(a if isinstance(a, int) else 0 for a in answers)


async def closed_loop(
    base: str, search: list[str], logins_per_s: float, seconds: float
) -> tuple[int, Counter[int]]:
    """Searches/s of a few clients that each send the next search when the last one answered."""
    stop, done = asyncio.Event(), Counter[str]()
    address = urlsplit(base)
    target = (address.hostname or HOST, address.port or 80)

    async def client_loop(offset: int) -> None:
        number = offset
        while not stop.is_set():
            status = await _get(*target, f"/api/v1/search?q={search[number % len(search)]}")
            done["ok" if status == 200 else "other"] += 1
            number += CLOSED_LOOP_CLIENTS

    loops = [asyncio.create_task(client_loop(i)) for i in range(CLOSED_LOOP_CLIENTS)]
    logins = asyncio.create_task(_wrong_logins(base, logins_per_s, stop)) if logins_per_s else None
    await asyncio.sleep(seconds)
    stop.set()
    await asyncio.gather(*loops)
    return done["ok"], (await logins if logins else Counter())


async def logins_effect(base: str, search: list[str]) -> dict[str, Any]:
    """Closed-loop searches/s without and with 10 wrong logins/s, in alternating short rounds (quiet,
    busy, busy, quiet, …): the machine's other load drifts over a minute, and alternating spreads
    that drift over both sides instead of charging it to one."""
    rounds: dict[bool, list[float]] = {False: [], True: []}
    answers: Counter[int] = Counter()
    for number in range(CLOSED_LOOP_ROUNDS):
        busy = number % 4 in (1, 2)
        searches, logins = await closed_loop(base, search, 10 if busy else 0, CLOSED_LOOP_SECONDS)
        rounds[busy].append(searches / CLOSED_LOOP_SECONDS)
        answers.update(logins)
    quiet, loaded = (sum(rounds[b]) / len(rounds[b]) for b in (False, True))
    return {
        "searches_per_s_without": round(quiet, 1),
        "searches_per_s_with_10_wrong_logins_per_s": round(loaded, 1),
        "ratio": round(loaded / max(quiet, 0.1), 3),
        "rounds_without": [round(r, 1) for r in rounds[False]],
        "rounds_with": [round(r, 1) for r in rounds[True]],
        "wrong_logins_sent": sum(answers.values()),
        "wrong_login_answers": {str(k): v for k, v in sorted(answers.items())},  # 401: hashed; 0: no answer
    }


def _start_server(data_dir: Path, port: int, args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """`serve` of this checkout, or of `--server-root` (another checkout with its own .venv: a
    baseline measured by the same generator in the same run)."""
    env = {**os.environ, "GOVSEARCH_ANONYMOUS_RATE": "", "GOVSEARCH_ANONYMOUS_SUGGEST_RATE": ""}
    env.update(setting.split("=", 1) for setting in args.env)
    root = args.server_root or ROOT
    python = str(root / ".venv" / "bin" / "python") if args.server_root else sys.executable
    command = [python, "-m", "govsearch.cli", "--data-dir", str(data_dir), "serve"]
    server = subprocess.Popen([*command, "--host", HOST, "--port", str(port)], cwd=root, env=env)
    for _ in range(240):
        try:
            if httpx.get(f"http://{HOST}:{port}/api/v1/search?q=社保", timeout=5).status_code == 200:
                return server
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    server.kill()
    raise SystemExit("server did not start")


def _stop(server: subprocess.Popen[bytes]) -> None:
    server.terminate()
    try:
        server.wait(timeout=30)
    except subprocess.TimeoutExpired:
        server.kill()


def _phase(name: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {name}", file=sys.stderr, flush=True)


async def measure(base: str, server: subprocess.Popen[bytes], args: argparse.Namespace) -> dict[str, Any]:
    search, _prefixes = queries(args.shared)
    _phase("warm-up")
    await offered(base, search, 10, 5)  # warm up every worker
    rss_before = _rss_mb(server.pid)
    _phase("baseline")
    baseline = await offered(base, search, 20, 10)
    _phase(f"load: {args.rate}/s for {args.seconds} s")
    cpu_before = _cpu_seconds(server.pid)
    load = await offered(base, search, args.rate, args.seconds)
    load["server_cpu_s"] = round(_cpu_seconds(server.pid) - cpu_before, 1)
    load["completed_per_cpu_s"] = round(load["completed"] / max(load["server_cpu_s"], 0.1), 2)
    _phase("recovery")
    recovered = await recovery(base, search, baseline["p50_ms"])
    _phase("closed loop without and with wrong logins")
    logins = await logins_effect(base, search)
    return {
        "date": dt.date.today().isoformat(),
        "cores": os.cpu_count(),
        "load_average_at_end": [round(x, 1) for x in os.getloadavg()],  # other work on the machine
        "baseline": baseline,
        "load": load,
        "recovered_after_s": recovered,
        "rss_mb": {"before": rss_before, "after": _rss_mb(server.pid)},
        "logins": logins,
        "server_settings": args.env,
    }


def markdown(report: dict[str, Any]) -> str:
    load, base, logins = report["load"], report["baseline"], report["logins"]
    return "\n".join(
        [
            f"# Load benchmark {report['date']}: {report['label']} {' '.join(report['server_settings'])}",
            f"{report['cores']} cores, loopback; the load generator runs on the same cores; "
            f"load average at the end {report['load_average_at_end']} (other processes on the machine).",
            "",
            "| phase | offered/s | completed/s | p50 ms | p95 ms | p99 ms | shed 503 | failed |",
            "|---|---|---|---|---|---|---|---|",
            *(
                f"| {name} | {r['offered_per_s']} | {r['completed_per_s']} | {r['p50_ms']} | {r['p95_ms']} "
                f"| {r['p99_ms']} | {r['shed_503']} | {r['failed']} {r['failures'] or ''} |"
                for name, r in (("baseline", base), ("load", load))
            ),
            "",
            f"During the load the server's processes got {load['server_cpu_s']} CPU-seconds "
            f"({load['completed_per_cpu_s']} completed searches per CPU-second).",
            f"Back to normal latency {report['recovered_after_s']} s after the load stopped. "
            f"RSS {report['rss_mb']['before']} MB before, {report['rss_mb']['after']} MB after.",
            f"Closed-loop searches/s: {logins['searches_per_s_without']} without, "
            f"{logins['searches_per_s_with_10_wrong_logins_per_s']} with 10 wrong logins/s "
            f"(ratio {logins['ratio']}; alternating {CLOSED_LOOP_SECONDS:g} s rounds, without "
            f"{logins['rounds_without']}, with {logins['rounds_with']}; login answers "
            f"{logins['wrong_login_answers']}).",
            "",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, help="an existing data directory (default: build one)")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--rate", type=float, default=300.0)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--port", type=int, default=8731)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results")
    parser.add_argument("--env", action="append", default=[], help="GOVSEARCH_X=VALUE for the server")
    parser.add_argument("--server-root", type=Path, help="serve from this checkout (its .venv)")
    parser.add_argument("--label", default="", help="added to the result file names")
    args = parser.parse_args()
    if not (0 < args.rate <= MAX_RATE and 0 < args.seconds <= MAX_SECONDS):
        parser.error(f"--rate must be in (0, {MAX_RATE}] and --seconds in (0, {MAX_SECONDS}]")
    if any(not re.fullmatch(r"GOVSEARCH_[A-Z_]+=.*", setting) for setting in args.env):
        parser.error("--env takes GOVSEARCH_NAME=VALUE")
    with tempfile.TemporaryDirectory() as tmp:
        data_dir = args.data_dir or Path(tmp)
        if not args.data_dir:
            build_corpus(args.shared, data_dir)
        _phase("starting the server")
        server = _start_server(data_dir, args.port, args)
        try:
            report = asyncio.run(measure(f"http://{HOST}:{args.port}", server, args))
        finally:
            _stop(server)
    report["label"] = args.label or "this checkout"
    stem = args.out / f"load_{report['date'].replace('-', '')}{'_' + args.label if args.label else ''}"
    stem.with_suffix(".json").write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n")
    stem.with_suffix(".md").write_text(markdown(report), encoding="utf-8")
    print(markdown(report))
    return 0


if __name__ == "__main__":
    sys.exit(main())
