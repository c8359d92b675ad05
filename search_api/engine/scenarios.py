"""Scenario entries (我要结婚 …) from `indexer/catalogue/data/scenarios.toml`, resolved against the store."""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from functools import lru_cache
from importlib import resources

from indexer.analysis import compact
from indexer.catalogue.store import ItemStore
from indexer.documents import DocumentKind, Scenario
from indexer.store import Store
from search_api.engine.models import LinkedDocument, LinkedItem, ScenarioCard
from search_api.engine.regional import regional_variant


class ScenarioFileError(ValueError):
    """The scenario file is not valid; the message names the entry."""


def parse_scenarios(text: str, source: str = "scenarios.toml") -> list[Scenario]:
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ScenarioFileError(f"{source}: {exc}") from exc
    found: list[Scenario] = []
    for number, entry in enumerate(data.get("scenario", []), start=1):
        try:
            found.append(Scenario.model_validate(entry))
        except ValueError as exc:
            raise ScenarioFileError(f"{source}: 第 {number} 个 [[scenario]]：{exc}") from exc
    return found


@lru_cache(maxsize=1)
def packaged_scenarios() -> tuple[Scenario, ...]:
    path = resources.files("indexer.catalogue").joinpath("data/scenarios.toml")
    return tuple(parse_scenarios(path.read_text(encoding="utf-8"), str(path)))


def matches(scenario: Scenario, compact_query: str) -> bool:
    """The query (`indexer.analysis.compact` form) is the scenario's name or contains one of its keywords
    (any script, any spacing) outside the words the scenario excludes (生育 of 计划生育 is no birth)."""
    if compact_query == compact(scenario.name):
        return True
    q = compact_query
    for word in scenario.excluded:
        q = q.replace(compact(word), "\n")  # a keyword may still stand beside it, not across it
    return any(compact(k) in q for k in scenario.keywords)


def related(scenarios: Sequence[Scenario], compact_query: str) -> list[Scenario]:
    """The scenarios that share some wording with the query (any two adjacent characters of it in the
    scenario's name, summary, keywords or items), those sharing most first; [] when none does."""
    pairs = {compact_query[i : i + 2] for i in range(len(compact_query) - 1)}
    scored = []
    for order, scenario in enumerate(scenarios):
        text = compact(" ".join([scenario.name, scenario.summary, *scenario.keywords, *scenario.items]))
        shared = sum(1 for pair in pairs if pair in text)
        if shared:
            scored.append((-shared, order, scenario))
    return [scenario for *_, scenario in sorted(scored, key=lambda t: t[:2])]


class ScenarioBook:
    def __init__(self, items: ItemStore, store: Store, scenarios: tuple[Scenario, ...] | None = None) -> None:
        self.items = items
        self.store = store
        self.scenarios = scenarios if scenarios is not None else packaged_scenarios()

    def get(self, slug: str) -> Scenario | None:
        return next((s for s in self.scenarios if s.slug == slug), None)

    def card(self, scenario: Scenario, region: str = "") -> ScenarioCard:
        """The scenario's items (each in the variant for `region`, left out when it exists only
        elsewhere) and policies."""
        items: list[LinkedItem] = []
        for variants in self.items.by_names(scenario.items).values():
            if chosen := regional_variant(variants, region):
                items.append(LinkedItem(key=chosen.key, name=chosen.name, region=chosen.region))
        policies: list[LinkedDocument] = []
        for title in scenario.policies:
            doc_id = self.store.policy_id(title)
            if doc_id:
                policies.append(LinkedDocument(id=doc_id, title=title, kind=DocumentKind.POLICY))
        return ScenarioCard(scenario=scenario, items=items, policies=policies)

    def card_for(self, compact_query: str, region: str = "") -> ScenarioCard | None:
        scenario = next((s for s in self.scenarios if matches(s, compact_query)), None)
        return self.card(scenario, region) if scenario else None
