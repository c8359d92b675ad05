"""Phone numbers a citizen can call: tel: links on a guide, and nobody left without one when a search
finds little (the department's phone when known, always the 12345 hotline)."""

from __future__ import annotations

import re

from pydantic import BaseModel, Field

# 020-34121084, (020)34121084, 0999-12333, 13800138000, 400-123-4567, the 12xxx/95xxx/96xxx service numbers
# (12333, 95518), with an extension -123; not any five digits (15000元).
_PHONE = re.compile(
    r"(?<![\d-])(?:[(（]0\d{2,3}[)）]\s?\d{7,8}|0\d{2,3}-\d{5,8}|0\d{9,11}|1[3-9]\d{9}|400-?\d{3}-?\d{4}|12\d{3}|9[56]\d{3})"
    r"(?:-\d{1,5})?(?![\d])"
)
HOTLINE_NUMBER = "12345"
HOTLINE_NAME = "12345 政务服务便民热线"


class Phone(BaseModel):
    number: str = Field(description="电话号码，原样")
    tel: str = Field(description="tel: 链接用的号码（只含数字，分机以 , 隔开）")


class Contact(BaseModel):
    name: str = Field(description="部门或热线名称")
    phones: list[Phone]


def phones(text: str) -> list[Phone]:
    """Every phone number written in `text`, in order, each once."""
    found: dict[str, Phone] = {}
    for match in _PHONE.finditer(text):
        number = match.group(0)
        main, _, extension = number.rpartition("-") if _extension(number) else (number, "", "")
        digits = re.sub(r"\D", "", main)
        found.setdefault(number, Phone(number=number, tel=digits + (f",{extension}" if extension else "")))
    return list(found.values())


def _extension(number: str) -> bool:
    """A trailing -123 after a full number (not the dash after an area code)."""
    head, _, tail = number.rpartition("-")
    return bool(head) and len(tail) <= 5 and len(re.sub(r"\D", "", head)) >= 10


HOTLINE = Contact(name=HOTLINE_NAME, phones=[Phone(number=HOTLINE_NUMBER, tel=HOTLINE_NUMBER)])


def contacts_for(departments: list[str], known: dict[str, str]) -> list[Contact]:
    """The departments' phones where known (`known`: department → phone text), then the hotline."""
    found = [
        Contact(name=name, phones=numbers)
        for name in dict.fromkeys(departments)
        if name and (numbers := phones(known.get(name, "")))
    ]
    return [*found, HOTLINE]
