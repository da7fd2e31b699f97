"""Why a draft says what it says, in sentences a creator reads: from its generation metadata."""

from __future__ import annotations

from typing import Any

from creatorpulse.domain.model.drafts import Draft


def explain(draft: Draft) -> list[str]:
    """The draft's source, why it was chosen, the examples and form it was written with, how its
    score came about and what the creator's votes changed. Silent on what was not recorded."""
    meta = draft.metadata
    lines = [_source(draft, meta)]
    if ranking := meta.get("ranking"):
        lines.append(
            f"Chosen for relevance to your posts {ranking.get('relevance', 0):.2f}, freshness "
            f"{ranking.get('freshness', 0):.2f} and your learned taste for its source and topic "
            f"{ranking.get('affinity', 0):+.2f}."
        )
    lines += [line for line in (_writing(meta), _examples(meta)) if line]
    lines.append(_score(draft, meta.get("score") or {}))
    lines.append(_votes(meta))
    return lines


def _source(draft: Draft, meta: dict[str, Any]) -> str:
    where = draft.source_name or "one of your sources"
    url = meta.get("source_url")
    terms = ", ".join(meta.get("terms", [])[:5])
    return (
        f"Written about an item from {where}" + (f" ({url})" if url else "")
        + (f", on {terms}." if terms else ".")
    )  # fmt: skip


def _writing(meta: dict[str, Any]) -> str | None:
    model, parameters = meta.get("model"), meta.get("parameters") or {}
    if not model:
        return None
    form = parameters.get("form")
    target = parameters.get("target_length")
    return (
        f"Written by {model}" + (f" in the shape your posts take ({form})" if form else "")
        + (f", aiming at your usual {target} characters." if target else ".")
    )  # fmt: skip


def _examples(meta: dict[str, Any]) -> str | None:
    examples = meta.get("style_examples") or []
    liked = meta.get("liked_examples") or []
    if not examples and not liked:
        return None
    parts = []
    if examples:
        sims = [float(e.get("similarity", 0)) for e in examples]
        close = sum(1 for e in examples if e.get("above_floor"))
        parts.append(
            f"{len(examples)} of your posts as examples (similarity {min(sims):.2f}-"
            f"{max(sims):.2f}; {close} above the {meta.get('similarity_floor', 0.7):.2f} floor"
            + ("" if close == len(examples) else ", the nearest filled the rest")
            + ")"
        )
    if liked:
        parts.append(f"{len(liked)} draft{'s' if len(liked) != 1 else ''} you liked")
    return "Guided by " + " and ".join(parts) + "."


def _score(draft: Draft, score: dict[str, Any]) -> str:
    features, weights = score.get("features") or {}, score.get("weights") or {}
    parts = ", ".join(
        f"{name.replace('_', ' ')} {value:.2f}×{weights.get(name, 0):g}"
        for name, value in features.items()
    )
    line = f"Engagement score {draft.engagement_score:.1f} of 10" + (f": {parts}" if parts else "")
    learned = score.get("learned") or {}
    if "like_probability" in learned:
        line += (
            f"; blended {float(learned.get('share', 0)):.0%} with how likely you are to like "
            f"this format ({float(learned['like_probability']):.0%}), from "
            f"{float(learned.get('base', 0)):.1f} before your votes"
        )
    return line + "."


def _votes(meta: dict[str, Any]) -> str:
    votes = int((meta.get("preferences") or {}).get("votes", 0))
    if not votes:
        return "No votes yet when it was written: your 👍 and 👎 will steer the next drafts."
    liked = int((meta.get("preferences") or {}).get("liked", 0))
    return (
        f"Written after {votes} vote{'s' if votes != 1 else ''} of yours ({liked} 👍): they set "
        "the source and topic taste above and the format the score blends in."
    )
