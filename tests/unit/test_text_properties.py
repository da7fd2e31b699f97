"""Text rules as properties: chunking, cleaning, hashing, counting, truncation."""

from __future__ import annotations

import itertools
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorpulse.domain.model.text import (
    CHUNK_OVERLAP,
    CHUNK_SIZE,
    URL_PATTERN,
    character_count,
    chunk,
    clean_for_embedding,
    content_hash,
    count_hashtags,
    count_links,
    hashtags,
    normalise_whitespace,
    truncate_words,
    word_count,
)

# What a reader would call a mention: '@' + an X handle, not inside a word or an email address.
MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{1,15}\b")
HASHTAG = re.compile(r"(?<![\w&#])#[^\W\d_]\w*")

# Text that looks like social posts: words, URLs, mentions, hashtags, emails, odd spacing.
tokens = st.one_of(
    st.sampled_from(
        [
            "hello",
            "AI",
            "café",
            "naïve",
            "42",
            "—",
            "!",
            "?",
            "co-op",
            "https://example.com/a?b=c",
            "http://x.co/#frag",
            "www.example.org",
            "HTTPS://EXAMPLE.COM",
            "@jack",
            "@jack_dorsey",
            "@@double",
            "me@example.com",
            "#AI",
            "#ai2026",
            "#",
            "##twice",
            "#123",
            "&#39;",
            "a#b",
            "\u200b",
            "\ufeff",
            "\u00a0",
            "\t",
            "\n",
            "\n\n\n",
            "\r\n",
            " ",
        ]
    ),
    st.text(alphabet="abc@#/:.w_ \n", max_size=8),
)
posts = st.lists(tokens, max_size=40).map("".join)


# --- chunking --------------------------------------------------------------------------------


def reassemble(pieces: list[str], overlap: int = CHUNK_OVERLAP) -> str:
    return "".join([pieces[0], *(p[overlap:] for p in pieces[1:])]) if pieces else ""


@given(st.text(alphabet=st.characters(codec="utf-8"), max_size=2600))
@settings(max_examples=200)
def test_chunks_cover_every_character_with_exact_overlap(text: str) -> None:
    pieces = chunk(text)
    assert reassemble(pieces) == text
    assert all(0 < len(p) <= CHUNK_SIZE for p in pieces)
    for before, after in itertools.pairwise(pieces):
        assert before[-CHUNK_OVERLAP:] == after[:CHUNK_OVERLAP]
        assert len(before) == CHUNK_SIZE
        assert len(after) > CHUNK_OVERLAP  # never a mere tail of the one before


@given(st.integers(0, 3000))
@settings(max_examples=200)
def test_chunk_count_follows_the_step(length: int) -> None:
    text = "".join(chr(0x4E00 + i % 500) for i in range(length))
    pieces = chunk(text)
    step = CHUNK_SIZE - CHUNK_OVERLAP
    expected = 0 if length == 0 else 1 + max(0, -(-(length - CHUNK_SIZE) // step))
    assert len(pieces) == expected
    assert reassemble(pieces) == text


@pytest.mark.parametrize(
    ("length", "sizes"),
    [
        (0, []),
        (1, [1]),
        (500, [500]),
        (501, [500, 51]),
        (950, [500, 500]),
        (951, [500, 500, 51]),
    ],
)
def test_chunk_boundaries(length: int, sizes: list[int]) -> None:
    assert [len(p) for p in chunk("x" * length)] == sizes


@given(
    text=st.text(alphabet="abcdef ", max_size=400),
    size=st.integers(1, 60),
    overlap=st.integers(0, 59),
)
@settings(max_examples=200)
def test_chunk_with_other_sizes(text: str, size: int, overlap: int) -> None:
    if overlap >= size:
        with pytest.raises(ValueError, match="overlap"):
            chunk(text, size, overlap)
        return
    pieces = chunk(text, size, overlap)
    assert reassemble(pieces, overlap) == text
    assert all(len(p) <= size for p in pieces)
    for before, after in itertools.pairwise(pieces):
        if overlap:
            assert before[-overlap:] == after[:overlap]


# --- cleaning for embedding ------------------------------------------------------------------


@given(posts)
@settings(max_examples=200)
def test_clean_for_embedding_is_idempotent(text: str) -> None:
    once = clean_for_embedding(text)
    assert clean_for_embedding(once) == once


@given(posts)
@settings(max_examples=200)
def test_clean_for_embedding_removes_urls_mentions_hashtags(text: str) -> None:
    cleaned = clean_for_embedding(text)
    assert not URL_PATTERN.search(cleaned)
    assert not MENTION.search(cleaned)
    assert not HASHTAG.search(cleaned)
    assert count_links(cleaned) == 0
    assert count_hashtags(cleaned) == 0
    assert cleaned == normalise_whitespace(cleaned)


def test_clean_for_embedding_keeps_the_words() -> None:
    text = "Big news from @openai today!\n\n\n Read https://example.com/x #AI #ml  me@example.com"
    assert clean_for_embedding(text) == "Big news from today!\n\nRead me@example.com"


# --- whitespace and hashing ------------------------------------------------------------------


@given(posts)
@settings(max_examples=200)
def test_normalise_whitespace_is_idempotent(text: str) -> None:
    once = normalise_whitespace(text)
    assert normalise_whitespace(once) == once
    assert "\r" not in once
    assert "\n\n\n" not in once
    assert "  " not in once
    assert once == once.strip()


ascii_words = st.lists(
    st.text(alphabet="abcXYZ019.,!?#@/:-_'\"()", min_size=1, max_size=12),
    min_size=1,
    max_size=30,
)
latin_words = st.lists(
    st.text(alphabet="abcxyzéüñøABCXYZÉÜÑØ0123456789.,!?", min_size=1), max_size=30
)
gap = st.sampled_from(
    [" ", "  ", "\t", "\n", "\r\n", "\n\n\n", "\u00a0", "\u2003", " \u200b ", "\n \t"]
)
spacing = st.lists(gap, min_size=31, max_size=31)


@given(words=latin_words, gaps=spacing, lead=spacing, mask=st.integers(0, 2**300))
@settings(max_examples=100)
def test_content_hash_ignores_case_and_spacing(
    words: list[str], gaps: list[str], lead: list[str], mask: int
) -> None:
    plain = " ".join(words)
    spaced = lead[0] + "".join(w + g for w, g in zip(words, gaps, strict=False)) + lead[1]
    recased = "".join(c.swapcase() if mask >> i & 1 else c for i, c in enumerate(spaced))
    assert content_hash(recased) == content_hash(plain)
    assert content_hash(plain.upper()) == content_hash(plain.lower())


def test_content_hash_tells_different_texts_apart() -> None:
    assert content_hash("rust is fast") != content_hash("rustis fast")
    assert content_hash("rust is fast") != content_hash("rust is fast!")
    assert len(content_hash("x")) == 64


@given(words=ascii_words, gaps=st.lists(gap.filter(lambda g: "\u200b" not in g), min_size=31))
@settings(max_examples=100)
def test_word_and_character_counts(words: list[str], gaps: list[str]) -> None:
    text = "".join(w + g for w, g in zip(words, gaps, strict=False))
    assert word_count(text) == len(words)
    assert character_count(text) == len(text)


@pytest.mark.parametrize(
    ("text", "words"), [("", 0), ("   ", 0), ("one", 1), ("one two\nthree\tfour", 4)]
)
def test_word_count_examples(text: str, words: int) -> None:
    assert word_count(text) == words


# --- links and hashtags ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "links"),
    [
        ("no links here", 0),
        ("see https://a.com and http://b.org/x?y=1", 2),
        ("www.example.com is a link", 1),
        ("HTTPS://SHOUT.COM", 1),
        ("ftp://old.example.com is not", 0),
        ("example.com alone is not", 0),
    ],
)
def test_count_links(text: str, links: int) -> None:
    assert count_links(text) == links


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("#AI and #ml2026 rock", ["#AI", "#ml2026"]),
        ("issue #123 is not a tag", []),
        ("a#b is not a tag", []),
        ("&#39; is an entity", []),
        ("##double", []),
        ("#café works", ["#café"]),
        ("# alone", []),
    ],
)
def test_hashtags(text: str, tags: list[str]) -> None:
    assert hashtags(text) == tags
    assert count_hashtags(text) == len(tags)


# --- truncation ------------------------------------------------------------------------------


@given(text=st.text(alphabet="ab ", max_size=800), limit=st.integers(1, 600))
@settings(max_examples=200)
def test_truncate_words(text: str, limit: int) -> None:
    cut = truncate_words(text, limit)
    assert len(cut) <= limit
    assert text.startswith(cut)
    if len(text) <= limit:
        assert cut == text
    else:
        assert not cut.endswith(" ")


def test_truncate_cuts_at_a_word_boundary() -> None:
    assert truncate_words("hello wonderful world", 12) == "hello"
    assert truncate_words("x" * 20, 5) == "xxxxx"
