"""A creator's measurable writing habits, computed from their own posts."""

from __future__ import annotations

import re
import statistics
from collections import Counter
from collections.abc import Sequence

import msgspec

from creatorpulse.domain.model.text import hashtags

_EMOJI = re.compile(
    "[\U0001f300-\U0001faff\U00002600-\U000027bf\U0001f000-\U0001f2ff\U00002b00-\U00002bff]"
)
_SENTENCE = re.compile(r"[^.!?\n]+[.!?]?")
_WORD = re.compile(r"[A-Za-z']+")
STOP_WORDS = _STOP = frozenset(
    [
        "the",
        "a",
        "an",
        "and",
        "or",
        "but",
        "if",
        "of",
        "to",
        "in",
        "on",
        "at",
        "for",
        "with",
        "from",
        "by",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "it",
        "this",
        "that",
        "these",
        "those",
        "i",
        "you",
        "we",
        "they",
        "he",
        "she",
        "my",
        "your",
        "our",
        "their",
        "me",
        "us",
        "them",
        "not",
        "no",
        "so",
        "as",
        "just",
        "than",
        "then",
        "there",
        "here",
        "what",
        "which",
        "who",
        "how",
        "why",
        "when",
        "can",
        "will",
        "would",
        "should",
        "could",
        "do",
        "does",
        "did",
        "have",
        "has",
        "had",
        "about",
        "into",
        "over",
        "more",
        "most",
        "very",
        "really",
        "also",
        "all",
        "any",
        "some",
        "one",
        "its",
        "it's",
        "i'm",
        "don't",
    ]
)


def emojis(text: str) -> list[str]:
    return _EMOJI.findall(text)


def paragraphs(text: str) -> list[str]:
    return [p for p in re.split(r"\n\s*\n", text) if p.strip()]


def sentences(text: str) -> list[str]:
    return [s.strip() for s in _SENTENCE.findall(text) if s.strip()]


def ends_with_question(text: str) -> bool:
    last = text.rstrip()
    return last.endswith("?") or (bool(paragraphs(last)) and "?" in paragraphs(last)[-1][-80:])


class StyleProfile(msgspec.Struct, frozen=True, kw_only=True):
    posts: int
    median_length: int
    length_p25: int
    length_p75: int
    mean_sentence_words: float
    mean_paragraphs: float
    one_line_paragraph_share: float
    emoji_per_post: float
    favourite_emojis: list[str]
    hashtags_per_post: float
    favourite_hashtags: list[str]
    question_closing_share: float
    first_person_share: float
    favourite_words: list[str]

    @classmethod
    def from_posts(cls, posts: Sequence[str]) -> StyleProfile:
        if not posts:
            return EMPTY_PROFILE
        lengths = sorted(len(p) for p in posts)
        quarter = statistics.quantiles(lengths, n=4) if len(lengths) > 1 else [lengths[0]] * 3
        all_sentences = [s for p in posts for s in sentences(p)]
        paras = [paragraphs(p) for p in posts]
        flat_paras = [q for ps in paras for q in ps]
        emoji_counts = Counter(e for p in posts for e in emojis(p))
        tag_counts = Counter(t.lower() for p in posts for t in hashtags(p))
        words = [w.lower() for p in posts for w in _WORD.findall(p)]
        first_person = sum(1 for w in words if w in {"i", "i'm", "i've", "my", "me"})
        vocab = Counter(w for w in words if w not in _STOP and len(w) > 3)
        return cls(
            posts=len(posts),
            median_length=int(statistics.median(lengths)),
            length_p25=int(quarter[0]),
            length_p75=int(quarter[2]),
            mean_sentence_words=round(
                statistics.fmean(len(s.split()) for s in all_sentences) if all_sentences else 0, 1
            ),
            mean_paragraphs=round(statistics.fmean(len(ps) for ps in paras), 1),
            one_line_paragraph_share=round(
                sum(1 for q in flat_paras if "\n" not in q.strip()) / max(len(flat_paras), 1), 2
            ),
            emoji_per_post=round(sum(emoji_counts.values()) / len(posts), 2),
            favourite_emojis=[e for e, _ in emoji_counts.most_common(5)],
            hashtags_per_post=round(sum(tag_counts.values()) / len(posts), 2),
            favourite_hashtags=[t for t, _ in tag_counts.most_common(5)],
            question_closing_share=round(sum(ends_with_question(p) for p in posts) / len(posts), 2),
            first_person_share=round(first_person / max(len(words), 1), 3),
            favourite_words=[w for w, _ in vocab.most_common(12)],
        )


EMPTY_PROFILE = StyleProfile(
    posts=0,
    median_length=900,
    length_p25=600,
    length_p75=1300,
    mean_sentence_words=14.0,
    mean_paragraphs=4.0,
    one_line_paragraph_share=0.5,
    emoji_per_post=0.0,
    favourite_emojis=[],
    hashtags_per_post=0.0,
    favourite_hashtags=[],
    question_closing_share=0.0,
    first_person_share=0.02,
    favourite_words=[],
)


def describe(profile: StyleProfile) -> list[str]:
    """The profile in sentences a creator recognises themselves in."""
    if not profile.posts:
        return ["Add at least 10 of your own posts so we can learn how you write."]
    lines = [
        f"Learned from {profile.posts} of your posts. Most run {profile.length_p25}-"
        f"{profile.length_p75} characters (typically {profile.median_length}).",
        f"Your sentences average {profile.mean_sentence_words:g} words, in about "
        f"{profile.mean_paragraphs:g} paragraphs"
        + (", mostly one line each." if profile.one_line_paragraph_share > 0.6 else "."),
    ]
    if profile.emoji_per_post >= 0.5:
        lines.append(f"You use emoji ({' '.join(profile.favourite_emojis[:3])}) about "
                     f"{profile.emoji_per_post:g} per post.")  # fmt: skip
    else:
        lines.append("You rarely use emoji.")
    if profile.hashtags_per_post >= 0.5:
        lines.append(
            f"You close with hashtags such as {', '.join(profile.favourite_hashtags[:3])}."
        )
    else:
        lines.append("You rarely use hashtags.")
    if profile.question_closing_share >= 0.4:
        lines.append("You often end with a question to your readers.")
    if profile.first_person_share >= 0.03:
        lines.append("You write in the first person, from your own experience.")
    if profile.favourite_words:
        lines.append(f"Words you come back to: {', '.join(profile.favourite_words[:6])}.")
    return lines
