"""Source items (quality filter, limits, expiry), drafts (length, score, votes), tokens."""

from __future__ import annotations

import math
from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from creatorpulse.domain.model.drafts import (
    DRAFT_EXPIRY,
    Draft,
    DraftStatus,
    Feedback,
    FeedbackSource,
    FeedbackType,
    parse_feedback_type,
    validate_score,
)
from creatorpulse.domain.model.errors import InvalidInput
from creatorpulse.domain.model.items import (
    ITEM_MAX,
    KEEP_PROCESSED,
    KEEP_UNPROCESSED,
    FetchedItem,
    Rejection,
    SourceItem,
    assess,
    clamp_published,
    prepare_content,
)
from creatorpulse.domain.model.quality import DraftRejection, review_draft
from creatorpulse.domain.model.text import content_hash
from creatorpulse.domain.model.tokens import ActionToken, TokenPurpose

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
TICK = timedelta(microseconds=1)
ARTICLE = "Researchers released an open model that summarises long documents on a laptop."


def only_issue(error: pytest.ExceptionInfo[InvalidInput]) -> tuple[str, str]:
    (issue,) = error.value.issues
    return issue.field, issue.code


# --- item quality filter ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ("123456789", Rejection.TOO_SHORT),
        ("", Rejection.TOO_SHORT),
        ("1234567890", None),
        (ARTICLE, None),
    ],
)
def test_item_length_boundary(content: str, expected: Rejection | None) -> None:
    assert assess(content, None, "en") is expected


def urls(n: int) -> str:
    return " ".join(f"https://example.com/{i}" for i in range(n))


def test_five_links_pass_six_do_not() -> None:
    assert assess(f"{ARTICLE} {urls(5)}", None, "en") is None
    assert assess(f"{ARTICLE} {urls(6)}", None, "en") is Rejection.TOO_MANY_LINKS


def test_item_that_is_only_a_link_is_rejected() -> None:
    assert assess("https://example.com/a-very-long-path", None, "en") is Rejection.TOO_MANY_LINKS
    assert assess("see: https://example.com/a-very-long-path", None, "en") is (
        Rejection.TOO_MANY_LINKS
    )


def test_five_hashtags_pass_six_do_not() -> None:
    tags = " ".join(f"#tag{chr(97 + i)}" for i in range(6))
    assert assess(f"{ARTICLE} {tags[: tags.rfind(' ')]}", None, "en") is None
    assert assess(f"{ARTICLE} {tags}", None, "en") is Rejection.TOO_MANY_HASHTAGS


@pytest.mark.parametrize(
    ("content", "title"),
    [
        (f"{ARTICLE} Buy now while stocks last.", None),
        (f"{ARTICLE} Use promo code SAVE for 20% off.", None),
        (ARTICLE, "Sponsored: the best laptops"),
        (f"{ARTICLE} Click here to join the giveaway.", "News"),
    ],
)
def test_promotional_items_are_rejected(content: str, title: str | None) -> None:
    assert assess(content, title, "en") is Rejection.PROMOTIONAL


@pytest.mark.parametrize("language", ["fr", None, "EN"])
def test_non_english_items_are_rejected(language: str | None) -> None:
    assert assess(ARTICLE, None, language) is Rejection.NOT_ENGLISH


def test_prepare_content_keeps_at_most_10000_characters() -> None:
    exact = ("word " * 2000).strip() + "abcde"  # 9999 + 5 = 10004 -> cut
    prepared = prepare_content(FetchedItem(title=None, content=exact))
    assert len(prepared) <= ITEM_MAX
    assert exact.startswith(prepared)
    assert not prepared.endswith(" ")
    fits = "x" * ITEM_MAX
    assert prepare_content(FetchedItem(title=None, content=fits)) == fits
    one_word = "x" * (ITEM_MAX + 1)
    assert prepare_content(FetchedItem(title=None, content=one_word)) == "x" * ITEM_MAX


@given(st.text(alphabet="ab \n", max_size=12_000))
@settings(max_examples=50)
def test_prepared_content_never_exceeds_the_limit(raw: str) -> None:
    assert len(prepare_content(FetchedItem(title=None, content=raw))) <= ITEM_MAX


def test_prepare_content_normalises_whitespace() -> None:
    item = FetchedItem(title=None, content="  Big\r\n\r\n\r\nnews\u200b   today  ")
    assert prepare_content(item) == "Big\n\nnews today"


# --- published date and expiry ---------------------------------------------------------------


def test_published_date_is_clamped() -> None:
    tolerance = timedelta(minutes=10)
    assert clamp_published(None, NOW) == NOW
    assert clamp_published(NOW - timedelta(days=3), NOW) == NOW - timedelta(days=3)
    assert clamp_published(NOW + tolerance, NOW) == NOW + tolerance
    assert clamp_published(NOW + tolerance + TICK, NOW) == NOW
    assert clamp_published(NOW + timedelta(days=365), NOW) == NOW


def make_item(processed: bool = False, **fetched: object) -> SourceItem:
    fields: dict[str, object] = {"title": "  Big   news ", "content": ARTICLE}
    fields.update(fetched)
    item = SourceItem.create(
        id=UUID(int=1),
        source_id=UUID(int=2),
        user_id=UUID(int=3),
        item=FetchedItem(**fields),  # type: ignore[arg-type]
        content=ARTICLE,
        now=NOW,
    )
    item.processed = processed
    return item


def test_source_item_is_created_clean() -> None:
    item = make_item(published_at=NOW + timedelta(days=2))
    assert item.title == "Big news"
    assert item.published_at == NOW
    assert item.content_hash == content_hash(ARTICLE)
    assert make_item(title="   ").title is None
    assert make_item(title="t" * 900).title == "t" * 500


@pytest.mark.parametrize(("processed", "keep"), [(False, KEEP_UNPROCESSED), (True, KEEP_PROCESSED)])
def test_item_expiry_boundary(processed: bool, keep: timedelta) -> None:
    item = make_item(processed)
    assert not item.is_expired(NOW + keep)
    assert item.is_expired(NOW + keep + TICK)


def test_item_keep_periods_are_7_and_30_days() -> None:
    assert (timedelta(days=7), timedelta(days=30)) == (KEEP_UNPROCESSED, KEEP_PROCESSED)


# --- drafts ----------------------------------------------------------------------------------


def draft_text(length: int) -> str:
    text = ("Here is what I learned shipping a product alone. " * 80)[:length]
    return text[:-1] + "x" if text.endswith(" ") else text


def make_draft(content: str | None = None, score: float = 5.0) -> Draft:
    return Draft.create(
        id=UUID(int=1),
        user_id=UUID(int=2),
        content=draft_text(300) if content is None else content,
        source_item_id=None,
        source_name=None,
        engagement_score=score,
        metadata={},
        now=NOW,
    )


@pytest.mark.parametrize(
    ("length", "code"), [(49, "too_short"), (50, None), (3000, None), (3001, "too_long")]
)
def test_draft_length_boundaries(length: int, code: str | None) -> None:
    text = draft_text(length)
    assert len(text) == length
    if code is None:
        draft = make_draft(text)
        assert draft.character_count == length
        assert draft.status is DraftStatus.PENDING
    else:
        with pytest.raises(InvalidInput) as error:
            make_draft(text)
        assert only_issue(error) == ("content", code)


@pytest.mark.parametrize("score", [0.0, 0, 10.0, 10, 7.25, 9.96])
def test_score_in_range_is_accepted(score: float) -> None:
    value = validate_score(score)
    assert 0.0 <= value <= 10.0
    assert value == round(score, 1)


@pytest.mark.parametrize("score", [-0.1, 10.1, -1e-9, 10.000001, math.nan, math.inf, -math.inf])
def test_score_out_of_range_is_refused(score: float) -> None:
    with pytest.raises(InvalidInput) as error:
        validate_score(score)
    assert only_issue(error) == ("engagement_score", "out_of_range")
    with pytest.raises(InvalidInput):
        make_draft(score=score)


@pytest.mark.parametrize("raw", ["positive", "negative", FeedbackType.POSITIVE])
def test_feedback_type_parses(raw: object) -> None:
    assert parse_feedback_type(raw) in set(FeedbackType)


@pytest.mark.parametrize("raw", ["up", "POSITIVE", "", None, 1])
def test_unknown_feedback_type_is_refused(raw: object) -> None:
    with pytest.raises(InvalidInput) as error:
        parse_feedback_type(raw)
    assert only_issue(error) == ("feedback_type", "invalid_choice")


def test_votes_set_status_and_later_vote_wins() -> None:
    draft = make_draft()
    seen = []
    for hours, vote in enumerate([FeedbackType.POSITIVE, FeedbackType.NEGATIVE], start=1):
        draft.apply_vote(vote, NOW + timedelta(hours=hours))
        seen.append(draft.status)
    assert seen == [DraftStatus.APPROVED, DraftStatus.REJECTED]
    assert draft.updated_at == NOW + timedelta(hours=2)


def test_pending_draft_expires_after_30_days() -> None:
    draft = make_draft()
    assert timedelta(days=30) == DRAFT_EXPIRY
    assert draft.feedback_open(NOW + DRAFT_EXPIRY - TICK)
    assert not draft.is_expired(NOW + DRAFT_EXPIRY - TICK)
    assert draft.is_expired(NOW + DRAFT_EXPIRY)
    assert not draft.feedback_open(NOW + DRAFT_EXPIRY)


def test_voted_draft_never_expires() -> None:
    draft = make_draft()
    draft.apply_vote(FeedbackType.NEGATIVE, NOW)
    assert not draft.is_expired(NOW + timedelta(days=400))


def test_feedback_replace_is_an_upsert() -> None:
    feedback = Feedback(
        id=UUID(int=9),
        draft_id=UUID(int=1),
        user_id=UUID(int=2),
        feedback_type=FeedbackType.POSITIVE,
        feedback_source=FeedbackSource.EMAIL,
        created_at=NOW,
        updated_at=NOW,
    )
    later = NOW + timedelta(days=1)
    feedback.replace(FeedbackType.NEGATIVE, FeedbackSource.DASHBOARD, later)
    assert (feedback.id, feedback.feedback_type, feedback.feedback_source) == (
        UUID(int=9),
        FeedbackType.NEGATIVE,
        FeedbackSource.DASHBOARD,
    )
    assert (feedback.created_at, feedback.updated_at) == (NOW, later)


class DraftLifecycle(RuleBasedStateMachine):
    """Votes in any order: status follows the last vote; pending only if never voted."""

    @initialize()
    def start(self) -> None:
        self.draft = make_draft()
        self.clock = NOW
        self.last_vote: FeedbackType | None = None

    @rule(vote=st.sampled_from(FeedbackType), minutes=st.integers(0, 60 * 24 * 40))
    def vote(self, vote: FeedbackType, minutes: int) -> None:
        self.clock += timedelta(minutes=minutes)
        self.draft.apply_vote(vote, self.clock)
        self.last_vote = vote

    @rule(days=st.integers(0, 60))
    def time_passes(self, days: int) -> None:
        self.clock += timedelta(days=days)

    @invariant()
    def status_matches_last_vote(self) -> None:
        expected = {
            None: DraftStatus.PENDING,
            FeedbackType.POSITIVE: DraftStatus.APPROVED,
            FeedbackType.NEGATIVE: DraftStatus.REJECTED,
        }[self.last_vote]
        assert self.draft.status is expected

    @invariant()
    def only_unvoted_drafts_expire(self) -> None:
        expired = self.draft.is_expired(self.clock)
        if self.last_vote is not None:
            assert not expired
        else:
            assert expired is (self.clock >= NOW + DRAFT_EXPIRY)


DraftLifecycle.TestCase.settings = settings(max_examples=100, stateful_step_count=20)
TestDraftLifecycle = DraftLifecycle.TestCase


# --- draft quality gate ----------------------------------------------------------------------

GOOD_DRAFT = (
    "Small teams win by shipping weekly.\n\nA new open model now summarises long papers "
    "on a laptop, which means research notes can stay private. What would you build with it?"
)


def review(text: str, **overrides: object) -> DraftRejection | None:
    fields: dict[str, object] = {
        "language": "en",
        "item_text": ARTICLE + " Read more at https://example.com/post.",
        "item_url": "https://example.com/post",
        "style_posts": ["I write every morning before coffee and publish before lunch."],
    }
    fields.update(overrides)
    return review_draft(text, **fields)  # type: ignore[arg-type]


def test_a_good_draft_passes() -> None:
    assert review(GOOD_DRAFT) is None


def test_review_length_boundaries() -> None:
    assert review(draft_text(49)) is DraftRejection.TOO_SHORT
    assert review(draft_text(50)) is None
    assert review(draft_text(3000)) is None
    assert review(draft_text(3001)) is DraftRejection.TOO_LONG


def test_review_requires_english() -> None:
    assert review(GOOD_DRAFT, language="de") is DraftRejection.NOT_ENGLISH


def test_review_allows_the_items_own_links_only() -> None:
    assert review(GOOD_DRAFT + " https://example.com/post/") is None
    assert review(GOOD_DRAFT + " https://example.com/post.") is None
    assert review(GOOD_DRAFT + " https://evil.example/phish") is DraftRejection.INVENTED_LINK


def test_review_rejects_copying_the_creators_post() -> None:
    copied = GOOD_DRAFT + " I write every morning before coffee and publish before lunch."
    assert review(copied) is DraftRejection.COPIES_STYLE_POST
    seven_words = GOOD_DRAFT + " I write every morning before coffee and"
    assert review(seven_words) is None


def test_review_rejects_paragraphs_lifted_from_the_item() -> None:
    assert review(GOOD_DRAFT + " " + ARTICLE) is DraftRejection.COPIES_ITEM


# --- action tokens ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("purpose", "ttl"),
    [
        (TokenPurpose.VERIFY_EMAIL, timedelta(hours=48)),
        (TokenPurpose.RESET_PASSWORD, timedelta(hours=1)),
        (TokenPurpose.UNSUBSCRIBE, timedelta(days=365)),
    ],
)
def test_token_is_usable_until_it_expires(purpose: TokenPurpose, ttl: timedelta) -> None:
    token = ActionToken.issue(token_hash="h", purpose=purpose, user_id=UUID(int=1), now=NOW)
    assert token.expires_at == NOW + ttl
    assert token.usable(purpose, NOW + ttl - TICK)
    assert not token.usable(purpose, NOW + ttl)


def test_token_is_bound_to_its_purpose() -> None:
    token = ActionToken.issue(
        token_hash="h", purpose=TokenPurpose.VERIFY_EMAIL, user_id=UUID(int=1), now=NOW
    )
    assert not token.usable(TokenPurpose.RESET_PASSWORD, NOW)


@pytest.mark.parametrize(
    ("purpose", "reusable"),
    [
        (TokenPurpose.VERIFY_EMAIL, False),
        (TokenPurpose.RESET_PASSWORD, False),
        (TokenPurpose.UNSUBSCRIBE, True),
    ],
)
def test_used_tokens_are_spent_except_unsubscribe(purpose: TokenPurpose, reusable: bool) -> None:
    token = ActionToken.issue(token_hash="h", purpose=purpose, user_id=UUID(int=1), now=NOW)
    token.used_at = NOW
    assert token.usable(purpose, NOW + TICK) is reusable
