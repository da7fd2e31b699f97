"""The contract's success envelope: {"success": true, "data": …}; a `message` (and for
generation `drafts_generated`) inside `data` is repeated at the top level for the front end."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

import msgspec
from litestar import Response

T = TypeVar("T")


class Envelope(msgspec.Struct, Generic[T]):
    success: bool
    data: T
    message: str | msgspec.UnsetType = msgspec.UNSET
    drafts_generated: int | msgspec.UnsetType = msgspec.UNSET


def ok(
    data: T, status_code: int = 200, headers: dict[str, str] | None = None
) -> Response[Envelope[T]]:
    extra: dict[str, Any] = {}
    for key in ("message", "drafts_generated"):
        value = getattr(data, key, msgspec.UNSET)
        if value is not msgspec.UNSET:
            extra[key] = value
    return Response(
        Envelope(success=True, data=data, **extra), status_code=status_code, headers=headers
    )
