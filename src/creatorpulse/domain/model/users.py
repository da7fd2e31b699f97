"""The creator's account, their delivery preferences, and the rules for changing them."""

from __future__ import annotations

import enum
from datetime import datetime, time
from uuid import UUID

import msgspec

from creatorpulse.domain.model.email_address import normalise_email
from creatorpulse.domain.model.errors import InvalidInput, Issues
from creatorpulse.domain.model.schedule import (
    DEFAULT_DELIVERY,
    DEFAULT_TIMEZONE,
    parse_delivery_time,
    validate_timezone,
)

PASSWORD_MIN = 8
PASSWORD_MAX = 128


class MailPause(enum.StrEnum):
    """Why mail to a user stopped; any value means no daily email until cleared."""

    BOUNCED = "bounced"
    SPAM_REPORT = "spam_report"
    DROPPED = "dropped"
    UNSUBSCRIBED = "unsubscribed"


def check_password(raw: object, field: str = "password") -> str:
    if not isinstance(raw, str):
        raise InvalidInput.of(field, "required", "a password is required")
    if len(raw) < PASSWORD_MIN:
        raise InvalidInput.of(field, "too_short", f"must be at least {PASSWORD_MIN} characters")
    if len(raw) > PASSWORD_MAX:
        raise InvalidInput.of(field, "too_long", f"must be at most {PASSWORD_MAX} characters")
    return raw


class User(msgspec.Struct, kw_only=True):
    id: UUID
    email: str
    password_hash: str
    timezone: str = DEFAULT_TIMEZONE
    delivery_time: time = DEFAULT_DELIVERY
    active: bool = True
    email_verified: bool = False
    email_notifications: bool = True
    mail_paused: MailPause | None = None
    # Sessions issued before this instant ended with the password change.
    password_changed_at: datetime | None = None
    created_at: datetime
    updated_at: datetime

    @classmethod
    def register(
        cls,
        *,
        id: UUID,
        email: object,
        password_hash: str,
        timezone: object,
        delivery_time: object,
        now: datetime,
    ) -> User:
        """A new, unverified account; raises InvalidInput naming every bad field."""
        issues = Issues()
        clean_email = issues.check(normalise_email, email)
        zone = issues.check(validate_timezone, DEFAULT_TIMEZONE if timezone is None else timezone)
        at = issues.check(
            parse_delivery_time, DEFAULT_DELIVERY if delivery_time is None else delivery_time
        )
        issues.raise_if_any()
        assert clean_email is not None and zone is not None and at is not None
        return cls(
            id=id,
            email=clean_email,
            password_hash=password_hash,
            timezone=zone,
            delivery_time=at,
            created_at=now,
            updated_at=now,
        )

    @property
    def can_sign_in(self) -> bool:
        return self.active and self.email_verified

    @property
    def receives_daily_email(self) -> bool:
        return self.can_sign_in and self.email_notifications and self.mail_paused is None

    def verify_email(self, now: datetime) -> None:
        self.email_verified = True
        self.updated_at = now

    def change_settings(
        self,
        *,
        now: datetime,
        timezone: object = None,
        delivery_time: object = None,
        email_notifications: object = None,
    ) -> None:
        """Apply the given settings (None = unchanged), all or nothing."""
        issues = Issues()
        zone = issues.check(validate_timezone, timezone) if timezone is not None else None
        at = issues.check(parse_delivery_time, delivery_time) if delivery_time is not None else None
        if email_notifications is not None and not isinstance(email_notifications, bool):
            issues.add("email_notifications", "invalid_type", "must be true or false")
        issues.raise_if_any()
        self.timezone = zone or self.timezone
        self.delivery_time = at or self.delivery_time
        if isinstance(email_notifications, bool):
            self.email_notifications = email_notifications
            if email_notifications and self.mail_paused is MailPause.UNSUBSCRIBED:
                self.mail_paused = None
        self.updated_at = now

    def pause_mail(self, reason: MailPause, now: datetime) -> None:
        self.mail_paused = reason
        if reason is MailPause.UNSUBSCRIBED:
            self.email_notifications = False
        self.updated_at = now

    def change_password_hash(self, password_hash: str, now: datetime) -> None:
        self.password_hash = password_hash
        self.password_changed_at = self.updated_at = now

    def session_outlived(self, issued_at: datetime) -> bool:
        """A session issued before the password last changed (to the second: a token's iat
        has no finer grain) belongs to the old password and no longer counts."""
        changed = self.password_changed_at
        return changed is not None and issued_at < changed.replace(microsecond=0)
