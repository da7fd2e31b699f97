"""A creator's signature moves, read from their own posts: how they open, how they close, and
the short lines they keep coming back to. Each is a few words (under the 8-word copy limit)."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

_LABEL = re.compile(r"^([^\W\d_][\w' ]{0,30}?:)\s")  # "Unpopular opinion:", "Takeaway:"
_MAX_WORDS = 6


@dataclass(frozen=True)
class Signatures:
    openers: Sequence[str]  # labels a first line starts with, e.g. "Hot take:"
    closers: Sequence[str]  # labels or whole short lines a last paragraph starts with
    lines: Sequence[str]  # short lines repeated across posts, e.g. "Let that sink in."


def _recurring(found: Counter[str], minimum: int = 2) -> list[str]:
    return [text for text, n in found.most_common(4) if n >= minimum]


def _short(line: str) -> bool:
    return 0 < len(line.split()) <= _MAX_WORDS


def read_signatures(posts: Sequence[str]) -> Signatures:
    openers: Counter[str] = Counter()
    closers: Counter[str] = Counter()
    lines: Counter[str] = Counter()
    for post in posts:
        rows = [r.strip() for r in post.strip().splitlines() if r.strip()]
        if not rows:
            continue
        if label := _LABEL.match(rows[0] + " "):
            openers[label.group(1)] += 1
        last = rows[-1]
        label = _LABEL.match(last + " ")
        if label:
            closers[label.group(1)] += 1
        elif _short(last) and "#" not in last and "http" not in last:
            closers[last] += 1
        for row in set(rows[1:-1]):
            if _short(row) and "#" not in row and not row[:1].isdigit():
                lines[row] += 1
    return Signatures(_recurring(openers), _recurring(closers), _recurring(lines))
