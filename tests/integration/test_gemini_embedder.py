"""GeminiEmbedder with the real google-genai client against a local fake of the Gemini REST API."""

from __future__ import annotations

import math
import time
from collections.abc import Iterator

import pytest

from creatorpulse.adapters.gemini.check import check_gemini
from creatorpulse.adapters.gemini.client import make_client
from creatorpulse.adapters.gemini.embedder import GeminiEmbedder
from creatorpulse.adapters.gemini.rate_limit import RateLimiter
from creatorpulse.adapters.gemini.retry import RetryPolicy
from creatorpulse.domain.model.errors import UpstreamError
from fakes.clock import FakeTime
from fakes.gemini import API_KEY, GeminiFake, gemini_server
from fakes.smtp import free_port

PATH = "/v1beta/models/gemini-embedding-001:batchEmbedContents"


@pytest.fixture
def gemini() -> Iterator[tuple[str, GeminiFake]]:
    with gemini_server() as served:
        yield served


def embedder(base_url: str, time_: FakeTime | None = None, attempts: int = 4) -> GeminiEmbedder:
    time_ = time_ or FakeTime()
    return GeminiEmbedder(
        make_client(API_KEY, base_url=base_url, timeout=5),
        "gemini-embedding-001",
        limiter=RateLimiter(max_concurrent=4, requests_per_minute=6000, burst=100),
        retry=RetryPolicy(attempts=attempts, sleep=time_.sleep, jitter=lambda: 0.5),
    )


async def test_250_documents_take_exactly_three_batch_requests(
    gemini: tuple[str, GeminiFake],
) -> None:
    base_url, fake = gemini
    texts = [f"style passage number {i}" for i in range(250)]

    vectors = await embedder(base_url).embed_documents(texts)

    calls = fake.calls("batchEmbedContents")
    assert [c.path for c in calls] == [PATH] * 3
    assert [len(c.json()["requests"]) for c in calls] == [100, 100, 50]
    assert all(c.headers["x-goog-api-key"] == API_KEY for c in calls)
    sent = [r for c in calls for r in c.json()["requests"]]
    assert [r["content"]["parts"][0]["text"] for r in sent] == texts
    assert {(r["taskType"], r["outputDimensionality"], r["model"]) for r in sent} == {
        ("RETRIEVAL_DOCUMENT", 768, "models/gemini-embedding-001")
    }
    assert len(vectors) == 250
    assert all(len(v) == 768 for v in vectors)
    assert all(math.isclose(math.fsum(x * x for x in v), 1.0, rel_tol=1e-9) for v in vectors)


async def test_queries_are_embedded_as_retrieval_queries_in_input_order(
    gemini: tuple[str, GeminiFake],
) -> None:
    base_url, fake = gemini
    adapter = embedder(base_url)

    [first, second] = await adapter.embed_queries(["alpha news", "beta news"])
    [again] = await adapter.embed_queries(["beta news"])

    assert {r["taskType"] for c in fake.requests for r in c.json()["requests"]} == {
        "RETRIEVAL_QUERY"
    }
    assert again == second != first


async def test_no_texts_means_no_request(gemini: tuple[str, GeminiFake]) -> None:
    base_url, fake = gemini

    assert await embedder(base_url).embed_documents([]) == []
    assert fake.requests == []


async def test_a_429_waits_the_servers_retry_delay_then_succeeds() -> None:
    fake = GeminiFake(retry_delay="0.3s")
    fake.embed_script.append("rate_limited")
    with gemini_server(fake) as (base_url, _):
        adapter = GeminiEmbedder(
            make_client(API_KEY, base_url=base_url, timeout=5),
            retry=RetryPolicy(attempts=3, jitter=lambda: 0.0),  # real asyncio.sleep
        )
        started = time.monotonic()
        vectors = await adapter.embed_documents(["one", "two"])
        waited = time.monotonic() - started

    assert len(fake.calls("batchEmbedContents")) == 2
    assert len(vectors) == 2
    assert waited >= 0.3


async def test_retry_delay_from_retry_info_is_used_instead_of_backoff() -> None:
    fake, clock = GeminiFake(retry_delay="1.5s"), FakeTime()
    fake.embed_script.extend(["rate_limited", "rate_limited"])
    with gemini_server(fake) as (base_url, _):
        await embedder(base_url, clock).embed_documents(["one"])

    assert len(fake.requests) == 3
    assert clock.sleeps == [1.5, 1.5]


async def test_server_errors_back_off_exponentially_then_fail_transiently(
    gemini: tuple[str, GeminiFake],
) -> None:
    base_url, fake = gemini
    fake.embed_script.extend(["server_error"] * 5)
    clock = FakeTime()

    with pytest.raises(UpstreamError) as caught:
        await embedder(base_url, clock, attempts=3).embed_documents(["one"])

    assert len(fake.requests) == 3
    assert clock.sleeps == [0.75, 1.5]  # 1s and 2s steps with the jitter at its middle
    assert caught.value.transient is True
    assert caught.value.code == "gemini_unavailable"
    assert "500 INTERNAL" in caught.value.message
    assert "gave up after 3 attempt(s)" in caught.value.message


async def test_retry_after_header_is_honoured(gemini: tuple[str, GeminiFake]) -> None:
    base_url, fake = gemini
    fake.embed_script.append("unavailable_retry_after")
    clock = FakeTime()

    await embedder(base_url, clock).embed_documents(["one"])

    assert len(fake.requests) == 2
    assert clock.sleeps == [0.0]


async def test_a_bad_request_fails_at_once_and_permanently(
    gemini: tuple[str, GeminiFake],
) -> None:
    base_url, fake = gemini
    fake.embed_script.append("bad_request")

    with pytest.raises(UpstreamError) as caught:
        await embedder(base_url).embed_documents(["one"])

    assert len(fake.requests) == 1
    assert caught.value.transient is False
    assert caught.value.code == "gemini_rejected"
    assert "INVALID_ARGUMENT" in caught.value.message


async def test_an_unreachable_server_is_a_transient_failure() -> None:
    clock = FakeTime()
    with pytest.raises(UpstreamError) as caught:
        await embedder(f"http://127.0.0.1:{free_port()}", clock, attempts=2).embed_queries(["x"])

    assert caught.value.transient is True
    assert caught.value.code == "gemini_unreachable"
    assert len(clock.sleeps) == 1


async def test_a_shared_limiter_spaces_the_batches() -> None:
    clock = FakeTime()
    limiter = RateLimiter(
        max_concurrent=1, requests_per_minute=30, burst=1, clock=clock.clock, sleep=clock.sleep
    )
    with gemini_server() as (base_url, fake):
        adapter = GeminiEmbedder(make_client(API_KEY, base_url=base_url), limiter=limiter)
        await adapter.embed_documents([f"t{i}" for i in range(201)])

    assert len(fake.requests) == 3
    assert clock.sleeps == pytest.approx([2.0, 2.0])


def test_batches_over_100_are_refused() -> None:
    with pytest.raises(ValueError, match="batch_size"):
        GeminiEmbedder(make_client(API_KEY), batch_size=101)


async def test_check_gemini_reports_dimensions_and_model(gemini: tuple[str, GeminiFake]) -> None:
    base_url, fake = gemini

    result = await check_gemini(API_KEY, base_url=base_url)

    assert result.startswith("Gemini OK: gemini-embedding-001 answered with 768 dimensions")
    assert "gemini-2.5-flash is available" in result
    assert [r.method for r in fake.requests] == ["POST", "GET"]


@pytest.mark.parametrize(
    ("key", "model", "expected"),
    [
        ("wrong-key", "gemini-2.5-flash", "API key not valid"),
        (API_KEY, "gemini-9-imaginary", "models/gemini-9-imaginary is not found"),
    ],
)
async def test_check_gemini_raises_the_exact_error(
    gemini: tuple[str, GeminiFake], key: str, model: str, expected: str
) -> None:
    base_url, _ = gemini

    with pytest.raises(UpstreamError, match=expected) as caught:
        await check_gemini(key, base_url=base_url, generation_model=model)

    assert caught.value.transient is False
