"""No SQL text and no database driver outside `indexer/storage/`: every other package goes through
its repositories. bench/ and tests/ are exempt."""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).parents[2]
PACKAGES = ("crawler", "indexer", "synonyms", "search_api", "web", "govsearch", "demo")
STORAGE = ROOT / "indexer" / "storage"
SQL = re.compile(
    r"\bSELECT\b[\s\S]*\bFROM\b|\bINSERT\s+(?:OR\s+\w+\s+)?INTO\b|\bUPDATE\s+\w+\s+SET\b|\bDELETE\s+FROM\b"
    r"|\bCREATE\s+(?:UNIQUE\s+)?(?:TABLE|INDEX|TRIGGER)\b|\bPRAGMA\b|\bALTER\s+TABLE\b|\bREPLACE\s+INTO\b"
)
DRIVERS = ("sqlite3", "sqlalchemy", "alembic", "psycopg")


def _product_files() -> list[Path]:
    files = [path for package in PACKAGES for path in sorted((ROOT / package).rglob("*.py"))]
    return [path for path in files if STORAGE not in path.parents]


def _problems(path: Path, root: Path = ROOT) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    where = path.relative_to(root)
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) and SQL.search(node.value):
            found.append(f"{where}:{node.lineno}: SQL text {node.value[:60]!r}")
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [node.module]
        found += [f"{where}:{node.lineno}: imports {n}" for n in names if n.split(".")[0] in DRIVERS]
    return found


def test_no_sql_or_driver_outside_storage() -> None:
    files = _product_files()
    assert len(files) > 50  # the walk found the packages
    problems = [problem for path in files for problem in _problems(path)]
    assert problems == []


def test_the_check_finds_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        'import sqlite3\nfrom sqlalchemy import select\nQ = "SELECT id FROM documents"\n'
        'W = f"UPDATE crawl_urls SET status = {1}"\nX = "PRAGMA journal_mode=WAL"\n',
        encoding="utf-8",
    )
    assert len(_problems(sample, tmp_path)) == 5
