"""A fake SendGrid v3 API: POST /v3/mail/send and GET /v3/scopes, with scripted failures."""

from __future__ import annotations

import itertools
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field

from fakes.http_server import Reply, Request, serve

API_KEY = "SG.test-key.not-a-real-secret"
RESET_AT = 1_900_000_000  # X-RateLimit-Reset the fake announces (a Unix time)


def _errors(status: int, message: str, headers: dict[str, str] | None = None) -> Reply:
    return Reply.json(
        status, {"errors": [{"message": message, "field": None, "help": None}]}, headers
    )


@dataclass
class SendGridFake:
    script: deque[str] = field(default_factory=deque)
    scopes: list[str] = field(default_factory=lambda: ["mail.send", "user.profile.read"])
    requests: list[Request] = field(default_factory=list)
    _ids: Iterator[int] = field(default_factory=itertools.count)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def respond(self, request: Request) -> Reply:
        if request.headers.get("authorization") != f"Bearer {API_KEY}":
            return _errors(401, "The provided authorization grant is invalid, expired, or revoked")
        if request.method == "GET" and request.path == "/v3/scopes":
            return Reply.json(200, {"scopes": self.scopes})
        if request.method != "POST" or request.path != "/v3/mail/send":
            return _errors(404, "not found")
        with self._lock:
            behaviour = self.script.popleft() if self.script else "ok"
            number = next(self._ids)
        if behaviour == "rate_limited":
            limits = {"X-RateLimit-Limit": "600", "X-RateLimit-Remaining": "0"}
            return _errors(429, "too many requests", {**limits, "X-RateLimit-Reset": str(RESET_AT)})
        if behaviour == "retry_after":
            return _errors(429, "too many requests", {"Retry-After": "7"})
        if behaviour == "server_error":
            return _errors(500, "internal error")
        if behaviour == "bad_request":
            return _errors(400, "The from email does not contain a valid address.")
        return Reply(202, b"", {"X-Message-Id": f"fakeMsgId{number:04d}"})


@contextmanager
def sendgrid_server(fake: SendGridFake | None = None) -> Iterator[tuple[str, SendGridFake]]:
    fake = fake or SendGridFake()
    with serve(fake.respond) as (base_url, requests):
        fake.requests = requests
        yield base_url, fake
