"""On the embedded database, a creator's data survives the service stopping and starting."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg
import pytest

from creatorpulse import CreatorPulse
from creatorpulse.adapters.postgres.embedded import EmbeddedPostgres, shared_buffers_mib
from creatorpulse.adapters.system import FixedClock
from creatorpulse.entrypoints.demo import sample_feeds, sample_voices

PASSWORD = "a-long-enough-password"


def test_data_survives_a_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("DATABASE_URL", raising=False)
    clock = FixedClock(datetime(2026, 11, 25, 9, 30, tzinfo=UTC))
    index, feeds = sample_feeds(clock)
    voice = sample_voices()["tom"]
    with CreatorPulse.embedded(data_dir=tmp_path, feeds=feeds, clock=clock) as app:
        registration = app.register(voice.email, PASSWORD)
        user = app.verify_email(registration.verification_token)
        for feed in index:
            app.add_source(user, "rss", feed.url, feed.name)
        app.add_style_posts(user, voice.posts)
        first = app.run_daily(user)
        assert first.email is not None
    assert not (tmp_path / "postgres" / "postmaster.pid").exists(), "the server stopped"

    clock.advance(timedelta(hours=1))
    with CreatorPulse.embedded(data_dir=tmp_path, feeds=feeds, clock=clock) as app:
        again = app.sign_in(voice.email, PASSWORD)
        assert again.id == user.id
        assert sorted(s.name for s in app.sources(user)) == sorted(f.name for f in index)
        drafts = app.drafts(user, per_page=50)
        assert {d.id for d in drafts} >= {d.id for d in first.generation.drafts}  # type: ignore[union-attr]
        resent = app.send_daily_email(user, force=True)
        assert resent is not None and resent.id == first.email.id  # still one email that day


def test_the_embedded_server_starts_with_a_cache_sized_to_the_machine(tmp_path: Path) -> None:
    server = EmbeddedPostgres(tmp_path)
    url = server.start()
    try:
        with psycopg.connect(url) as conn:
            row = conn.execute("SELECT (setting::bigint * 8192 / 1048576)::int FROM pg_settings "
                               "WHERE name = 'shared_buffers'").fetchone()  # fmt: skip
        assert row == (shared_buffers_mib(),)
        conf = (tmp_path / "postgres" / "postgresql.conf").read_text()
        assert conf.count("# creatorpulse: embedded server settings") == 1
    finally:
        server.release()
    again = EmbeddedPostgres(tmp_path)
    again.start()  # a second start appends nothing more
    try:
        conf = (tmp_path / "postgres" / "postgresql.conf").read_text()
        assert conf.count("# creatorpulse: embedded server settings") == 1
    finally:
        again.release()


@pytest.mark.parametrize(
    ("memory_gib", "mib"), [(0.25, 128), (2, 512), (4, 1024), (23, 2048), (256, 2048)]
)
def test_shared_buffers_are_a_quarter_of_memory_within_bounds(memory_gib: float, mib: int) -> None:
    assert shared_buffers_mib(int(memory_gib * (1 << 30))) == mib
