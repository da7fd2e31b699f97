from __future__ import annotations

from typing import Protocol
from uuid import UUID


class IdGenerator(Protocol):
    def new_id(self) -> UUID: ...


class TokenGenerator(Protocol):
    def new_token(self) -> str:
        """An unguessable URL-safe token of at least 256 bits."""
