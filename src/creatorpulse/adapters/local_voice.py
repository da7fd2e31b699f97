"""What the local writer follows: the creator's measured habits and shape, steered by votes."""

from __future__ import annotations

import statistics
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from creatorpulse.adapters import local_composer_phrases as bank
from creatorpulse.adapters import local_reading as reading
from creatorpulse.adapters.local_forms import Form, form_of
from creatorpulse.domain.model.formats import SHORT_CHARS
from creatorpulse.domain.model.voice import StyleProfile

STEER = 0.5  # a learned format weight this strong overrides the creator's measured habit


@dataclass(frozen=True)
class Voice:
    target: int
    max_chars: int
    one_liners: bool
    energetic: bool
    long_sentences: bool
    sentence_words: int
    question: bool
    first_person: bool
    emoji_rate: float
    emojis: Sequence[str]
    hashtags: int
    tags: Sequence[str]
    favourites: Sequence[str]
    form: Form

    @classmethod
    def of(
        cls,
        profile: StyleProfile,
        liked: Sequence[str],
        max_chars: int,
        prefs: Mapping[str, float] | None = None,
        own_posts: Sequence[str] = (),
    ) -> Voice:
        voice = cls._measured(profile, liked, max_chars, own_posts)
        return voice.steered(prefs or {})

    def steered(self, prefs: Mapping[str, float]) -> Voice:
        """What the creator's votes asked for overrides their measured habit."""
        changes: dict[str, Any] = {}
        if abs(prefs.get("question_ending", 0.0)) > STEER:
            changes["question"] = prefs["question_ending"] > 0
        if prefs.get("hashtags", 0.0) < -STEER:
            changes["hashtags"] = 0
        if prefs.get("emoji", 0.0) < -STEER:
            changes["emoji_rate"] = 0.0
        if prefs.get("short", 0.0) > STEER or prefs.get("long", 0.0) < -STEER:
            changes["target"] = max(120, min(self.target, int(0.8 * SHORT_CHARS)))
        return replace(self, **changes) if changes else self

    @classmethod
    def _measured(
        cls, profile: StyleProfile, liked: Sequence[str], max_chars: int, posts: Sequence[str]
    ) -> Voice:
        target = profile.median_length
        if liked:  # what the creator approved nudges the length they get
            target = round(0.7 * target + 0.3 * statistics.fmean(len(d) for d in liked))
        paragraph_chars = profile.median_length / max(profile.mean_paragraphs, 1.0)
        energetic = profile.emoji_per_post >= 0.3 or profile.mean_sentence_words < 8
        return cls(
            target=max(120, min(target, max_chars)),
            max_chars=max_chars,
            # a long prose paragraph is a "one-line" paragraph too: short ones set the rhythm
            one_liners=profile.one_line_paragraph_share >= 0.6 and paragraph_chars < 100,
            energetic=energetic,
            long_sentences=profile.mean_sentence_words >= 9,
            sentence_words=round(min(max(2 * profile.mean_sentence_words + 4, 14), 26)),
            question=profile.question_closing_share >= 0.5,
            first_person=profile.first_person_share >= 0.008,
            emoji_rate=profile.emoji_per_post,
            emojis=profile.favourite_emojis,
            hashtags=round(profile.hashtags_per_post),
            tags=profile.favourite_hashtags,
            favourites=[
                w
                for w in profile.favourite_words
                if w not in reading.STOP | bank.GENERIC and not w.endswith(("s", "ed", "ly", "ing"))
            ],
            form=form_of(posts, profile, energetic),
        )
