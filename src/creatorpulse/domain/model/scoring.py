"""Engagement score 0.0-10.0 from interpretable features, measured against the creator."""

from __future__ import annotations

import msgspec

from creatorpulse.domain.model.formats import format_features
from creatorpulse.domain.model.preferences import Preferences
from creatorpulse.domain.model.text import count_hashtags
from creatorpulse.domain.model.voice import StyleProfile, ends_with_question, paragraphs

WEIGHTS: dict[str, float] = {
    "hook": 2.0,
    "length_fit": 2.5,
    "structure": 2.0,
    "call_to_action": 2.0,
    "hashtags": 1.5,
}


class EngagementScore(msgspec.Struct, frozen=True):
    score: float
    features: dict[str, float]
    weights: dict[str, float]
    learned: dict[str, float] = msgspec.field(default_factory=dict)


def _hook(first_line: str) -> float:
    short = len(first_line) <= 120
    punchy = first_line.rstrip().endswith(("?", "!", ":")) or any(c.isdigit() for c in first_line)
    return 0.5 * short + 0.5 * punchy


def _length_fit(length: int, profile: StyleProfile) -> float:
    low, high = profile.length_p25, max(profile.length_p75, profile.length_p25 + 1)
    if low <= length <= high:
        return 1.0
    distance = (low - length) if length < low else (length - high)
    return max(0.0, 1.0 - distance / max(profile.median_length, 1))


def _structure(text: str) -> float:
    paras = paragraphs(text)
    if len(paras) < 2:
        return 0.2
    short_share = sum(len(p) <= 280 for p in paras) / len(paras)
    return min(1.0, 0.4 + 0.6 * short_share)


def _hashtags(count: int) -> float:
    return 1.0 if count <= 3 else max(0.0, 1.0 - (count - 3) / 3)


def score_draft(
    text: str, profile: StyleProfile, preferences: Preferences | None = None
) -> EngagementScore:
    """Interpretable features scored 0-10, blended with the creator's learned taste once their
    votes say something (the blend grows with the number of votes, up to half)."""
    base = _base_score(text, profile)
    if preferences is None or not preferences.knows_format():
        return base
    liked = preferences.like_probability(format_features(text))
    share = min(0.5, preferences.votes / 20)
    blended = round(min(10.0, max(0.0, (1 - share) * base.score + share * 10 * liked)), 1)
    learned = {"like_probability": round(liked, 4), "share": share, "base": base.score}
    return EngagementScore(
        score=blended, features=base.features, weights=base.weights, learned=learned
    )


def _base_score(text: str, profile: StyleProfile) -> EngagementScore:
    first_line = text.strip().split("\n", 1)[0]
    features = {
        "hook": round(_hook(first_line), 3),
        "length_fit": round(_length_fit(len(text), profile), 3),
        "structure": round(_structure(text), 3),
        "call_to_action": 1.0 if ends_with_question(text) else 0.0,
        "hashtags": round(_hashtags(count_hashtags(text)), 3),
    }
    total = sum(WEIGHTS[name] * value for name, value in features.items())
    score = round(min(10.0, max(0.0, total * 10.0 / sum(WEIGHTS.values()))), 1)
    return EngagementScore(score=score, features=features, weights=dict(WEIGHTS))
