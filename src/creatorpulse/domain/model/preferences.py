"""What a creator's votes taught us: source and topic weights, and a small online model of the
post formats they like. Rebuilt from their voted drafts, so it needs no storage of its own and
every change can be explained by the votes that caused it."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence
from typing import Any

import msgspec

from creatorpulse.domain.model.drafts import Draft, DraftStatus

LEARNING_RATE = 0.35
WEIGHT_LIMIT = 3.0
MIN_VOTES_FOR_FORMAT = 3


def _clamp(value: float) -> float:
    return max(-WEIGHT_LIMIT, min(WEIGHT_LIMIT, value))


def _sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, x))))


class Preferences(msgspec.Struct, kw_only=True):
    votes: int = 0
    liked: int = 0
    source_weights: dict[str, float] = msgspec.field(default_factory=dict)
    topic_weights: dict[str, float] = msgspec.field(default_factory=dict)
    format_weights: dict[str, float] = msgspec.field(default_factory=dict)
    bias: float = 0.0

    @classmethod
    def from_drafts(cls, drafts: Iterable[Draft]) -> Preferences:
        """Replay every vote, oldest first (a draft's status is its latest vote)."""
        learned = cls()
        voted = [d for d in drafts if d.status is not DraftStatus.PENDING]
        for draft in sorted(voted, key=lambda d: (d.updated_at, str(d.id))):
            learned.learn(draft.status is DraftStatus.APPROVED, draft.metadata)
        return learned

    def learn(self, liked: bool, metadata: dict[str, Any]) -> None:
        target = 1.0 if liked else -1.0
        self.votes += 1
        self.liked += liked
        source = metadata.get("source_id")
        if isinstance(source, str):
            self.source_weights[source] = _clamp(
                self.source_weights.get(source, 0.0) + LEARNING_RATE * target
            )
        for term in _strings(metadata.get("terms"))[:8]:
            self.topic_weights[term] = _clamp(
                self.topic_weights.get(term, 0.0) + LEARNING_RATE * 0.5 * target
            )
        features = _features(metadata.get("format"))
        if features:  # one step of logistic regression on the draft's format features
            error = (1.0 if liked else 0.0) - self.like_probability(features)
            self.bias += LEARNING_RATE * error
            for name, value in features.items():
                self.format_weights[name] = _clamp(
                    self.format_weights.get(name, 0.0) + LEARNING_RATE * error * value
                )

    def like_probability(self, features: dict[str, float]) -> float:
        z = self.bias + sum(self.format_weights.get(n, 0.0) * v for n, v in features.items())
        return _sigmoid(z)

    def knows_format(self) -> bool:
        return self.votes >= MIN_VOTES_FOR_FORMAT

    def item_affinity(self, source_id: str, terms: Sequence[str]) -> float:
        """How much the creator's votes favour an item from this source on these topics."""
        topical = sum(self.topic_weights.get(t, 0.0) for t in terms[:8]) / max(len(terms[:8]), 1)
        return self.source_weights.get(source_id, 0.0) + topical

    def describe(self) -> list[str]:
        """What was learned, in sentences a creator understands."""
        if not self.votes:
            return ["No votes yet: every 👍 or 👎 teaches us what to write more (or less) of."]
        lines = [
            f"Learned from {self.votes} votes ({self.liked} 👍, {self.votes - self.liked} 👎)."
        ]
        liked = sorted((w, t) for t, w in self.topic_weights.items() if w > 0.2)[-4:]
        if liked:
            lines.append("You like posts about " + ", ".join(t for _, t in reversed(liked)) + ".")
        if self.knows_format():
            strong = sorted(self.format_weights.items(), key=lambda kv: -abs(kv[1]))[:3]
            for name, weight in strong:
                if abs(weight) >= 0.15:
                    lines.append(
                        f"{'More' if weight > 0 else 'Fewer'} {FORMAT_NAMES.get(name, name)}."
                    )
        return lines


FORMAT_NAMES = {
    "short": "short posts",
    "long": "long posts",
    "question_ending": "posts that end with a question",
    "hashtags": "hashtags",
    "emoji": "emoji",
    "list": "list-style posts",
    "one_line_paragraphs": "one-line paragraphs",
}


def _strings(raw: object) -> list[str]:
    return [t for t in raw if isinstance(t, str)] if isinstance(raw, list) else []


def _features(raw: object) -> dict[str, float]:
    if not isinstance(raw, dict):
        return {}
    return {
        k: float(v) for k, v in raw.items() if isinstance(k, str) and isinstance(v, int | float)
    }
