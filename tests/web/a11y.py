"""Accessibility checked by axe-core (Deque's engine, from the npm registry: `tests/web/axe/`, installed by
`make browser`), run inside the page in the same headless Chromium. A test fails on any violation of
impact serious or critical; the rules are axe's WCAG 2.x A/AA set plus its best practices."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

AXE = Path(__file__).resolve().parent / "axe" / "node_modules" / "axe-core" / "axe.min.js"
BLOCKING = ("serious", "critical")
RUN = """
const done = arguments[arguments.length - 1];
axe.run(document, {resultTypes: ["violations"]}).then(
  (result) => done(result.violations.map((v) => ({
    id: v.id, impact: v.impact, help: v.help,
    nodes: v.nodes.slice(0, 3).map((n) => n.target.join(" ")),
  }))),
  (error) => done([{id: "axe-error", impact: "critical", help: String(error), nodes: []}]),
);
"""


def _axe_source() -> str:
    if not AXE.exists():
        reason = "axe-core is not installed: run `make browser` (npm ci in tests/web/axe)"
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    return AXE.read_text(encoding="utf-8")


def violations(driver: Any, impacts: tuple[str, ...] = BLOCKING) -> list[str]:
    """axe-core's violations of the given impacts on the page the driver shows, one line each."""
    driver.execute_script(_axe_source())
    driver.set_script_timeout(60)
    found: list[dict[str, Any]] = driver.execute_async_script(RUN)
    return [f"{v['id']} ({v['impact']}): {v['help']} — {v['nodes']}" for v in found if v["impact"] in impacts]
