"""Style-post rules: 50-3000 characters, at most 3 links, English, at most 100 per creator."""

from __future__ import annotations

from datetime import UTC, datetime
from uuid import UUID

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorpulse.domain.model.errors import InvalidInput, LimitReached
from creatorpulse.domain.model.style import (
    MAX_POSTS_PER_USER,
    POST_MAX,
    POST_MIN,
    StylePost,
    ensure_room_for_posts,
    validate_style_post,
)
from creatorpulse.domain.model.text import content_hash

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)


def only_issue(error: pytest.ExceptionInfo[InvalidInput]) -> tuple[str, str]:
    (issue,) = error.value.issues
    return issue.field, issue.code


def text_of(length: int) -> str:
    words = ("Shipping small changes every day beats one big launch. " * 80)[:length]
    return words[:-1] + "x" if words.endswith(" ") else words


@pytest.mark.parametrize(
    ("length", "code"),
    [
        (1, "too_short"),
        (POST_MIN - 1, "too_short"),
        (POST_MIN, None),
        (POST_MAX, None),
        (POST_MAX + 1, "too_long"),
    ],
)
def test_post_length_boundaries(length: int, code: str | None) -> None:
    text = text_of(length)
    assert len(text) == length
    if code is None:
        assert validate_style_post(text, "en") == text
    else:
        with pytest.raises(InvalidInput) as error:
            validate_style_post(text, "en")
        assert only_issue(error) == ("content", code)


def test_post_limits_are_50_and_3000() -> None:
    assert (POST_MIN, POST_MAX) == (50, 3000)


def test_length_is_measured_after_whitespace_is_normalised() -> None:
    padded = "   " + text_of(49) + "\n\n\n\n   "
    with pytest.raises(InvalidInput) as error:
        validate_style_post(padded, "en")
    assert only_issue(error) == ("content", "too_short")
    spaced = text_of(50).replace(" ", "    ")
    assert validate_style_post(spaced, "en") == text_of(50)


@pytest.mark.parametrize("raw", ["", "   \n ", None, 7])
def test_empty_post_is_required(raw: object) -> None:
    with pytest.raises(InvalidInput) as error:
        validate_style_post(raw, "en")
    assert only_issue(error) == ("content", "required")


def links(n: int) -> str:
    return " ".join(f"https://example.com/{i}" for i in range(n))


def test_three_links_are_allowed() -> None:
    text = "Three things I read this week that changed my mind: " + links(3)
    assert validate_style_post(text, "en") == text


def test_four_links_are_refused() -> None:
    text = "Four things I read this week that changed my mind: " + links(4)
    with pytest.raises(InvalidInput) as error:
        validate_style_post(text, "en")
    assert only_issue(error) == ("content", "too_many_links")


def test_www_links_count_too() -> None:
    text = "Four places worth a visit this week, honestly: " + " ".join(
        f"www.example{i}.com" for i in range(4)
    )
    with pytest.raises(InvalidInput) as error:
        validate_style_post(text, "en")
    assert only_issue(error) == ("content", "too_many_links")


@pytest.mark.parametrize("language", ["fr", "de", "EN", None, ""])
def test_only_english_posts_are_accepted(language: str | None) -> None:
    with pytest.raises(InvalidInput) as error:
        validate_style_post(text_of(200), language)
    assert only_issue(error) == ("content", "not_english")


def test_error_uses_callers_field_name() -> None:
    with pytest.raises(InvalidInput) as error:
        validate_style_post("short", "en", field="posts[3]")
    assert only_issue(error) == ("posts[3]", "too_short")


def test_a_post_holding_nul_is_refused_by_every_store() -> None:
    with pytest.raises(InvalidInput) as error:
        validate_style_post(text_of(100) + "\x00", "en")
    assert only_issue(error) == ("content", "nul_character")


# --- per-creator limit -----------------------------------------------------------------------


@pytest.mark.parametrize(("existing", "adding"), [(0, 1), (99, 1), (0, 100), (98, 2)])
def test_room_for_up_to_100_posts(existing: int, adding: int) -> None:
    ensure_room_for_posts(existing, adding)


@pytest.mark.parametrize(("existing", "adding"), [(100, 1), (99, 2), (0, 101), (150, 1)])
def test_101st_post_is_refused(existing: int, adding: int) -> None:
    with pytest.raises(LimitReached) as error:
        ensure_room_for_posts(existing, adding)
    assert error.value.code == "too_many_posts"
    assert MAX_POSTS_PER_USER == 100


# --- stored post -----------------------------------------------------------------------------


def test_created_post_counts_words_and_characters() -> None:
    content = "One habit changed how I write:\n\nI write the ending first. #writing @someone"
    post = StylePost.create(id=UUID(int=1), user_id=UUID(int=2), content=content, now=NOW)
    assert post.character_count == len(content)
    assert post.word_count == 13
    assert post.content_hash == content_hash(content)
    assert post.processed is False
    assert post.embedding_text == "One habit changed how I write:\n\nI write the ending first."


def test_processing_flags_round_trip() -> None:
    post = StylePost.create(id=UUID(int=1), user_id=UUID(int=2), content=text_of(60), now=NOW)
    post.mark_processed(NOW)
    assert (post.processed, post.processed_at) == (True, NOW)
    post.mark_unprocessed()
    assert (post.processed, post.processed_at) == (False, None)


@given(
    st.lists(
        st.text(alphabet=st.characters(codec="ascii", categories=["L", "N", "P"]), min_size=1),
        min_size=1,
        max_size=60,
    )
)
@settings(max_examples=100)
def test_stored_counts_match_the_text(words: list[str]) -> None:
    content = " ".join(words)
    post = StylePost.create(id=UUID(int=1), user_id=UUID(int=2), content=content, now=NOW)
    assert post.word_count == len(words)
    assert post.character_count == len(content)
