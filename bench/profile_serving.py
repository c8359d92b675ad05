"""Where a serving worker's CPU goes under load: `govsearch serve` over a built corpus, sampled by py-spy.

    python bench/profile_serving.py --data-dir /work/scale-data/d1000000 --out bench/results/profile-1m

Serves DATA_DIR as `bench/scale.py` does (supervisor + one worker per core, query log off), warms up
with one client, then records every worker with `py-spy record --format raw` while the scale query mix
is sent with 8 clients. Samples whose innermost frame is a thread waiting (selectors, locks, sockets)
are set aside; the rest are summarised as the inclusive and self share of each function. Writes the raw
stacks and `summary.md` into OUT and prints the summary. py-spy comes from PyPI (`pip install py-spy`);
it needs permission to read other processes (root, or ptrace allowed).
"""

from __future__ import annotations

import argparse
import collections
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
sys.path.insert(0, str(ROOT))

from scale import free_port, load, rss_each_mb, serve  # noqa: E402
from scale_corpus import query_mix  # noqa: E402

# Innermost frames of a thread that waits rather than works.
WAITING = ("select (", "poll (", "wait (", "_recv", "accept (", "recv_into", "sleep", "acquire (", "epoll")


def parse_raw(path: Path) -> collections.Counter[tuple[str, ...]]:
    """py-spy's raw format: one line per distinct stack, `outer;…;inner COUNT`."""
    stacks: collections.Counter[tuple[str, ...]] = collections.Counter()
    for line in path.read_text(errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[tuple(stack.split(";"))] += int(count)
    return stacks


def _name(frame: str) -> str:
    """`function (path/module.py:line)` → `module.function` (the line varies within a function)."""
    function, _, where = frame.partition(" (")
    module = Path(where.rsplit(":", 1)[0]).stem if where else ""
    return f"{module}.{function}" if module else function


def summarise(stacks: collections.Counter[tuple[str, ...]], top: int = 40) -> str:
    working = {s: n for s, n in stacks.items() if s and not any(w in s[-1] for w in WAITING)}
    waiting = sum(stacks.values()) - sum(working.values())
    total = sum(working.values()) or 1
    inclusive: collections.Counter[str] = collections.Counter()
    itself: collections.Counter[str] = collections.Counter()
    for stack, n in working.items():
        for name in {_name(f) for f in stack}:
            inclusive[name] += n
        itself[_name(stack[-1])] += n
    lines = [f"{total} working samples, {waiting} waiting (set aside)", "", "| inclusive | self | function |"]
    lines.append("|---|---|---|")
    for name, n in inclusive.most_common(top):
        lines.append(f"| {100 * n / total:.1f}% | {100 * itself[name] / total:.1f}% | `{name}` |")
    lines += ["", "Most self time:", "", "| self | function |", "|---|---|"]
    lines += [f"| {100 * n / total:.1f}% | `{name}` |" for name, n in itself.most_common(15)]
    return "\n".join(lines)


def _workers(server: int) -> list[int]:
    children = Path(f"/proc/{server}/task/{server}/children").read_text().split()
    return [int(c) for c in children if b"resource_tracker" not in Path(f"/proc/{c}/cmdline").read_bytes()]


def _record(spy: str, pid: int, rate: int, out: Path) -> subprocess.Popen[bytes]:
    command = [spy, "record", "--rate", str(rate), "--format", "raw", "--nonblocking", "--pid", str(pid)]
    return subprocess.Popen(
        [*command, "--output", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data-dir", type=Path, required=True, help="a corpus built by bench/scale.py")
    parser.add_argument("--out", type=Path, required=True, help="folder for the raw stacks and summary.md")
    parser.add_argument("--shared", type=Path, default=ROOT.parent / "shared")
    parser.add_argument("--requests", type=int, default=300, help="searches sent while recording")
    parser.add_argument("--warm", type=int, default=30, help="searches sent before recording")
    parser.add_argument("--rate", type=int, default=50, help="py-spy samples per second")
    args = parser.parse_args(argv)
    spy = shutil.which("py-spy")
    if spy is None:
        raise SystemExit("py-spy is not on PATH: pip install py-spy")
    args.out.mkdir(parents=True, exist_ok=True)
    queries = query_mix(args.shared)
    port = free_port()
    proc, first = serve(args.data_dir, port, log_queries=False, code=ROOT)
    url = f"http://127.0.0.1:{port}/api/v1/search"
    try:
        load(url, [{"q": q} for q in queries[: args.warm]], clients=1)
        rss_before = rss_each_mb(proc.pid)
        recorders = [
            _record(spy, pid, args.rate, args.out / f"worker-{i}.txt")
            for i, pid in enumerate(_workers(proc.pid))
        ]
        time.sleep(1.0)  # py-spy attaches
        sent = queries[args.warm : args.warm + args.requests]
        measured = load(url, [{"q": q} for q in sent], clients=8, server=proc.pid)
        for recorder in recorders:
            recorder.send_signal(signal.SIGINT)
            recorder.wait(timeout=60)
        rss_after = rss_each_mb(proc.pid)
    finally:
        proc.terminate()
        proc.wait(timeout=60)
    stacks: collections.Counter[tuple[str, ...]] = collections.Counter()
    for path in sorted(args.out.glob("worker-*.txt")):
        stacks.update(parse_raw(path))
    head = (
        f"first answer after {first} s; load with 8 clients: {measured}; "
        f"RSS supervisor, workers (MB): {rss_before} after warm-up, {rss_after} after the load"
    )
    text = f"{head}\n\n{summarise(stacks)}\n"
    (args.out / "summary.md").write_text(text)
    print(text)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
