"""A deterministic embedder that needs no model: signed hashing of word and character n-grams.

Texts that share words and spellings land close together, which is what style retrieval needs
when no Gemini key is configured. Stable across processes (CRC32, not Python's hash()).
"""

from __future__ import annotations

import math
import re
import zlib
from collections import Counter
from collections.abc import Sequence
from itertools import pairwise

from creatorpulse.ports.embedder import Embedder

DIMENSIONS = 768
_WORD = re.compile(r"[\w']+")


# Hashing a feature's text is most of the cost, and texts share their words: each word's own
# hashed features (the word and its character trigrams) and each word pair's are kept, up to a
# bound, so a long text costs one lookup per distinct word and pair (benchmarks/daily_scale).
_CACHE_LIMIT = 200_000
_by_word: dict[tuple[str, int], tuple[tuple[int, float], ...]] = {}
_by_pair: dict[tuple[str, str, int], tuple[int, float]] = {}


def _hashed(feature: str, weight: float, dimensions: int) -> tuple[int, float]:
    digest = zlib.crc32(feature.encode("utf-8"))
    sign = 1.0 if digest & 0x80000000 else -1.0
    return digest % dimensions, sign * weight


def _word(word: str, dimensions: int) -> tuple[tuple[int, float], ...]:
    key = (word, dimensions)
    found = _by_word.get(key)
    if found is None:
        padded = f"<{word}>"
        trigrams = [f"c:{padded[i : i + 3]}" for i in range(len(padded) - 2)]
        found = (_hashed(f"w:{word}", 1.0, dimensions),
                 *(_hashed(t, 0.3, dimensions) for t in trigrams))  # fmt: skip
        if len(_by_word) >= _CACHE_LIMIT:
            _by_word.clear()
        _by_word[key] = found
    return found


def _pair(a: str, b: str, dimensions: int) -> tuple[int, float]:
    key = (a, b, dimensions)
    found = _by_pair.get(key)
    if found is None:
        found = _hashed(f"b:{a} {b}", 0.7, dimensions)
        if len(_by_pair) >= _CACHE_LIMIT:
            _by_pair.clear()
        _by_pair[key] = found
    return found


def embed(text: str, dimensions: int = DIMENSIONS) -> list[float]:
    """Signed hashing of words (weight 1), word pairs (0.7) and character trigrams (0.3),
    L2-normalised."""
    words = [w.lower() for w in _WORD.findall(text)]
    vector = [0.0] * dimensions
    for word, count in Counter(words).items():
        for index, weight in _word(word, dimensions):
            vector[index] += count * weight
    for (a, b), count in Counter(pairwise(words)).items():
        index, weight = _pair(a, b, dimensions)
        vector[index] += count * weight
    norm = math.sqrt(sum(x * x for x in vector))
    if norm == 0.0:
        vector[0] = 1.0  # an empty text still gets a valid unit vector
        return vector
    return [x / norm for x in vector]


class LocalEmbedder(Embedder):
    def __init__(self, dimensions: int = DIMENSIONS) -> None:
        self._dimensions = dimensions

    @property
    def dimensions(self) -> int:
        return self._dimensions

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return [embed(t, self._dimensions) for t in texts]

    async def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return [embed(t, self._dimensions) for t in texts]
