from __future__ import annotations

from typing import Protocol


class LanguageDetector(Protocol):
    def detect(self, text: str) -> str | None:
        """ISO 639-1 code of the text's language, or None when it cannot tell."""
