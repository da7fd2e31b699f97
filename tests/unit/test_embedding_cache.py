"""Search vectors are remembered by text: the inner embedder sees each text once, until evicted."""

from __future__ import annotations

from collections.abc import Sequence

from creatorpulse.adapters.embedding_cache import RememberedQueries
from creatorpulse.adapters.local_embedder import LocalEmbedder


class CountingEmbedder(LocalEmbedder):
    def __init__(self) -> None:
        super().__init__(dimensions=16)
        self.asked: list[str] = []

    async def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        self.asked += texts
        return await super().embed_queries(texts)


async def test_a_text_is_embedded_once_and_answered_the_same_after() -> None:
    inner = CountingEmbedder()
    remembered = RememberedQueries(inner)

    first = await remembered.embed_queries(["a launch story", "a hiring story"])
    second = await remembered.embed_queries(["a hiring story", "news", "a launch story", "news"])

    assert inner.asked == ["a launch story", "a hiring story", "news"]
    plain = await LocalEmbedder(16).embed_queries(["a launch story", "a hiring story", "news"])
    assert first == plain[:2]
    assert second == [plain[1], plain[2], plain[0], plain[2]]
    assert (remembered.hits, remembered.misses) == (3, 3)


async def test_the_least_recently_used_text_is_forgotten_first() -> None:
    inner = CountingEmbedder()
    remembered = RememberedQueries(inner, max_texts=2)

    await remembered.embed_queries(["one", "two"])
    await remembered.embed_queries(["one"])  # "two" is now the least recently used
    await remembered.embed_queries(["three"])
    await remembered.embed_queries(["one", "two"])

    assert inner.asked == ["one", "two", "three", "two"]


async def test_style_chunks_are_not_remembered() -> None:
    inner = CountingEmbedder()
    remembered = RememberedQueries(inner)
    assert remembered.dimensions == 16
    assert await remembered.embed_documents(["post"]) == await inner.embed_documents(["post"])
    assert remembered.misses == 0
