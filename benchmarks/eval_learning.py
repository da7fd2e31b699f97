"""Learning: do a creator's 👍/👎 votes make the next days' drafts more to their liking?

A simulated creator (by default the package's sample voice "maya"; --creator picks another)
follows the four evaluation feeds, which bring fresh items every simulated day. The creator has
a hidden taste, fixed here before looking at any draft and independent of the product's defaults:

    +1 the draft comes from their favourite source (Tom Hazledine)
    +1 it is short (under 600 characters)
    +1 it ends with a question
    -1 it carries hashtags
    👍 when the points add up to 2 or more, else 👎

Every day the product writes drafts (force; quality gate on, as always) and the creator votes on
each one from the dashboard (`record_feedback`). Day 1 is the product before any vote.

    .venv/bin/python -m benchmarks.eval_learning [--days 14 --per-feed 3]

Goal: the 👍 rate of the last three days is at least 30 points above day 1's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from benchmarks.common import Figure, verdict
from benchmarks.eval_voice import FEEDS, START, enrol, load_pool, load_voices, simulation
from creatorpulse.domain.model.drafts import Draft
from creatorpulse.domain.model.formats import SHORT_CHARS
from creatorpulse.domain.model.text import count_hashtags
from creatorpulse.domain.model.voice import ends_with_question
from creatorpulse.entrypoints.demo import sample_voices

NAME = "eval_learning"
GOAL_POINTS = 30.0
FAVOURITE = "Tom Hazledine"
CREATOR = "maya"


def likes(draft: Draft) -> bool:
    """The hidden taste: what the simulated creator would vote, knowing nothing of the model."""
    points = (
        (draft.source_name == FAVOURITE)
        + (len(draft.content) < SHORT_CHARS)
        + ends_with_question(draft.content)
        - (count_hashtags(draft.content) > 0)
    )
    return points >= 2


@dataclass(frozen=True)
class Day:
    drafts: int
    liked: int
    favourite: int
    short: int
    question: int
    hashtags: int

    @property
    def rate(self) -> float:
        return 100.0 * self.liked / self.drafts if self.drafts else 0.0


def voices() -> dict[str, list[str]]:
    """The package's sample voices, then the five evaluation voices."""
    return {n: v.posts for n, v in sample_voices().items()} | load_voices(25, 5)


def simulate(days: int, per_feed: int, creator: str = CREATOR) -> list[Day]:
    pool = load_pool(days * per_feed)
    history = []
    with simulation(pool, per_feed=per_feed) as (app, clock, _):
        user = enrol(app, pool, creator, voices()[creator])
        for day in range(days):
            clock.set(START + timedelta(days=day, hours=1))
            if day:
                app.refresh_sources(user)
            drafts = app.generate_drafts(user, force=True).drafts
            votes = [likes(d) for d in drafts]
            for draft, liked in zip(drafts, votes, strict=True):
                app.record_feedback(draft, "positive" if liked else "negative")
            history.append(
                Day(
                    drafts=len(drafts),
                    liked=sum(votes),
                    favourite=sum(d.source_name == FAVOURITE for d in drafts),
                    short=sum(len(d.content) < SHORT_CHARS for d in drafts),
                    question=sum(ends_with_question(d.content) for d in drafts),
                    hashtags=sum(count_hashtags(d.content) > 0 for d in drafts),
                )
            )
    return history


def gain(history: Sequence[Day]) -> tuple[float, float]:
    """Day 1's 👍 rate and the mean of the last three days' (percent)."""
    return history[0].rate, statistics.fmean(d.rate for d in history[-3:])


def table(history: Sequence[Day]) -> str:
    lines = ["day  drafts  👍   rate   favourite  short  question  hashtags"]
    for n, d in enumerate(history, 1):
        lines.append(
            f"{n:>3}  {d.drafts:>6}  {d.liked:>2}  {d.rate:5.1f}%  {d.favourite:>9}  "
            f"{d.short:>5}  {d.question:>8}  {d.hashtags:>8}"
        )
    return "\n".join(lines)


def run(argv: Sequence[str]) -> list[Figure]:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.eval_learning")
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--per-feed", type=int, default=3, help="fresh items per feed per day")
    parser.add_argument("--creator", default=CREATOR, choices=list(voices()))
    args = parser.parse_args(argv)
    if args.days < 4:
        parser.error("--days must be at least 4 (day 1 and the last three are compared)")

    history = simulate(args.days, args.per_feed, args.creator)
    first, last = gain(history)
    passed = last - first >= GOAL_POINTS
    print(f"creator '{args.creator}', {len(FEEDS)} feeds × {args.per_feed} fresh items a day, "
          f"favourite source: {FAVOURITE}")  # fmt: skip
    print(table(history))
    print(
        f"\n👍 rate day 1: {first:.1f}%  ·  days {args.days - 2}-{args.days}: {last:.1f}%  ·  "
        f"gain {last - first:+.1f} points (goal ≥ +{GOAL_POINTS:.0f})  {verdict(passed)}"
    )
    return [
        Figure(NAME, "👍 rate gain, last 3 days vs day 1", round(last - first, 1), "points",
               f"goal ≥ +{GOAL_POINTS:.0f} (day 1: {first:.0f}%)", None, passed),
    ]  # fmt: skip


def main(argv: Sequence[str] | None = None) -> int:
    figures = run(sys.argv[1:] if argv is None else argv)
    return 0 if all(f.passed is not False for f in figures) else 1


if __name__ == "__main__":
    sys.exit(main())
