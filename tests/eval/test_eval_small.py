"""Small versions of the two evaluations (benchmarks/eval_voice.py, eval_learning.py), held to
the same goals as the full runs: a few seconds each on the shared real-feeds corpus."""

from __future__ import annotations

import pytest
from benchmarks import eval_learning, eval_voice

pytestmark = pytest.mark.skipif(
    not eval_voice.CORPUS.is_dir(), reason=f"shared corpus missing: {eval_voice.CORPUS}"
)


def test_drafts_are_attributed_to_their_creator() -> None:
    voices = eval_voice.load_voices(posts=15, creators=3)
    pool = eval_voice.load_pool(per_feed=4)

    result = eval_voice.evaluate(voices, pool, drafts=6)

    assert result.drafts >= 3 * 6
    assert result.accuracy >= eval_voice.GOAL, eval_voice.report("local", result, list(voices))


def test_the_classifier_tells_the_voices_apart() -> None:
    voices = eval_voice.load_voices(posts=15, creators=3)

    assert eval_voice.cross_validated(voices) >= 0.9


def test_votes_raise_the_like_rate_by_thirty_points() -> None:
    history = eval_learning.simulate(days=8, per_feed=3)

    first, last = eval_learning.gain(history)
    assert last - first >= eval_learning.GOAL_POINTS, eval_learning.table(history)
