"""Faults (issue 9): flaky upstreams, the database and NATS restarted mid-run, upstreams that
hang. Each run is a module in `benchmarks/` (one command each at full size); these run them
small in the default suite and at full size under `slow`, and print their figures.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from benchmarks.faults_hangs import HangFigures, bounded, hangs_run
from benchmarks.faults_outages import OutageFigures, outages_run
from benchmarks.faults_upstreams import UpstreamFigures, upstreams_run


def _check_flaky(f: UpstreamFigures, users: int) -> None:
    print(f"\nflaky upstreams: {f.line()}")
    assert f.users == users
    assert f.duplicates == 0, "a creator got today's email twice"
    assert f.missing == 0, "a creator got no email"
    assert f.mail_failures > 0 and f.llm_failures > 0, "the fakes injected no failure"
    assert f.mail_late_accepts > 0, "the run never had SendGrid accept and then time out"
    assert f.retries > 0
    assert f.retry_after_honoured > 0 and f.retry_after_ignored == 0, "Retry-After not honoured"
    assert f.min_delay >= 0.9, "a retry came without backoff"


def test_flaky_sendgrid_and_gemini_still_deliver_every_email_once(
    pg_clean: str, tmp_path: Path
) -> None:
    _check_flaky(upstreams_run(pg_clean, tmp_path, users=30, seed=11), 30)


@pytest.mark.slow
def test_flaky_upstreams_at_full_size(pg_clean: str, tmp_path: Path) -> None:
    _check_flaky(upstreams_run(pg_clean, tmp_path, users=200, seed=11), 200)


def _check_outages(f: OutageFigures, users: int) -> None:
    print(f"\noutages: {f.line()}")
    assert (f.missing, f.duplicates) == (0, 0), "an email was lost or sent twice"
    assert f.emails == f.rows_sent == users, "every creator has one sent delivery row"
    assert f.dead_letters == 0, "a task gave up during the outage"
    for name, r in (("database", f.database), ("queue", f.queue)):
        assert r.pending > 0, f"nothing was left to send when the {name} went down"
        assert r.unavailable > 0, f"/health/ready never said 503 while the {name} was down"
        assert r.slowest < 5, f"/health/ready took {r.slowest:.1f} s while the {name} was down"
        assert r.recovered_after is not None, f"not ready again after the {name} came back"
    assert any('"database":false' in b.replace(" ", "") for b in f.database.bodies)
    assert any('"queue":false' in b.replace(" ", "") for b in f.queue.bodies)


def test_database_and_nats_restarted_mid_send_lose_no_email(tmp_path: Path) -> None:
    _check_outages(outages_run(tmp_path, users=30, seed=5, outage=2.0), 30)


@pytest.mark.slow
def test_database_and_nats_restarts_at_full_size(tmp_path: Path) -> None:
    _check_outages(outages_run(tmp_path, users=200, seed=5, outage=8.0), 200)


def _check_hangs(f: HangFigures, users: int) -> None:
    print(f"\nhanging upstreams: {f.line()}")
    assert f.feeds_failed == f.feeds_fetched == users // 2, "each feed fetched or failed"
    assert f.llm_hung_calls > 0 and f.mail_hung_calls > 0
    assert bounded(f), "a job waited longer than its timeouts allow"
    assert (f.duplicates, f.missing) == (0, 0)


def test_hanging_upstreams_are_cut_at_their_timeouts(pg_clean: str, tmp_path: Path) -> None:
    # 2 s, not less: on a busy 2-core machine a healthy loopback fetch can take over a second
    _check_hangs(hangs_run(pg_clean, tmp_path, users=16, hang=4.0, timeout=2.0), 16)


@pytest.mark.slow
def test_hanging_upstreams_at_full_size(pg_clean: str, tmp_path: Path) -> None:
    _check_hangs(hangs_run(pg_clean, tmp_path, users=40, hang=6.0, timeout=2.0), 40)
