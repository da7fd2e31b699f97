from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol


class Embedder(Protocol):
    """Turns text into L2-normalised vectors of `dimensions` floats."""

    @property
    def dimensions(self) -> int: ...

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        """Vectors for texts that will be searched (style chunks)."""

    async def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        """Vectors for texts that search (source items)."""
