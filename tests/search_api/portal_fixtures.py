"""A store with documents in two cities, a province and two kinds, catalogue items linked to the guides,
and portals with keys: shared by the portal, feed and widget tests."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from govsearch.settings import Settings
from indexer.catalogue.store import ItemStore
from indexer.catalogue.upkeep import update_links
from indexer.storage import Database
from indexer.store import Store
from search_api.engine.filters import Scope
from search_api.engine.portals import Branding, Portals
from tests.factories import build_data_dir, guide, policy

CITY = {"region": "示例市", "region_code": "990100", "site": "示例市政务服务网"}
OTHER = {"region": "另一市", "region_code": "980100", "site": "另一市政务服务网"}
DOCUMENTS = [
    guide("社会保障卡挂失", "C001", authority="示例市人力资源和社会保障局", **CITY),
    guide("社会保障卡申领", "C002", authority="示例市人力资源和社会保障局", **CITY),
    guide("社会保障卡挂失", "O001", authority="另一市人力资源和社会保障局", **OTHER),
    guide("社会保障卡密码重置", "O002", authority="另一市人力资源和社会保障局", **OTHER),
    policy(
        "示例市关于社会保障卡服务的通知",
        "示人社〔2024〕7号",
        "参保人遗失社会保障卡的，可以办理社会保障卡挂失。",
        region="示例市",
        region_code="990100",
    ),
]
CITY_ORIGIN = "https://city.example.gov.cn"


@dataclass(frozen=True)
class PortalKeys:
    city: str  # scope: 示例市 guides; origins: CITY_ORIGIN
    open: str  # no scope, no origins (server use only)


def portal_data_dir(path: Path) -> Settings:
    settings = build_data_dir(path, DOCUMENTS)
    store = Store(Database.for_path(settings.store_path))
    update_links(store, ItemStore(store))
    store.close()
    return settings


def add_portal(
    settings: Settings,
    name: str,
    *,
    origins: tuple[str, ...] = (),
    scope: Scope | None = None,
    rate: str = "1000/second",
) -> str:
    database = Database.for_path(settings.store_path)
    try:
        _portal, key = Portals(database).add(name, origins, scope or {}, rate, Branding(title=name))
    finally:
        database.close()
    return key


def add_standard_portals(settings: Settings) -> PortalKeys:
    city = add_portal(
        settings, "city", origins=(CITY_ORIGIN,), scope={"region": ("示例市",), "type": ("guide",)}
    )
    return PortalKeys(city=city, open=add_portal(settings, "open"))
