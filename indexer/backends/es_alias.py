"""Index generations behind one alias: `<prefix>-v1`, `<prefix>-v2` … and the alias `<prefix>`.

Searches always name the alias. A rebuild writes the next generation beside the live one, and one
`_aliases` call moves the alias (remove + add in one request, atomic in the cluster state), so a
search running during the swap sees either the old or the new index, never none.
"""

from __future__ import annotations

import re

from elasticsearch import Elasticsearch, NotFoundError

from indexer.backends.base import BackendError

KEEP_PREVIOUS = 1  # generations kept behind the live one, for `govsearch index --rollback`


def generation_name(prefix: str, number: int) -> str:
    return f"{prefix}-v{number}"


def generations(client: Elasticsearch, prefix: str) -> list[int]:
    """The numbers of every existing generation, oldest first."""
    pattern = re.compile(rf"^{re.escape(prefix)}-v(\d+)$")
    names = client.indices.get(index=f"{prefix}-v*", expand_wildcards="open", allow_no_indices=True)
    return sorted(int(m.group(1)) for name in names if (m := pattern.match(name)))


def live_generation(client: Elasticsearch, prefix: str) -> str | None:
    """The index the alias points at, or None when there is no alias yet."""
    try:
        found = client.indices.get_alias(name=prefix)
    except NotFoundError:
        return None
    names = list(found)
    if len(names) != 1:
        raise BackendError(f"别名 {prefix} 指向 {len(names)} 个索引（{names}），应为一个")
    return names[0]


def ensure_live(client: Elasticsearch, prefix: str) -> str:
    """The live index; the first generation, with the alias, when the cluster has none yet."""
    live = live_generation(client, prefix)
    if live:
        return live
    if client.indices.exists(index=prefix):
        raise BackendError(f"{prefix} 是一个索引而不是别名；请删除它或换一个索引前缀")
    first = generation_name(prefix, 1)
    # Two processes may start at once: creating an existing index fails harmlessly, and adding the
    # alias twice to the same index is idempotent.
    client.options(ignore_status=400).indices.create(index=first, aliases={prefix: {}})
    return live_generation(client, prefix) or first


def next_generation(client: Elasticsearch, prefix: str) -> str:
    existing = generations(client, prefix)
    name = generation_name(prefix, (existing[-1] if existing else 0) + 1)
    client.indices.create(index=name)
    return name


def swap(client: Elasticsearch, prefix: str, new: str) -> str | None:
    """Point the alias at `new` in one atomic step; returns the index it pointed at before."""
    old = live_generation(client, prefix)
    actions: list[dict[str, dict[str, str]]] = [{"add": {"index": new, "alias": prefix}}]
    if old and old != new:
        actions.insert(0, {"remove": {"index": old, "alias": prefix}})
    client.indices.update_aliases(actions=actions)
    return old


def drop_older(client: Elasticsearch, prefix: str, live: str, keep: str | None) -> list[str]:
    """Delete every generation older than the live one except `keep` (the one kept for rollback)."""
    live_number = int(live.rsplit("-v", 1)[1])
    doomed = [
        generation_name(prefix, n)
        for n in generations(client, prefix)
        if n < live_number and generation_name(prefix, n) != keep
    ]
    if doomed:
        client.indices.delete(index=",".join(doomed))
    return doomed


def previous_generation(client: Elasticsearch, prefix: str, live: str) -> str | None:
    """The newest generation older than the live one."""
    live_number = int(live.rsplit("-v", 1)[1])
    older = [n for n in generations(client, prefix) if n < live_number]
    return generation_name(prefix, older[-1]) if older else None
