"""What the server says about when to ask again, and what its error statuses mean for us."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from http import HTTPStatus

from creatorpulse.domain.model.errors import UpstreamError

MAX_WAIT = 24 * 3600.0
_MAX_AGE = re.compile(r"(?:^|,)\s*(?:s-)?max-age\s*=\s*\"?(\d+)", re.IGNORECASE)
_NO_STORE = re.compile(r"(?:^|,)\s*no-(?:cache|store)\b", re.IGNORECASE)


def retry_after_seconds(value: str | None, now: datetime) -> float | None:
    """Retry-After as seconds from now (delta-seconds or an HTTP date), capped at a day."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return min(float(value), MAX_WAIT)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return min(max((when - now).total_seconds(), 0.0), MAX_WAIT)


def max_age_seconds(cache_control: str | None) -> float | None:
    if not cache_control or _NO_STORE.search(cache_control):
        return None
    match = _MAX_AGE.search(cache_control)
    return min(float(match.group(1)), MAX_WAIT) if match else None


def status_error(status: int, host: str, retry_after: float | None) -> UpstreamError:
    """A failed status in plain words: 5xx, 408 and 429 may pass, other 4xx will not."""
    try:
        phrase = HTTPStatus(status).phrase
    except ValueError:
        phrase = "an unexpected status"
    transient = status >= 500 or status in (408, 425, 429)
    hint = " (it may recover; we will try again later)" if transient else ""
    return UpstreamError(
        f"{host} answered {status} {phrase}{hint}",
        code=f"http_{status}",
        transient=transient,
        retry_after=retry_after if status in (429, 503) else None,
    )
