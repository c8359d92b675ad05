"""Personal numbers out of the query log: what a citizen types may hold their ID-card, mobile or bank-card
number (查社保 110101199003071234). `mask_personal` replaces them before a log entry is created; it is
pure, so the rule is tested on its own and applied wherever an entry is made.

Numbers are recognised by shape, not by context: an 18-character ID number (17 digits and a digit or X)
or a 15-digit one whose birth date is a real date, an 11-digit mobile number (1[3-9]…, with or without
+86), and a 16–19 digit card number that passes the Luhn check or starts with 62 (银联). Other
numbers — 文号, item codes (33 digits), years, office phone numbers like 12345 or 0999-12333 — are
kept: they are what people search for.
"""

from __future__ import annotations

import re
from datetime import date

ID_CARD, MOBILE, BANK_CARD = "[身份证号]", "[手机号]", "[银行卡号]"
_FULLWIDTH = str.maketrans("０１２３４５６７８９ｘＸ", "0123456789xX")  # one for one: offsets stay
# A number not glued to other letters or digits: one run of digits (an ID card may end in X), or else
# groups of digits split by spaces or hyphens (138 0013 8000, 6222-0202-0000-1234).
_RUN = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+?86)?\d{10,18}[0-9Xx]?|\d{3,6}(?:[ -]\d{3,6}){2,4}[Xx]?)(?![0-9A-Za-z])"
)


def _real_date(year: int, month: int, day: int) -> bool:
    try:
        born = date(year, month, day)
    except ValueError:
        return False
    return date(1900, 1, 1) <= born <= date.today()


def _id_card(digits: str) -> bool:
    if len(digits) == 18 and digits[:17].isdigit() and digits[17] in "0123456789Xx":
        return _real_date(int(digits[6:10]), int(digits[10:12]), int(digits[12:14]))
    if len(digits) == 15 and digits.isdigit():
        return _real_date(1900 + int(digits[6:8]), int(digits[8:10]), int(digits[10:12]))
    return False


def _luhn(digits: str) -> bool:
    total = 0
    for position, char in enumerate(reversed(digits)):
        value = int(char) * (2 if position % 2 else 1)
        total += value - 9 if value > 9 else value
    return total % 10 == 0


def _kind(number: str) -> str | None:
    digits = re.sub(r"[ -]", "", number)
    if digits.startswith("+86") or (digits.startswith("86") and len(digits) == 13):
        digits = digits[3:] if digits.startswith("+") else digits[2:]
    if len(digits) == 11 and re.fullmatch(r"1[3-9]\d{9}", digits):
        return MOBILE
    if _id_card(digits):
        return ID_CARD
    if 16 <= len(digits) <= 19 and digits.isdigit() and (_luhn(digits) or digits.startswith("62")):
        return BANK_CARD
    return None


def mask_personal(text: str) -> str:
    """`text` with every ID-card, mobile and bank-card number replaced by a label saying what it was."""
    plain = text.translate(_FULLWIDTH)
    out, last = [], 0
    for match in _RUN.finditer(plain):
        kind = _kind(match.group())
        if kind:
            out += [text[last : match.start()], kind]
            last = match.end()
    return "".join(out) + text[last:] if out else text
