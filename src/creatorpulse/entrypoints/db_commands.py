"""`creatorpulse db …`: operators' access to the database the service uses."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from urllib.parse import quote, urlencode

import psycopg
from psycopg.conninfo import conninfo_to_dict

from creatorpulse.adapters.postgres.backup import backup, check_archive, restore, row_counts
from creatorpulse.adapters.postgres.migrate import migrate
from creatorpulse.entrypoints.database import DatabaseChoice
from creatorpulse.entrypoints.settings import Settings


def as_url(conninfo: str) -> str:
    """A libpq keyword string as a postgresql:// URL that psql and pg_dump accept."""
    params = {k: str(v) for k, v in conninfo_to_dict(conninfo).items()}
    user = quote(params.pop("user", ""), safe="")
    password = params.pop("password", "")
    auth = f"{user}:{quote(password, safe='')}@" if password else (f"{user}@" if user else "")
    host = params.pop("host", "")
    port = params.pop("port", "")
    dbname = quote(params.pop("dbname", ""), safe="")
    if host.startswith("/"):  # a Unix socket directory goes in the query string
        params = {"host": host, **({"port": port} if port else {}), **params}
        return f"postgresql://{auth}/{dbname}" + (f"?{urlencode(params)}" if params else "")
    netloc = host + (f":{port}" if port else "")
    return f"postgresql://{auth}{netloc}/{dbname}" + (f"?{urlencode(params)}" if params else "")


def db_url(settings: Settings) -> str:
    """The owner's URL, migrated; an embedded server is started and left running."""
    choice = DatabaseChoice(settings, keep_running=True)
    url = choice.owner_url()
    asyncio.run(migrate(url, choice.app_password()))
    return as_url(url)


def db_migrate(settings: Settings) -> list[str]:
    choice = DatabaseChoice(settings)
    try:
        return asyncio.run(migrate(choice.owner_url(), choice.app_password()))
    finally:
        choice.release()


def db_stop(settings: Settings) -> str:
    choice = DatabaseChoice(settings)
    if choice.embedded is None:
        return "DATABASE_URL points at an external server; creatorpulse does not stop it"
    if not (choice.embedded.pgdata / "postmaster.pid").exists():
        return f"the embedded database in {choice.embedded.pgdata} is not running"
    choice.embedded.stop()
    return f"stopped the embedded database in {choice.embedded.pgdata}"


def db_backup(settings: Settings, target: Path) -> str:
    started = time.monotonic()
    choice = DatabaseChoice(settings)
    try:
        owner_url = choice.owner_url()
        archive, rows = backup(owner_url, target, use_path=choice.embedded is None)
    finally:
        choice.release()
    return (
        f"backed up database {_name(owner_url)} to {archive.path} ({_size(archive.size)}, "
        f"{archive.tables} tables; {_rows(rows)}) in {time.monotonic() - started:.1f} s"
    )


def db_restore(settings: Settings, archive_path: Path) -> str:
    """Restore an archive over the configured database, then bring its schema up to date."""
    check_archive(archive_path)  # before an embedded server is even started
    started = time.monotonic()
    choice = DatabaseChoice(settings)
    try:
        owner_url = choice.owner_url()
        archive = restore(owner_url, archive_path, use_path=choice.embedded is None)
        applied = asyncio.run(migrate(owner_url, choice.app_password()))
        with psycopg.connect(owner_url) as conn:
            rows = row_counts(conn)
    finally:
        choice.release()
    migrated = f"; then applied {', '.join(applied)}" if applied else ""
    return (
        f"restored {archive.path} ({_size(archive.size)}, {archive.tables} tables) into "
        f"database {_name(owner_url)}: {_rows(rows)}{migrated} in "
        f"{time.monotonic() - started:.1f} s"
    )


def _name(owner_url: str) -> str:
    return str(conninfo_to_dict(owner_url).get("dbname", "?"))


def _rows(rows: dict[str, int]) -> str:
    labels = {"user_style_posts": "style posts", "generated_drafts": "drafts"}
    return ", ".join(f"{labels.get(table, table)} {count}" for table, count in rows.items())


def _size(size: int) -> str:
    if size < 1024:
        return f"{size} bytes"
    kilobytes = size / 1024
    return f"{kilobytes:.1f} kB" if kilobytes < 1024 else f"{kilobytes / 1024:.1f} MB"
