"""Bytes → text for pages whose declared charset is often wrong.

Chinese government sites commonly serve GBK/GB2312 pages with `charset=utf-8` in the header (or the
reverse). Valid UTF-8 is very unlikely to be anything else, so a clean UTF-8 decode wins over the
labels; otherwise the header, then <meta charset>, then GB18030 (a superset of GBK and GB2312).
"""

from __future__ import annotations

import codecs
import re

_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.IGNORECASE)
_CHINESE_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030"}


def _codec(name: str | None) -> str | None:
    if not name:
        return None
    name = _CHINESE_ALIASES.get(name.strip().lower(), name.strip().lower())
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def meta_charset(content: bytes) -> str | None:
    match = _META_CHARSET.search(content[:4096])
    return match[1].decode("ascii") if match else None


def decode_html(content: bytes, header_charset: str | None = None) -> str:
    """Decode with the first charset that decodes cleanly: BOM, UTF-8, header, <meta charset>, GB18030."""
    for bom, encoding in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16")):
        if content.startswith(bom):
            return content[len(bom) :].decode(encoding, errors="replace")
    candidates = ["utf-8", _codec(header_charset), _codec(meta_charset(content)), "gb18030"]
    for encoding in dict.fromkeys(c for c in candidates if c):
        try:
            return content.decode(encoding)
        except (UnicodeDecodeError, LookupError):
            continue
    return content.decode("gb18030", errors="replace")
