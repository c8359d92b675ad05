"""Digest of the index fields of every document in a store, to show that two checkouts' code writes
the same index (a build speed change must not change a single token).

    python bench/index_fields_digest.py --store DIR/store.sqlite3 --out this.tsv
    (cd /work/main && .venv/bin/python /path/to/bench/index_fields_digest.py --store … --out main.tsv)
    cmp this.tsv main.tsv

Each line: document id, a hash of its `IndexDoc` (every field: title, meta and body tokens, title key,
bigrams, codes, date, keyword values); the last line counts documents and hashes the whole. Run from a
checkout, it uses that checkout's `indexer` (the current directory comes first on `sys.path`).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import sqlite3
import sys
from pathlib import Path

sys.path.insert(0, os.getcwd())  # the code of the checkout this is run from, not the script's own

from indexer.analysis import load_user_dictionary
from indexer.fields import to_index_doc
from indexer.storage.documents import DOCUMENT_ADAPTER


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--store", type=Path, required=True, help="a store.sqlite3 (read only)")
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args(argv)
    load_user_dictionary()
    whole = hashlib.sha256()
    count = 0
    with sqlite3.connect(f"file:{args.store}?mode=ro", uri=True) as conn, args.out.open("w") as out:
        for doc_id, data in conn.execute("SELECT id, data FROM documents WHERE withdrawn = 0 ORDER BY id"):
            digest = hashlib.sha256(
                repr(to_index_doc(DOCUMENT_ADAPTER.validate_json(data))).encode()
            ).hexdigest()
            whole.update(digest.encode())
            out.write(f"{doc_id}\t{digest}\n")
            count += 1
        out.write(f"documents={count}\tall={whole.hexdigest()}\n")
    print(f"documents={count} all={whole.hexdigest()[:16]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
