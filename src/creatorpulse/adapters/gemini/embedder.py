"""Embeddings from Gemini: batches of at most 100 texts, vectors normalised here."""

from __future__ import annotations

import math
from collections.abc import Sequence

from google import genai
from google.genai import types

from creatorpulse.adapters.gemini.client import DEFAULT_EMBEDDING_MODEL
from creatorpulse.adapters.gemini.rate_limit import RateLimiter
from creatorpulse.adapters.gemini.retry import RetryPolicy, call_with_retry
from creatorpulse.domain.model.errors import UpstreamError
from creatorpulse.ports.embedder import Embedder

MAX_BATCH = 100  # the most texts one batchEmbedContents request accepts


class GeminiEmbedder(Embedder):
    def __init__(
        self,
        client: genai.Client,
        model: str = DEFAULT_EMBEDDING_MODEL,
        *,
        dimensions: int = 768,
        batch_size: int = MAX_BATCH,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        if not 1 <= batch_size <= MAX_BATCH:
            raise ValueError(f"batch_size must be from 1 to {MAX_BATCH}, not {batch_size}")
        self._client, self._model = client, model
        self._dimensions, self._batch_size = dimensions, batch_size
        self._limiter = limiter or RateLimiter()
        self._retry = retry or RetryPolicy()

    @property
    def dimensions(self) -> int:
        return self._dimensions

    async def embed_documents(self, texts: Sequence[str]) -> list[list[float]]:
        return await self._embed(texts, "RETRIEVAL_DOCUMENT")

    async def embed_queries(self, texts: Sequence[str]) -> list[list[float]]:
        return await self._embed(texts, "RETRIEVAL_QUERY")

    async def _embed(self, texts: Sequence[str], task: str) -> list[list[float]]:
        vectors: list[list[float]] = []
        # One batch after another: the rate limiter already spreads concurrent users' work.
        for start in range(0, len(texts), self._batch_size):
            vectors += await self._batch(list(texts[start : start + self._batch_size]), task)
        return vectors

    async def _batch(self, batch: list[str], task: str) -> list[list[float]]:
        config = types.EmbedContentConfig(task_type=task, output_dimensionality=self._dimensions)
        contents: list[types.ContentUnion] = list(batch)

        async def call() -> types.EmbedContentResponse:
            return await self._client.aio.models.embed_content(
                model=self._model, contents=contents, config=config
            )

        response = await call_with_retry(
            call, what="Gemini embeddings", policy=self._retry, limiter=self._limiter
        )
        embeddings = response.embeddings or []
        if len(embeddings) != len(batch):
            raise UpstreamError(
                f"Gemini returned {len(embeddings)} embeddings for {len(batch)} texts",
                code="gemini_bad_response",
            )
        return [self._unit(e.values or []) for e in embeddings]

    def _unit(self, values: list[float]) -> list[float]:
        """Vectors cut to fewer dimensions than the model's own are not unit length."""
        if len(values) != self._dimensions:
            raise UpstreamError(
                f"Gemini returned a {len(values)}-dimension vector, {self._dimensions} expected",
                code="gemini_bad_response",
            )
        norm = math.sqrt(math.fsum(v * v for v in values))
        if not math.isfinite(norm) or norm == 0:
            raise UpstreamError("Gemini returned a zero vector", code="gemini_bad_response")
        return [v / norm for v in values]
