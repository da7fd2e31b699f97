"""The shapes the local composer writes in, and how a creator's own posts choose one.

LinkedIn writers fall into a few recognisable shapes: the figures-first report, the numbered
how-to, the long first-person reflection, the one-line-a-paragraph provocation, the
exclamation-and-emoji announcement, and the plain brief with a short list. Each shape has its
own framing phrases; which one a creator gets is measured from their posts, never configured.
Slots are those of `local_composer_phrases`, plus {N} (how many points, in words) and {TERM}
(the key term in capitals).
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from creatorpulse.adapters import local_composer_phrases as bank
from creatorpulse.domain.model.voice import StyleProfile

_FIGURE_LINE = re.compile(r"^[^\n:]{2,40}:\s*[^\n]*\d")  # "Deploys per week: 41 → 63."
_NUMBERED = re.compile(r"^\s*\d+[.)]\s", re.MULTILINE)
_SHOUT = re.compile(r"\b[A-Z]{4,}\b|!")  # words in capitals, exclamation marks
NUMBER_WORDS = ("none", "one", "two", "three", "four", "five", "six", "seven", "eight")


@dataclass(frozen=True)
class Form:
    name: str
    layout: str  # "list" (marker lines), "lines" (bare lines), "paragraphs", "prose"
    hooks_claim: Sequence[str]
    hooks_question: Sequence[str]
    contexts: Sequence[str]
    intros: Sequence[str]
    takes: Sequence[str]  # empty: the brief's takes, by sentence length
    closes_takeaway: Sequence[str]
    closes_question: Sequence[str]
    point_end: str = "."
    labels: Sequence[str] = ()  # "Label: point." lines, in this order


BRIEF = Form(
    "brief", "list", bank.HOOKS_CLAIM, bank.HOOKS_QUESTION, (), bank.POINTS_INTRO, (),
    bank.CLOSE_TAKEAWAY, bank.CLOSE_QUESTION,
)  # fmt: skip
BRIEF_MEASURED = Form(
    "brief", "list", bank.HOOKS_MEASURED, bank.HOOKS_MEASURED, (), bank.POINTS_INTRO, (),
    bank.CLOSE_TAKEAWAY, bank.CLOSE_QUESTION,
)  # fmt: skip

LEDGER = Form(
    "figures first",
    "lines",
    hooks_claim=(
        "{Term}, via {source}, this week.",
        "{Topic}. {n} facts.",
        "{Source} on {term}: {n} facts.",
    ),
    hooks_question=(
        "{Topic}. What do the numbers say?",
        "{Term}: signal or noise? {n} facts first.",
    ),
    contexts=("Source: {source}, this week.", "Read the full piece from {source}. My notes:"),
    intros=("",),
    labels=("What happened", "Detail", "Context", "Also", "Next", "Open question"),
    takes=(
        "What I would track: hours saved per engineer per week, over 90 days.",
        "My rule for {term}: no adoption without a baseline and a 30-day review.",
        "Cost of {term} for a team of 8: unknown until someone measures it for a month.",
        "First question for my team: what does {term} change per week, in hours or incidents?",
    ),
    closes_takeaway=(
        "Measure it for 30 days. Then decide.",
        "Numbers first. Opinions later.",
        "Baseline first. Then 90 days of data.",
        "Track it per team, per week. Then decide.",
    ),
    closes_question=(
        "What would you measure first, and over how many weeks?",
        "Has anyone measured {term} on their own team? Numbers welcome.",
    ),
)

STEPS = Form(
    "numbered how-to",
    "list",
    hooks_claim=(
        "What {term} means for your team, in {N} points:",
        "{Topic}. How I would think it through, in {N} steps:",
        "Reading about {term}? A simple way to make sense of it, in {N} points:",
    ),
    hooks_question=(
        "Wondering what {term} means for your team? A simple way to think it through:",
        "{Topic}. Where should a team start?",
    ),
    contexts=("Based on {source}'s reporting this week.", "Source: {source}."),
    intros=("", "Start here:", "In short:"),
    takes=(
        "If your team is considering {term}, write down the problem it solves first, then "
        "check the evidence.",
        "Start small: one team, one {fav} process, one month. Then review what changed.",
        "Ask who owns {term} after the launch. If nobody does, wait.",
    ),
    closes_takeaway=(
        "Understand the problem first, then the tool, then the rollout.",
        "Treat {term} as a process decision first and a tool decision second.",
        "Clarity on the goal first, {term} second, rollout last.",
    ),
    closes_question=(
        "Which of these steps would your team find hardest?",
        "What would you add to this list?",
    ),
)

STORY = Form(
    "first-person reflection",
    "prose",
    hooks_claim=(
        "I read {source}'s piece on {term} this morning, and I have been thinking about it "
        "all day.",
        "Something about {term} stayed with me this week, and I want to write it down while "
        "it is still fresh.",
        "When I first read about {term}, I assumed it was another announcement that would be "
        "forgotten by Friday, but the details kept pulling me back.",
    ),
    hooks_question=(
        "Have you ever read a piece of news that would not leave you alone? For me this week "
        "it was {source}'s story on {term}.",
    ),
    contexts=(
        "It is worth reading in full, slowly, and more than once.",
        "I have read it twice now, and it has not let go of me.",
    ),
    intros=(
        "What struck me was not the headline but the detail underneath it.",
        "The part that stayed with me was simple.",
        "The details matter here.",
    ),
    takes=(
        "I have learned, slowly and not always gracefully, that news like this is rarely about "
        "the tool itself. It is about the people who will have to change how they work, and "
        "whether anyone takes the time to listen to them first.",
        "It reminded me of the first time my team adopted something new because everyone else "
        "seemed to be doing it, and how long it took us to admit that we had never agreed on "
        "what problem we were solving.",
        "I keep coming back to the quiet work that never makes the announcement: the "
        "conversations, the patience, and the small decisions made by people who will never be "
        "named in the story.",
    ),
    closes_takeaway=(
        "I do not have a neat conclusion yet, but I suspect the answer will be found in the "
        "people, not in {term}.",
        "I am still learning what to make of it, and I think that is the honest place to start.",
    ),
    closes_question=(
        "I would love to hear how it looks from where you are: has {term} changed anything in "
        "your own work yet?",
    ),
)

PUNCHY = Form(
    "one-line provocation",
    "paragraphs",
    hooks_claim=(
        "Everyone is talking about {term}.",
        "{Topic}.",
        "Hot take: {term} is not the story.",
    ),
    hooks_question=("{Topic}. So what?", "Is anyone asking the obvious question about {term}?"),
    contexts=("Read it twice. Then ask who benefits.", "Look past the headline.", "Via {source}."),
    intros=("What actually happened?", "The facts?", "So what happened?"),
    takes=(
        "Nobody asks who maintains it.\n\nThey should.",
        "The headline is easy.\n\nThe follow-through isn't.",
        "Why now?\n\nAnd why your team?",
        "Hype is cheap.\n\nAdoption is not.",
        "Not the tool. The habit.",
    ),
    closes_takeaway=(
        "Watch what teams do. Not what they say.",
        "Ignore the noise. Watch who follows through.",
        "Less announcing. More shipping. Then talk to me.",
    ),
    closes_question=(
        "Who is actually going to own {term}?",
        "So who pays for {term}? And who benefits?",
        "What would you stop doing if {term} worked? Nothing? Then why bother?",
    ),
)

HYPE = Form(
    "announcement",
    "paragraphs",
    hooks_claim=("BIG news on {term}!!!", "Okay this is HUGE!!! {Topic}", "{Topic}!!!"),
    hooks_question=("Did you see this?! {Topic}", "Who else is OBSESSED with {term} right now?!"),
    contexts=(
        "Huge thanks to {source} for the write-up!",
        "Found this on {source} and had to share!!",
    ),
    intros=("The highlights:", "What got me excited:", "Quick rundown:"),
    takes=(
        "This is the kind of thing that makes building right now SO exciting!",
        "Anyone working on {fav} should be paying attention!!",
        "Honestly? Game changer for small teams!",
    ),
    closes_takeaway=(
        "Can't wait to see what people build with this!!!",
        "The future is being built right now and I am HERE for it!",
    ),
    closes_question=("Who's trying {term} first?!", "Would you use {term}? Tell me below!!"),
    point_end="!",
)


SOBER = Form(
    "plain report",
    "lines",
    hooks_claim=("{Topic}.",),
    hooks_question=("{Topic}.",),
    contexts=("Reported by {source}.",),
    intros=("",),
    takes=(),
    closes_takeaway=("Worth reading in full.",),
    closes_question=("Worth reading in full, and thinking about.",),
)
# News of harm, death or violence gets no hook, take, emoji or exclamation, whatever the
# creator's usual shape: "Hot take: child abuse matters" is not a post anyone would send.
_GRAVE = re.compile(
    r"\b(abus(e|ed|es|ing)|murder\w*|suicide\w*|shooting\w*|massacre\w*|genocide|rape[ds]?|"
    r"raping|sexual assault|victims?|died|deaths?|terror\w*|"
    r"traged(y|ies)|famine|earthquake\w*|funerals?|hostages?|trafficking)\b",
    re.IGNORECASE,
)


def grave(title: str, text: str) -> bool:
    """The item reports harm, death or violence (its title or opening says so)."""
    return _GRAVE.search(f"{title} {text[:600]}") is not None


def form_of(posts: Sequence[str], profile: StyleProfile, energetic: bool) -> Form:
    """The shape the creator's own posts take most clearly; the plain brief when none does."""
    if not posts:
        return BRIEF if energetic else BRIEF_MEASURED
    lines = [line for post in posts for line in post.splitlines() if line.strip()]
    figures = sum(bool(_FIGURE_LINE.match(line)) for line in lines) / max(len(lines), 1)
    numbered = sum(len(_NUMBERED.findall(post)) >= 2 for post in posts) / len(posts)
    shouting = sum(len(_SHOUT.findall(post)) for post in posts) / len(posts)
    paragraph_chars = profile.median_length / max(profile.mean_paragraphs, 1.0)
    words = profile.mean_sentence_words
    if shouting >= 1.5:
        return HYPE
    if numbered >= 0.5:
        return STEPS
    if figures >= 0.25:
        return LEDGER
    if paragraph_chars >= 200 and words >= 15:
        return STORY
    if paragraph_chars < 60 and words < 8 and profile.mean_paragraphs >= 5:
        return PUNCHY
    return BRIEF if energetic else BRIEF_MEASURED
