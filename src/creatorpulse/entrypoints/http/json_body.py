"""How a request body becomes JSON: only when it says it is JSON, and never a 500 for bytes a
client controls (invalid UTF-8 and absurd nesting are refused by name, not crashed on)."""

from __future__ import annotations

from typing import Any

from litestar import Request
from litestar.exceptions import HTTPException, ValidationException


def _says_json(media_type: str) -> bool:
    return media_type in ("", "application/json") or media_type.endswith("+json")


def _refused(message: str) -> ValidationException:
    return ValidationException(message, extra=[{"key": "body", "message": message}])


class JsonRequest(Request[Any, Any, Any]):
    async def json(self) -> Any:
        body = await self.body()
        media_type = self.content_type[0].lower()
        if body and not _says_json(media_type):
            raise HTTPException(
                status_code=415, detail=f"send the body as application/json, not {media_type}"
            )
        try:
            return await super().json()
        except UnicodeDecodeError:
            raise _refused("is not valid UTF-8") from None
        except RecursionError:
            raise _refused("is nested too deeply") from None
