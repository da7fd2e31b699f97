"""TweetFetcher over the X API v2: resolve the handle once, then page through its own posts."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime
from typing import Any

import httpx

from creatorpulse.adapters.feeds.sanitize import html_to_text
from creatorpulse.adapters.twitter.answers import check_answer, user_id_from
from creatorpulse.domain.model.errors import InvalidInput, UpstreamError
from creatorpulse.domain.model.items import FetchedItem
from creatorpulse.ports.feeds import FetchedFeed, TweetFetcher

_HANDLE = re.compile(r"^@?([A-Za-z0-9_]{1,15})$")
MAX_PAGES = 5
PAGE_SIZE = 100


class TwitterFetcher(TweetFetcher):
    def __init__(
        self,
        client: httpx.AsyncClient,
        bearer_token: str,
        base_url: str = "https://api.x.com",
        *,
        max_pages: int = MAX_PAGES,
        timeout: float = 30.0,
    ) -> None:
        self._client, self._base = client, base_url.rstrip("/")
        self._auth = {"Authorization": f"Bearer {bearer_token}"}
        self._max_pages, self._timeout = max_pages, timeout
        self._user_ids: dict[str, str] = {}

    async def fetch(self, handle: str, since: datetime) -> FetchedFeed:
        name = _username(handle)
        try:
            async with asyncio.timeout(self._timeout):
                user_id = await self._user_id(name)
                tweets = await self._tweets(user_id, since)
        except (TimeoutError, httpx.TimeoutException):
            raise UpstreamError(
                "the X API did not answer in time", code="timeout", transient=True
            ) from None
        except httpx.TransportError:
            raise UpstreamError(
                "could not reach the X API", code="connection_failed", transient=True
            ) from None
        items = [_item(name, tweet) for tweet in tweets]
        return FetchedFeed(title=f"@{name} on X", items=[i for i in items if i is not None])

    async def _user_id(self, name: str) -> str:
        key = name.lower()
        if key not in self._user_ids:
            answer = await self._get(f"/2/users/by/username/{name}", {})
            self._user_ids[key] = user_id_from(answer, name)
        return self._user_ids[key]

    async def _tweets(self, user_id: str, since: datetime) -> list[dict[str, Any]]:
        params = {
            "exclude": "retweets,replies",
            "start_time": since.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "max_results": str(PAGE_SIZE),
            "tweet.fields": "created_at,public_metrics",
        }
        tweets: list[dict[str, Any]] = []
        for _ in range(self._max_pages):
            answer = await self._get(f"/2/users/{user_id}/tweets", params)
            tweets.extend(t for t in answer.get("data") or [] if isinstance(t, dict))
            token = (answer.get("meta") or {}).get("next_token")
            if not isinstance(token, str) or not token:
                break
            params = {**params, "pagination_token": token}
        return tweets

    async def _get(self, path: str, params: dict[str, str]) -> dict[str, Any]:
        response = await self._client.get(self._base + path, params=params, headers=self._auth)
        return check_answer(response)


def _username(handle: str) -> str:
    match = _HANDLE.match(handle.strip())
    if match is None:
        raise InvalidInput.of(
            "url", "handle_not_found", "an X handle is 1 to 15 letters, digits or underscores"
        )
    return match.group(1)


def _item(name: str, tweet: dict[str, Any]) -> FetchedItem | None:
    tweet_id, text = str(tweet.get("id", "")), tweet.get("text")
    if not tweet_id.isdigit() or not isinstance(text, str):
        return None
    created = tweet.get("created_at")
    try:
        published = datetime.fromisoformat(created.replace("Z", "+00:00")) if created else None
    except (AttributeError, ValueError):
        published = None
    return FetchedItem(
        title=None,
        content=html_to_text(text),
        url=f"https://x.com/{name}/status/{tweet_id}",
        published_at=published,
    )
