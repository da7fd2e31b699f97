"""A Mailer that hands emails to an SMTP relay (stdlib smtplib, in a thread)."""

from __future__ import annotations

import asyncio
import re
import smtplib
import ssl
from dataclasses import dataclass, field
from datetime import UTC, datetime
from email.message import Message
from typing import Literal
from urllib.parse import unquote, urlsplit

from creatorpulse.adapters.mail.message import build_message, message_id
from creatorpulse.domain.model.emails import OutgoingEmail
from creatorpulse.domain.model.errors import UpstreamError
from creatorpulse.ports.clock import Clock
from creatorpulse.ports.mailer import Mailer

_DEFAULT_PORTS = {"smtp": 587, "smtps": 465}
_PASSWORD = re.compile(r"(//[^:/@]*:)[^@]*@")


class SmtpUrlError(ValueError):
    """SMTP_URL cannot be used; the message says why (never with the password)."""


@dataclass(frozen=True)
class SmtpConfig:
    host: str
    port: int
    # starttls: upgrade when offered, and insist on it before sending a password; tls: implicit
    security: Literal["starttls", "tls"]
    username: str | None = None
    password: str | None = field(default=None, repr=False)

    @property
    def label(self) -> str:
        return f"{self.host}:{self.port}"


def parse_smtp_url(url: str) -> SmtpConfig:
    """`smtp://user:pass@host:587` (STARTTLS), `smtps://user:pass@host:465` (implicit TLS)."""
    shown = _PASSWORD.sub(r"\1***@", url.strip())
    try:
        parts = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:
        raise SmtpUrlError(f"SMTP URL {shown!r} is not valid: {error}") from None
    scheme = parts.scheme.lower()
    if scheme not in _DEFAULT_PORTS:
        raise SmtpUrlError(f"SMTP URL {shown!r} must start with smtp:// or smtps://")
    if not parts.hostname:
        raise SmtpUrlError(f"SMTP URL {shown!r} names no host")
    if parts.path not in ("", "/") or parts.query or parts.fragment:
        raise SmtpUrlError(f"SMTP URL {shown!r} must be only scheme, credentials, host and port")
    username = unquote(parts.username) if parts.username else None
    password = unquote(parts.password) if parts.password is not None else None
    if password is not None and not username:
        raise SmtpUrlError(f"SMTP URL {shown!r} has a password but no user name")
    return SmtpConfig(
        host=parts.hostname,
        port=port or _DEFAULT_PORTS[scheme],
        security="tls" if scheme == "smtps" else "starttls",
        username=username,
        password=password,
    )


def _failure(error: Exception, label: str) -> UpstreamError:
    """4xx replies and lost connections may pass; 5xx replies will not."""
    if isinstance(error, UpstreamError):
        return error
    reply: bytes | str
    if isinstance(error, smtplib.SMTPRecipientsRefused) and error.recipients:
        code, reply = next(iter(error.recipients.values()))
    elif isinstance(error, smtplib.SMTPResponseException):
        code, reply = error.smtp_code, error.smtp_error
    else:
        return UpstreamError(
            f"SMTP server {label} could not be reached: {error or type(error).__name__}",
            code="smtp_unreachable",
            transient=True,
        )
    text = reply.decode("utf-8", "replace") if isinstance(reply, bytes) else str(reply)
    transient = 400 <= code < 500
    return UpstreamError(
        f"SMTP server {label} answered {code} {text}",
        code="smtp_deferred" if transient else "smtp_rejected",
        transient=transient,
    )


class _Session:
    """One SMTP conversation: connect, secure, sign in; always closed after."""

    def __init__(self, config: SmtpConfig, timeout: float, context: ssl.SSLContext) -> None:
        self.config, self.timeout, self.context = config, timeout, context
        self.notes: list[str] = []

    def open(self) -> smtplib.SMTP:
        c = self.config
        if c.security == "tls":
            smtp: smtplib.SMTP = smtplib.SMTP_SSL(
                c.host, c.port, timeout=self.timeout, context=self.context
            )
            self.notes.append("TLS")
        else:
            smtp = smtplib.SMTP(c.host, c.port, timeout=self.timeout)
        try:
            smtp.ehlo()
            if c.security == "starttls" and smtp.has_extn("starttls"):
                smtp.starttls(context=self.context)
                smtp.ehlo()
                self.notes.append("STARTTLS")
            elif c.security == "starttls" and c.username:
                raise UpstreamError(
                    f"SMTP server {c.label} does not offer STARTTLS; refusing to send the "
                    "password unencrypted (use smtps:// or a server with STARTTLS)",
                    code="smtp_insecure",
                )
            if c.username:
                smtp.login(c.username, c.password or "")
                self.notes.append(f"signed in as {c.username}")
        except BaseException:
            smtp.close()
            raise
        return smtp


def _close(smtp: smtplib.SMTP) -> None:
    try:
        smtp.quit()
    except (smtplib.SMTPException, OSError):
        smtp.close()


class SmtpMailer(Mailer):
    def __init__(
        self,
        config: SmtpConfig,
        sender: str,
        *,
        timeout: float = 30.0,
        clock: Clock | None = None,
        tls_context: ssl.SSLContext | None = None,
    ) -> None:
        self._config, self._sender, self._timeout = config, sender, timeout
        self._clock = clock
        self._tls = tls_context or ssl.create_default_context()

    async def send(self, email: OutgoingEmail) -> str:
        now = self._clock.now() if self._clock else datetime.now(UTC)
        try:
            msg = build_message(email, self._sender, now.astimezone(UTC))
        except ValueError as error:
            raise UpstreamError(f"cannot build email: {error}", code="invalid_message") from error
        try:
            await asyncio.to_thread(self._deliver, msg)
        except (smtplib.SMTPException, OSError, UpstreamError) as error:
            raise _failure(error, self._config.label) from error
        return message_id(email.delivery_id)

    def _deliver(self, msg: Message) -> None:
        smtp = _Session(self._config, self._timeout, self._tls).open()
        try:
            smtp.send_message(msg)
        finally:
            _close(smtp)


async def check_smtp(
    url: str, *, request_timeout: float = 20.0, tls_context: ssl.SSLContext | None = None
) -> str:
    """Connect, secure, sign in and say NOOP; raises SmtpUrlError or UpstreamError."""
    config = parse_smtp_url(url)
    session = _Session(config, request_timeout, tls_context or ssl.create_default_context())

    def conversation() -> None:
        smtp = session.open()
        try:
            code, reply = smtp.noop()
            if code != 250:
                raise smtplib.SMTPResponseException(code, reply)
        finally:
            _close(smtp)

    try:
        await asyncio.to_thread(conversation)
    except (smtplib.SMTPException, OSError, UpstreamError) as error:
        raise _failure(error, config.label) from error
    how = ", ".join(session.notes) or "no TLS, not signed in"
    return f"SMTP OK: {config.label} ({how})"
