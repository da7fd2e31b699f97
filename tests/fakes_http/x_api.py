"""A local X API v2: the user lookup and user timeline endpoints, with their real paths,
fields, pagination (meta.next_token / result_count) and rate-limit headers."""

from __future__ import annotations

import json
import time
from dataclasses import dataclass, field
from datetime import datetime

from fakes_http.server import Exchange, LocalServer


@dataclass
class Tweet:
    id: str
    text: str
    created_at: datetime
    kind: str = "original"  # or "retweeted", "replied_to"

    def wire(self) -> dict[str, object]:
        wire: dict[str, object] = {
            "id": self.id,
            "text": self.text,
            "edit_history_tweet_ids": [self.id],
            "created_at": self.created_at.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
            "public_metrics": {"retweet_count": 1, "reply_count": 0, "like_count": 3},
        }
        if self.kind != "original":
            wire["referenced_tweets"] = [{"type": self.kind, "id": "1"}]
        return wire


@dataclass
class FakeXApi:
    server: LocalServer
    token: str = "test-bearer-token"
    page_size: int = 100  # X may answer fewer than max_results and still give a next_token
    rate_limited_until: int | None = None
    users: dict[str, tuple[str, list[Tweet]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.server.route("/2/users/by/username/*", self._user)
        self.server.route("/2/users/*", self._timeline)

    @property
    def base_url(self) -> str:
        return self.server.url("").rstrip("/")

    def add_user(self, username: str, user_id: str, tweets: list[Tweet]) -> None:
        self.users[username.lower()] = (user_id, sorted(tweets, key=lambda t: t.created_at)[::-1])

    def _refused(self, exchange: Exchange) -> bool:
        if exchange.headers.get("authorization") != f"Bearer {self.token}":
            _json(exchange, 401, {"title": "Unauthorized", "status": 401, "detail": "Unauthorized"})
            return True
        if self.rate_limited_until and time.time() < self.rate_limited_until:
            problem = {"title": "Too Many Requests", "detail": "Too Many Requests", "status": 429}
            _json(
                exchange,
                429,
                problem,
                {
                    "x-rate-limit-limit": "900",
                    "x-rate-limit-remaining": "0",
                    "x-rate-limit-reset": str(self.rate_limited_until),
                },
            )
            return True
        return False

    def _user(self, exchange: Exchange) -> None:
        if self._refused(exchange):
            return
        username = exchange.path.rsplit("/", 1)[-1]
        found = self.users.get(username.lower())
        if found is None:
            _json(
                exchange,
                200,
                {
                    "errors": [
                        {
                            "value": username,
                            "detail": f"Could not find user with username: [{username}].",
                            "title": "Not Found Error",
                            "resource_type": "user",
                            "parameter": "username",
                            "resource_id": username,
                            "type": "https://api.twitter.com/2/problems/resource-not-found",
                        }
                    ]
                },
            )
            return
        _json(exchange, 200, {"data": {"id": found[0], "name": username, "username": username}})

    def _timeline(self, exchange: Exchange) -> None:
        if self._refused(exchange):
            return
        user_id = exchange.path.split("/")[3]
        timeline = next((t for i, t in self.users.values() if i == user_id), None)
        if timeline is None or not exchange.path.endswith("/tweets"):
            _json(exchange, 404, {"title": "Not Found Error", "status": 404})
            return
        q = exchange.query
        excluded = set(q.get("exclude", "").split(",")) & {"retweets", "replies"}
        hidden = {"retweets": "retweeted", "replies": "replied_to"}
        since = datetime.fromisoformat(q["start_time"].replace("Z", "+00:00"))
        shown = [
            t
            for t in timeline
            if t.created_at >= since and t.kind not in {hidden[e] for e in excluded}
        ]
        start = int(q.get("pagination_token") or 0)
        size = min(int(q.get("max_results", "10")), self.page_size)
        page = shown[start : start + size]
        meta: dict[str, object] = {"result_count": len(page)}
        if page:
            meta |= {"newest_id": page[0].id, "oldest_id": page[-1].id}
        if start + size < len(shown):
            meta["next_token"] = str(start + size)
        body: dict[str, object] = {"meta": meta}
        if page:
            body["data"] = [t.wire() for t in page]
        _json(exchange, 200, body)


def _json(
    exchange: Exchange, status: int, body: object, headers: dict[str, str] | None = None
) -> None:
    exchange.send(
        status, json.dumps(body).encode(), {"Content-Type": "application/json", **(headers or {})}
    )
