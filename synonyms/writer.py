"""Rules back to the dictionary text format (what ``synonyms.loader`` reads)."""

from __future__ import annotations

from collections.abc import Iterable

from synonyms.rules import SynonymRule

UNSET = "未填写"


def format_rules(rules: Iterable[SynonymRule], header: str = "") -> str:
    """Rules in the dictionary text format, grouped under their @owner / @category lines."""
    lines = [f"# {line}" if line else "#" for line in header.splitlines()]
    owner = category = None
    for rule in rules:
        # An @ line holds until the next one, so a missing value is written out rather than inherited.
        if (rule.owner or UNSET) != owner:
            owner = rule.owner or UNSET
            lines.append(f"@owner {owner}")
        if (rule.category or UNSET) != category:
            category = rule.category or UNSET
            lines.append(f"@category {category}")
        lines.append(rule_line(rule))
    return "\n".join(lines) + "\n"


def rule_line(rule: SynonymRule) -> str:
    """One rule as a line of the text format (comment included)."""
    body = ", ".join(rule.terms_from)
    if rule.kind == "one_way":
        body += " => " + ", ".join(rule.terms_to)
    comment = " ".join(rule.comment.split())
    return f"{body}   # {comment}" if comment else body
