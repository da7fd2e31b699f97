"""Choosing what to write about: relevance to the creator, freshness and learned affinity,
then maximal marginal relevance so no two drafts cover the same story."""

from __future__ import annotations

import math
import operator
from collections.abc import Sequence
from datetime import datetime

import msgspec

from creatorpulse.domain.model.items import SourceItem
from creatorpulse.domain.model.preferences import Preferences

SAME_STORY = 0.9  # cosine above which two items are the same story told twice
MMR_LAMBDA = 0.7
FRESHNESS_HOURS = 12.0


class Candidate(msgspec.Struct, kw_only=True):
    item: SourceItem
    vector: list[float]
    terms: list[str]
    relevance: float = 0.0  # similarity to the creator's own writing and their 👍 drafts


class Ranked(msgspec.Struct, kw_only=True):
    candidate: Candidate
    score: float
    explain: dict[str, float]


def _cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot: float = sum(map(operator.mul, a, b))  # vectors are L2-normalised and of one length
    return dot


def score_candidate(c: Candidate, preferences: Preferences, now: datetime) -> Ranked:
    age_hours = max(0.0, (now - c.item.published_at).total_seconds() / 3600)
    freshness = math.exp(-age_hours / FRESHNESS_HOURS)
    affinity = math.tanh(preferences.item_affinity(str(c.item.source_id), c.terms))
    score = 0.5 * c.relevance + 0.2 * freshness + 0.3 * affinity
    explain = {
        "relevance": round(c.relevance, 4), "freshness": round(freshness, 4),
        "affinity": round(affinity, 4), "score": round(score, 4),
    }  # fmt: skip
    return Ranked(candidate=c, score=score, explain=explain)


def diversify(ranked: Sequence[Ranked], limit: int) -> list[Ranked]:
    """Greedy MMR: each pick trades its score against its likeness to what is already picked."""
    pool = sorted(ranked, key=lambda r: (-r.score, str(r.candidate.item.id)))
    # Each remaining item's likeness to its closest pick so far, kept up to date as picks are
    # made: one cosine per item and pick, where recomputing it per round cost ~5x more.
    closest = [-math.inf] * len(pool)
    chosen: list[Ranked] = []
    hashes: set[str] = set()

    def mmr(at: int) -> float:
        likeness = closest[at] if chosen else 0.0
        return MMR_LAMBDA * pool[at].score - (1 - MMR_LAMBDA) * likeness

    while pool and len(chosen) < limit:
        at = max(range(len(pool)), key=mmr)
        best, likeness = pool.pop(at), closest.pop(at)
        if likeness > SAME_STORY or best.candidate.item.content_hash in hashes:
            continue
        hashes.add(best.candidate.item.content_hash)
        chosen.append(best)
        if len(chosen) == limit:  # no pick follows: nothing to compare with it
            break
        picked = best.candidate.vector
        closest = [
            max(c, _cosine(r.candidate.vector, picked)) for r, c in zip(pool, closest, strict=True)
        ]
    return chosen
