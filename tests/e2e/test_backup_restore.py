"""`creatorpulse db backup FILE` and `db restore FILE` through the real command."""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from uuid import uuid4

import psycopg
import pytest
from psycopg import sql
from psycopg.conninfo import make_conninfo

from creatorpulse import CreatorPulse
from creatorpulse.adapters.postgres.embedded import EmbeddedPostgres, as_role
from creatorpulse.entrypoints.cli import main
from creatorpulse.entrypoints.demo import sample_feeds, sample_voices

PASSWORD = "a-long-enough-password"


@pytest.fixture
def database(pg_owner_url: str) -> Iterator[str]:
    """A database of its own on the session's server: a restore recreates every table."""
    name = f"backup_{uuid4().hex[:12]}"
    with psycopg.connect(pg_owner_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
    yield make_conninfo(pg_owner_url, dbname=name)
    with psycopg.connect(pg_owner_url, autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE {} WITH (FORCE)").format(sql.Identifier(name)))


@pytest.fixture
def env(database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    monkeypatch.setenv("DATABASE_URL", database)
    monkeypatch.setenv("CREATORPULSE_DATA_DIR", str(tmp_path / "data"))
    return database


def _open(tmp_path: Path) -> CreatorPulse:
    _, feeds = sample_feeds()
    return CreatorPulse.embedded(outbox_dir=tmp_path / "outbox", feeds=feeds)


def _creator(app: CreatorPulse, voice: str = "maya") -> Any:
    index, _ = sample_feeds()
    sample = sample_voices()[voice]
    user = app.verify_email(app.register(sample.email, PASSWORD).verification_token)
    for feed in index:
        app.add_source(user, "rss", feed.url, feed.name)
    app.add_style_posts(user, sample.posts)
    return user


def _everything(url: str) -> dict[str, list[tuple[Any, ...]]]:
    """Every row of every table, as the owner (no row-level security)."""
    with psycopg.connect(url) as conn:
        tables = [r[0] for r in conn.execute(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public' ORDER BY 1"
        )]  # fmt: skip
        return {
            t: conn.execute(
                sql.SQL("SELECT * FROM {} ORDER BY 1").format(sql.Identifier(t))
            ).fetchall()
            for t in tables
        }


def _db(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["db", *argv])
    out, err = capsys.readouterr()
    return code, out, err


def test_round_trip_brings_back_every_row_readable_by_the_app(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _open(tmp_path) as app:
        user = _creator(app)
        day = app.run_daily(user, force=True)
        assert day.generation is not None and day.generation.drafts
        drafts = [d.id for d in app.drafts(user)]
    before = _everything(env)
    archive = tmp_path / "creatorpulse.dump"

    code, out, err = _db(capsys, "backup", str(archive))

    assert code == 0, err
    assert f"to {archive}" in out and "17 tables" in out
    posts = len(before["user_style_posts"])
    assert f"users 1, sources {len(before['sources'])}, style posts {posts}" in out
    assert f"drafts {len(drafts)}" in out
    assert stat.S_IMODE(archive.stat().st_mode) == 0o600, "a backup holds password hashes"
    assert [p.name for p in tmp_path.iterdir() if ".partial" in p.name] == []

    with _open(tmp_path) as app:  # the day after: the account is gone, someone else joined
        app.delete_account(user)
        _creator(app, "tom")
    assert _everything(env) != before

    code, out, err = _db(capsys, "restore", str(archive))

    assert code == 0, err
    assert f"restored {archive}" in out and f"drafts {len(drafts)}" in out
    assert _everything(env) == before
    with _open(tmp_path) as app:  # the service's own role, under row-level security
        assert app.sign_in(user.email, PASSWORD).id == user.id
        assert [d.id for d in app.drafts(user)] == drafts
    with psycopg.connect(as_role(env, "creatorpulse_app"), autocommit=True) as conn:
        assert conn.execute("SELECT count(*) FROM generated_drafts").fetchone() == (0,)
        with conn.transaction():
            conn.execute("SELECT set_config('app.user_id', %s, true)", (str(user.id),))
            seen = conn.execute("SELECT count(*) FROM generated_drafts").fetchone()
        assert seen == (len(drafts),)
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            conn.execute("SELECT count(*) FROM job_claims")  # system role's table only


def test_a_restore_that_fails_half_way_changes_nothing(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with _open(tmp_path) as app:
        _creator(app)
    archive = tmp_path / "good.dump"
    assert _db(capsys, "backup", str(archive))[0] == 0
    with _open(tmp_path) as app:
        _creator(app, "tom")
    before = _everything(env)
    cut = tmp_path / "cut.dump"  # the table of contents reads; the data ends early
    cut.write_bytes(archive.read_bytes()[: archive.stat().st_size - 200])

    code, out, err = _db(capsys, "restore", str(cut))

    assert code == 1 and out == ""
    assert "pg_restore failed" in err, err
    assert _everything(env) == before


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("missing.dump", None, "cannot read"),
        ("notes.txt", b"not an archive at all", "not a pg_dump custom-format archive"),
        ("fake.dump", b"PGDMP but then garbage", "failed"),
    ],
)
def test_a_file_that_is_no_backup_is_refused_and_changes_nothing(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    name: str, content: bytes | None, says: str,
) -> None:  # fmt: skip
    with _open(tmp_path) as app:
        _creator(app)
    before = _everything(env)
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)

    code, out, err = _db(capsys, "restore", str(path))

    assert code == 1 and out == ""
    assert str(path) in err and says in err, err
    assert _everything(env) == before


def test_a_backup_that_cannot_be_written_leaves_no_file(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a-file").write_text("x")
    target = tmp_path / "a-file" / "backup.dump"

    code, _, err = _db(capsys, "backup", str(target))

    assert code == 1 and "is not a directory" in err, err
    code, _, err = _db(capsys, "backup", str(tmp_path))
    assert code == 1 and "is a directory" in err, err


FAKE_PG_DUMP = """#!/bin/sh
# A pg_dump newer than any server, which records what it was given and dies half-way.
if [ "$1" = "--version" ]; then echo "pg_dump (PostgreSQL) 99.0"; exit 0; fi
printf '%s\\n' "$@" > "$RECORD.argv"
printf '%s' "$PGPASSWORD" > "$RECORD.password"
for arg in "$@"; do case "$arg" in --file=*) printf 'PGDMP half' > "${arg#--file=}";; esac; done
echo "pg_dump: error: connection lost" >&2
exit 1
"""


def test_a_failed_dump_keeps_the_old_backup_and_the_password_off_the_command_line(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    tools = tmp_path / "bin"
    tools.mkdir()
    (tools / "pg_dump").write_text(FAKE_PG_DUMP)
    (tools / "pg_dump").chmod(0o755)
    monkeypatch.setenv("PATH", f"{tools}{os.pathsep}{os.environ['PATH']}")
    monkeypatch.setenv("RECORD", str(tmp_path / "record"))
    # The session's server trusts local sockets, so the password is only carried, never checked.
    monkeypatch.setenv("DATABASE_URL", f"{env} password=s3cret-owner-password")
    target = tmp_path / "nightly.dump"
    target.write_bytes(b"PGDMP yesterday's backup")
    assert _db(capsys, "migrate")[0] == 0

    code, out, err = _db(capsys, "backup", str(target))

    assert code == 1 and "connection lost" in err, err
    assert target.read_bytes() == b"PGDMP yesterday's backup"
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        "bin", "data", "nightly.dump", "record.argv", "record.password"
    ]  # fmt: skip
    assert "s3cret" not in (tmp_path / "record.argv").read_text()
    assert (tmp_path / "record.password").read_text() == "s3cret-owner-password"
    assert "s3cret" not in out + err


def test_an_owner_under_row_level_security_is_told_why_not(
    env: str, pg_owner_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:  # fmt: skip
    """Every table forces row-level security: an owner that may not bypass it would dump
    and count no rows at all, silently."""
    assert _db(capsys, "migrate")[0] == 0
    archive = tmp_path / "good.dump"
    assert _db(capsys, "backup", str(archive))[0] == 0
    role = f"owner_{uuid4().hex[:8]}"
    with psycopg.connect(pg_owner_url, autocommit=True) as conn:
        conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(role)))
    try:
        monkeypatch.setenv("DATABASE_URL", make_conninfo(env, user=role))
        for action in ("backup", "restore"):
            code, out, err = _db(capsys, action, str(archive))
            assert code == 1 and out == ""
            assert f"the role {role} is subject to row-level security" in err, err
            assert f"ALTER ROLE {role} BYPASSRLS" in err
    finally:
        with psycopg.connect(pg_owner_url, autocommit=True) as conn:
            conn.execute(sql.SQL("DROP ROLE {}").format(sql.Identifier(role)))


@pytest.mark.slow
def test_round_trip_on_a_server_set_up_as_the_readme_says(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """An owner that is no superuser (CREATEROLE BYPASSRLS), pgvector created for it: the
    restore must neither drop nor comment on the extension it does not own."""
    server = EmbeddedPostgres(tmp_path / "server")
    admin = server.start()
    try:
        with psycopg.connect(make_conninfo(admin, dbname="postgres"), autocommit=True) as conn:
            conn.execute("CREATE ROLE cp_owner LOGIN PASSWORD 'owner-pw' CREATEROLE BYPASSRLS")
            conn.execute("CREATE DATABASE hosted OWNER cp_owner")
        with psycopg.connect(make_conninfo(admin, dbname="hosted"), autocommit=True) as conn:
            conn.execute("CREATE EXTENSION vector")
        owner = make_conninfo(admin, dbname="hosted", user="cp_owner", password="owner-pw")
        monkeypatch.setenv("DATABASE_URL", owner)
        monkeypatch.setenv("CREATORPULSE_DATA_DIR", str(tmp_path / "data"))
        with _open(tmp_path) as app:
            user = _creator(app)
            app.run_daily(user, force=True)
            drafts = [d.id for d in app.drafts(user)]
        before = _everything(owner)
        archive = tmp_path / "hosted.dump"
        assert _db(capsys, "backup", str(archive))[0] == 0
        with _open(tmp_path) as app:
            app.delete_account(user)

        code, out, err = _db(capsys, "restore", str(archive))

        assert code == 0, err
        assert f"drafts {len(drafts)}" in out
        assert _everything(owner) == before
        with _open(tmp_path) as app:
            assert [d.id for d in app.drafts(user)] == drafts
    finally:
        server.release()


@pytest.mark.slow
def test_restore_into_a_new_embedded_server(
    env: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The machine is lost: a new data directory, a server without our roles, one backup."""
    with _open(tmp_path) as app:
        user = _creator(app)
        app.run_daily(user, force=True)
        drafts = [d.id for d in app.drafts(user)]
    archive = tmp_path / "creatorpulse.dump"
    assert _db(capsys, "backup", str(archive))[0] == 0
    fresh = tmp_path / "new-machine"
    monkeypatch.delenv("DATABASE_URL")
    monkeypatch.setenv("CREATORPULSE_DATA_DIR", str(fresh))

    code, out, err = _db(capsys, "restore", str(archive))

    assert code == 0, err
    assert f"drafts {len(drafts)}" in out
    with CreatorPulse.embedded(data_dir=fresh) as app:
        assert app.sign_in(user.email, PASSWORD).id == user.id
        assert [d.id for d in app.drafts(user)] == drafts
