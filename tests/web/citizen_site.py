"""A small site for the citizen-facing tests: a city and a province with the same item, guides with
themes, phones, places and materials, policies with 主题分类; catalogue items linked."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI

from govsearch.app import create_app
from govsearch.settings import Settings
from indexer.catalogue.store import ItemStore
from indexer.catalogue.upkeep import update_links
from indexer.documents import Document
from indexer.storage import Database
from indexer.store import Store
from tests.factories import build_data_dir, guide, policy

CITY = {"region": "示例市", "region_code": "990100", "level": "市级"}
PROVINCE = {"region": "示例省", "region_code": "990000", "level": "省级"}
CITY_CARD = guide(
    "社会保障卡挂失",
    "G003",
    authority="示例市人力资源和社会保障局",
    subjects=["社会保障"],
    phone="0999-12333",
    location="示例市市民中心二楼 12 号窗口",
    materials=["居民身份证原件", "社会保障卡挂失申请表", "本人近期一寸照片"],
    **CITY,
)
PROVINCE_CARD = guide(
    "社会保障卡挂失",
    "P003",
    authority="示例省人力资源和社会保障厅",
    service_objects=["企业法人"],
    subjects=["社会保障"],
    phone="12333",
    location="示例省政务服务中心",
    materials=["单位证明"],
    **PROVINCE,
)
DOCUMENTS: list[Document] = [
    CITY_CARD,
    PROVINCE_CARD,
    guide("居民身份证换领", "G001", subjects=["证件办理"], phone="0999-110", **CITY),
    guide("居民身份证补领", "G002", subjects=["证件办理"], **CITY),
    guide("机动车驾驶证期满换证", "G005", subjects=["交通出行"], authority="示例市交通警察支队", **CITY),
    guide(
        "城乡居民基本养老保险参保登记",
        "G004",
        subjects=["社会保障", "退休"],
        authority="示例市社会保险事业管理中心",
        **CITY,
    ),
    guide(
        "企业职工基本养老保险待遇申领",
        "P004",
        subjects=["社会保障", "退休"],
        authority="示例省社会保险基金管理局",
        **PROVINCE,
    ),
    policy(
        "示例市关于优化社会保障卡服务的通知",
        "示人社〔2024〕7号",
        "参保人遗失社会保障卡的，可以通过线上渠道办理社会保障卡挂失，挂失后补领新卡。",
        subject="劳动、人事、监察\\社会保险",
        issuer="示例市人力资源和社会保障局",
        **{k: v for k, v in CITY.items() if k != "level"},
    ),
    policy(
        "示例省居民身份证管理规定",
        "示省政〔2022〕3号",
        "居民身份证的申领、换领和补领，适用本规定。",
        subject="公安、安全、司法\\公安",
        issuer="示例省人民政府",
        **{k: v for k, v in PROVINCE.items() if k != "level"},
    ),
]


def citizen_data_dir(path: Path) -> Settings:
    settings = build_data_dir(path, DOCUMENTS)
    store = Store(Database.for_path(settings.store_path))
    update_links(store, ItemStore(store))
    store.close()
    return settings


def citizen_app(path: Path, **settings: object) -> FastAPI:
    base = citizen_data_dir(path)
    return create_app(base.model_copy(update=settings))
