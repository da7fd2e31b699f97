"""The few words that say what an item (or a draft) is about."""

from __future__ import annotations

import re
from collections import Counter
from functools import lru_cache

from creatorpulse.domain.model.voice import STOP_WORDS

_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'-]{3,}")


def key_terms(text: str, title: str | None = None, limit: int = 8) -> list[str]:
    """Most frequent meaningful words, title words counting double; stable order."""
    return list(_key_terms(text, title, limit))


@lru_cache(maxsize=4096)  # an item shared by many followers is read once per process
def _key_terms(text: str, title: str | None, limit: int) -> tuple[str, ...]:
    counts: Counter[str] = Counter()
    for weight, source in ((2, title or ""), (1, text)):
        # Each distinct spelling is lowered and screened once, not once per occurrence.
        for word, seen in Counter(_WORD.findall(source)).items():
            lowered = word.lower().strip("'-")
            if lowered not in STOP_WORDS and len(lowered) > 3:
                counts[lowered] += weight * seen
    return tuple(w for w, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit])
