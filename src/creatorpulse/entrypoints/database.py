"""Which PostgreSQL a process uses: DATABASE_URL, or the embedded one in the data directory."""

from __future__ import annotations

import os
import secrets
from pathlib import Path

from creatorpulse.adapters.postgres.database import Database
from creatorpulse.adapters.postgres.embedded import EmbeddedPostgres
from creatorpulse.entrypoints.settings import Settings


def read_or_create_secret(path: Path, nbytes: int = 32) -> str:
    """A secret generated once and kept (mode 0600) for the next start."""
    if path.exists():
        return _wait_for(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    value = secrets.token_urlsafe(nbytes)
    staged = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(8)}")
    fd = os.open(staged, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as file:
        file.write(value)
    try:  # publish atomically; if another process was first, its secret wins
        os.link(staged, path)
    except FileExistsError:
        value = _wait_for(path)
    finally:
        staged.unlink(missing_ok=True)
    return value


def _wait_for(path: Path) -> str:
    value = path.read_text("utf-8").strip()
    if not value:
        raise RuntimeError(f"{path} is empty: delete it to have a new secret generated")
    return value


class DatabaseChoice:
    """Owner URL + app-role password for this process; starts the embedded server if needed."""

    def __init__(self, settings: Settings, *, keep_running: bool = False) -> None:
        self._settings = settings
        self.embedded = (
            None
            if settings.database_url
            else EmbeddedPostgres(settings.data_dir, keep_running=keep_running)
        )

    def owner_url(self) -> str:
        if self.embedded is not None:
            return self.embedded.start()
        assert self._settings.database_url is not None
        return self._settings.database_url

    def app_password(self) -> str | None:
        if self.embedded is not None:
            return None  # the embedded server accepts only local socket connections
        return self._settings.database_app_password or read_or_create_secret(
            self._settings.data_dir / "secrets" / "database-app-password"
        )

    def database(self) -> Database:
        return Database(self.owner_url(), app_password=self.app_password())

    def release(self) -> None:
        if self.embedded is not None:
            self.embedded.release()
