"""Digest of what an import leaves in a store, table by table, to show that two checkouts' builds of
the same corpus wrote the same rows (a build speed change must not change a document, item or link).

    python bench/store_digest.py STORE_A.sqlite3 [STORE_B.sqlite3]

Per table one hash over its rows in key order, without what differs between any two runs by design:
`documents.updated_at` (the time of the write) and the link states' `catalogue_version`, which names
the linking rules (`r2:<hash of indexer/linking.py>`) and so differs whenever that file does. With two
stores it says for each table whether they agree, and exits 1 when one does not.
"""

from __future__ import annotations

import argparse
import hashlib
import sqlite3
import sys
from pathlib import Path

TABLES = {
    "documents": "SELECT id, kind, url, title, data, content_hash, indexed_hash, withdrawn FROM documents"
    " ORDER BY id",
    "items": "SELECT key, group_key, name, level, region_code, guide_id, data, content_hash FROM items"
    " ORDER BY key",
    "item_links": "SELECT doc_id, item_key, rule, evidence, confidence FROM item_links"
    " ORDER BY doc_id, item_key",
    "link_state": "SELECT doc_id, doc_hash FROM link_state ORDER BY doc_id",
}


def digest(store: Path) -> dict[str, str]:
    """table → 'rows=N sha256=…' of a store opened read-only."""
    found: dict[str, str] = {}
    with sqlite3.connect(f"file:{store}?mode=ro", uri=True) as conn:
        for table, sql in TABLES.items():
            whole, count = hashlib.sha256(), 0
            for row in conn.execute(sql):
                whole.update(repr(tuple(row)).encode("utf-8"))
                count += 1
            found[table] = f"rows={count} sha256={whole.hexdigest()[:16]}"
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("stores", type=Path, nargs="+", help="one or two store.sqlite3 files (read only)")
    args = parser.parse_args(argv)
    digests = [digest(store) for store in args.stores[:2]]
    same = True
    for table in TABLES:
        values = [d[table] for d in digests]
        agree = len(set(values)) == 1
        same = same and agree
        verdict = "" if len(values) == 1 else ("  same" if agree else "  DIFFERENT")
        print(f"{table}: {' | '.join(values)}{verdict}")
    return 0 if same else 1


if __name__ == "__main__":
    sys.exit(main())
