"""Crawler: polite, resumable fetching of government sites into PolicyDocument and ServiceGuide models.

Imports only `indexer.documents` from the rest of the repository.
"""

from crawler.options import CrawlOptions
from crawler.profiles import SiteProfile, builtin_profile, load_profile, profile_with_seeds, validate_profiles
from crawler.report import CrawlProgress, CrawlReport
from crawler.run import crawl, crawl_all, crawl_sync
from crawler.sink import CrawlSink

__all__ = [
    "CrawlOptions",
    "CrawlProgress",
    "CrawlReport",
    "CrawlSink",
    "SiteProfile",
    "builtin_profile",
    "crawl",
    "crawl_all",
    "crawl_sync",
    "load_profile",
    "profile_with_seeds",
    "validate_profiles",
]
