#!/usr/bin/env bash
# Relevance on the shared development set: a fresh index of the Guangdong service items plus a crawl
# of the 60 gov.cn policy pages served on loopback, then `govsearch eval`. Usage:
#   bash bench/relevance.sh [--backend tantivy|elasticsearch] [QUERIES.tsv] [eval options, e.g. -v]
#   (default queries ../shared/eval/dev_queries.tsv; default backend tantivy)
# With --backend elasticsearch the index goes to the cluster at GOVSEARCH_ELASTICSEARCH_URL under a
# throwaway index prefix (deleted at the end); when that variable is unset, a node is started on
# loopback with ../shared/tools/elasticsearch/ and stopped at the end.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
shared="${GOVSEARCH_SHARED_DIR:-$repo/../shared}"
backend=tantivy
if [ "${1:-}" = "--backend" ]; then backend="$2"; shift 2; fi
queries="${1:-$shared/eval/dev_queries.tsv}"
# The low-weight 同义词词林 layer is part of the measured system when the shared thesaurus is present.
if [ -z "${GOVSEARCH_CILIN_PATH:-}" ] && [ -f "$shared/data/thesaurus/cilin_extended.txt" ]; then
  export GOVSEARCH_CILIN_PATH="$shared/data/thesaurus/cilin_extended.txt"
fi
# So are the words the laws lend a long account (`indexer.laws`): the articles' vectors are made by the
# first run into GOVSEARCH_CACHE_DIR (default ~/.cache/govsearch; minutes) and read by the next ones.
if [ -z "${GOVSEARCH_LAWS_DIR+set}" ] && [ -d "$shared/data/laws" ]; then
  export GOVSEARCH_LAWS_DIR="$shared/data/laws"
fi
if [ -x "$repo/.venv/bin/python" ]; then python="$repo/.venv/bin/python"; else python="${PYTHON:-python3}"; fi
data="$(mktemp -d -t govsearch-relevance-XXXXXX)"
cleanup() { rm -rf "$data"; }
trap cleanup EXIT
export GOVSEARCH_BACKEND="$backend"
if [ "$backend" = elasticsearch ]; then
  export GOVSEARCH_ELASTICSEARCH_INDEX_PREFIX="govsearch-relevance-$$"
  export GOVSEARCH_ELASTICSEARCH_REPLICAS=0
  if [ -z "${GOVSEARCH_ELASTICSEARCH_URL:-}" ]; then
    port=9390
    while curl -s -o /dev/null "http://127.0.0.1:$port/"; do port=$((port + 1)); done
    chmod 755 "$data"  # the node runs as the user `elasticsearch` when we are root (mktemp makes 0700)
    ES_HEAP=512m bash "$shared/tools/elasticsearch/start.sh" "$port" "$data/es" >/dev/null
    export GOVSEARCH_ELASTICSEARCH_URL="http://127.0.0.1:$port"
    cleanup() { bash "$shared/tools/elasticsearch/stop.sh" "$port" "$data/es" >/dev/null 2>&1 || true; rm -rf "$data"; }
  else
    cleanup() {
      curl -s -X DELETE "${GOVSEARCH_ELASTICSEARCH_URL%%,*}/$GOVSEARCH_ELASTICSEARCH_INDEX_PREFIX*" >/dev/null || true
      curl -s -X DELETE "${GOVSEARCH_ELASTICSEARCH_URL%%,*}/_index_template/$GOVSEARCH_ELASTICSEARCH_INDEX_PREFIX-template" >/dev/null || true
      rm -rf "$data"
    }
  fi
fi
gs() { (cd "$repo" && "$python" -m govsearch.cli --data-dir "$data" "$@"); }

gs import-items "$shared/data/service_items/guangdong.jsonl" --no-index >/dev/null 2>&1
gs crawl govcn_2019 --mirror-dir "$shared/data/pages/govcn_2019" --delay 0 2>&1 | grep "抓取完成" >&2
gs index >/dev/null 2>&1
gs eval "$queries" "${@:2}"
