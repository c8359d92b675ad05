"""Examples for the API documentation (OpenAPI): one answer per route, in the shape the route returns."""

from __future__ import annotations

from typing import Any

from search_api.errors import responses

HIT = {
    "id": "g-3f2a9c0d11e4b5a7",
    "kind": "guide",
    "kind_label": "办事指南",
    "title": "社会保障卡补领",
    "title_html": "<em>社会保障卡补领</em>",
    "snippet_html": "参保人遗失<em>社会保障卡</em>的，可以申请补领。",
    "url": "https://www.gdzwfw.gov.cn/portal/guide/11440100MB2C92034X3440111009000",
    "site": "广东政务服务网",
    "publisher": "广州市人力资源和社会保障局",
    "doc_number": "",
    "date": None,
    "online_url": "https://www.gdzwfw.gov.cn/portal/v2/guide/11440100MB2C92034X3440111009000",
    "score": 31.7,
    "status_label": "",
    "best_bet": False,
    "exact_code": False,
    "items": [{"key": "11440100MB2C92034X3440111009000", "name": "社会保障卡补领", "region": "广州市"}],
}
SEARCH = {
    "query": "社保卡补办",
    "normalized_query": "社保卡补办",
    "tokens": ["社保卡", "补办"],
    "expansions": [
        {"term": "补办", "alternatives": ["补领"], "source": "plain_language.txt:12", "weight": 1.0}
    ],
    "type": None,
    "total": 1,
    "page": 1,
    "size": 10,
    "pages": 1,
    "hits": [HIT],
    "took_ms": 6.1,
    "sort": "relevance",
    "facets": {"kind": [{"value": "guide", "label": "办事指南", "count": 1}]},
    "correction": None,
    "related": ["社保卡挂失"],
    "item_card": None,
    "scenario": None,
}
DOCUMENT = {
    "id": "p-9b1d2e3f4a5b6c7d",
    "kind": "policy",
    "url": "https://www.gov.cn/zhengce/content/2019-01/10/content_5356658.htm",
    "site": "中国政府网",
    "title": "国务院办公厅关于印发降低社会保险费率综合方案的通知",
    "doc_number": "国办发〔2019〕13号",
    "issuer": "国务院办公厅",
    "publish_date": "2019-04-04",
    "body": "各省、自治区、直辖市人民政府……",
}
ITEM = {
    "item": {"key": "11440100MB2C92034X3440111009000", "name": "社会保障卡补领", "region": "广州市"},
    "guide": HIT | {"kind": "guide"},
    "variants": [],
    "siblings": [],
    "policies": [],
    "guides": [],
}
SCENARIO = {
    "scenario": {"slug": "marriage", "name": "我要结婚", "keywords": ["结婚", "领证"], "items": ["结婚登记"]},
    "items": [{"key": "11440100007502985C4442119004000", "name": "结婚登记", "region": "广州市"}],
    "policies": [],
}
FEED = """<?xml version='1.0' encoding='utf-8'?>
<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN"><id>https://search.example.gov.cn/api/v1/feed?q=社保</id>
<title>政务搜索：社保</title><updated>2024-03-10T00:00:00+08:00</updated>
<entry><id>https://search.example.gov.cn/doc/p-9b1d2e3f4a5b6c7d</id><title>关于社保卡线上申领的通知</title>
<updated>2024-03-10T00:00:00+08:00</updated></entry></feed>"""
CLICK = {"query": "社保卡补办", "doc_id": "g-3f2a9c0d11e4b5a7", "position": 1}


def documented(summary: str, description: str, example: Any, *errors: int, media: str = "") -> dict[str, Any]:
    """The decorator arguments that document a route: Chinese summary and description, the answer's
    example and each error status in the one error shape."""
    answer: dict[int | str, dict[str, Any]] = {}
    if example is not None:
        kind = media or "application/json"
        answer[200] = {"content": {kind: {"example": example}}, "description": "成功"}
    return {"summary": summary, "description": description, "responses": answer | responses(*errors)}
