"""The contract's success envelope: {"success": true, "data": …}; a `message` (and for
generation `drafts_generated`) inside `data` is repeated at the top level for the front end."""

from __future__ import annotations

import functools
from typing import Any, Generic, TypeVar

import msgspec
from litestar import Response

T = TypeVar("T")


class Envelope(msgspec.Struct, Generic[T]):
    success: bool
    data: T
    message: str | msgspec.UnsetType = msgspec.UNSET
    drafts_generated: int | msgspec.UnsetType = msgspec.UNSET


@functools.cache
def _repeated(kind: type) -> tuple[str, ...]:
    """Which of the fields repeated at the top level a type of `data` has (most have none: a
    missing attribute costs an exception caught inside getattr, on every answer)."""
    fields = getattr(kind, "__struct_fields__", ())
    return tuple(key for key in ("message", "drafts_generated") if key in fields)


def ok(
    data: T, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response[Envelope[T]]:
    extra: dict[str, Any] = {}
    kind: type = type(data)
    for key in _repeated(kind):
        value = getattr(data, key)
        if value is not msgspec.UNSET:
            extra[key] = value
    return Response(
        Envelope(success=True, data=data, **extra), status_code=status_code, headers=headers
    )
