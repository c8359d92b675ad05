"""Small hand-written documents and a ready app over them, for behaviour tests."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import FastAPI

from govsearch.app import create_app
from govsearch.settings import Settings
from indexer.backends.tantivy_backend import TantivyBackend
from indexer.documents import Document, PolicyDocument, ServiceGuide
from indexer.pipeline import update_index
from indexer.storage import Database
from indexer.store import Store


def guide(name: str, code: str, **fields: object) -> ServiceGuide:
    values: dict[str, object] = {
        "url": f"http://127.0.0.1/bszn/{code}.html",
        "site": "示例市政务服务网",
        "region": "示例市",
        "item_name": name,
        "item_code": code,
        "authority": "示例市公安局",
        "item_type": "行政确认",
        "service_objects": ["自然人"],
        "conditions": f"符合条件的申请人可以申请{name}。",
        "materials": ["申请表", "本人近期照片"],
        "online_url": f"https://zwfw.example.gov.cn/apply/{code}",
    }
    values.update(fields)
    return ServiceGuide.model_validate(values)


def policy(title: str, number: str, body: str, **fields: object) -> PolicyDocument:
    values: dict[str, object] = {
        "url": f"http://127.0.0.1/zhengce/{abs(hash(title))}.html",
        "site": "示例市人民政府",
        "title": title,
        "doc_number": number,
        "issuer": "示例市人民政府办公室",
        "publish_date": date(2024, 3, 1),
        "body": body,
    }
    values.update(fields)
    return PolicyDocument.model_validate(values)


SAMPLE_DOCUMENTS: list[Document] = [
    guide(
        "居民身份证换领", "G001", conditions="居民身份证有效期满、证件损坏或登记项目变更的，应当换领新证。"
    ),
    guide("居民身份证补领", "G002", conditions="居民身份证丢失的，可以申请补领。"),
    guide("社会保障卡挂失", "G003", authority="示例市人力资源和社会保障局", materials=["居民身份证"]),
    guide("城乡居民基本养老保险参保登记", "G004", authority="示例市社会保险事业管理中心"),
    guide("机动车驾驶证期满换证", "G005", conditions="机动车驾驶证有效期满前九十日内申请换证。"),
    policy(
        "示例市人民政府办公室关于调整城乡居民基本养老保险基础养老金标准的通知",
        "示政办〔2024〕12号",
        "各区县人民政府：\n为提高城乡居民基本养老保险待遇水平，经研究决定，自2024年1月1日起调整基础养老金标准。",
    ),
    policy(
        "示例市住房公积金提取管理办法",
        "示政〔2023〕5号",
        "职工退休、购买自住住房或者支付房租的，可以提取住房公积金账户内的存储余额。",
    ),
]


def build_data_dir(data_dir: Path, documents: list[Document] | None = None) -> Settings:
    """Store and index the documents under `data_dir`, as `govsearch index` would."""
    settings = Settings(data_dir=data_dir, reload_seconds=0)
    store = Store(Database.for_path(settings.store_path))
    store.upsert(documents if documents is not None else SAMPLE_DOCUMENTS)
    backend = TantivyBackend(data_dir / "index", writable=True)
    update_index(store, backend)
    backend.close()
    store.close()
    return settings


def build_app(data_dir: Path, *, warm_first: bool = False) -> FastAPI:
    """`warm_first`: as `govsearch serve` runs it — the first request finds the knowledge built (on a
    loaded machine, building it inside the first request can pass the request time limit)."""
    settings = build_data_dir(data_dir)
    return create_app(settings, warm_first=warm_first)
