"""One embedded PostgreSQL for the whole test session, in a throwaway data directory."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import psycopg
import pytest

from creatorpulse.adapters.postgres.embedded import EmbeddedPostgres
from creatorpulse.adapters.postgres.migrate import migrate

TABLES = (
    "users, action_tokens, sources, user_style_posts, style_vectors, source_content, "
    "generated_drafts, draft_feedback, email_delivery_log, style_jobs, revoked_tokens, "
    "feed_fetch_state, job_claims, dead_letters, rate_windows, sign_in_failures"
)


@pytest.fixture(scope="session")
def pg_owner_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    server = EmbeddedPostgres(Path(tmp_path_factory.mktemp("pg")))
    url = server.start()
    with ThreadPoolExecutor(1) as pool:  # may be requested from inside a running event loop
        pool.submit(asyncio.run, migrate(url)).result()
    yield url
    server.release()


def truncate_all(url: str) -> None:
    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f"TRUNCATE {TABLES} CASCADE")


@pytest.fixture
def pg_clean(pg_owner_url: str) -> str:
    truncate_all(pg_owner_url)
    return pg_owner_url
