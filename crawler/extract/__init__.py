"""Pure extraction: (url, html) → PolicyDocument | ServiceGuide | None, and links."""

from crawler.extract.common import extract_links, parse_date
from crawler.extract.guide import extract_guide
from crawler.extract.policy import extract_policy

__all__ = ["extract_guide", "extract_links", "extract_policy", "parse_date"]
