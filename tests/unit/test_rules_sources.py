"""Source rules: type, URL, X handle, name, the per-user limit, and health (disable at 5)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
)

from creatorpulse.domain.model.errors import InvalidInput, LimitReached
from creatorpulse.domain.model.sources import (
    FAILURES_BEFORE_DISABLE,
    MAX_SOURCES_PER_USER,
    Source,
    SourceStatus,
    SourceType,
    ensure_room_for_source,
    parse_handle,
    validate_feed_url,
    validate_name,
)

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def only_issue(error: pytest.ExceptionInfo[InvalidInput]) -> tuple[str, str]:
    (issue,) = error.value.issues
    return issue.field, issue.code


def make_source(**overrides: object) -> Source:
    fields: dict[str, object] = {
        "id": UUID(int=1),
        "user_id": UUID(int=2),
        "type": "rss",
        "url": "https://example.com/feed.xml",
        "name": "Example",
        "now": NOW,
    }
    fields.update(overrides)
    return Source.create(**fields)  # type: ignore[arg-type]


# --- type ------------------------------------------------------------------------------------


@pytest.mark.parametrize("raw", ["atom", "RSS ", "x", "", None, 1])
def test_unknown_source_type_is_refused(raw: object) -> None:
    with pytest.raises(InvalidInput) as error:
        make_source(type=raw)
    assert only_issue(error) == ("type", "invalid_choice")


@pytest.mark.parametrize("raw", ["rss", SourceType.RSS])
def test_rss_type_accepted(raw: object) -> None:
    assert make_source(type=raw).type is SourceType.RSS


# --- name ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a", "a"),
        ("n" * 100, "n" * 100),
        ("  Tech   News\tDaily ", "Tech News Daily"),
        ("  " + "n" * 100 + "  ", "n" * 100),
    ],
)
def test_name_within_1_to_100_characters_is_accepted(raw: str, expected: str) -> None:
    assert validate_name(raw) == expected
    assert make_source(name=raw).name == expected


@pytest.mark.parametrize("raw", ["", "   ", "\n\t", None, 5])
def test_empty_name_is_required(raw: object) -> None:
    with pytest.raises(InvalidInput) as error:
        make_source(name=raw)
    assert only_issue(error) == ("name", "required")


def test_name_of_101_characters_is_too_long() -> None:
    with pytest.raises(InvalidInput) as error:
        make_source(name="n" * 101)
    assert only_issue(error) == ("name", "too_long")


def test_a_name_holding_nul_is_refused_by_every_store() -> None:
    with pytest.raises(InvalidInput) as error:
        make_source(name="before\x00after")
    assert only_issue(error) == ("name", "nul_character")


# --- feed URL --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "https://example.com/feed.xml",
        "http://example.com",
        "HTTPS://Example.com/rss?format=atom",
        "https://example.com:8443/feed",
        "http://127.0.0.1:8000/feed",
        "http://[::1]/feed",
    ],
)
def test_http_feed_urls_are_accepted(raw: str) -> None:
    assert validate_feed_url(raw) == raw


def test_feed_url_is_trimmed() -> None:
    assert validate_feed_url("  https://example.com/feed \n") == "https://example.com/feed"


@pytest.mark.parametrize(
    "raw",
    [
        "example.com/feed",
        "ftp://example.com/feed",
        "file:///etc/passwd",
        "javascript:alert(1)",
        "https://",
        "http:///path-only",
        "https://user:secret@example.com/feed",
        "https://user@example.com/feed",
        "https://example.com:0/feed",
        "https://example.com:99999/feed",
        "https://example.com:port/feed",
        "https://exa mple.com/feed",
        "https://example.com/fe\x00ed",
        "https://example.com/\x07",
        "http://[::1/feed",
    ],
)
def test_invalid_feed_urls_are_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as error:
        validate_feed_url(raw)
    assert only_issue(error) == ("url", "invalid_url")


@pytest.mark.parametrize("raw", ["", "  ", None, 3])
def test_missing_feed_url_is_required(raw: object) -> None:
    with pytest.raises(InvalidInput) as error:
        make_source(url=raw)
    assert only_issue(error) == ("url", "required")


def test_feed_url_length_boundary() -> None:
    prefix = "https://example.com/"
    longest = prefix + "a" * (2048 - len(prefix))
    assert validate_feed_url(longest) == longest
    with pytest.raises(InvalidInput) as error:
        validate_feed_url(longest + "a")
    assert only_issue(error) == ("url", "invalid_url")


# --- X handles -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "handle"),
    [
        ("jack", "jack"),
        ("@jack", "jack"),
        ("  @Jack_Dorsey ", "Jack_Dorsey"),
        ("https://x.com/jack", "jack"),
        ("https://twitter.com/jack/", "jack"),
        ("https://mobile.twitter.com/jack/status/20", "jack"),
        ("x.com/jack", "jack"),
        ("www.twitter.com/jack", "jack"),
        ("HTTPS://X.COM/jack", "jack"),
        ("a", "a"),
        ("a" * 15, "a" * 15),
    ],
)
def test_handle_is_extracted(raw: str, handle: str) -> None:
    assert parse_handle(raw) == handle


@pytest.mark.parametrize(
    "raw",
    [
        "a" * 16,
        "@",
        "jack!",
        "jack dorsey",
        "@@jack",
        "https://evil.com/jack",
        "https://x.com.evil.com/jack",
        "https://x.com/",
        "ja-ck",
    ],
)
def test_invalid_handle_is_refused(raw: str) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_handle(raw)
    assert only_issue(error) == ("url", "invalid_handle")


def test_twitter_source_stores_a_canonical_profile_url() -> None:
    source = make_source(type="twitter", url="@jack")
    assert source.type is SourceType.TWITTER
    assert source.url == "https://x.com/jack"
    assert source.handle == "jack"


def test_create_names_every_bad_field() -> None:
    with pytest.raises(InvalidInput) as error:
        make_source(type="twitter", url="not a handle", name="")
    assert {(i.field, i.code) for i in error.value.issues} == {
        ("url", "invalid_handle"),
        ("name", "required"),
    }


# --- per-user limit --------------------------------------------------------------------------


@pytest.mark.parametrize("existing", [0, 18, 19])
def test_up_to_the_20th_source_is_allowed(existing: int) -> None:
    ensure_room_for_source(existing)


@pytest.mark.parametrize("existing", [20, 21])
def test_21st_source_is_refused(existing: int) -> None:
    with pytest.raises(LimitReached) as error:
        ensure_room_for_source(existing)
    assert error.value.code == "too_many_sources"
    assert MAX_SOURCES_PER_USER == 20


# --- health: examples ------------------------------------------------------------------------


def fail(source: Source, times: int) -> list[bool]:
    return [source.record_failure(f"boom {n}", NOW + timedelta(minutes=n)) for n in range(times)]


def test_new_source_is_active_with_no_errors() -> None:
    source = make_source()
    assert (source.active, source.error_count, source.status) == (True, 0, SourceStatus.ACTIVE)


def test_four_failures_keep_the_source_active_in_error_status() -> None:
    source = make_source()
    assert fail(source, 4) == [False] * 4
    assert source.active
    assert source.error_count == 4
    assert source.status is SourceStatus.ERROR
    assert source.last_error == "boom 3"


def test_fifth_consecutive_failure_disables_and_reports_once() -> None:
    source = make_source()
    assert fail(source, 7) == [False, False, False, False, True, False, False]
    assert not source.active
    assert source.status is SourceStatus.INACTIVE
    assert FAILURES_BEFORE_DISABLE == 5


def test_success_resets_the_count() -> None:
    source = make_source()
    fail(source, 4)
    source.record_success(NOW + timedelta(hours=1))
    assert source.error_count == 0
    assert source.last_error is None
    assert source.last_checked == NOW + timedelta(hours=1)
    assert source.status is SourceStatus.ACTIVE
    assert fail(source, 4) == [False] * 4
    assert source.active


def test_re_enabling_gives_a_fresh_start() -> None:
    source = make_source()
    fail(source, 5)
    source.update(now=NOW, active=True)
    assert source.active
    assert source.error_count == 0
    assert source.last_error is None
    assert fail(source, 5) == [False, False, False, False, True]


def test_long_error_messages_are_cut() -> None:
    source = make_source()
    source.record_failure("x" * 5000, NOW)
    assert source.last_error == "x" * 500


def test_update_validates_name_and_active() -> None:
    source = make_source()
    with pytest.raises(InvalidInput) as error:
        source.update(now=NOW, name="n" * 101, active="yes")
    assert {(i.field, i.code) for i in error.value.issues} == {
        ("name", "too_long"),
        ("active", "invalid_type"),
    }
    assert source.name == "Example"
    assert source.active


def test_owner_can_pause_a_source() -> None:
    source = make_source()
    source.update(now=NOW, active=False, name="Renamed")
    assert source.status is SourceStatus.INACTIVE
    assert source.name == "Renamed"


# --- health: state machine -------------------------------------------------------------------


class SourceHealth(RuleBasedStateMachine):
    """Random checks and re-enables against a model of 'disabled after 5 in a row'."""

    @initialize()
    def start(self) -> None:
        self.source = make_source()
        self.clock = NOW
        self.streak = 0  # consecutive failures since the last success or re-enable
        self.disabled = False
        self.disabling_signals = 0

    def tick(self) -> datetime:
        self.clock += timedelta(minutes=30)
        return self.clock

    @rule(message=st.text(max_size=20))
    def check_fails(self, message: str) -> None:
        disabled_now = self.source.record_failure(message, self.tick())
        self.streak += 1
        should_disable = not self.disabled and self.streak == FAILURES_BEFORE_DISABLE
        assert disabled_now is should_disable
        if disabled_now:
            self.disabled = True
            self.disabling_signals += 1

    @rule()
    def check_succeeds(self) -> None:
        self.source.record_success(self.tick())
        self.streak = 0

    @precondition(lambda self: self.disabled)
    @rule()
    def owner_re_enables(self) -> None:
        self.source.update(now=self.tick(), active=True)
        self.streak = 0
        self.disabled = False

    @precondition(lambda self: not self.disabled)
    @rule()
    def owner_re_enables_an_active_source(self) -> None:
        before = self.source.error_count
        self.source.update(now=self.tick(), active=True)
        assert self.source.error_count == before

    @invariant()
    def count_is_never_negative(self) -> None:
        assert self.source.error_count >= 0

    @invariant()
    def disabled_iff_five_in_a_row(self) -> None:
        assert self.source.active is not self.disabled
        if self.disabled:
            assert self.source.status is SourceStatus.INACTIVE
        elif self.streak:
            assert self.source.status is SourceStatus.ERROR
        else:
            assert self.source.status is SourceStatus.ACTIVE

    @invariant()
    def count_tracks_the_streak(self) -> None:
        assert self.source.error_count == self.streak
        assert (self.source.last_error is None) is (self.streak == 0)

    @invariant()
    def active_source_has_fewer_than_five(self) -> None:
        if self.source.active:
            assert self.source.error_count < FAILURES_BEFORE_DISABLE


SourceHealth.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestSourceHealth = SourceHealth.TestCase
