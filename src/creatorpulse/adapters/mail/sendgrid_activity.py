"""Was a send accepted? SendGrid's Email Activity API, asked by our `delivery_id` custom arg.

Mail Send has no idempotency key: when a send times out after the request went out, SendGrid
may have accepted it. Before sending such a claim again we look it up. The Email Activity API
needs the account's activity add-on; without it (401/403/404) we cannot tell, and say so.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

from python_http_client.exceptions import HTTPError

from creatorpulse.domain.model.errors import UpstreamError

NO_ACCESS = (401, 403, 404)


class ActivityUnavailable(Exception):
    """The account cannot search its email activity (no add-on, or a key without the scope)."""


def activity_query(delivery_id: UUID) -> dict[str, str | int]:
    return {"query": f"unique_args['delivery_id']=\"{delivery_id}\"", "limit": 1}


def accepted_message_id(client: Any, delivery_id: UUID, timeout: float) -> str | None:
    """The X-Message-Id SendGrid gave a message carrying `delivery_id`, or None if it has none.

    Blocking (the library's HTTP client): run it in a thread. Raises ActivityUnavailable when
    the account cannot search, UpstreamError(transient) when SendGrid did not answer.
    """
    try:
        response = client.messages.get(query_params=activity_query(delivery_id), timeout=timeout)
    except HTTPError as error:
        status = int(error.status_code)
        if status in NO_ACCESS:
            raise ActivityUnavailable(f"SendGrid's Email Activity API answered {status}") from None
        raise UpstreamError(
            f"SendGrid's Email Activity API is unavailable ({status})",
            code="sendgrid_unavailable", transient=True,
        ) from None  # fmt: skip
    try:
        messages = json.loads(response.body or b"{}").get("messages") or []
    except (ValueError, AttributeError):
        messages = []
    for message in messages:
        raw = message.get("msg_id") if isinstance(message, dict) else None
        if isinstance(raw, str) and raw:
            return raw.split(".", 1)[0]  # the X-Message-Id, before SendGrid's '.filter…' parts
    return None
