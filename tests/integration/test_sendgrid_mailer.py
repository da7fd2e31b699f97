"""SendGridMailer with the real `sendgrid` library against a local fake of the v3 API."""

from __future__ import annotations

import logging
from collections import deque
from collections.abc import Iterator

import pytest

from creatorpulse.adapters.mail.sendgrid import SendGridMailer, check_sendgrid
from creatorpulse.domain.model.errors import UpstreamError
from fakes.emails import DELIVERY, SENDER, UNSUBSCRIBE, daily, verification
from fakes.faults import Faults
from fakes.sendgrid import API_KEY, RESET_AT, SendGridFake, sendgrid_server
from fakes.smtp import free_port

NOW = RESET_AT - 42.0


@pytest.fixture
def sendgrid() -> Iterator[tuple[str, SendGridFake]]:
    with sendgrid_server() as served:
        yield served


def mailer(base_url: str, api_key: str = API_KEY) -> SendGridMailer:
    return SendGridMailer(api_key, SENDER, base_url=base_url, timeout=5, clock=lambda: NOW)


async def test_daily_email_is_posted_with_both_bodies_and_our_tracking_fields(
    sendgrid: tuple[str, SendGridFake],
) -> None:
    base_url, fake = sendgrid

    message_id = await mailer(base_url).send(daily())

    assert message_id == "fakeMsgId0000"
    [request] = fake.requests
    assert (request.method, request.path) == ("POST", "/v3/mail/send")
    assert request.headers["authorization"] == f"Bearer {API_KEY}"
    body = request.json()
    assert [c["type"] for c in body["content"]] == ["text/plain", "text/html"]
    assert "Ship small, ship often" in body["content"][0]["value"]
    assert "&lt;script&gt;" in body["content"][1]["value"]
    assert "<script>" not in body["content"][1]["value"]
    assert body["from"] == {"email": "drafts@creatorpulse.example", "name": "CreatorPulse"}
    assert body["personalizations"][0]["to"] == [{"email": "creator@example.com"}]
    assert body["subject"].startswith("Your 1 LinkedIn draft for")
    assert body["categories"] == ["daily_drafts"]
    assert body["custom_args"] == {"delivery_id": str(DELIVERY)}
    assert body["headers"] == {
        "List-Unsubscribe": f"<{UNSUBSCRIBE}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }
    assert body["tracking_settings"]["click_tracking"] == {"enable": False, "enable_text": False}


async def test_account_emails_carry_no_unsubscribe_headers(
    sendgrid: tuple[str, SendGridFake],
) -> None:
    base_url, fake = sendgrid

    await mailer(base_url).send(verification())

    body = fake.requests[0].json()
    assert "headers" not in body
    assert body["categories"] == ["verification"]


async def test_rate_limit_is_transient_and_says_when_to_retry(
    sendgrid: tuple[str, SendGridFake],
) -> None:
    base_url, fake = sendgrid
    fake.script.extend(["rate_limited", "retry_after"])

    with pytest.raises(UpstreamError) as by_reset:
        await mailer(base_url).send(daily())
    with pytest.raises(UpstreamError) as by_retry_after:
        await mailer(base_url).send(daily())

    assert by_reset.value.transient is True
    assert by_reset.value.retry_after == pytest.approx(42.0)  # X-RateLimit-Reset minus now
    assert "429" in by_reset.value.message
    assert by_retry_after.value.retry_after == 7.0


async def test_server_errors_are_transient(sendgrid: tuple[str, SendGridFake]) -> None:
    base_url, fake = sendgrid
    fake.script.append("server_error")

    with pytest.raises(UpstreamError) as caught:
        await mailer(base_url).send(daily())

    assert caught.value.transient is True
    assert caught.value.code == "sendgrid_unavailable"


async def test_a_refused_email_is_permanent_and_quotes_sendgrid(
    sendgrid: tuple[str, SendGridFake],
) -> None:
    base_url, fake = sendgrid
    fake.script.append("bad_request")

    with pytest.raises(UpstreamError) as caught:
        await mailer(base_url).send(daily())

    assert caught.value.transient is False
    assert caught.value.code == "sendgrid_rejected"
    assert "The from email does not contain a valid address." in caught.value.message
    assert API_KEY not in str(caught.value)


async def test_a_wrong_key_is_permanent_and_never_echoed(
    sendgrid: tuple[str, SendGridFake], caplog: pytest.LogCaptureFixture
) -> None:
    base_url, _ = sendgrid
    wrong = "SG.wrong-key.also-secret"
    caplog.set_level(logging.DEBUG)

    with pytest.raises(UpstreamError) as caught:
        await mailer(base_url, wrong).send(daily())
    await mailer(base_url).send(daily())

    assert caught.value.transient is False
    assert "401" in caught.value.message
    assert wrong not in str(caught.value)
    assert wrong not in caplog.text
    assert API_KEY not in caplog.text  # python_http_client logs headers at DEBUG


async def test_an_unreachable_api_is_transient() -> None:
    with pytest.raises(UpstreamError) as caught:
        await mailer(f"http://127.0.0.1:{free_port()}").send(daily())

    assert caught.value.transient is True
    assert caught.value.code == "sendgrid_unreachable"


async def test_check_sendgrid_confirms_the_mail_send_scope(
    sendgrid: tuple[str, SendGridFake],
) -> None:
    base_url, fake = sendgrid

    assert await check_sendgrid(API_KEY, base_url=base_url) == (
        "SendGrid OK: the API key may send mail (2 scopes)"
    )
    fake.scopes = ["user.profile.read"]
    with pytest.raises(UpstreamError, match=r"lacks the mail\.send permission"):
        await check_sendgrid(API_KEY, base_url=base_url)
    with pytest.raises(UpstreamError, match="authorization grant is invalid") as caught:
        await check_sendgrid("SG.nope", base_url=base_url)
    assert caught.value.transient is False


async def test_a_send_answered_too_late_is_found_again_by_its_delivery_id() -> None:
    fake = SendGridFake(script=deque(["deliver_then_hang"]), faults=Faults(0, (), hang=1.5))
    with sendgrid_server(fake) as (base_url, _):
        quick = SendGridMailer(API_KEY, SENDER, base_url=base_url, timeout=0.3, unanswered_wait=9)
        with pytest.raises(UpstreamError) as caught:
            await quick.send(daily())

        assert (caught.value.code, caught.value.transient) == ("sendgrid_no_answer", True)
        assert caught.value.retry_after == 9  # give SendGrid's activity time to show it
        assert await quick.sent_message_id(DELIVERY) == "fakeMsgId0000"
        [search] = [r for r in fake.requests if r.path.startswith("/v3/messages")]
        assert "delivery_id" in search.path


async def test_a_send_that_hung_before_acceptance_is_not_found() -> None:
    fake = SendGridFake(script=deque(["hang"]), faults=Faults(0, (), hang=1.0))
    with sendgrid_server(fake) as (base_url, _):
        quick = SendGridMailer(API_KEY, SENDER, base_url=base_url, timeout=0.3)
        with pytest.raises(UpstreamError, match="did not answer"):
            await quick.send(daily())

        assert await quick.sent_message_id(DELIVERY) is None
        assert fake.delivered_to() == {}


async def test_without_activity_search_the_lookup_says_unknown_once_and_stops_asking(
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake = SendGridFake(activity_search=False)
    with sendgrid_server(fake) as (base_url, _):
        lookup = mailer(base_url)
        assert await lookup.sent_message_id(DELIVERY) is None
        assert await lookup.sent_message_id(DELIVERY) is None

    assert len([r for r in fake.requests if r.path.startswith("/v3/messages")]) == 1
    assert "sendgrid_activity_unavailable" in caplog.text
    assert API_KEY not in caplog.text
