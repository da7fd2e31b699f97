"""CreatorPulse: daily LinkedIn drafts in a creator's own voice.

Embedding the whole service is one import::

    from creatorpulse import CreatorPulse
    app = CreatorPulse.in_memory()
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from creatorpulse.entrypoints.facade import CreatorPulse

__all__ = ["CreatorPulse"]


def __getattr__(name: str) -> Any:
    # Lazy so that importing the domain never drags in the adapters.
    if name == "CreatorPulse":
        from creatorpulse.entrypoints.facade import CreatorPulse  # noqa: PLC0415

        return CreatorPulse
    raise AttributeError(name)
