"""The whole day through the public façade on in-memory adapters: what a creator would see."""

from __future__ import annotations

import email
import email.policy
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from creatorpulse import CreatorPulse
from creatorpulse.adapters.system import FixedClock
from creatorpulse.domain.model.drafts import DraftStatus
from creatorpulse.domain.model.emails import DeliveryStatus
from creatorpulse.domain.model.errors import (
    AuthenticationFailed,
    Conflict,
    DomainError,
    InvalidInput,
    LimitReached,
    NotFound,
)
from creatorpulse.entrypoints.demo import RecentFeeds, sample_documents, sample_feeds, sample_voices

PASSWORD = "a-long-enough-password"


@pytest.fixture
def clock() -> FixedClock:
    # 09:30 in London: after an 08:00 delivery time.
    return FixedClock(datetime(2026, 11, 25, 9, 30, tzinfo=UTC))


@pytest.fixture(params=["memory", "postgres"])
def app(request, tmp_path: Path, clock: FixedClock, monkeypatch: pytest.MonkeyPatch):
    """The same day, on both storage adapters."""
    _, feeds = sample_feeds(clock)
    if request.param == "memory":
        opened = CreatorPulse.in_memory(outbox_dir=tmp_path, feeds=feeds, clock=clock)
    else:
        monkeypatch.setenv("DATABASE_URL", request.getfixturevalue("pg_clean"))
        monkeypatch.setenv("CREATORPULSE_DATA_DIR", str(tmp_path / "data"))
        opened = CreatorPulse.embedded(outbox_dir=tmp_path, feeds=feeds, clock=clock)
    with opened as app:
        yield app


def _links(eml: Path) -> list[str]:
    message = email.message_from_bytes(eml.read_bytes(), policy=email.policy.default)
    text = message.get_body(preferencelist=("plain",)).get_content()
    return re.findall(r"https?://\S+", text)


def _creator(app: CreatorPulse, voice: str = "maya"):
    index, _ = sample_feeds()
    sample = sample_voices()[voice]
    registration = app.register(sample.email, PASSWORD, timezone="Europe/London")
    user = app.verify_email(registration.verification_token)
    for feed in index:
        app.add_source(user, "rss", feed.url, feed.name)
    app.add_style_posts(user, sample.posts)
    return user


def test_a_creator_gets_drafts_by_email_and_votes(app: CreatorPulse, tmp_path: Path) -> None:
    user = _creator(app)
    assert app.sign_in(user.email.upper(), PASSWORD).id == user.id

    day = app.run_daily(user)

    assert day.generation is not None and 3 <= len(day.generation.drafts) <= 5
    for draft in day.generation.drafts:
        assert 50 <= len(draft.content) <= 3000
        assert 0.0 <= draft.engagement_score <= 10.0
        assert draft.metadata["style_examples"], "drafts record which examples shaped them"
    assert day.email is not None and day.email.status is DeliveryStatus.SENT
    [eml] = tmp_path.glob(f"*{day.email.id}.eml")
    positive = [u for u in _links(eml) if u.endswith("/positive")]
    assert len(positive) == len(day.generation.drafts)

    token = positive[0].rsplit("/", 2)[-2]
    voted = app.record_feedback(token, "positive")
    assert voted.status is DraftStatus.APPROVED
    assert app.record_feedback(token, "negative").status is DraftStatus.REJECTED


def test_one_daily_email_per_local_day_ever(
    app: CreatorPulse, tmp_path: Path, clock: FixedClock
) -> None:
    user = _creator(app)
    first = app.run_daily(user).email
    assert first is not None
    clock.advance(timedelta(hours=2))
    again = app.send_daily_email(user, force=True)
    assert again is not None and again.id == first.id
    assert len(list(tmp_path.glob("*daily_drafts*.eml"))) == 1


def test_nothing_is_sent_before_the_delivery_time(app: CreatorPulse, clock: FixedClock) -> None:
    user = _creator(app)
    app.change_settings(user, delivery_time="21:00:00")
    day = app.run_daily(user)
    assert day.generation is not None and day.generation.drafts
    assert day.email is None
    clock.advance(timedelta(hours=12))  # 21:30 London
    assert app.send_daily_email(user) is not None


def test_style_training_below_ten_posts_means_no_drafts(app: CreatorPulse) -> None:
    index, _ = sample_feeds()
    registration = app.register("few@example.com", PASSWORD)
    user = app.verify_email(registration.verification_token)
    app.add_source(user, "rss", index[0].url, index[0].name)
    app.add_style_posts(user, sample_voices()["tom"].posts[:9])
    app.process_style(user)
    with pytest.raises(InvalidInput) as error:
        app.generate_drafts(user)
    assert error.value.codes == {"insufficient_style_training"}


def test_unsubscribe_link_stops_tomorrows_email(
    app: CreatorPulse, tmp_path: Path, clock: FixedClock
) -> None:
    user = _creator(app)
    delivery = app.run_daily(user).email
    assert delivery is not None
    [eml] = tmp_path.glob(f"*{delivery.id}.eml")
    [unsubscribe] = [u for u in _links(eml) if "/unsubscribe/" in u]
    app.unsubscribe(unsubscribe.rsplit("/", 1)[-1])
    clock.advance(timedelta(days=1))
    assert app.run_daily(user).email is None


@pytest.mark.parametrize(
    ("call", "error"),
    [
        (lambda a: a.register("not-an-email", PASSWORD), InvalidInput),
        (lambda a: a.register("x@example.com", "short"), InvalidInput),
        (lambda a: a.register("x@example.com", PASSWORD, timezone="Mars/Base"), InvalidInput),
        (lambda a: a.register("x@example.com", PASSWORD, delivery_time="05:00"), InvalidInput),
        (lambda a: a.verify_email("forged"), InvalidInput),
        (lambda a: a.sign_in("nobody@example.com", PASSWORD), AuthenticationFailed),
        (lambda a: a.record_feedback("forged", "positive"), NotFound),
        (lambda a: a.add_source("not-a-uuid", "rss", "https://e.com/f", "F"), InvalidInput),
        (lambda a: a.generate_drafts(42), InvalidInput),
        (lambda a: a.ingest("not-a-uuid", []), InvalidInput),
        (lambda a: a.unsubscribe(""), NotFound),
    ],
)
def test_bad_input_is_a_typed_error(app: CreatorPulse, call, error) -> None:
    with pytest.raises(error) as raised:
        call(app)
    assert isinstance(raised.value, DomainError) and raised.value.message


def test_bad_input_changes_nothing(app: CreatorPulse) -> None:
    user = _creator(app)
    before = [s.id for s in app.sources(user)]
    with pytest.raises(InvalidInput):
        app.add_source(user, "rss", "ftp://example.com/feed", "")
    with pytest.raises(InvalidInput):
        app.add_source(user, "rss", "https://unknown.example.com/feed.xml", "Unknown")
    with pytest.raises(InvalidInput):
        app.change_settings(user, timezone="Europe/London", delivery_time="23:00")
    assert [s.id for s in app.sources(user)] == before
    assert app.sign_in(user.email, PASSWORD).delivery_time.hour == 8
    with pytest.raises(Conflict):
        app.register(user.email.title(), PASSWORD)
    with pytest.raises(InvalidInput):
        app.add_style_posts(user, ["too short", "Ceci est un texte français " * 5])


def test_twenty_sources_at_most(app: CreatorPulse) -> None:
    registration = app.register("many@example.com", PASSWORD)
    user = app.verify_email(registration.verification_token)
    _, documents = sample_documents()
    feed = next(iter(documents.values()))
    fetcher = app.use_cases.ports.fetchers.feeds
    assert isinstance(fetcher, RecentFeeds)
    for n in range(21):
        fetcher.publish(f"https://feed{n}.example.com/rss", feed)
    for n in range(20):
        app.add_source(user, "rss", f"https://feed{n}.example.com/rss", f"Feed {n}")
    with pytest.raises(LimitReached):
        app.add_source(user, "rss", "https://feed20.example.com/rss", "One too many")


def test_account_deletion_removes_everything(app: CreatorPulse) -> None:
    user = _creator(app)
    app.run_daily(user)
    app.delete_account(user)
    with pytest.raises(AuthenticationFailed):
        app.sign_in(user.email, PASSWORD)
    assert app.sources(user) == []
