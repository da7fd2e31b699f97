"""A fake SendGrid v3 API: POST /v3/mail/send, GET /v3/scopes and the Email Activity search
(GET /v3/messages by our delivery_id), with scripted or seeded failures.

Failures: `rate_limited` (429 + X-RateLimit-Reset), `retry_after` (429 + Retry-After),
`server_error` (500), `bad_request` (400), `hang` (holds the connection, then 503: never
accepted) and `deliver_then_hang` (accepted, then answers too late for the client)."""

from __future__ import annotations

import itertools
import re
import threading
import time
import urllib.parse
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fakes.faults import Faults
from fakes.http_server import Reply, Request, serve

API_KEY = "SG.test-key.not-a-real-secret"
RESET_AT = 1_900_000_000  # X-RateLimit-Reset the fake announces (a Unix time)
_DELIVERY_QUERY = re.compile(r"unique_args\['delivery_id'\]=\"([^\"]+)\"")


@dataclass(frozen=True)
class Call:
    """One POST /v3/mail/send: when it arrived, for whom, and what the fake did with it."""

    at: float  # time.monotonic()
    delivery_id: str
    to: str
    behaviour: str


def _errors(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply.json(
        status, {"errors": [{"message": message, "field": None, "help": None}]}, headers
    )


@dataclass
class SendGridFake:
    script: deque[str] = field(default_factory=deque)
    scopes: list[str] = field(default_factory=lambda: ["mail.send", "user.profile.read"])
    requests: list[Request] = field(default_factory=list)
    faults: Faults | None = None  # seeded failures once the script has run out
    retry_after: str = "7"
    activity_search: bool = True  # False: the account lacks the Email Activity add-on (403)
    calls: list[Call] = field(default_factory=list)
    accepted: dict[str, list[str]] = field(default_factory=dict)  # delivery_id -> message ids
    _ids: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def delivered_to(self) -> dict[str, int]:
        """Accepted messages counted by recipient (what the inboxes would hold)."""
        counts: dict[str, int] = {}
        with self._lock:
            for call in self.calls:
                if call.behaviour in ("ok", "deliver_then_hang"):
                    counts[call.to] = counts.get(call.to, 0) + 1
        return counts

    def respond(self, request: Request) -> Reply:
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            return _errors(401, "The provided authorization grant is invalid, expired, or revoked")
        if request.method == "GET" and request.path == "/v3/scopes":
            return Reply.json(200, {"scopes": self.scopes})
        if request.method == "GET" and request.path.startswith("/v3/messages?"):
            return self._activity(request)
        if request.method != "POST" or request.path != "/v3/mail/send":
            return _errors(404, "not found")
        with self._lock:
            behaviour = self.script.popleft() if self.script else "ok"
        if behaviour == "ok" and self.faults is not None:
            behaviour = self.faults.draw()
        body = request.json()
        with self._lock:
            number = next(self._ids)
            delivery_id = str(body.get("custom_args", {}).get("delivery_id", ""))
            to = str(body["personalizations"][0]["to"][0]["email"])
            self.calls.append(Call(time.monotonic(), delivery_id, to, behaviour))
            if behaviour in ("ok", "deliver_then_hang"):
                self.accepted.setdefault(delivery_id, []).append(f"fakeMsgId{number:04d}")
        if behaviour in ("hang", "deliver_then_hang"):
            (self.faults or Faults(0, ())).stall()
            return _errors(503, "service unavailable")
        if behaviour == "rate_limited":
            limits = {"X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "0"}
            return _errors(429, "too many requests", {**limits, "X-RateLimit-Reset": str(RESET_AT)})
        if behaviour == "retry_after":
            return _errors(429, "too many requests", {"Retry-After": self.retry_after})
        if behaviour == "server_error":
            return _errors(500, "internal error")
        if behaviour == "bad_request":
            return _errors(400, "The from email does not contain a valid address.")
        return Reply(202, b"", {"X-Message-Id": f"fakeMsgId{number:04d}"})

    def _activity(self, request: Request) -> Reply:
        if not self.activity_search:
            return _errors(403, "access forbidden")
        query = urllib.parse.parse_qs(urllib.parse.urlsplit(request.path).query)
        match = _DELIVERY_QUERY.fullmatch((query.get("query") or [""])[0])
        if match is None:
            return _errors(400, "invalid query")
        with self._lock:
            ids = list(self.accepted.get(match.group(1), []))
        messages = [{"msg_id": f"{i}.filterdrecv-1.0", "status": "processed"} for i in ids]
        return Reply.json(200, {"messages": messages[: int((query.get("limit") or ["10"])[0])]})


@contextmanager
def sendgrid_server(fake: SendGridFake | None = None) -> Iterator[tuple[str, SendGridFake]]:
    fake = fake or SendGridFake()
    with serve(fake.respond) as (base_url, requests):
        fake.requests = requests
        yield base_url, fake
