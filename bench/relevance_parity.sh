#!/usr/bin/env bash
# The same relevance run on both backends, and how often they agree on the first result. Usage:
#   bash bench/relevance_parity.sh [QUERIES.tsv]
# Prints both result lines and `top-1 agreement: K/N`; results in bench/results/parity_<date>.md.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${GOVSEARCH_SHARED_DIR:-$repo/../shared}"
queries="${1:-$shared/eval/dev_queries.tsv}"
out="$(mktemp -d -t govsearch-parity-XXXXXX)"
trap 'rm -rf "$out"' EXIT
for backend in tantivy elasticsearch; do
  bash "$repo/bench/relevance.sh" --backend "$backend" "$queries" --verbose > "$out/$backend.txt"
done
report="$repo/bench/results/parity_$(date -u +%Y%m%d).md"
python3 - "$out/tantivy.txt" "$out/elasticsearch.txt" "$report" <<'PY'
import sys

def read(path):
    rows, summary = {}, ""
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 3:
            rows[parts[1]] = parts[2].split(" | ")[0]
        elif line.startswith("success@10"):
            summary = line.strip()
    return rows, summary

(emb, emb_line), (es, es_line) = read(sys.argv[1]), read(sys.argv[2])
same = [q for q in emb if es.get(q) == emb[q]]
lines = [
    "| backend | result |", "|---|---|",
    f"| tantivy (embedded) | {emb_line} |", f"| elasticsearch | {es_line} |", "",
    f"top-1 agreement: {len(same)}/{len(emb)} ({len(same) / max(len(emb), 1):.1%})", "",
]
lines += [f"- differs: {q}: tantivy {emb[q]!r}, elasticsearch {es.get(q)!r}" for q in emb if q not in same]
text = "\n".join(lines) + "\n"
print(text, end="")
open(sys.argv[3], "w", encoding="utf-8").write(text)
PY
