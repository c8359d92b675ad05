"""有效性: whether a policy still applies — 现行有效, 已废止 or 已失效.

Stored on the document when the page declares it (a 有效性/时效性 row in its metadata table), else read
from the marker text that disclosure pages print on top of withdrawn documents. Guides describe services
on offer, so they are always 现行有效 (a withdrawn guide leaves the index instead).
"""

from __future__ import annotations

import re
from enum import StrEnum

HEAD_CHARACTERS = 300  # markers are printed above the body text, never deep inside it


class Validity(StrEnum):
    CURRENT = "现行有效"
    REPEALED = "已废止"
    EXPIRED = "已失效"


# Markers of a policy that no longer applies; the gov.cn disclosure pages print these on top.
_MARKERS = re.compile(r"已废止|已失效|已被废止|现已废止|已宣布失效|失效文件|废止文件")


def _declared(value: str) -> Validity | None:
    """A page's own wording (有效, 现行有效, 废止, 失效, 已修改 …) as one of the three values."""
    text = "".join(value.split())
    if not text:
        return None
    if "废止" in text:
        return Validity.REPEALED
    if "失效" in text:
        return Validity.EXPIRED
    return Validity.CURRENT if "有效" in text or "现行" in text else None


def validity_of(title: str, body: str, declared: str = "") -> Validity:
    """The declared validity when the page states one, else what the title or the opening says."""
    stated = _declared(declared)
    if stated is not None:
        return stated
    found = _MARKERS.search(title) or _MARKERS.search(body[:HEAD_CHARACTERS])
    if not found:
        return Validity.CURRENT
    return Validity.EXPIRED if "失效" in found.group(0) else Validity.REPEALED
