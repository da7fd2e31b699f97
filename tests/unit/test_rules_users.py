"""Account rules: email addresses, passwords, timezone and delivery-time settings."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorpulse.domain.model.email_address import normalise_email
from creatorpulse.domain.model.errors import InvalidInput
from creatorpulse.domain.model.users import (
    PASSWORD_MAX,
    PASSWORD_MIN,
    MailPause,
    User,
    check_password,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
USER_ID = UUID(int=1)


def only_issue(error: pytest.ExceptionInfo[InvalidInput]) -> tuple[str, str]:
    (issue,) = error.value.issues
    return issue.field, issue.code


def register(**overrides: object) -> User:
    fields: dict[str, object] = {
        "id": USER_ID,
        "email": "creator@example.com",
        "password_hash": "hash",
        "timezone": "Europe/Berlin",
        "delivery_time": "08:00",
        "now": NOW,
    }
    fields.update(overrides)
    return User.register(**fields)  # type: ignore[arg-type]


# --- email addresses -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("creator@example.com", "creator@example.com"),
        ("Creator@Example.COM", "creator@example.com"),
        ("  CREATOR@EXAMPLE.COM \n", "creator@example.com"),
        ("first.last+tag@sub.example.co.uk", "first.last+tag@sub.example.co.uk"),
        ("o'brien@example.ie", "o'brien@example.ie"),
        ("user@example.com.", "user@example.com"),
        ("user@bücher.de", "user@xn--bcher-kva.de"),
        ("user@BÜCHER.de", "user@xn--bcher-kva.de"),
        ("user@xn--bcher-kva.de", "user@xn--bcher-kva.de"),
        ("a@b.io", "a@b.io"),
    ],
)
def test_email_is_stored_in_canonical_form(raw: str, expected: str) -> None:
    assert normalise_email(raw) == expected


@given(
    local=st.from_regex(r"[a-z0-9]{1,10}(\.[a-z0-9_+-]{1,8}){0,2}", fullmatch=True),
    domain=st.from_regex(r"[a-z0-9]{1,10}\.(com|org|dev|de)", fullmatch=True),
    flips=st.lists(st.booleans(), min_size=40, max_size=40),
)
@settings(max_examples=100)
def test_email_comparison_ignores_case(local: str, domain: str, flips: list[bool]) -> None:
    address = f"{local}@{domain}"
    shouted = "".join(c.upper() if flip else c for c, flip in zip(address, flips * 4, strict=False))
    assert normalise_email(shouted) == normalise_email(address) == address


@pytest.mark.parametrize(
    "raw",
    [
        "plainaddress",
        "@example.com",
        "user@",
        "user@@example.com",
        "a@b@example.com",
        "user@example",
        "user@example.c",
        "user@example.123",
        "user name@example.com",
        ".user@example.com",
        "user.@example.com",
        "us..er@example.com",
        "user@-example.com",
        "user@example-.com",
        "user@exa_mple.com",
        "user@example..com",
        "user@.example.com",
        "üser@example.com",
        "user@" + "a" * 64 + ".com",
        "a" * 65 + "@example.com",
        "<user@example.com>",
        "user@example.com>",
    ],
)
def test_invalid_email_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as error:
        normalise_email(raw)
    assert only_issue(error) == ("email", "invalid_email")


@pytest.mark.parametrize("raw", ["", "   ", None, 42, b"user@example.com"])
def test_missing_email_is_required(raw: object) -> None:
    with pytest.raises(InvalidInput) as error:
        normalise_email(raw)
    assert only_issue(error) == ("email", "required")


def test_email_local_part_length_boundary() -> None:
    assert normalise_email("a" * 64 + "@example.com") == "a" * 64 + "@example.com"
    with pytest.raises(InvalidInput):
        normalise_email("a" * 65 + "@example.com")


def test_email_total_length_boundary() -> None:
    local = "b" * 64
    longest = f"{local}@{'a' * 63}.{'c' * 63}.{'d' * 57}.com"
    assert len(longest) == 254
    assert normalise_email(longest) == longest
    too_long = f"{local}@{'a' * 63}.{'c' * 63}.{'d' * 58}.com"
    assert len(too_long) == 255
    with pytest.raises(InvalidInput) as error:
        normalise_email(too_long)
    assert only_issue(error) == ("email", "invalid_email")


def test_email_error_uses_the_callers_field_name() -> None:
    with pytest.raises(InvalidInput) as error:
        normalise_email("nope", field="new_email")
    assert only_issue(error) == ("new_email", "invalid_email")


# --- passwords -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("length", "code"),
    [
        (0, "too_short"),
        (PASSWORD_MIN - 1, "too_short"),
        (PASSWORD_MIN, None),
        (PASSWORD_MAX, None),
        (PASSWORD_MAX + 1, "too_long"),
    ],
)
def test_password_length_boundaries(length: int, code: str | None) -> None:
    password = "p" * length
    if code is None:
        assert check_password(password) == password
    else:
        with pytest.raises(InvalidInput) as error:
            check_password(password)
        assert only_issue(error) == ("password", code)


def test_password_limits_are_8_and_128() -> None:
    assert (PASSWORD_MIN, PASSWORD_MAX) == (8, 128)


@pytest.mark.parametrize("raw", [None, 12345678, b"bytes-password"])
def test_password_must_be_text(raw: object) -> None:
    with pytest.raises(InvalidInput) as error:
        check_password(raw)
    assert only_issue(error) == ("password", "required")


def test_password_length_counts_characters_not_bytes() -> None:
    assert check_password("пароль12") == "пароль12"  # 8 characters, 14 bytes


# --- registration ----------------------------------------------------------------------------


def test_register_normalises_and_applies_defaults() -> None:
    user = register(email=" New@Example.com ", timezone=None, delivery_time=None)
    assert user.email == "new@example.com"
    assert user.timezone == "UTC"
    assert user.delivery_time == time(8, 0)
    assert user.active is True
    assert user.email_verified is False
    assert user.can_sign_in is False
    assert user.receives_daily_email is False
    assert user.created_at == user.updated_at == NOW


def test_register_accepts_both_delivery_time_boundaries() -> None:
    assert register(delivery_time="06:00:00").delivery_time == time(6, 0)
    assert register(delivery_time="22:00:00").delivery_time == time(22, 0)


def test_register_names_every_bad_field_at_once() -> None:
    with pytest.raises(InvalidInput) as error:
        register(email="not-an-email", timezone="Mars/Base", delivery_time="05:59:59")
    found = {(i.field, i.code) for i in error.value.issues}
    assert found == {
        ("email", "invalid_email"),
        ("timezone", "invalid_timezone"),
        ("delivery_time", "out_of_range"),
    }
    assert error.value.codes == {"invalid_email", "invalid_timezone", "out_of_range"}


@pytest.mark.parametrize("zone", ["Mars/Base", "../etc/passwd", "/etc/localtime", "Europe\\Paris"])
def test_register_refuses_unknown_timezones(zone: str) -> None:
    with pytest.raises(InvalidInput) as error:
        register(timezone=zone)
    assert only_issue(error) == ("timezone", "invalid_timezone")


def test_verified_user_receives_daily_email() -> None:
    user = register()
    user.verify_email(NOW + timedelta(minutes=5))
    assert user.can_sign_in and user.receives_daily_email
    assert user.updated_at == NOW + timedelta(minutes=5)


# --- settings --------------------------------------------------------------------------------


def test_change_settings_applies_valid_values() -> None:
    user = register()
    later = NOW + timedelta(hours=1)
    user.change_settings(now=later, timezone="Asia/Tokyo", delivery_time="21:30")
    assert user.timezone == "Asia/Tokyo"
    assert user.delivery_time == time(21, 30)
    assert user.updated_at == later


def test_change_settings_is_all_or_nothing() -> None:
    user = register()
    with pytest.raises(InvalidInput) as error:
        user.change_settings(now=NOW, timezone="Asia/Tokyo", delivery_time="22:00:01")
    assert only_issue(error) == ("delivery_time", "out_of_range")
    assert user.timezone == "Europe/Berlin"
    assert user.delivery_time == time(8, 0)


def test_change_settings_none_means_unchanged() -> None:
    user = register()
    user.change_settings(now=NOW)
    assert (user.timezone, user.delivery_time, user.email_notifications) == (
        "Europe/Berlin",
        time(8, 0),
        True,
    )


def test_change_settings_reports_every_bad_field() -> None:
    user = register()
    with pytest.raises(InvalidInput) as error:
        user.change_settings(
            now=NOW, timezone="../etc/passwd", delivery_time="5:00", email_notifications="yes"
        )
    assert {(i.field, i.code) for i in error.value.issues} == {
        ("timezone", "invalid_timezone"),
        ("delivery_time", "invalid_time"),
        ("email_notifications", "invalid_type"),
    }
    assert user.email_notifications is True


def test_unsubscribe_stops_mail_and_opting_back_in_clears_it() -> None:
    user = register()
    user.verify_email(NOW)
    user.pause_mail(MailPause.UNSUBSCRIBED, NOW)
    assert user.email_notifications is False
    assert user.receives_daily_email is False
    user.change_settings(now=NOW, email_notifications=True)
    assert user.mail_paused is None
    assert user.receives_daily_email is True


@pytest.mark.parametrize("reason", [MailPause.BOUNCED, MailPause.SPAM_REPORT, MailPause.DROPPED])
def test_delivery_problems_pause_mail_until_cleared_elsewhere(reason: MailPause) -> None:
    user = register()
    user.verify_email(NOW)
    user.pause_mail(reason, NOW)
    assert user.email_notifications is True
    assert user.receives_daily_email is False
    user.change_settings(now=NOW, email_notifications=True)
    assert user.mail_paused is reason
    assert user.receives_daily_email is False


def test_inactive_user_gets_no_email() -> None:
    user = register()
    user.verify_email(NOW)
    user.active = False
    assert not user.can_sign_in
    assert not user.receives_daily_email
