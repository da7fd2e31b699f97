"""The faster whitespace, hash and screening paths give exactly what the straightforward ones
gave: stored content hashes must not change, or dedupe would let yesterday's items in again,
and an item the filters kept (or dropped) before is kept (or dropped) now."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from creatorpulse.domain.model import items
from creatorpulse.domain.model import text as text_model
from creatorpulse.domain.model.text import (
    URL_PATTERN,
    content_hash,
    count_hashtags,
    hashtags,
    normalise_whitespace,
    normalised_head,
    truncate_words,
)
from creatorpulse.domain.model.topics import key_terms
from creatorpulse.domain.model.voice import STOP_WORDS

_SPACES = re.compile(r"[ \t\f\v\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_BLANK_LINES = re.compile(r"\n\s*\n+")
_INVISIBLE = dict.fromkeys(map(ord, "\u200b\u200c\u200d\u2060\ufeff"))


def reference_normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = text.translate(_INVISIBLE)
    lines = [_SPACES.sub(" ", line).strip() for line in text.split("\n")]
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip()


def reference_hash(text: str) -> str:
    folded = " ".join(reference_normalise(text).casefold().split())
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


PIECES = [
    *"ab Z\u00e9\t\n\r\f\v.#@&_1\u0301\u0323\u1e9b\u2028\x1c\u0085\u0130\u00df\u212a",
    "#build", "&#35;", "##x", "@maya", "a@b", "@@x", "  ", "\u2029", "\u1680", " \n ",
    "BUY NOW", "Click Here", "50% OFF", "Earn $100", "sponsored",
    "e\u0301", "\u00a0", "\u2003", "\u202f", "\u3000", "\u200b", "\ufeff", "\u2060",
]  # fmt: skip
tricky = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=2000)
@given(st.one_of(tricky, st.text(max_size=80)))
def test_fast_paths_match_the_reference(text: str) -> None:
    assert normalise_whitespace(text) == reference_normalise(text)
    assert content_hash(text) == reference_hash(text)
    normalised = normalise_whitespace(text)  # what ingest hashes
    assert content_hash(normalised) == reference_hash(normalised)


@settings(max_examples=1000)
@given(
    st.lists(st.one_of(tricky, st.text(max_size=80)), max_size=12).map("".join), st.integers(1, 60)
)
def test_a_normalised_head_keeps_what_truncation_keeps(text: str, limit: int) -> None:
    """Only the head of a long text is normalised; what the limit keeps is the same."""
    head = normalised_head(text, limit)
    assert reference_normalise(text).startswith(head[: limit + 1])
    assert truncate_words(head, limit) == truncate_words(reference_normalise(text), limit)


def reference_assess(content: str, title: str | None, language: str | None) -> str | None:
    links = len(URL_PATTERN.findall(content))
    if len(content) < items.ITEM_MIN:
        return "too_short"
    if links > items.MAX_LINKS or (
        links and len(URL_PATTERN.sub("", content).strip()) < items.ITEM_MIN
    ):
        return "too_many_links"
    if count_hashtags(content) > items.MAX_HASHTAGS:
        return "too_many_hashtags"
    if items._PROMO.search(content.lower()) or (title and items._PROMO.search(title.lower())):
        return "promotional"
    return None if language == "en" else "not_english"


LINKS = ["https://a.example/x", "HTTP://B.EXAMPLE", "Www.c.example", "xhttp://d", "ſhttps://e"]
PROMO = ["Use Promo Code", "limited-time offer", "99% off", "Earn $5", "casinos", "buy  now"]
screened = st.lists(st.sampled_from([*PIECES, *LINKS, *PROMO, "word ", "#tag "]), max_size=50)


@settings(max_examples=2000)
@given(
    st.one_of(screened.map("".join), st.text(max_size=80)),
    st.one_of(st.none(), screened.map("".join)),
    st.sampled_from(["en", "fr", None]),
)
def test_assess_matches_the_reference(content: str, title: str | None, language: str) -> None:
    assert items.assess(content, title, language) == reference_assess(content, title, language)


_HASHTAG = re.compile(r"(?<![\w&#])#[^\W\d_][\w]*")
_MENTION = re.compile(r"(?<![\w@])@[A-Za-z0-9_]{1,50}\b")
_PROMO = re.compile(items._PROMO.pattern, re.IGNORECASE)


@settings(max_examples=500)
@given(st.one_of(tricky, st.text(max_size=80)))
def test_screening_patterns_match_the_reference(text: str) -> None:
    assert hashtags(text) == _HASHTAG.findall(text)
    assert text_model._MENTION.findall(text) == _MENTION.findall(text)
    if len(text.lower()) == len(text):  # "İ" lowers to "i" + a combining dot: a new \b after it
        assert bool(items._PROMO.search(text.lower())) == bool(_PROMO.search(text))


def reference_key_terms(text: str, title: str | None = None, limit: int = 8) -> list[str]:
    counts: dict[str, int] = {}
    for weight, source in ((2, title or ""), (1, text)):
        for word in re.findall(r"[A-Za-z][A-Za-z0-9'-]{3,}", source):
            lowered = word.lower().strip("'-")
            if lowered not in STOP_WORDS and len(lowered) > 3:
                counts[lowered] = counts.get(lowered, 0) + weight
    return [w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]]


WORDS = st.sampled_from([
    "Agent", "agent", "AGENT", "agents", "model's", "'quoted'", "re-run", "-dash-", "with",
    "about", "Latency", "open-source", "GPU", "data", "x", "2026", "tokens", "Tokens", "the",
])  # fmt: skip
sentences = st.lists(st.one_of(WORDS, st.sampled_from([" ", ". ", ", ", "\n"])), max_size=60)


@settings(max_examples=1000)
@given(
    st.one_of(sentences.map("".join), st.text(max_size=120)),
    st.one_of(st.none(), sentences.map("".join)),
    st.integers(1, 10),
)
def test_key_terms_match_the_reference(text: str, title: str | None, limit: int) -> None:
    assert key_terms(text, title, limit) == reference_key_terms(text, title, limit)
