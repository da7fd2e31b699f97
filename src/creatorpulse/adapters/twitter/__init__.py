"""X (Twitter) API v2: a creator's own posts as source items."""

from creatorpulse.adapters.twitter.fetcher import TwitterFetcher

__all__ = ["TwitterFetcher"]
