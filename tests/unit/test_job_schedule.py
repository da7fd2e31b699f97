"""Sweeps every 10 minutes on a fake clock: drafts are written ahead of each local delivery and
the email goes at the first sweep at or after it, once per local day — DST changes included."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from creatorpulse.domain.model.jobs import (
    GENERATION_LEAD,
    generation_day,
    tick_key,
)
from creatorpulse.domain.model.schedule import delivery_instant, email_due, local_date

# UTC−10 (Adak keeps DST: −10/−9), UTC, UTC+5:30, UTC+9, UTC+14 (Apia had DST until 2021:
# +14/+13), and two zones with DST changes at other hours.
ZONES = ["America/Adak", "Pacific/Honolulu", "UTC", "Asia/Kolkata", "Asia/Tokyo",
         "Pacific/Kiritimati", "Pacific/Apia", "Europe/Paris", "Australia/Lord_Howe"]  # fmt: skip
SWEEP = timedelta(minutes=10)


@settings(max_examples=60, deadline=None)
@given(
    zone=st.sampled_from(ZONES),
    at=st.times(min_value=time(6), max_value=time(22)).map(lambda t: t.replace(microsecond=0)),
    start=st.datetimes(min_value=datetime(2020, 3, 1), max_value=datetime(2021, 11, 1)),
)
def test_each_local_day_gets_drafts_ahead_and_one_email_at_the_first_sweep_after_delivery(
    zone: str, at: time, start: datetime
) -> None:
    now = start.replace(tzinfo=UTC, second=0, microsecond=0)
    now -= timedelta(minutes=now.minute % 10)
    generated: dict[object, datetime] = {}
    emailed: dict[object, datetime] = {}
    for _ in range(6 * 24 * 3):  # three days of sweeps
        day = generation_day(now, at, zone)
        if day is not None and day not in generated:
            generated[day] = now
        today = local_date(now, zone)
        if email_due(now, at, zone) and today not in emailed:
            emailed[today] = now
        now += SWEEP
    for day, sent in list(emailed.items())[1:]:  # the first day may have begun mid-way
        due = delivery_instant(day, at, zone)
        assert due <= sent < due + SWEEP, (day, due, sent)
        assert sent.astimezone(ZoneInfo(zone)).date() == day
        assert due - GENERATION_LEAD <= generated[day] <= due, (day, due, generated[day])


def test_duplicate_ticks_share_their_slot_and_the_next_slot_is_new() -> None:
    first = datetime(2026, 3, 29, 0, 50, 1, tzinfo=UTC)
    every = timedelta(minutes=10)
    later = first + timedelta(seconds=58)
    assert tick_key("sweep", first, every) == tick_key("sweep", later, every)
    assert tick_key("sweep", first, every) != tick_key("sweep", first + every, every)
