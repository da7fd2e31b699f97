"""Drafts from Gemini: one structured-JSON request per brief, one repair attempt at most."""

from __future__ import annotations

from collections import Counter

from google import genai
from google.genai import types

from creatorpulse.adapters.gemini.answer import read_answer
from creatorpulse.adapters.gemini.client import DEFAULT_GENERATION_MODEL
from creatorpulse.adapters.gemini.prompt import (
    RESPONSE_SCHEMA,
    repair_prompt,
    system_instruction,
    user_prompt,
)
from creatorpulse.adapters.gemini.rate_limit import RateLimiter
from creatorpulse.adapters.gemini.retry import RetryPolicy, call_with_retry
from creatorpulse.domain.model.errors import UpstreamError
from creatorpulse.ports.generator import (
    DraftBrief,
    DraftGenerator,
    GeneratedDraft,
    GenerationResult,
)

USAGE_FIELDS = ("prompt_token_count", "candidates_token_count", "total_token_count")
ATTEMPTS = 2  # the answer, then one repair prompt


class GeminiDraftGenerator(DraftGenerator):
    def __init__(
        self,
        client: genai.Client,
        model: str = DEFAULT_GENERATION_MODEL,
        *,
        temperature: float = 0.7,
        max_output_tokens: int = 8192,
        limiter: RateLimiter | None = None,
        retry: RetryPolicy | None = None,
    ) -> None:
        self._client, self._model = client, model
        self._temperature, self._max_output_tokens = temperature, max_output_tokens
        self._limiter = limiter or RateLimiter()
        self._retry = retry or RetryPolicy()

    async def write(self, brief: DraftBrief) -> GenerationResult:
        usage: Counter[str] = Counter()
        if not brief.items:
            return self._result([], usage, attempts=0)
        config = types.GenerateContentConfig(
            system_instruction=system_instruction(brief),
            temperature=self._temperature,
            max_output_tokens=self._max_output_tokens,
            response_mime_type="application/json",
            response_schema=RESPONSE_SCHEMA,
        )
        prompt, detail = user_prompt(brief), ""
        for attempt in range(1, ATTEMPTS + 1):
            response = await self._ask(prompt, config)
            usage.update(_usage(response))
            answer = read_answer(response, brief)
            if answer.problem is None:
                return self._result(answer.drafts, usage, attempts=attempt)
            prompt, detail = repair_prompt(brief, answer.problem), answer.detail
        raise UpstreamError(
            f"Gemini ({self._model}) could not write drafts: {detail}, also after a repair prompt",
            code="generation_failed",
        )

    async def _ask(
        self, prompt: str, config: types.GenerateContentConfig
    ) -> types.GenerateContentResponse:
        async def call() -> types.GenerateContentResponse:
            return await self._client.aio.models.generate_content(
                model=self._model, contents=prompt, config=config
            )

        return await call_with_retry(
            call, what="Gemini generation", policy=self._retry, limiter=self._limiter
        )

    def _result(
        self, drafts: list[GeneratedDraft], usage: Counter[str], *, attempts: int
    ) -> GenerationResult:
        parameters = {
            "model": self._model,
            "temperature": self._temperature,
            "max_output_tokens": self._max_output_tokens,
            "attempts": attempts,
        }
        return GenerationResult(
            drafts=drafts, model=self._model, parameters=parameters, usage=dict(usage)
        )


def _usage(response: types.GenerateContentResponse) -> dict[str, int]:
    metadata = response.usage_metadata
    if metadata is None:
        return {"requests": 1}
    counts = {name: getattr(metadata, name) or 0 for name in USAGE_FIELDS}
    return counts | {"requests": 1}
