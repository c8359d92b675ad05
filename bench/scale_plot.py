"""The plot of `bench/scale.py`: latency and throughput against corpus size, from its result files."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any


def plot(results: Path, out: Path) -> None:
    """Latency and throughput against corpus size, the latest result per size."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    latest: dict[int, dict[str, Any]] = {}
    reports = [json.loads(path.read_text(encoding="utf-8")) for path in results.glob("scale-*.json")]
    for report in sorted(reports, key=lambda r: str(r.get("when", ""))):
        if not report.get("label"):  # before/after runs of other checkouts are not the curve
            latest[report["docs"]] = report
    sizes = sorted(latest)
    if not sizes:  # only labelled runs here: nothing to draw the curve from
        return
    res = [latest[n]["results"] for n in sizes]
    fig, (left, right) = plt.subplots(1, 2, figsize=(10, 4))
    for key, label in (("p50_ms", "search p50"), ("p99_ms", "search p99")):
        left.plot(sizes, [r["search_1"][key] for r in res], marker="o", label=label)
    left.plot(sizes, [r["raw"]["p50_ms"] for r in res], marker="o", label="raw tantivy p50")
    cpu = [r["search_1"].get("server_cpu_ms") for r in res]
    if all(cpu):  # the figure a loaded machine does not distort
        left.plot(sizes, cpu, marker="s", linestyle="--", label="server CPU per search")
    left.set(xscale="log", yscale="log", xlabel="documents", ylabel="ms", title="latency (1 client)")
    right.plot(sizes, [r["search_1"]["per_s"] for r in res], marker="o", label="1 client")
    right.plot(sizes, [r["search_8"]["per_s"] for r in res], marker="o", label="8 clients")
    right.set(xscale="log", xlabel="documents", ylabel="searches/s", title="throughput")
    for n, r in zip(sizes, res, strict=True):  # runs of different systems: say which on the plot
        semantic = latest[n].get("semantic")
        models = "+".join(latest[n].get("semantic_models", []))
        note = (
            "no semantic step" if semantic is False else f"semantic step {models}".strip() if semantic else ""
        )
        if note:
            left.annotate(note, (n, r["search_1"]["p50_ms"]), fontsize=8)
    for axis in (left, right):
        axis.legend()
        axis.grid(True, which="both", alpha=0.3)
    fig.tight_layout()
    fig.savefig(out, dpi=90)
