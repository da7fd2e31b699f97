"""The only place that reads the environment. Every variable is optional; bad values fail loudly."""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

import msgspec

from creatorpulse.adapters.mail.smtp import SmtpUrlError, parse_smtp_url


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


def _optional_url(env: Mapping[str, str], name: str, default: str) -> str:
    return _url(env, name, default) if env.get(name) else default


def _bool(env: Mapping[str, str], name: str) -> bool:
    raw = (env.get(name) or "false").strip().lower()
    if raw in {"1", "true", "yes", "on"}:
        return True
    if raw in {"0", "false", "no", "off", ""}:
        return False
    raise SettingsError(f"{name} must be true or false, not {env.get(name)!r}")


def _number(env: Mapping[str, str], name: str, default: float, low: float, high: float) -> float:
    raw = env.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = float(raw)
    except ValueError:
        value = float("nan")
    if not low <= value <= high:
        raise SettingsError(f"{name} must be a number from {low:g} to {high:g}, not {raw!r}")
    return value


def _origins(env: Mapping[str, str]) -> list[str]:
    raw = env.get("CREATORPULSE_CORS_ORIGINS") or ""
    origins = [o.strip().rstrip("/") for o in raw.split(",") if o.strip()]
    for origin in origins:
        parts = urlsplit(origin)
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.path:
            raise SettingsError(
                "CREATORPULSE_CORS_ORIGINS must be comma-separated origins such as "
                f"https://app.example.com, not {origin!r}"
            )
    return origins


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


def _nats_url(env: Mapping[str, str]) -> str | None:
    raw = (env.get("NATS_URL") or "").strip()
    if not raw:
        return None
    for server in raw.split(","):
        parts = urlsplit(server.strip())
        if parts.scheme not in ("nats", "tls", "ws", "wss") or not parts.hostname:
            raise SettingsError(
                f"NATS_URL must be a NATS server URL such as nats://127.0.0.1:4222, not {server!r}"
            )
        try:
            parts.port  # noqa: B018 - raises on a port that is not a number
        except ValueError:
            raise SettingsError(f"NATS_URL has an invalid port: {server!r}") from None
    return raw


def _smtp_url(env: Mapping[str, str]) -> str | None:
    raw = env.get("SMTP_URL") or None
    if raw is not None:
        try:
            parse_smtp_url(raw)
        except SmtpUrlError as error:  # its message never shows the password
            raise SettingsError(f"SMTP_URL: {error}") from None
    return raw


def _secret(env: Mapping[str, str], name: str, minimum: int = 0) -> str | None:
    value = env.get(name) or None
    if value is not None and len(value.encode()) < minimum:
        raise SettingsError(f"{name} must be at least {minimum} bytes long")
    return value


class Settings(msgspec.Struct, frozen=True, kw_only=True):
    data_dir: Path
    outbox_dir: Path
    base_url: str = "http://127.0.0.1:8000"
    mail_from: str = "CreatorPulse <drafts@creatorpulse.local>"
    similarity_floor: float = 0.7
    storage: str = "postgres"
    database_url: str | None = None
    database_app_password: str | None = None
    nats_url: str | None = None
    allow_private_networks: bool = False
    cors_origins: list[str] = msgspec.field(default_factory=list)
    rate_limit_factor: float = 1.0
    # Count rate limits and failed sign-ins in the database, shared by every API process
    # (set by `creatorpulse api` beside NATS workers, where several may run; not from the env).
    shared_limits: bool = False
    jwt_secret: str | None = None
    metrics_token: str | None = None
    gemini_api_key: str | None = None
    gemini_base_url: str | None = None
    gemini_embedding_model: str = "gemini-embedding-001"
    gemini_model: str = "gemini-2.5-flash"
    sendgrid_api_key: str | None = None
    sendgrid_base_url: str = "https://api.sendgrid.com"
    sendgrid_webhook_public_key: str | None = None
    smtp_url: str | None = None
    twitter_bearer_token: str | None = None
    twitter_base_url: str = "https://api.x.com"

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env
        data_dir = Path(env.get("CREATORPULSE_DATA_DIR") or default_data_dir(env)).expanduser()
        outbox = Path(env.get("CREATORPULSE_OUTBOX_DIR") or data_dir / "outbox").expanduser()
        storage = (env.get("CREATORPULSE_STORAGE") or "postgres").strip().lower()
        if storage not in ("postgres", "memory"):
            raise SettingsError(f"CREATORPULSE_STORAGE must be postgres or memory, not {storage!r}")
        return cls(
            data_dir=data_dir,
            outbox_dir=outbox,
            base_url=_url(env, "CREATORPULSE_BASE_URL", "http://127.0.0.1:8000"),
            mail_from=env.get("MAIL_FROM") or "CreatorPulse <drafts@creatorpulse.local>",
            similarity_floor=_number(env, "CREATORPULSE_SIMILARITY_FLOOR", 0.7, 0.0, 1.0),
            storage=storage,
            database_url=_database_url(env),
            database_app_password=env.get("DATABASE_APP_PASSWORD") or None,
            nats_url=_nats_url(env),
            allow_private_networks=_bool(env, "CREATORPULSE_ALLOW_PRIVATE_NETWORKS"),
            cors_origins=_origins(env),
            rate_limit_factor=_number(env, "CREATORPULSE_RATE_LIMIT_FACTOR", 1.0, 0.0, 1000.0),
            jwt_secret=_secret(env, "JWT_SECRET", 32),
            metrics_token=_secret(env, "CREATORPULSE_METRICS_TOKEN", 16),
            gemini_api_key=env.get("GEMINI_API_KEY") or None,
            gemini_base_url=_optional_url(env, "GEMINI_BASE_URL", "") or None,
            gemini_embedding_model=env.get("GEMINI_EMBEDDING_MODEL") or "gemini-embedding-001",
            gemini_model=env.get("GEMINI_MODEL") or "gemini-2.5-flash",
            sendgrid_api_key=env.get("SENDGRID_API_KEY") or None,
            sendgrid_base_url=_optional_url(env, "SENDGRID_BASE_URL", "https://api.sendgrid.com"),
            sendgrid_webhook_public_key=env.get("SENDGRID_WEBHOOK_PUBLIC_KEY") or None,
            smtp_url=_smtp_url(env),
            twitter_bearer_token=env.get("TWITTER_BEARER_TOKEN") or None,
            twitter_base_url=_optional_url(env, "TWITTER_BASE_URL", "https://api.x.com"),
        )

    def __repr__(self) -> str:  # never print secrets
        return f"Settings(data_dir={self.data_dir!s}, base_url={self.base_url})"
