"""Rules back to the dictionary text format (what ``synonyms.loader`` reads)."""

from __future__ import annotations

from collections.abc import Iterable

from synonyms.rules import SynonymRule

UNSET = "未填写"
DIRECTIVES = ("owner", "category", "origin")  # the @ lines, in the order they are written


def format_rules(rules: Iterable[SynonymRule], header: str = "") -> str:
    """Rules in the dictionary text format, grouped under their @owner / @category / @origin lines."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    current: dict[str, str | None] = dict.fromkeys(DIRECTIVES)
    for rule in rules:
        # An @ line holds until the next one, so a missing value is written out rather than inherited.
        for name in DIRECTIVES:
            value = getattr(rule, name) or UNSET
            if value != current[name]:
                current[name] = value
                lines.append(f"@{name} {value}")
        lines.append(rule_line(rule))
    return "\n".join(lines) + "\n"


def rule_line(rule: SynonymRule) -> str:
    """One rule as a line of the text format (comment included)."""
    body = ", ".join(rule.terms_from)
    if rule.kind == "one_way":
        body += " => " + ", ".join(rule.terms_to)
    comment = " ".join(rule.comment.split())
    return f"{body}   # {comment}" if comment else body
