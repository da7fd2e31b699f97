"""The faster whitespace and hash paths give exactly what the straightforward ones gave:
stored content hashes must not change, or dedupe would let yesterday's items in again."""

from __future__ import annotations

import hashlib
import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from creatorpulse.domain.model.text import content_hash, normalise_whitespace

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
    *"ab Z\u00e9\t\n\r\f\v.#@\u0301\u0323\u1e9b\u2028\x1c\u0085\u0130\u00df",
    "e\u0301", "\u00a0", "\u2003", "\u202f", "\u3000", "\u200b", "\ufeff", "\u2060",
]  # fmt: skip
tricky = st.lists(st.sampled_from(PIECES), max_size=40).map("".join)


@settings(max_examples=500)
@given(st.one_of(tricky, st.text(max_size=80)))
def test_fast_paths_match_the_reference(text: str) -> None:
    assert normalise_whitespace(text) == reference_normalise(text)
    assert content_hash(text) == reference_hash(text)
