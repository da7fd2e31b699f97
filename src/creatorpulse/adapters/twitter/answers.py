"""Reading the X API's answers: statuses and error bodies into our errors, in plain words."""

from __future__ import annotations

import time
from typing import Any

import httpx

from creatorpulse.domain.model.errors import InvalidInput, UpstreamError


def check_answer(response: httpx.Response) -> dict[str, Any]:
    if response.status_code == 429:
        raise UpstreamError(
            "the X API rate limit is reached; we will try again after it resets",
            code="http_429",
            transient=True,
            retry_after=_until_reset(response.headers.get("x-rate-limit-reset")),
        )
    if response.status_code == 404:
        raise _no_such_handle()
    if response.status_code in (401, 403):
        raise UpstreamError(
            f"the X API refused our credentials ({response.status_code}); the operator must "
            "check TWITTER_BEARER_TOKEN",
            code=f"http_{response.status_code}",
        )
    if response.status_code >= 400:
        raise UpstreamError(
            f"the X API answered {response.status_code}",
            code=f"http_{response.status_code}",
            transient=response.status_code >= 500,
        )
    try:
        answer = response.json()
    except ValueError:
        raise UpstreamError("the X API sent an unreadable answer", code="bad_answer") from None
    if not isinstance(answer, dict):
        raise UpstreamError("the X API sent an unreadable answer", code="bad_answer")
    return answer


def user_id_from(answer: dict[str, Any], name: str) -> str:
    """The user's id; X answers 200 with errors[] when a username does not exist."""
    data = answer.get("data")
    if isinstance(data, dict) and str(data.get("id", "")).isdigit():
        return str(data["id"])
    titles = {e.get("title") for e in answer.get("errors") or [] if isinstance(e, dict)}
    if titles & {"Not Found Error", "Forbidden"} or not data:
        raise _no_such_handle(name)
    raise UpstreamError("the X API sent an unreadable answer", code="bad_answer")


def _no_such_handle(name: str | None = None) -> InvalidInput:
    who = f"@{name}" if name else "this handle"
    return InvalidInput.of(
        "url", "handle_not_found", f"{who} does not exist on X or is suspended or private"
    )


def _until_reset(reset: str | None) -> float | None:
    if not reset or not reset.isdigit():
        return None
    return max(float(reset) - time.time(), 0.0)
