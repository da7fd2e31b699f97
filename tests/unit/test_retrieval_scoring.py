"""Choosing style examples and items, the engagement score, and the creator's style profile."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorpulse.domain.model.items import FetchedItem, SourceItem
from creatorpulse.domain.model.retrieval import (
    DEFAULT_SIMILARITY_FLOOR,
    EXAMPLES_PER_ITEM,
    choose_items,
    select_examples,
)
from creatorpulse.domain.model.scoring import WEIGHTS, score_draft
from creatorpulse.domain.model.style import StyleChunk
from creatorpulse.domain.model.voice import EMPTY_PROFILE, StyleProfile

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def style_chunk(n: int) -> StyleChunk:
    return StyleChunk(
        id=UUID(int=n),
        user_id=UUID(int=1),
        style_post_id=UUID(int=1000 + n),
        content=f"passage {n}",
        embedding=[],
        created_at=NOW,
    )


# --- style examples --------------------------------------------------------------------------


def test_defaults_are_top_5_with_floor_0_7() -> None:
    assert (EXAMPLES_PER_ITEM, DEFAULT_SIMILARITY_FLOOR) == (5, 0.7)


def test_top_five_above_the_floor_win() -> None:
    sims = [0.95, 0.3, 0.71, 0.8, 0.7, 0.9, 0.85, 0.1]
    chosen = select_examples([(style_chunk(i), s) for i, s in enumerate(sims)])
    assert [m.similarity for m in chosen] == [0.95, 0.9, 0.85, 0.8, 0.71]
    assert all(m.above_floor for m in chosen)


def test_floor_is_inclusive() -> None:
    (match,) = select_examples([(style_chunk(1), 0.7)])
    assert match.above_floor


def test_too_few_above_the_floor_are_filled_with_the_nearest() -> None:
    sims = [0.2, 0.75, 0.65, 0.1, 0.5, 0.69]
    chosen = select_examples([(style_chunk(i), s) for i, s in enumerate(sims)])
    assert [(m.similarity, m.above_floor) for m in chosen] == [
        (0.75, True),
        (0.69, False),
        (0.65, False),
        (0.5, False),
        (0.2, False),
    ]
    assert [m.chunk.id for m in chosen] == [UUID(int=i) for i in (1, 5, 2, 4, 0)]


def test_nothing_to_choose_from() -> None:
    assert select_examples([]) == []


similarities = st.floats(min_value=-1.0, max_value=1.0, allow_nan=False)


@given(
    sims=st.lists(similarities, max_size=30),
    floor=st.floats(min_value=-1.0, max_value=1.0, allow_nan=False),
    k=st.integers(0, 10),
)
@settings(max_examples=200)
def test_examples_are_the_k_nearest_flagged_by_the_floor(
    sims: list[float], floor: float, k: int
) -> None:
    chosen = select_examples([(style_chunk(i), s) for i, s in enumerate(sims)], floor, k)
    assert len(chosen) == min(k, len(sims))
    got = [m.similarity for m in chosen]
    assert got == sorted(sims, reverse=True)[:k]
    assert all(m.above_floor is (m.similarity >= floor) for m in chosen)
    # every chunk that passes the floor is used before any that does not
    passing = sum(s >= floor for s in sims)
    assert sum(m.above_floor for m in chosen) == min(k, passing)
    assert len({m.chunk.id for m in chosen}) == len(chosen)


# --- choosing items --------------------------------------------------------------------------


def source_item(n: int, hours_ago: float, content: str, title: str | None = None) -> SourceItem:
    return SourceItem.create(
        id=UUID(int=n),
        source_id=UUID(int=100),
        user_id=UUID(int=1),
        item=FetchedItem(
            title=title, content=content, published_at=NOW - timedelta(hours=hours_ago)
        ),
        content=content,
        now=NOW,
    )


def test_items_newest_first_up_to_the_limit() -> None:
    items = [source_item(i, hours, f"story number {i}") for i, hours in enumerate([5, 1, 3, 2])]
    assert [i.id.int for i in choose_items(items, 3)] == [1, 3, 2]


def test_same_story_is_chosen_once() -> None:
    items = [
        source_item(1, 1, "Open model released today", "Big release"),
        source_item(2, 2, "OPEN   model released today"),  # same text, other case/spacing
        source_item(3, 3, "Totally different text", "big  RELEASE"),  # same title
        source_item(4, 4, "Another story entirely", "Other"),
    ]
    assert [i.id.int for i in choose_items(items, 5)] == [1, 4]


@given(
    st.lists(st.tuples(st.integers(0, 48), st.sampled_from("abcdefgh")), max_size=20),
    st.integers(1, 6),
)
@settings(max_examples=100)
def test_chosen_items_are_distinct_newest_stories(specs: list[tuple[int, str]], limit: int) -> None:
    items = [source_item(n, hours, f"story {key}") for n, (hours, key) in enumerate(specs)]
    chosen = choose_items(items, limit)
    assert len(chosen) == min(limit, len({key for _, key in specs}))
    assert len({c.content_hash for c in chosen}) == len(chosen)
    published = [c.published_at for c in chosen]
    assert published == sorted(published, reverse=True)


# --- engagement score ------------------------------------------------------------------------

GOOD = (
    "3 lessons from shipping alone:\n\n"
    "Ship small. Every week.\n\n"
    "Talk to users before writing code.\n\n"
    "Write the changelog first.\n\n"
    "Which one would you add? #buildinpublic"
)


def test_weights_sum_to_ten() -> None:
    assert sum(WEIGHTS.values()) == 10.0


def test_well_shaped_post_scores_higher_than_a_wall_of_text() -> None:
    profile = StyleProfile.from_posts([GOOD, GOOD + " More.", GOOD + " Even more here."])
    wall = "we did some work on things and it went fine and then we did more work " * 20
    good = score_draft(GOOD, profile)
    bad = score_draft(wall.strip(), profile)
    assert good.score > bad.score
    assert good.features["call_to_action"] == 1.0
    assert bad.features["call_to_action"] == 0.0
    assert good.weights == WEIGHTS


def test_too_many_hashtags_lower_the_score() -> None:
    tags = " ".join(f"#t{c}" for c in "abcdefg")
    plain = score_draft(GOOD, EMPTY_PROFILE)
    stuffed = score_draft(GOOD + " " + tags, EMPTY_PROFILE)
    assert stuffed.features["hashtags"] == 0.0
    assert plain.features["hashtags"] == 1.0


@given(
    text=st.text(alphabet="ab?!:1 \n#x", max_size=600),
    posts=st.lists(st.text(alphabet="ab. \n?#", min_size=1, max_size=300), max_size=6),
)
@settings(max_examples=150)
def test_score_is_always_between_0_and_10(text: str, posts: list[str]) -> None:
    result = score_draft(text, StyleProfile.from_posts(posts))
    assert 0.0 <= result.score <= 10.0
    assert result.score == round(result.score, 1)
    assert all(0.0 <= v <= 1.0 for v in result.features.values())
    assert set(result.features) == set(WEIGHTS)


# --- style profile ---------------------------------------------------------------------------


def test_empty_history_gives_the_default_profile() -> None:
    assert StyleProfile.from_posts([]) is EMPTY_PROFILE


def test_profile_measures_the_creators_habits() -> None:
    posts = [
        "I shipped it today 🚀\n\nWhat do you think? #build",
        "My team learned a lot this week.\n\nShort lines win. #build #learn",
        "Writing every day is hard. I still do it.",
    ]
    profile = StyleProfile.from_posts(posts)
    assert profile.posts == 3
    lengths = sorted(len(p) for p in posts)
    assert profile.median_length == lengths[1]
    assert profile.length_p25 <= profile.median_length <= profile.length_p75
    assert profile.favourite_hashtags[0] == "#build"
    assert profile.hashtags_per_post == 1.0
    assert profile.favourite_emojis == ["🚀"]
    assert profile.question_closing_share == pytest.approx(0.33)
    assert profile.first_person_share > 0


@given(st.lists(st.text(max_size=200), min_size=1, max_size=8))
@settings(max_examples=100)
def test_profile_never_crashes_and_stays_in_range(posts: list[str]) -> None:
    profile = StyleProfile.from_posts(posts)
    assert profile.posts == len(posts)
    assert 0 <= profile.one_line_paragraph_share <= 1
    assert 0 <= profile.question_closing_share <= 1
    assert 0 <= profile.first_person_share <= 1
    assert min(len(p) for p in posts) <= profile.median_length <= max(len(p) for p in posts)
