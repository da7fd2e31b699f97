"""`creatorpulse db …`: operators' access to the database the service uses."""

from __future__ import annotations

import asyncio
from urllib.parse import quote, urlencode

from psycopg.conninfo import conninfo_to_dict

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
