"""`creatorpulse check gemini`: prove the key, the base URL and both model names work."""

from __future__ import annotations

from creatorpulse.adapters.gemini.client import (
    DEFAULT_EMBEDDING_MODEL,
    DEFAULT_GENERATION_MODEL,
    make_client,
)
from creatorpulse.adapters.gemini.embedder import GeminiEmbedder
from creatorpulse.adapters.gemini.rate_limit import RateLimiter
from creatorpulse.adapters.gemini.retry import RetryPolicy, call_with_retry, classify


async def check_gemini(
    api_key: str,
    *,
    base_url: str | None = None,
    embedding_model: str = DEFAULT_EMBEDDING_MODEL,
    generation_model: str = DEFAULT_GENERATION_MODEL,
    dimensions: int = 768,
    request_timeout: float = 20.0,
) -> str:
    """Embed one word and look the generation model up; raises UpstreamError on failure."""
    client = make_client(api_key, base_url=base_url, timeout=request_timeout)
    once = RetryPolicy(attempts=1)
    try:
        embedder = GeminiEmbedder(
            client, embedding_model, dimensions=dimensions, limiter=RateLimiter(), retry=once
        )
        [vector] = await embedder.embed_queries(["CreatorPulse"])

        async def lookup() -> str:
            model = await client.aio.models.get(model=generation_model)
            return model.display_name or model.name or generation_model

        name = await call_with_retry(
            lookup, what="Gemini models", policy=once, limiter=RateLimiter()
        )
    except Exception as error:
        failure = classify(error, "Gemini")
        if failure is None:
            raise
        raise failure from error
    finally:
        await client.aio.aclose()
    return (
        f"Gemini OK: {embedding_model} answered with {len(vector)} dimensions; "
        f"{generation_model} is available ({name})"
    )
