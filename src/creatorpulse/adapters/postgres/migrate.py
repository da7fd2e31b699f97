"""Ordered SQL migrations, applied once each, safe from two processes at once."""

from __future__ import annotations

from importlib import resources

import psycopg
from psycopg import sql

# pg_advisory_lock key: any constant unique to this application.
_LOCK = 0x43_50_4D_49_47  # "CPMIG"
APP_ROLE = "creatorpulse_app"


def migration_files() -> list[tuple[str, str]]:
    folder = resources.files("creatorpulse.adapters.postgres.migrations")
    names = sorted(p.name for p in folder.iterdir() if p.name.endswith(".sql"))
    return [(name.removesuffix(".sql"), (folder / name).read_text("utf-8")) for name in names]


async def migrate(owner_url: str, app_password: str | None = None) -> list[str]:
    """Apply pending migrations as the owner; returns the versions applied now."""
    applied_now: list[str] = []
    async with await psycopg.AsyncConnection.connect(owner_url, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(%s)", (_LOCK,))
        try:
            await conn.execute(
                "CREATE TABLE IF NOT EXISTS schema_migrations ("
                " version text PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())"
            )
            done = {row[0] for row in await (await conn.execute(
                "SELECT version FROM schema_migrations"
            )).fetchall()}  # fmt: skip
            for version, script in migration_files():
                if version in done:
                    continue
                async with conn.transaction():
                    await conn.execute(script.encode())
                    await conn.execute(
                        "INSERT INTO schema_migrations (version) VALUES (%s)", (version,)
                    )
                applied_now.append(version)
            if app_password:
                await conn.execute(
                    sql.SQL("ALTER ROLE {} PASSWORD {}").format(
                        sql.Identifier(APP_ROLE), sql.Literal(app_password)
                    )
                )
        finally:
            await conn.execute("SELECT pg_advisory_unlock(%s)", (_LOCK,))
    return applied_now
