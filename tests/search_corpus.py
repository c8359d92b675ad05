"""A collection for the search-experience tests: the sample documents plus enough guides to page
through, several publishers and years, a 文号 in its official form and a repealed policy."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from fastapi import FastAPI

from govsearch.app import create_app
from indexer.documents import Document
from tests.factories import SAMPLE_DOCUMENTS, build_data_dir, guide, policy

SOCIAL_CARD_ITEMS = [
    "社会保障卡申领",
    "社会保障卡补领",
    "社会保障卡换领",
    "社会保障卡密码重置",
    "社会保障卡信息变更",
    "社会保障卡注销",
    "社会保障卡金融功能激活",
    "社会保障卡临时挂失",
    "社会保障卡解挂",
    "社会保障卡进度查询",
    "社会保障卡异地使用登记",
    "社会保障卡服务网点查询",
    "社会保障卡制卡进度查询",
]

FEATURE_DOCUMENTS: list[Document] = [
    *SAMPLE_DOCUMENTS,
    *(
        guide(
            name,
            f"S{i:03d}",
            authority="示例市人力资源和社会保障局" if i % 2 else "示例市社会保险事业管理中心",
            publish_date=date(2020 + i % 4, 6, 1),
        )
        for i, name in enumerate(SOCIAL_CARD_ITEMS)
    ),
    guide("住房公积金提取", "H001", authority="示例市住房公积金管理中心"),
    guide("普通护照加注", "P001", authority="示例市公安局出入境管理支队"),
    policy(
        "国务院办公厅关于聚焦企业关切进一步推动优化营商环境政策落实的通知",
        "国办发〔2018〕104号",
        "各省、自治区、直辖市人民政府：\n为进一步推动优化营商环境政策落实，经国务院同意，现就有关事项通知如下。",
        issuer="国务院办公厅",
        publish_date=date(2018, 11, 8),
    ),
    policy(
        "示例市社会保障卡管理办法",
        "示政〔2015〕3号",
        "（本文件已废止）\n社会保障卡的发放、使用和管理，适用本办法。",
        publish_date=date(2015, 5, 1),
    ),
    policy(
        "示例市社会保障卡服务规定",
        "示政〔2023〕9号",
        "社会保障卡的申领、使用和服务，适用本规定。",
        publish_date=date(2023, 9, 1),
    ),
]


def feature_app(data_dir: Path) -> FastAPI:
    return create_app(build_data_dir(data_dir, FEATURE_DOCUMENTS))
