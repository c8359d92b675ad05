#!/usr/bin/env bash
# Relevance on the shared development set: a fresh index of the Guangdong service items plus a crawl
# of the 60 gov.cn policy pages served on loopback, then `govsearch eval`. Usage:
#   bash bench/relevance.sh [QUERIES.tsv]        (default ../shared/eval/dev_queries.tsv)
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${GOVSEARCH_SHARED_DIR:-$repo/../shared}"
queries="${1:-$shared/eval/dev_queries.tsv}"
# The low-weight 同义词词林 layer is part of the measured system when the shared thesaurus is present.
if [ -z "${GOVSEARCH_CILIN_PATH:-}" ] && [ -f "$shared/data/thesaurus/cilin_extended.txt" ]; then
  export GOVSEARCH_CILIN_PATH="$shared/data/thesaurus/cilin_extended.txt"
fi
if [ -x "$repo/.venv/bin/python" ]; then python="$repo/.venv/bin/python"; else python="${PYTHON:-python3}"; fi
data="$(mktemp -d -t govsearch-relevance-XXXXXX)"
trap 'rm -rf "$data"' EXIT
gs() { (cd "$repo" && "$python" -m govsearch.cli --data-dir "$data" "$@"); }

gs import-items "$shared/data/service_items/guangdong.jsonl" --no-index >/dev/null 2>&1
gs crawl govcn_2019 --mirror-dir "$shared/data/pages/govcn_2019" --delay 0 2>&1 | grep "抓取完成" >&2
gs index >/dev/null 2>&1
gs eval "$queries" "${@:2}"
