"""The only place that reads the environment. Every variable is optional; bad values fail loudly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import msgspec


class SettingsError(ValueError):
    """An environment variable holds a value we cannot use; the message names it."""


def default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(base) / "creatorpulse"


def _url(env: Mapping[str, str], name: str, default: str) -> str:
    raw = (env.get(name) or default).strip()
    parts = urlsplit(raw)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise SettingsError(f"{name} must be an http(s) URL such as {default}, not {raw!r}")
    return raw.rstrip("/")


def _database_url(env: Mapping[str, str]) -> str | None:
    raw = (env.get("DATABASE_URL") or "").strip()
    if not raw:
        return None
    if not raw.startswith(("postgresql://", "postgres://")) and "=" not in raw:
        raise SettingsError(
            "DATABASE_URL must be a PostgreSQL URL such as "
            "postgresql://owner:secret@db.example.com:5432/creatorpulse"
        )
    return raw


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    data_dir: Path
    outbox_dir: Path
    base_url: str = "http://127.0.0.1:8000"
    mail_from: str = "CreatorPulse <drafts@creatorpulse.local>"
    similarity_floor: float = 0.7
    database_url: str | None = None
    database_app_password: str | None = None

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("CREATORPULSE_DATA_DIR") or default_data_dir(env)).expanduser()
        outbox = Path(env.get("CREATORPULSE_OUTBOX_DIR") or data_dir / "outbox").expanduser()
        floor_raw = env.get("CREATORPULSE_SIMILARITY_FLOOR", "0.7")
        try:
            floor = float(floor_raw)
        except ValueError:
            floor = -1.0
        if not 0.0 <= floor <= 1.0:
            raise SettingsError(
                f"CREATORPULSE_SIMILARITY_FLOOR must be a number from 0 to 1, not {floor_raw!r}"
            )
        return cls(
            data_dir=data_dir,
            outbox_dir=outbox,
            base_url=_url(env, "CREATORPULSE_BASE_URL", "http://127.0.0.1:8000"),
            mail_from=env.get("MAIL_FROM") or "CreatorPulse <drafts@creatorpulse.local>",
            similarity_floor=floor,
            database_url=_database_url(env),
            database_app_password=env.get("DATABASE_APP_PASSWORD") or None,
        )
