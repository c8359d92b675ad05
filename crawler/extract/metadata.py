"""Policy metadata found in the text itself: 发文字号, 成文日期 (落款 or 通过 date), 发文机关 in titles."""

from __future__ import annotations

import re
from datetime import date

from crawler.extract.common import parse_date

DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,15}\s*[〔\[［（(【]\s*\d{4}\s*[〕\]］）)】]\s*\d{1,4}\s*号")
_CJK_GAP = re.compile(r"(?<=[\u4e00-\u9fff\d])\s+(?=[\u4e00-\u9fff\d])")
_TITLE_SEPARATOR = re.compile(r"\s*(?:_{1,2}|\s[-－—|]\s|\|)\s*")
_SIGNATURE_DATE = re.compile(
    r"^(?:\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日|[〇○零一二三四五六七八九]{4}年[一二三四五六七八九十]{1,3}月"
    r"[一二三四五六七八九十]{1,3}日)$"
)
_ADOPTED_DATE = re.compile(r"^[（(]\s*(\d{4}年\d{1,2}月\d{1,2}日)")
_ISSUER_BEFORE_ABOUT = re.compile(
    r"^((?:[\u4e00-\u9fff]{2,30}?)(?:委员会|人民政府|办公厅|办公室|国务院|总局|部|局|厅|委|院|署|会))(?:、[\u4e00-\u9fff]+)*关于"
)


def find_doc_number(text: str) -> str:
    """The first 发文字号 in `text`: 国办发〔2018〕108号, 国发[2019]5号, 粤府(2020)1号."""
    match = DOC_NUMBER.search(text)
    return re.sub(r"\s+", "", match[0]) if match else ""


def clean_title(title: str) -> str:
    """Collapse spaces that typesetting put between Chinese characters and digits ('2007　年' → '2007年')."""
    return _CJK_GAP.sub("", " ".join(title.split()))


def title_from_page_title(page_title: str) -> str:
    """'标题__栏目_中国政府网' / '标题 - 站点' → '标题'."""
    return _TITLE_SEPARATOR.split(page_title.strip(), maxsplit=1)[0]


def written_date_in(body: str) -> date | None:
    """The 成文日期 stated in the text: a date alone on one of the last lines (the 落款), or the
    '（2007年6月29日…通过）' note right after a title."""
    lines = [line.strip() for line in body.splitlines() if line.strip()]
    for line in reversed(lines[-6:]):
        if _SIGNATURE_DATE.match(line):
            return parse_date(line)
    for line in lines[:6]:
        match = _ADOPTED_DATE.match(line)
        if match:
            return parse_date(match[1])
    return None


def issuer_in_title(title: str) -> str:
    """'全国人民代表大会常务委员会关于…的决议' → '全国人民代表大会常务委员会'; '' when none is named."""
    match = _ISSUER_BEFORE_ABOUT.match(title)
    return match[1] if match else ""
