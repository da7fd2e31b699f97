"""A deterministic embedder that needs no model: signed hashing of word and character n-grams.

Texts that share words and spellings land close together, which is what style retrieval needs
when no Gemini key is configured. Stable across processes (CRC32, not Python's hash()).
"""

from __future__ import annotations

import math
import re
import zlib
from collections.abc import Sequence
from itertools import pairwise

from creatorpulse.ports.embedder import Embedder

DIMENSIONS = 768
_WORD = re.compile(r"[\w']+")


def _features(text: str) -> list[tuple[str, float]]:
    words = [w.lower() for w in _WORD.findall(text)]
    feats: list[tuple[str, float]] = [(f"w:{w}", 1.0) for w in words]
    feats += [(f"b:{a} {b}", 0.7) for a, b in pairwise(words)]
    for w in words:
        padded = f"<{w}>"
        feats += [(f"c:{padded[i : i + 3]}", 0.3) for i in range(len(padded) - 2)]
    return feats


def embed(text: str, dimensions: int = DIMENSIONS) -> list[float]:
    vector = [0.0] * dimensions
    for feature, weight in _features(text):
        digest = zlib.crc32(feature.encode("utf-8"))
        sign = 1.0 if digest & 0x80000000 else -1.0
        vector[digest % dimensions] += sign * weight
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
