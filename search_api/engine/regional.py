"""The regional variant of a catalogue item for the citizen's region (a filter or their preference)."""

from __future__ import annotations

from collections.abc import Sequence

from indexer.documents import CatalogueItem
from indexer.regions import area_values, region_filter_values, scope_markers


def usable_in(item: CatalogueItem, region: str) -> bool:
    """Can a resident of `region` use this variant: its own region or one inside it, a region above it
    (known from a 区划代码 or a full name), or the whole country — what the 地区 filter keeps."""
    values = {
        *area_values(item.region, item.region_code),
        *scope_markers(item.region, item.region_code, item.level),
    }
    return bool(values.intersection(region_filter_values(region)))


def regional_variant(variants: Sequence[CatalogueItem], region: str) -> CatalogueItem | None:
    """The variant of the region itself, else one usable there; None when every variant belongs to
    another region (never another province's card). Without a region: the first."""
    if not region:
        return variants[0] if variants else None
    own = [v for v in variants if region in area_values(v.region, v.region_code)]
    if own:
        return own[0]
    return next((v for v in variants if usable_in(v, region)), None)
