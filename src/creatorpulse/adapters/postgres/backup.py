"""Whole-database backups in pg_dump's custom format, and their restore in one transaction."""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path
from typing import Any

import msgspec
import psycopg

from creatorpulse.adapters.postgres.pg_tools import BackupError, pg_tool, run_tool, tool_env

KEY_TABLES = ("users", "sources", "user_style_posts", "generated_drafts")
MAGIC = b"PGDMP"  # the first bytes of every custom-format archive
# Roles live in the cluster, not the database, so no dump carries them: a restore into a new
# server creates them as migration 0002 does, before the grants and policies that name them.
# pgvector is left as it is, never dropped or commented on (an owner who is no superuser may
# do neither): it is created first if missing, as migration 0001 does.
PREPARE = """
DO $$ BEGIN CREATE ROLE creatorpulse_app LOGIN NOINHERIT NOBYPASSRLS;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
DO $$ BEGIN CREATE ROLE creatorpulse_system NOLOGIN NOBYPASSRLS;
EXCEPTION WHEN duplicate_object THEN NULL; END $$;
GRANT creatorpulse_system TO creatorpulse_app;
CREATE EXTENSION IF NOT EXISTS vector;
"""
EXTENSIONS = re.compile(r"^\d+; \d+ \d+ (EXTENSION - |COMMENT - EXTENSION ).*\n", re.MULTILINE)
PUBLIC_TABLES = "SELECT tablename FROM pg_tables WHERE schemaname = 'public'"
LOCK_TIMEOUT = "-c lock_timeout=30s"  # a running service holding a table fails the restore


class Archive(msgspec.Struct, kw_only=True):
    path: Path
    size: int
    tables: int


def backup(owner_url: str, target: Path, *, use_path: bool) -> tuple[Archive, dict[str, int]]:
    """Dump the database to `target` (mode 0600), with the row counts of its key tables taken
    from the very snapshot dumped. `target` appears only once complete."""
    folder = target.parent
    if target.is_dir():
        raise BackupError(f"cannot write {target}: it is a directory; name a file in it")
    if not folder.is_dir():
        raise BackupError(f"cannot write {target}: {folder} is not a directory")
    dsn, env = tool_env(owner_url)
    with psycopg.connect(owner_url) as conn:
        conn.isolation_level, conn.read_only = psycopg.IsolationLevel.REPEATABLE_READ, True
        pg_dump = pg_tool("pg_dump", conn.info.server_version // 10000, use_path=use_path)
        _check_sees_every_row(conn)
        snapshot = str(_scalar(conn, "SELECT pg_export_snapshot()"))
        tables = _public_tables(conn)
        if "users" not in tables:
            raise BackupError(f"database {conn.info.dbname} has no CreatorPulse tables to back up")
        rows = row_counts(conn)
        try:
            fd, staged = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".partial", dir=folder)
        except OSError as error:
            raise BackupError(f"cannot write {target}: {error.strerror}") from None
        os.close(fd)
        try:
            run_tool([pg_dump, "--format=custom", f"--snapshot={snapshot}", f"--file={staged}",
                  f"--dbname={dsn}"], env, "pg_dump")  # fmt: skip
            os.replace(staged, target)
        finally:
            Path(staged).unlink(missing_ok=True)
    return Archive(path=target, size=target.stat().st_size, tables=len(tables)), rows


def check_archive(archive: Path) -> None:
    """Refuse anything but a pg_dump custom-format archive, before any database is touched."""
    try:
        with archive.open("rb") as file:
            head = file.read(len(MAGIC))
    except OSError as error:
        raise BackupError(f"cannot read {archive}: {error.strerror}") from None
    if head != MAGIC:
        raise BackupError(
            f"{archive} is not a pg_dump custom-format archive (make one with "
            "`creatorpulse db backup FILE`)"
        )


def restore(owner_url: str, archive: Path, *, use_path: bool) -> Archive:
    """Replace what the archive holds (`--clean --if-exists`) in one transaction: on any error
    the database is left exactly as it was."""
    check_archive(archive)
    dsn, env = tool_env(owner_url)
    with psycopg.connect(owner_url, autocommit=True) as conn:
        pg_restore = pg_tool("pg_restore", conn.info.server_version // 10000, use_path=use_path)
        _check_sees_every_row(conn)
        listing = run_tool([pg_restore, "--list", str(archive)], env, f"reading {archive}")
        tables = _tables_that_fit(archive, listing, _public_tables(conn))
        conn.execute(PREPARE.encode())
    env["PGOPTIONS"] = f"{env.get('PGOPTIONS', '')} {LOCK_TIMEOUT}".strip()
    with tempfile.NamedTemporaryFile("w", suffix=".list", encoding="utf-8") as toc:
        toc.write(EXTENSIONS.sub("", listing))
        toc.flush()
        options = ["--clean", "--if-exists", "--single-transaction", "--no-owner"]
        run_tool([pg_restore, *options, f"--use-list={toc.name}", f"--dbname={dsn}", str(archive)],
             env, "pg_restore")  # fmt: skip
    return Archive(path=archive, size=archive.stat().st_size, tables=len(tables))


def _tables_that_fit(archive: Path, listing: str, present: set[str]) -> set[str]:
    """The archive's tables, if it is ours and holds every table the database has."""
    tables = set(re.findall(r"^\d+; \d+ \d+ TABLE public (\S+) ", listing, re.MULTILINE))
    if not {"users", "schema_migrations"} <= tables:
        raise BackupError(f"{archive} is not a CreatorPulse backup: it has no users table")
    if newer := sorted(present - tables):
        raise BackupError(
            f"{archive} comes from an older schema: the database has tables it lacks "
            f"({', '.join(newer)}). Restore it into an empty database, then "
            "`creatorpulse db migrate`"
        )
    return tables


def row_counts(conn: psycopg.Connection[tuple[Any, ...]]) -> dict[str, int]:
    return {t: int(_scalar(conn, f"SELECT count(*) FROM {t}")) for t in KEY_TABLES}


def _check_sees_every_row(conn: psycopg.Connection[tuple[Any, ...]]) -> None:
    """Every table forces row-level security, and no policy names the owner: unless it may
    bypass them, it would dump (and count) no rows at all, without an error."""
    query = "SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user"
    if not _scalar(conn, query):
        role = conn.info.user
        raise BackupError(
            f"the role {role} is subject to row-level security and would see no rows; as a "
            f"superuser, run once: ALTER ROLE {role} BYPASSRLS"
        )


def _public_tables(conn: psycopg.Connection[tuple[Any, ...]]) -> set[str]:
    return {str(r[0]) for r in conn.execute(PUBLIC_TABLES.encode())}


def _scalar(conn: psycopg.Connection[tuple[Any, ...]], query: str) -> Any:
    row = conn.execute(query.encode()).fetchone()
    assert row is not None
    return row[0]
