"""SmtpMailer against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from creatorpulse.adapters.mail.smtp import (
    SmtpConfig,
    SmtpMailer,
    SmtpUrlError,
    check_smtp,
    parse_smtp_url,
)
from creatorpulse.domain.model.errors import UpstreamError
from fakes.emails import DELIVERY, SENDER, UNSUBSCRIBE, daily
from fakes.smtp import Inbox, free_port, smtp_server


@pytest.fixture
def smtp() -> Iterator[tuple[str, int, Inbox]]:
    with smtp_server() as served:
        yield served


def mailer(host: str, port: int, **credentials: str) -> SmtpMailer:
    config = SmtpConfig(host=host, port=port, security="starttls", **credentials)
    return SmtpMailer(config, SENDER, timeout=5)


async def test_the_daily_email_arrives_with_both_parts_and_our_headers(
    smtp: tuple[str, int, Inbox],
) -> None:
    host, port, inbox = smtp

    message_id = await mailer(host, port).send(daily())

    [(mail_from, recipients, message)] = inbox.envelopes
    assert mail_from == "drafts@creatorpulse.example"
    assert recipients == ["creator@example.com"]
    assert message_id == f"<{DELIVERY}@creatorpulse.local>" == message["Message-ID"]
    assert message.get_content_type() == "multipart/alternative"
    text = message.get_body(("plain",))
    html = message.get_body(("html",))
    assert text is not None and html is not None
    assert "Ship small, ship often 🚀" in text.get_content()
    assert "&lt;script&gt;" in html.get_content()
    assert message["List-Unsubscribe"] == f"<{UNSUBSCRIBE}>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["X-CreatorPulse-Delivery-Id"] == str(DELIVERY)


@pytest.mark.parametrize(
    ("inbox", "transient", "code"),
    [
        (Inbox(rcpt_reply="451 4.3.0 Try again later"), True, "smtp_deferred"),
        (Inbox(data_reply="451 4.7.1 Greylisted, come back soon"), True, "smtp_deferred"),
        (Inbox(rcpt_reply="550 5.1.1 No such user here"), False, "smtp_rejected"),
        (Inbox(data_reply="554 5.7.1 Message refused"), False, "smtp_rejected"),
    ],
)
async def test_4xx_replies_are_transient_and_5xx_permanent(
    inbox: Inbox, transient: bool, code: str
) -> None:
    with smtp_server(inbox) as (host, port, _), pytest.raises(UpstreamError) as caught:
        await mailer(host, port).send(daily())

    assert caught.value.transient is transient
    assert caught.value.code == code
    reply = inbox.rcpt_reply or inbox.data_reply or ""
    assert reply.split(" ", 2)[2] in caught.value.message


async def test_a_closed_port_is_transient() -> None:
    with pytest.raises(UpstreamError) as caught:
        await mailer("127.0.0.1", free_port()).send(daily())

    assert caught.value.transient is True
    assert caught.value.code == "smtp_unreachable"


async def test_a_password_is_never_sent_without_tls(smtp: tuple[str, int, Inbox]) -> None:
    host, port, inbox = smtp

    with pytest.raises(UpstreamError, match="does not offer STARTTLS") as caught:
        await mailer(host, port, username="relay", password="hunter2").send(daily())

    assert caught.value.transient is False
    assert inbox.envelopes == []


async def test_check_smtp_reports_the_conversation(smtp: tuple[str, int, Inbox]) -> None:
    host, port, _ = smtp

    assert await check_smtp(f"smtp://{host}:{port}") == (
        f"SMTP OK: {host}:{port} (no TLS, not signed in)"
    )
    with pytest.raises(UpstreamError, match="could not be reached"):
        await check_smtp(f"smtp://127.0.0.1:{free_port()}")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "smtp://apikey:p%40ss%3Aword@smtp.example.com:587",
            SmtpConfig("smtp.example.com", 587, "starttls", "apikey", "p@ss:word"),
        ),
        (
            "smtps://user:pw@mail.example.com",
            SmtpConfig("mail.example.com", 465, "tls", "user", "pw"),
        ),
        ("SMTP://127.0.0.1:25", SmtpConfig("127.0.0.1", 25, "starttls")),
        ("smtp://relay.internal", SmtpConfig("relay.internal", 587, "starttls")),
    ],
)
def test_smtp_urls_are_parsed(url: str, expected: SmtpConfig) -> None:
    assert parse_smtp_url(url) == expected


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://user:s3cret@host", "must start with smtp:// or smtps://"),
        ("smtp://", "names no host"),
        ("smtp://user:s3cret@host:port", "is not valid"),
        ("smtp://user:s3cret@host:99999", "is not valid"),
        ("smtp://host/path?x=1", "must be only scheme"),
        ("smtp://:s3cret@host", "password but no user name"),
        ("host:25", "must start with smtp://"),
    ],
)
def test_bad_smtp_urls_are_refused_without_showing_the_password(url: str, reason: str) -> None:
    with pytest.raises(SmtpUrlError, match=reason) as caught:
        parse_smtp_url(url)

    assert "s3cret" not in str(caught.value)


def test_the_config_never_shows_its_password() -> None:
    assert "hunter2" not in repr(parse_smtp_url("smtp://u:hunter2@host"))
