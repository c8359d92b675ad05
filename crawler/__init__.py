"""Crawler: polite fetching of government sites into PolicyDocument and ServiceGuide models.

Imports only `indexer.documents` from the rest of the repository.
"""

from crawler.profiles import SiteProfile, builtin_profile, load_profile, profile_with_seeds
from crawler.run import CrawlProgress, CrawlReport, crawl, crawl_sync

__all__ = [
    "CrawlProgress",
    "CrawlReport",
    "SiteProfile",
    "builtin_profile",
    "crawl",
    "crawl_sync",
    "load_profile",
    "profile_with_seeds",
]
