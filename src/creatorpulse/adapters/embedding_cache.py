"""Vectors of texts embedded lately, kept: an item is embedded once per process and not once per
creator who follows its feed (a popular feed's items are searched with by every follower's
drafts, each stored as that follower's own copy)."""

from __future__ import annotations

import hashlib
from array import array
from collections import OrderedDict
from collections.abc import Sequence

from creatorpulse.ports.embedder import Embedder

MAX_TEXTS = 8192  # ~6 kB each at 768 dims: about 50 MB when full


class RememberedQueries(Embedder):
    """Search vectors (`embed_queries`) are remembered by the text's digest, least recently
    used first out; style chunks (`embed_documents`) are embedded once each anyway."""

    def __init__(self, inner: Embedder, max_texts: int = MAX_TEXTS) -> None:
        self._inner, self._max = inner, max_texts
        self._kept: OrderedDict[bytes, array[float]] = OrderedDict()
        self.hits = self.misses = 0

    @property
    def dimensions(self) -> int:
        return self._inner.dimensions

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return await self._inner.embed_documents(texts)

    async def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        keys = [hashlib.blake2b(t.encode("utf-8"), digest_size=16).digest() for t in texts]
        wanted = {k: t for k, t in zip(keys, texts, strict=True) if k not in self._kept}
        if wanted:
            vectors = await self._inner.embed_queries(list(wanted.values()))
            for key, vector in zip(wanted, vectors, strict=True):
                self._kept[key] = array("d", vector)
        found = []
        for key in keys:
            self._kept.move_to_end(key)
            found.append(self._kept[key].tolist())
        self.misses += len(wanted)
        self.hits += len(keys) - len(wanted)
        while len(self._kept) > self._max:
            self._kept.popitem(last=False)
        return found
