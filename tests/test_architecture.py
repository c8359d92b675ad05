"""The import rules the README's Architecture section documents (contracts in pyproject.toml), and the
size limits of the style guide."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("crawler", "indexer", "synonyms", "search_api", "web", "govsearch", "demo")
MAX_MODULE_LINES = 400


def test_imports_follow_the_documented_layers_and_have_no_circles() -> None:
    # In a child process: import-linter configures logging with dictConfig, which disables every
    # logger that already exists (the crawler's JSON log among them) for the rest of the test session.
    lint = Path(sys.executable).with_name("lint-imports")
    result = subprocess.run([str(lint), "--no-cache"], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout + result.stderr


def _modules() -> list[Path]:
    return [p for package in PACKAGES for p in (ROOT / package).rglob("*.py")]


def test_modules_stay_small() -> None:
    long = {
        str(p.relative_to(ROOT)): n
        for p in _modules()
        if (n := len(p.read_text().splitlines())) > MAX_MODULE_LINES
    }
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_most_functions_are_short() -> None:
    lengths = sorted(
        node.end_lineno - node.lineno + 1
        for path in _modules()
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef) and node.end_lineno
    )
    p90 = lengths[int(len(lengths) * 0.9)]
    assert p90 <= 40, f"90th percentile of function length is {p90} lines"
