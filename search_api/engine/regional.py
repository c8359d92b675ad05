"""The regional variant of a catalogue item for the citizen's region (a filter or their preference)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from indexer.documents import CatalogueItem
from indexer.regions import area_values, region_filter_values, region_parts, scope_markers


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


def enclosing_markers(region: str, known: Iterable[tuple[str, str]]) -> tuple[str, ...]:
    """The scope markers of the regions around a region chosen by its bare name (广州市 → ^广东省,
    ^440000), learnt from the full names and codes of the collection's own documents
    (广东省广州市 440100). Without them the 地区 filter 广州市 keeps only the city's own documents and
    loses the province's services a resident of the city uses — and the best match left may be an
    unrelated document that merely belongs to the city. A full name or a code says its own
    enclosing regions (`indexer.regions.region_filter_values`); an unknown name has none."""
    if len(region_parts(region)) != 1 or region.isdigit():
        return ()
    markers: list[str] = []
    for full, code in known:
        parts = region_parts(full)[1:]
        if region not in parts[1:]:
            continue
        depth = parts.index(region)  # 1 for a city under its province, 2 for a county …
        markers += [f"^{p}" for p in parts[:depth]]
        if len(code) == 6 and code.isdigit():
            markers += [f"^{c}" for c in (code[:2] + "0000", code[:4] + "00")[:depth]]
    return tuple(dict.fromkeys(markers))
