"""SafeFetcher's limits against real misbehaving servers: size, bombs, drips, statuses."""

from __future__ import annotations

import time
import tracemalloc
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime

import pytest

from creatorpulse.adapters.http import SafeFetcher, Validators
from creatorpulse.domain.model.errors import UpstreamError
from fakes_http.hostile import endless, endless_undeclared, serve_gzip_bomb, slow_drip
from fakes_http.server import Exchange, LocalServer, answer, serving

MB = 1024 * 1024
server = pytest.fixture(serving)


@pytest.fixture
async def fetcher() -> AsyncIterator[SafeFetcher]:
    async with SafeFetcher(allow_private_networks=True, total_timeout=2.0) as safe:
        yield safe


async def _failure(fetcher: SafeFetcher, url: str) -> tuple[UpstreamError, float, int]:
    """The error, the seconds it took, and the peak Python memory it used."""
    tracemalloc.start()
    started = time.perf_counter()
    try:
        with pytest.raises(UpstreamError) as failed:
            await fetcher.get(url)
        return failed.value, time.perf_counter() - started, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


async def test_gzip_bomb_is_cut_at_the_decompressed_cap(
    server: LocalServer, fetcher: SafeFetcher
) -> None:
    error, seconds, peak = await _failure(fetcher, server.route("/bomb", serve_gzip_bomb))
    assert error.code == "too_large" and not error.transient
    assert seconds < 1.5
    assert peak < 200 * MB


async def test_declared_100_mb_body_is_refused_without_reading_it(
    server: LocalServer, fetcher: SafeFetcher
) -> None:
    error, seconds, peak = await _failure(fetcher, server.route("/big", endless(100)))
    assert error.code == "too_large"
    assert seconds < 1.0 and peak < 20 * MB


async def test_undeclared_100_mb_body_is_cut_while_streaming(
    server: LocalServer, fetcher: SafeFetcher
) -> None:
    error, _, peak = await _failure(fetcher, server.route("/big", endless_undeclared(100)))
    assert error.code == "too_large"
    assert "15 MiB" in error.message
    assert peak < 200 * MB


async def test_slow_drip_is_cut_at_the_total_deadline(
    server: LocalServer, fetcher: SafeFetcher
) -> None:
    error, seconds, _ = await _failure(fetcher, server.route("/drip", slow_drip(interval=0.2)))
    assert error.code == "timeout" and error.transient
    assert 1.9 <= seconds < 3.0
    assert "2 seconds" in error.message


@pytest.mark.parametrize(
    ("status", "code", "transient"),
    [
        (404, "http_404", False),
        (410, "http_410", False),
        (500, "http_500", True),
        (502, "http_502", True),
        (403, "http_403", False),
    ],
)
async def test_statuses_become_plain_errors(
    server: LocalServer, fetcher: SafeFetcher, status: int, code: str, transient: bool
) -> None:
    url = server.route("/s", answer(b"<html>Traceback: internal detail</html>", status=status))
    error, _, _ = await _failure(fetcher, url)
    assert (error.code, error.transient) == (code, transient)
    assert str(status) in error.message and "Traceback" not in error.message


async def test_429_retry_after_seconds_and_503_http_date(
    server: LocalServer, fetcher: SafeFetcher
) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(minutes=10), usegmt=True)
    slow_down = server.route("/429", answer(status=429, headers={"Retry-After": "120"}))
    down = server.route("/503", answer(status=503, headers={"Retry-After": later}))
    limited, _, _ = await _failure(fetcher, slow_down)
    unavailable, _, _ = await _failure(fetcher, down)
    assert limited.transient and limited.retry_after == 120
    assert unavailable.transient and unavailable.retry_after is not None
    assert 590 <= unavailable.retry_after <= 600


async def test_conditional_request_answers_304_without_body(
    server: LocalServer, fetcher: SafeFetcher
) -> None:
    def conditional(exchange: Exchange) -> None:
        if exchange.headers.get("if-none-match") == '"v1"':
            exchange.send(304, headers={"ETag": '"v1"'})
        else:
            exchange.send(
                200,
                b"<rss/>",
                {
                    "ETag": '"v1"',
                    "Last-Modified": "Tue, 02 Jan 2024 10:00:00 GMT",
                    "Cache-Control": "public, max-age=600",
                },
            )

    url = server.route("/feed", conditional)
    first = await fetcher.get(url)
    second = await fetcher.get(url, first.validators)
    assert first.body == b"<rss/>" and first.max_age == 600
    assert first.validators == Validators('"v1"', "Tue, 02 Jan 2024 10:00:00 GMT")
    assert second.not_modified and second.body is None
    assert second.validators == first.validators
    sent = server.hits("/feed")[1].headers
    assert sent["if-modified-since"] == "Tue, 02 Jan 2024 10:00:00 GMT"


async def test_refused_connection_is_transient(fetcher: SafeFetcher) -> None:
    with LocalServer() as gone:
        url = gone.url("/feed")
    error, _, _ = await _failure(fetcher, url)
    assert error.code == "connection_failed" and error.transient
