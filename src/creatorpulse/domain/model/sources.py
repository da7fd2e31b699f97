"""Sources a creator follows (RSS/Atom feeds, X handles) and their health rules."""

from __future__ import annotations

import enum
import re
from datetime import datetime
from urllib.parse import urlsplit
from uuid import UUID

import msgspec

from creatorpulse.domain.model.errors import (
    InvalidInput,
    Issues,
    LimitReached,
    parse_choice,
    refuse_nul,
)

MAX_SOURCES_PER_USER = 20
FAILURES_BEFORE_DISABLE = 5
NAME_MAX = 100
URL_MAX = 2048
_HANDLE = re.compile(r"^[A-Za-z0-9_]{1,15}$")
_X_HOSTS = {"x.com", "www.x.com", "twitter.com", "www.twitter.com", "mobile.twitter.com"}


class SourceType(enum.StrEnum):
    RSS = "rss"
    TWITTER = "twitter"


class SourceStatus(enum.StrEnum):
    ACTIVE = "active"
    INACTIVE = "inactive"
    ERROR = "error"


def parse_source_type(raw: object, field: str = "type") -> SourceType:
    return parse_choice(SourceType, raw, field)


def validate_name(raw: object, field: str = "name") -> str:
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput.of(field, "required", "a name of 1-100 characters is required")
    refuse_nul(raw, field)
    name = " ".join(raw.split())
    if len(name) > NAME_MAX:
        raise InvalidInput.of(field, "too_long", f"must be at most {NAME_MAX} characters")
    return name


def validate_feed_url(raw: object, field: str = "url") -> str:
    """An absolute http(s) URL with a host, no credentials, at most 2048 characters."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput.of(field, "required", "a URL is required")
    url = raw.strip()
    if len(url) > URL_MAX or any(c.isspace() or ord(c) < 32 for c in url):
        raise InvalidInput.of(field, "invalid_url", "is not a valid URL")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        raise InvalidInput.of(field, "invalid_url", "is not a valid URL") from None
    if parts.scheme.lower() not in ("http", "https"):
        raise InvalidInput.of(field, "invalid_url", "must start with http:// or https://")
    if not parts.hostname:
        raise InvalidInput.of(field, "invalid_url", "must name a host, e.g. example.com")
    if parts.username or parts.password:
        raise InvalidInput.of(field, "invalid_url", "must not contain a user name or password")
    if port == 0:
        raise InvalidInput.of(field, "invalid_url", "has an invalid port")
    return url


def parse_handle(raw: object, field: str = "url") -> str:
    """An X handle from '@name', 'name' or an x.com / twitter.com profile URL."""
    if not isinstance(raw, str) or not raw.strip():
        raise InvalidInput.of(field, "required", "an X handle or profile URL is required")
    text = raw.strip()
    if "://" in text or text.split("/")[0].lower() in _X_HOSTS:
        parts = urlsplit(text if "://" in text else f"https://{text}")
        if (parts.hostname or "").lower() not in _X_HOSTS:
            raise InvalidInput.of(field, "invalid_handle", "must be an x.com or twitter.com URL")
        text = parts.path.strip("/").split("/")[0]
    handle = text.removeprefix("@")
    if not _HANDLE.match(handle):
        raise InvalidInput.of(
            field, "invalid_handle", "an X handle is 1-15 letters, digits or underscores"
        )
    return handle


def source_url(kind: SourceType, raw: object, field: str = "url") -> str:
    if kind is SourceType.TWITTER:
        return f"https://x.com/{parse_handle(raw, field)}"
    return validate_feed_url(raw, field)


def ensure_room_for_source(existing: int) -> None:
    if existing >= MAX_SOURCES_PER_USER:
        raise LimitReached(
            f"you already follow {MAX_SOURCES_PER_USER} sources, the most allowed; "
            "remove one to add another",
            code="too_many_sources",
        )


class Source(msgspec.Struct, kw_only=True):
    id: UUID
    user_id: UUID
    type: SourceType
    url: str
    name: str
    active: bool = True
    last_checked: datetime | None = None
    error_count: int = 0
    last_error: str | None = None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def create(
        cls, *, id: UUID, user_id: UUID, type: object, url: object, name: object, now: datetime
    ) -> Source:
        issues = Issues()
        kind = issues.check(parse_source_type, type)
        clean_url = issues.check(source_url, kind, url) if kind else None
        clean_name = issues.check(validate_name, name)
        issues.raise_if_any()
        assert kind is not None and clean_url is not None and clean_name is not None
        return cls(
            id=id,
            user_id=user_id,
            type=kind,
            url=clean_url,
            name=clean_name,
            created_at=now,
            updated_at=now,
        )

    @property
    def handle(self) -> str:
        return parse_handle(self.url)

    @property
    def status(self) -> SourceStatus:
        if not self.active:
            return SourceStatus.INACTIVE
        return SourceStatus.ERROR if self.error_count else SourceStatus.ACTIVE

    def update(self, *, now: datetime, name: object = None, active: object = None) -> None:
        issues = Issues()
        clean_name = issues.check(validate_name, name) if name is not None else None
        if active is not None and not isinstance(active, bool):
            issues.add("active", "invalid_type", "must be true or false")
        issues.raise_if_any()
        self.name = clean_name or self.name
        if active is True and not self.active:
            self.error_count = 0  # a creator re-enabling a source gives it a fresh start
            self.last_error = None
        if isinstance(active, bool):
            self.active = active
        self.updated_at = now

    def found_feed_at(self, feed_url: str) -> None:
        """The address given was a page that links to its feed: follow the feed itself."""
        if self.type is SourceType.RSS:
            self.url = validate_feed_url(feed_url)

    def record_success(self, now: datetime) -> None:
        self.last_checked = now
        self.error_count = 0
        self.last_error = None
        self.updated_at = now

    def record_failure(self, error: str, now: datetime) -> bool:
        """Count a failed check; True when this failure is the one that disables the source."""
        self.last_checked = now
        self.error_count += 1
        self.last_error = error[:500]
        self.updated_at = now
        if self.active and self.error_count >= FAILURES_BEFORE_DISABLE:
            self.active = False
            return True
        return False
