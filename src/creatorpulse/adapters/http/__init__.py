"""Guarded HTTP for addresses users give us: no private networks, bounded time and size."""

from creatorpulse.adapters.http.fetcher import HttpAnswer, SafeFetcher
from creatorpulse.ports.feeds import Validators

__all__ = ["HttpAnswer", "SafeFetcher", "Validators"]
