"""Format features of a post (0 or 1 each): what the learning model and the scorer look at."""

from __future__ import annotations

import re

from creatorpulse.domain.model.text import count_hashtags
from creatorpulse.domain.model.voice import emojis, ends_with_question, paragraphs

_LIST_LINE = re.compile(r"(?m)^\s*(?:\d+[.)]|[-•→*])\s+")
SHORT_CHARS = 600
LONG_CHARS = 1300


def format_features(text: str) -> dict[str, float]:
    paras = paragraphs(text)
    one_liners = sum("\n" not in p.strip() and len(p) < 140 for p in paras)
    return {
        "short": float(len(text) < SHORT_CHARS),
        "long": float(len(text) > LONG_CHARS),
        "question_ending": float(ends_with_question(text)),
        "hashtags": float(count_hashtags(text) > 0),
        "emoji": float(bool(emojis(text))),
        "list": float(len(_LIST_LINE.findall(text)) >= 2),
        "one_line_paragraphs": float(bool(paras) and one_liners / len(paras) > 0.6),
    }
