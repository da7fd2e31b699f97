"""A fake Gemini API (v1beta REST): batchEmbedContents, generateContent and models.get.

Each endpoint plays a script of behaviours, one per request, then answers well ("ok") or, with
`faults`, fails a seeded share of requests (`hang` holds the connection, then answers 503).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fakes.faults import Faults
from fakes.http_server import Reply, Request, serve

API_KEY = "test-gemini-key"
_ITEM_ID = re.compile(r"item_id: ([0-9a-f-]{36})")
_PATH = re.compile(r"^/v1beta/models/([^:/?]+)(?::(\w+))?")
KNOWN_MODELS = {"gemini-embedding-001", "gemini-2.5-flash"}


def _error(code: int, status: str, message: str, details: list[Any] | None = None) -> Reply:
    body: dict[str, Any] = {"code": code, "message": message, "status": status}
    if details:
        body["details"] = details
    return Reply.json(code, {"error": body})


def _vector(text: str, dims: int) -> list[float]:
    """Deterministic and deliberately not unit length (like a cut-down Gemini vector)."""
    digest = hashlib.sha256(text.encode()).digest()
    return [((digest[i % 32] + i) % 17 - 8) * 0.37 for i in range(dims)]


def draft_text(item_id: str) -> str:
    return (
        f"Here is what caught my eye today (item {item_id[:8]}).\n\n"
        "Teams that ship small changes learn faster than teams that plan big launches.\n\n"
        "What would you try first?"
    )


@dataclass
class GeminiFake:
    retry_delay: str = "1s"
    embed_script: deque[str] = field(default_factory=deque)
    generate_script: deque[str] = field(default_factory=deque)
    requests: list[Request] = field(default_factory=list)
    faults: Faults | None = None
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def calls(self, method: str) -> list[Request]:
        return [r for r in self.requests if r.path.split("?")[0].endswith(f":{method}")]

    def respond(self, request: Request) -> Reply:
        match = _PATH.match(request.path)
        if match is None:
            return _error(404, "NOT_FOUND", f"no such path {request.path}")
        if request.headers.get("x-goog-api-key") != API_KEY:
            return _error(
                400, "INVALID_ARGUMENT", "API key not valid. Please pass a valid API key."
            )
        model, method = match.groups()
        if model not in KNOWN_MODELS:
            return _error(404, "NOT_FOUND", f"models/{model} is not found for API version v1beta")
        if request.method == "GET" and method is None:
            return Reply.json(200, {"name": f"models/{model}", "displayName": model.title()})
        script = {"batchEmbedContents": self.embed_script, "generateContent": self.generate_script}
        if method not in script:
            return _error(404, "NOT_FOUND", f"method {method} not found")
        with self._lock:
            behaviour = script[method].popleft() if script[method] else "ok"
        if behaviour == "ok" and self.faults is not None:
            behaviour = self.faults.draw()
        if behaviour == "hang":
            (self.faults or Faults(0, ())).stall()
            return _error(503, "UNAVAILABLE", "The service is currently unavailable.")
        failure = self._failure(behaviour)
        if failure is not None:
            return failure
        if method == "batchEmbedContents":
            return self._embed(request.json())
        return self._generate(request.json(), behaviour)

    def _failure(self, behaviour: str) -> Reply | None:
        if behaviour == "rate_limited":
            return _error(
                429,
                "RESOURCE_EXHAUSTED",
                "You exceeded your current quota, please check your plan and billing details.",
                [
                    {
                        "@type": "type.googleapis.com/google.rpc.QuotaFailure",
                        "violations": [{"quotaMetric": "generativelanguage.googleapis.com/x"}],
                    },
                    {
                        "@type": "type.googleapis.com/google.rpc.RetryInfo",
                        "retryDelay": self.retry_delay,
                    },
                ],
            )
        if behaviour == "server_error":
            return _error(500, "INTERNAL", "An internal error has occurred.")
        if behaviour == "unavailable_retry_after":
            reply = _error(503, "UNAVAILABLE", "The model is overloaded. Please try again later.")
            return Reply(reply.status, reply.body, {**reply.headers, "Retry-After": "0"})
        if behaviour == "bad_request":
            return _error(400, "INVALID_ARGUMENT", "Request contains an invalid argument.")
        return None

    def _embed(self, body: dict[str, Any]) -> Reply:
        embeddings = []
        for request in body["requests"]:
            text = "".join(p.get("text", "") for p in request["content"]["parts"])
            dims = request.get("outputDimensionality", 3072)
            embeddings.append({"values": _vector(f"{request.get('taskType')}|{text}", dims)})
        return Reply.json(200, {"embeddings": embeddings})

    def _generate(self, body: dict[str, Any], behaviour: str) -> Reply:
        prompt = "".join(p.get("text", "") for c in body["contents"] for p in c["parts"])
        ids = list(dict.fromkeys(_ITEM_ID.findall(prompt)))
        drafts = [{"item_id": i, "content": draft_text(i)} for i in ids]
        usage = {"promptTokenCount": 1200, "candidatesTokenCount": 300, "totalTokenCount": 1500}
        candidate: dict[str, Any] = {"finishReason": "STOP", "index": 0}
        text = json.dumps(drafts)
        if behaviour == "prompt_blocked":
            return Reply.json(
                200, {"promptFeedback": {"blockReason": "SAFETY"}, "usageMetadata": usage}
            )
        if behaviour == "safety":
            candidate["finishReason"] = "SAFETY"
            candidate["safetyRatings"] = [
                {"category": "HARM_CATEGORY_HARASSMENT", "probability": "HIGH", "blocked": True}
            ]
            return Reply.json(200, {"candidates": [candidate], "usageMetadata": usage})
        if behaviour == "max_tokens":
            candidate["finishReason"] = "MAX_TOKENS"
            text = text[: len(text) // 2]
        elif behaviour == "malformed":
            text = "Sure! Here are your drafts: [{item_id: " + (ids[0] if ids else "")
        elif behaviour == "empty":
            text = ""
        elif behaviour == "unknown_item":
            stranger = "00000000-0000-4000-8000-000000000000"
            extra = [{"item_id": stranger, "content": "made up"}, *drafts, *drafts]
            text = json.dumps(extra)
        candidate["content"] = {"role": "model", "parts": [{"text": text}]}
        return Reply.json(
            200, {"candidates": [candidate], "usageMetadata": usage, "modelVersion": "fake"}
        )


@contextmanager
def gemini_server(fake: GeminiFake | None = None) -> Iterator[tuple[str, GeminiFake]]:
    fake = fake or GeminiFake()
    with serve(fake.respond) as (base_url, requests):
        fake.requests = requests
        yield base_url, fake
