"""A Mailer on SendGrid's v3 Mail Send API through the `sendgrid` library (run in a thread)."""

from __future__ import annotations

import asyncio
import http.client
import json
import logging
import time
from collections.abc import Callable, Mapping
from email.utils import parseaddr, parsedate_to_datetime
from typing import Any
from urllib.error import URLError
from uuid import UUID

from python_http_client.exceptions import HTTPError
from sendgrid import SendGridAPIClient
from sendgrid.helpers.mail import (
    Category,
    ClickTracking,
    CustomArg,
    From,
    Header,
    HtmlContent,
    Mail,
    PlainTextContent,
    SubscriptionTracking,
    To,
    TrackingSettings,
)
from sendgrid.helpers.mail.exceptions import SendGridException

from creatorpulse.adapters.mail.render import render
from creatorpulse.adapters.mail.sendgrid_activity import ActivityUnavailable, accepted_message_id
from creatorpulse.domain.model.emails import OutgoingEmail
from creatorpulse.domain.model.errors import UpstreamError
from creatorpulse.ports.mailer import Mailer

DEFAULT_BASE_URL = "https://api.sendgrid.com"
_NETWORK_ERRORS = (OSError, http.client.HTTPException)
# After a send that went out unanswered, wait this long before looking it up: SendGrid's email
# activity lags the send by seconds.
UNANSWERED_WAIT = 30.0
log = logging.getLogger("creatorpulse.mail")


def quiet_http_client_logs() -> None:
    """python_http_client logs request headers, the API key included, at DEBUG: never let it."""
    logging.getLogger("python_http_client").setLevel(logging.INFO)


def build_mail(email: OutgoingEmail, sender: str) -> Mail:
    rendered = render(email.message)
    name, address = parseaddr(sender)
    mail = Mail(
        from_email=From(address, name or None),
        to_emails=To(email.message.to),
        subject=rendered.subject,
        plain_text_content=PlainTextContent(rendered.text),
        html_content=HtmlContent(rendered.html),
    )
    mail.category = Category(str(email.kind))
    mail.custom_arg = CustomArg("delivery_id", str(email.delivery_id))
    for header, value in rendered.headers.items():
        mail.header = Header(header, value)
    # Click tracking would rewrite our one-time feedback links; SendGrid's own unsubscribe
    # footer would duplicate ours.
    mail.tracking_settings = TrackingSettings(
        click_tracking=ClickTracking(False, False),
        subscription_tracking=SubscriptionTracking(False),
    )
    return mail


def _error_detail(body: bytes | str | None, fallback: str) -> str:
    try:
        errors = json.loads(body or b"").get("errors") or []
        messages = [str(e.get("message")) for e in errors if isinstance(e, dict)]
    except (ValueError, AttributeError):
        messages = []
    return "; ".join(m for m in messages if m) or fallback


def retry_after(headers: Mapping[str, Any] | None, now: float) -> float | None:
    """Retry-After (seconds or a date), else X-RateLimit-Reset (a Unix time)."""
    headers = headers or {}
    value = headers.get("Retry-After")
    if value is not None:
        try:
            return max(0.0, float(value))
        except ValueError:
            try:
                return max(0.0, parsedate_to_datetime(str(value)).timestamp() - now)
            except (TypeError, ValueError):
                pass
    reset = headers.get("X-RateLimit-Reset")
    try:
        return max(0.0, float(reset) - now) if reset is not None else None
    except ValueError:
        return None


class SendGridMailer(Mailer):
    def __init__(
        self,
        api_key: str,
        sender: str,
        *,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = 30.0,
        clock: Callable[[], float] = time.time,
        unanswered_wait: float = UNANSWERED_WAIT,
    ) -> None:
        quiet_http_client_logs()
        self._client = SendGridAPIClient(api_key=api_key, host=base_url.rstrip("/"))
        self._api_key, self._sender = api_key, sender
        self._timeout, self._clock, self._unanswered_wait = timeout, clock, unanswered_wait
        self._activity_searchable = True

    async def send(self, email: OutgoingEmail) -> str | None:
        try:
            body = build_mail(email, self._sender).get()
        except (SendGridException, ValueError) as error:
            raise UpstreamError(
                f"cannot build email: {error}", code="invalid_message", transient=False
            ) from error
        try:
            response = await asyncio.to_thread(
                self._client.client.mail.send.post, request_body=body, timeout=self._timeout
            )
        except HTTPError as error:
            raise self._http_error(error) from None
        except URLError as error:  # urllib wraps failures before the request was sent
            raise UpstreamError(
                f"SendGrid could not be reached: {error.reason}",
                code="sendgrid_unreachable",
                transient=True,
            ) from None
        except _NETWORK_ERRORS as error:  # sent, then no answer: SendGrid may have accepted it
            raise UpstreamError(
                f"SendGrid did not answer: {error or type(error).__name__}",
                code="sendgrid_no_answer",
                transient=True,
                retry_after=self._unanswered_wait,
            ) from None
        message_id = response.headers.get("X-Message-Id")
        return str(message_id) if message_id else None

    async def sent_message_id(self, delivery_id: UUID) -> str | None:
        """Asks SendGrid's email activity; None when it has no message for `delivery_id`, or when
        the account cannot search it (then a retry may send a second copy; logged once)."""
        if not self._activity_searchable:
            return None
        try:
            return await asyncio.to_thread(
                accepted_message_id, self._client.client, delivery_id, self._timeout
            )
        except ActivityUnavailable as error:
            self._activity_searchable = False
            log.warning("sendgrid_activity_unavailable: %s; an unanswered send may be sent "
                        "twice", error)  # fmt: skip
            return None
        except _NETWORK_ERRORS as error:
            raise UpstreamError(
                f"SendGrid's Email Activity API could not be reached: {error}",
                code="sendgrid_unreachable",
                transient=True,
            ) from None

    def _http_error(self, error: HTTPError) -> UpstreamError:
        status = int(error.status_code)
        detail = _error_detail(error.body, str(error.reason or "no reason given"))
        detail = detail.replace(self._api_key, "[redacted]")
        if status in (408, 429) or status >= 500:
            return UpstreamError(
                f"SendGrid is unavailable ({status}): {detail}",
                code="sendgrid_unavailable",
                transient=True,
                retry_after=retry_after(error.headers, self._clock()),
            )
        return UpstreamError(
            f"SendGrid refused the email ({status}): {detail}", code="sendgrid_rejected"
        )


async def check_sendgrid(
    api_key: str, *, base_url: str = DEFAULT_BASE_URL, request_timeout: float = 20.0
) -> str:
    """Ask SendGrid which scopes the key has; raises UpstreamError unless it may send mail."""
    quiet_http_client_logs()
    client = SendGridAPIClient(api_key=api_key, host=base_url.rstrip("/"))
    try:
        response = await asyncio.to_thread(client.client.scopes.get, timeout=request_timeout)
    except HTTPError as error:
        detail = _error_detail(error.body, str(error.reason)).replace(api_key, "[redacted]")
        raise UpstreamError(
            f"SendGrid refused the key check ({error.status_code}): {detail}",
            code="sendgrid_rejected",
            transient=int(error.status_code) in (408, 429) or int(error.status_code) >= 500,
        ) from None
    except _NETWORK_ERRORS as error:
        raise UpstreamError(
            f"SendGrid could not be reached: {error}", code="sendgrid_unreachable", transient=True
        ) from None
    scopes = json.loads(response.body or b"{}").get("scopes") or []
    if "mail.send" not in scopes:
        raise UpstreamError(
            "SendGrid answered, but the API key lacks the mail.send permission",
            code="sendgrid_rejected",
        )
    return f"SendGrid OK: the API key may send mail ({len(scopes)} scopes)"
