"""Delivery window, IANA zones, local dates and due instants — DST included."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorpulse.domain.model.errors import InvalidInput
from creatorpulse.domain.model.schedule import (
    delivery_instant,
    format_time,
    local_date,
    next_delivery,
    parse_delivery_time,
    todays_delivery,
    validate_timezone,
)


def only_issue(error: pytest.ExceptionInfo[InvalidInput]) -> tuple[str, str]:
    (issue,) = error.value.issues
    return issue.field, issue.code


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, tzinfo=UTC)


# --- delivery window -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("06:00:00", time(6, 0)),
        ("06:00", time(6, 0)),
        ("08:30", time(8, 30)),
        (" 21:59:59 ", time(21, 59, 59)),
        ("22:00:00", time(22, 0)),
        ("22:00", time(22, 0)),
        (time(6, 0), time(6, 0)),
        (time(22, 0), time(22, 0)),
    ],
)
def test_delivery_time_inside_the_window(raw: object, expected: time) -> None:
    assert parse_delivery_time(raw) == expected


@pytest.mark.parametrize(
    "raw",
    [
        "05:59:59",
        "05:59",
        "22:00:01",
        "22:01",
        "00:00",
        "23:59:59",
        time(5, 59, 59),
        time(22, 0, 1),
    ],
)
def test_delivery_time_outside_the_window(raw: object) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_delivery_time(raw)
    assert only_issue(error) == ("delivery_time", "out_of_range")


@pytest.mark.parametrize(
    "raw",
    [
        "6:00",
        "08:0",
        "24:00",
        "12:60",
        "12:00:60",
        "12",
        "12:00:00:00",
        "noon",
        "",
        "12-00",
        "+8:00",
        "08:00:00.5",
        "08:00 PM",
        "-1:00",
        None,
        800,
        8.5,
        time(8, 0, 0, 1),
        time(8, 0, tzinfo=UTC),
        datetime(2026, 1, 1, 8, 0),
    ],
)
def test_malformed_delivery_time_is_refused(raw: object) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_delivery_time(raw)
    assert only_issue(error) == ("delivery_time", "invalid_time")


@pytest.mark.parametrize("raw", ["0²:00", "08:0²", "٠٨:٠٠", "０８:００"])
def test_non_ascii_digits_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_delivery_time(raw)
    assert only_issue(error) == ("delivery_time", "invalid_time")


@given(st.integers(0, 23), st.integers(0, 59), st.integers(0, 59), st.booleans())
@settings(max_examples=200)
def test_window_is_06_to_22_inclusive(h: int, m: int, s: int, with_seconds: bool) -> None:
    raw = f"{h:02}:{m:02}:{s:02}" if with_seconds else f"{h:02}:{m:02}"
    value = time(h, m, s if with_seconds else 0)
    if time(6) <= value <= time(22):
        assert parse_delivery_time(raw) == value
        assert parse_delivery_time(format_time(value)) == value
    else:
        with pytest.raises(InvalidInput) as error:
            parse_delivery_time(raw)
        assert error.value.codes == {"out_of_range"}


# --- timezones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "UTC",
        "America/New_York",
        "Europe/Berlin",
        "Asia/Kolkata",
        "Asia/Tokyo",
        "Pacific/Kiritimati",
        "Pacific/Honolulu",
        "America/Argentina/Buenos_Aires",
        "Etc/GMT+5",
    ],
)
def test_iana_zones_are_accepted(raw: str) -> None:
    assert validate_timezone(raw) == raw


def test_zone_is_trimmed() -> None:
    assert validate_timezone("  Europe/Berlin\n") == "Europe/Berlin"


@pytest.mark.parametrize(
    "raw",
    [
        "Mars/Base",
        "../etc/passwd",
        "/etc/passwd",
        "Europe/../../etc/passwd",
        "./UTC",
        "Europe\\Berlin",
        "America",
        "America/",
        "Asia/Kolkata/",
        "zone.tab",
        "EST+5",
        "GMT+05:30",
        "Europe/Berlin\x00",
        "A" * 65,
    ],
)
def test_invalid_zones_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validate_timezone(raw)
    assert only_issue(error) == ("timezone", "invalid_timezone")


@pytest.mark.parametrize("raw", ["", "   ", None, 0])
def test_missing_zone_is_required(raw: object) -> None:
    with pytest.raises(InvalidInput) as error:
        validate_timezone(raw)
    assert only_issue(error) == ("timezone", "required")


# --- local dates and delivery instants: examples ---------------------------------------------


@pytest.mark.parametrize(
    ("now", "zone", "expected"),
    [
        (utc(2026, 3, 1, 23, 30), "Asia/Tokyo", date(2026, 3, 2)),
        (utc(2026, 3, 1, 14, 59), "Asia/Tokyo", date(2026, 3, 1)),
        (utc(2026, 3, 1, 10, 0), "Pacific/Kiritimati", date(2026, 3, 2)),
        (utc(2026, 3, 1, 9, 59), "Pacific/Kiritimati", date(2026, 3, 1)),
        (utc(2026, 3, 2, 9, 59), "Pacific/Honolulu", date(2026, 3, 1)),
        (utc(2026, 3, 1, 18, 29), "Asia/Kolkata", date(2026, 3, 1)),
        (utc(2026, 3, 1, 18, 30), "Asia/Kolkata", date(2026, 3, 2)),
        (utc(2026, 3, 1, 23, 59, 59), "UTC", date(2026, 3, 1)),
    ],
)
def test_local_date(now: datetime, zone: str, expected: date) -> None:
    assert local_date(now, zone) == expected


@pytest.mark.parametrize(
    ("day", "at", "zone", "expected"),
    [
        (date(2026, 3, 2), time(8), "Asia/Tokyo", utc(2026, 3, 1, 23)),
        (date(2026, 3, 2), time(6), "Pacific/Kiritimati", utc(2026, 3, 1, 16)),
        (date(2026, 3, 1), time(22), "Pacific/Honolulu", utc(2026, 3, 2, 8)),
        (date(2026, 3, 1), time(8), "Asia/Kolkata", utc(2026, 3, 1, 2, 30)),
        # New York: EST (-5) before 2026-03-08, EDT (-4) until 2026-11-01.
        (date(2026, 3, 7), time(8), "America/New_York", utc(2026, 3, 7, 13)),
        (date(2026, 3, 8), time(8), "America/New_York", utc(2026, 3, 8, 12)),
        (date(2026, 10, 31), time(8), "America/New_York", utc(2026, 10, 31, 12)),
        (date(2026, 11, 1), time(8), "America/New_York", utc(2026, 11, 1, 13)),
        # Berlin: CET (+1) before 2026-03-29, CEST (+2) until 2026-10-25.
        (date(2026, 3, 28), time(8), "Europe/Berlin", utc(2026, 3, 28, 7)),
        (date(2026, 3, 29), time(8), "Europe/Berlin", utc(2026, 3, 29, 6)),
        (date(2026, 10, 24), time(8), "Europe/Berlin", utc(2026, 10, 24, 6)),
        (date(2026, 10, 25), time(8), "Europe/Berlin", utc(2026, 10, 25, 7)),
    ],
)
def test_delivery_instant(day: date, at: time, zone: str, expected: datetime) -> None:
    assert delivery_instant(day, at, zone) == expected
    assert delivery_instant(day, at, zone).utcoffset() == timedelta(0)


def test_wall_time_in_a_spring_gap_lands_past_it() -> None:
    # 02:30 does not exist in New York on 2026-03-08; it becomes 03:30 EDT.
    assert delivery_instant(date(2026, 3, 8), time(2, 30), "America/New_York") == utc(
        2026, 3, 8, 7, 30
    )


def test_repeated_wall_time_means_its_first_occurrence() -> None:
    # 01:30 happens twice in New York on 2026-11-01; the first is EDT.
    assert delivery_instant(date(2026, 11, 1), time(1, 30), "America/New_York") == utc(
        2026, 11, 1, 5, 30
    )


@pytest.mark.parametrize(
    ("now", "zone", "expected", "gap"),
    [
        (utc(2026, 3, 7, 13), "America/New_York", utc(2026, 3, 8, 12), timedelta(hours=23)),
        (utc(2026, 10, 31, 12), "America/New_York", utc(2026, 11, 1, 13), timedelta(hours=25)),
        (utc(2026, 3, 28, 7), "Europe/Berlin", utc(2026, 3, 29, 6), timedelta(hours=23)),
        (utc(2026, 10, 24, 6), "Europe/Berlin", utc(2026, 10, 25, 7), timedelta(hours=25)),
    ],
)
def test_next_delivery_across_dst(
    now: datetime, zone: str, expected: datetime, gap: timedelta
) -> None:
    assert next_delivery(now, time(8), zone) == expected
    assert expected - now == gap


def test_next_delivery_is_today_when_still_ahead() -> None:
    assert next_delivery(utc(2026, 3, 1, 22, 59), time(8), "Asia/Tokyo") == utc(2026, 3, 1, 23)
    assert next_delivery(utc(2026, 3, 1, 23), time(8), "Asia/Tokyo") == utc(2026, 3, 2, 23)


def test_todays_delivery_may_be_in_the_past() -> None:
    now = utc(2026, 3, 1, 20)
    assert todays_delivery(now, time(8), "UTC") == utc(2026, 3, 1, 8)
    assert todays_delivery(now, time(8), "Asia/Tokyo") == utc(2026, 3, 1, 23)


# --- properties ------------------------------------------------------------------------------

ZONES = [
    "Pacific/Honolulu",
    "UTC",
    "Asia/Kolkata",
    "Asia/Tokyo",
    "Pacific/Kiritimati",
    "America/New_York",
    "Europe/Berlin",
]
TRANSITIONS = [
    utc(2026, 3, 8, 7),  # New York springs forward
    utc(2026, 3, 29, 1),  # Berlin springs forward
    utc(2026, 10, 25, 1),  # Berlin falls back
    utc(2026, 11, 1, 6),  # New York falls back
]

instants = st.one_of(
    st.datetimes(
        min_value=datetime(2026, 1, 1), max_value=datetime(2026, 12, 31), timezones=st.just(UTC)
    ),
    st.builds(
        lambda base, minutes, seconds: base + timedelta(minutes=minutes, seconds=seconds),
        st.sampled_from(TRANSITIONS),
        st.integers(-3 * 24 * 60, 3 * 24 * 60),
        st.integers(0, 59),
    ),
)
window_times = st.integers(6 * 3600, 22 * 3600).map(
    lambda s: time(s // 3600, s % 3600 // 60, s % 60)
)
any_times = st.builds(time, st.integers(0, 23), st.integers(0, 59), st.sampled_from([0, 30, 59]))


def skipped(day: date, at: time, zone: str) -> bool:
    """True when local `at` does not exist on `day` (a spring-forward gap)."""
    wall = datetime.combine(day, at, tzinfo=ZoneInfo(zone))
    return wall.astimezone(UTC).astimezone(ZoneInfo(zone)).replace(tzinfo=None) != wall.replace(
        tzinfo=None
    )


def check_next_delivery(now: datetime, at: time, zone: str) -> None:
    due = next_delivery(now, at, zone)
    assert due.utcoffset() == timedelta(0)
    assert due > now
    assert due - now <= timedelta(hours=25)
    day = local_date(due, zone)
    assert day in (local_date(now, zone), local_date(now, zone) + timedelta(days=1))
    if not skipped(day, at, zone):
        assert due.astimezone(ZoneInfo(zone)).time() == at
    # nothing due in between: the previous day's delivery is not after `now`
    assert delivery_instant(day - timedelta(days=1), at, zone) <= now


@given(now=instants, at=window_times, zone=st.sampled_from(ZONES))
@settings(max_examples=200, deadline=None)
def test_next_delivery_in_the_window(now: datetime, at: time, zone: str) -> None:
    check_next_delivery(now, at, zone)
    assert not skipped(local_date(next_delivery(now, at, zone), zone), at, zone)


@given(now=instants, at=any_times, zone=st.sampled_from(ZONES))
@settings(max_examples=200, deadline=None)
def test_next_delivery_at_any_wall_time(now: datetime, at: time, zone: str) -> None:
    check_next_delivery(now, at, zone)


@given(
    day=st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)),
    at=any_times,
    zone=st.sampled_from(ZONES),
)
@settings(max_examples=200, deadline=None)
def test_local_date_agrees_with_delivery_instant(day: date, at: time, zone: str) -> None:
    instant = delivery_instant(day, at, zone)
    assert local_date(instant, zone) == day
    assert todays_delivery(instant, at, zone) == instant


@given(now=instants, at=window_times, zone=st.sampled_from(ZONES))
@settings(max_examples=100, deadline=None)
def test_todays_delivery_is_on_the_local_day(now: datetime, at: time, zone: str) -> None:
    today = todays_delivery(now, at, zone)
    assert local_date(today, zone) == local_date(now, zone)
    assert today.astimezone(ZoneInfo(zone)).time() == at
    if today > now:
        assert next_delivery(now, at, zone) == today
