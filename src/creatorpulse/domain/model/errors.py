"""One error root with a few meaningful kinds, each with a stable code and a human message."""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from typing import Any, ClassVar, TypeVar

import msgspec

T = TypeVar("T")
E = TypeVar("E", bound=enum.Enum)


class ValidationIssue(msgspec.Struct, frozen=True):
    """One thing wrong with one field: machine-readable code, human message."""

    field: str
    code: str
    message: str


class DomainError(Exception):
    """Root of every error the domain raises on purpose."""

    kind: ClassVar[str] = "domain_error"
    default_code: ClassVar[str] = "domain_error"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.details = details

    def __repr__(self) -> str:
        return f"{type(self).__name__}(code={self.code!r}, message={self.message!r})"


class InvalidInput(DomainError):
    """Input breaks a rule; `issues` names every failing field."""

    kind = "invalid_input"
    default_code = "validation_error"

    def __init__(self, issues: Iterable[ValidationIssue], *, message: str | None = None) -> None:
        self.issues = tuple(issues)
        text = message or "; ".join(f"{i.field}: {i.message}" for i in self.issues)
        super().__init__(text or "invalid input", details=self.issues)

    @classmethod
    def of(cls, field: str, code: str, message: str) -> InvalidInput:
        return cls([ValidationIssue(field, code, message)])

    @property
    def codes(self) -> set[str]:
        return {i.code for i in self.issues}


class NotFound(DomainError):
    kind = "not_found"
    default_code = "not_found"


class Conflict(DomainError):
    kind = "conflict"
    default_code = "conflict"


class InvalidState(DomainError):
    kind = "invalid_state"
    default_code = "invalid_state"


class LimitReached(DomainError):
    kind = "limit_reached"
    default_code = "limit_reached"


class AuthenticationFailed(DomainError):
    kind = "authentication"
    default_code = "authentication_error"


class UpstreamError(DomainError):
    """An outside service (feed, mail, model) failed; `transient` says whether a retry may help."""

    kind = "upstream"
    default_code = "upstream_error"

    def __init__(
        self,
        message: str,
        *,
        code: str | None = None,
        transient: bool = False,
        retry_after: float | None = None,
    ) -> None:
        super().__init__(message, code=code)
        self.transient = transient
        self.retry_after = retry_after


def parse_choice(kind: type[E], raw: object, field: str) -> E:
    """The member of a string enum named by `raw`, or InvalidInput listing the choices."""
    for member in kind:
        if raw == member.value:
            return member
    choices = " or ".join(f"'{m.value}'" for m in kind)
    raise InvalidInput.of(field, "invalid_choice", f"must be {choices}")


def refuse_nul(text: str, field: str) -> None:
    """Stored text never holds U+0000: PostgreSQL cannot, so no store may (same answer in both)."""
    if "\x00" in text:
        raise InvalidInput.of(field, "nul_character", "must not contain the NUL character (U+0000)")


class Issues:
    """Collects the issues of several checks so one error can name every failing field."""

    def __init__(self) -> None:
        self.found: list[ValidationIssue] = []

    def check(self, rule: Callable[..., T], *args: Any, **kwargs: Any) -> T | None:
        try:
            return rule(*args, **kwargs)
        except InvalidInput as error:
            self.found.extend(error.issues)
            return None

    def add(self, field: str, code: str, message: str) -> None:
        self.found.append(ValidationIssue(field, code, message))

    def raise_if_any(self) -> None:
        if self.found:
            raise InvalidInput(self.found)
