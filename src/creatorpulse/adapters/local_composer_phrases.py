"""What the local composer's plain brief says: its phrase banks.

Slots: {topic}/{Topic} (the headline, restated), {term} (the item's key term), {source}/{Source},
{fav} (one of the creator's favourite words) and {n} (how many points follow). Each bank has
several variants so the composer can pick another when one collides with the creator's text.
The other forms' phrases are in `local_forms`; reading the item is `local_reading`.
"""

from __future__ import annotations

GENERIC = frozenset(
    [
        *("every", "three", "last", "week", "same", "without", "because", "what's", "never"),
        *("first", "time", "work", "people", "things", "thing", "year", "years", "today"),
    ]
)

HOOKS_QUESTION = (
    "Did you catch this one? {Topic}.",
    "{Topic}. Big deal or just noise?",
    "Is {term} about to change how we work?",
    "Who else is watching {term} right now?",
)
HOOKS_CLAIM = (
    "{Topic} — and the real story is underneath.",
    "Hot take: {term} matters more than the headlines say.",
    "{n} things about {term} worth your next five minutes:",
    "Everyone will skim past this. {Topic}.",
)
HOOKS_MEASURED = (
    "{Topic}: {n} observations.",
    "A note on {term}, prompted by this week's news.",
    "{n} things worth noting about {term}.",
    "{Topic}. Some context before the hot takes arrive.",
)

CONTEXT_FIRST = (
    "I spent my morning reading {source}'s piece on this.",
    "I read {source}'s write-up twice before forming a view on {term}.",
    "This one from {source} made me stop scrolling.",
)
CONTEXT_PLAIN = (
    "{Source} covered it this week.",
    "The news comes via {source}, and the details on {term} deserve a closer read.",
    "{Source} has the details; the summary below is mine.",
)

POINTS_INTRO = (
    "What stood out:",
    "The short version:",
    "{n} details that matter:",
    "Here's what {source} reports:",
)

TAKES_ENERGETIC = (
    "This is where it gets interesting: the {fav} angle on {term} is bigger than it looks.",
    "My read: teams that treat {term} as a {fav} question will move first.",
    "Speed on {term} only counts if the {fav} side keeps up.",
    "The winners won't have the biggest budget for {term}. "
    "They'll have the sharpest {fav} instincts.",
)
TAKES_MEASURED = (
    "The interesting question is not whether {term} improves, but who has to change their "
    "process when it does. In most {fav} work I have seen, that is where the cost hides.",
    "It is tempting to read this as a tooling story. I would read it as a {fav} story: "
    "{term} only pays off when ownership and measurement are already in place.",
    "Worth separating the announcement from the operating reality. Rolling {term} into real "
    "{fav} work takes longer than a launch post suggests; the second-order effects matter more.",
    "A useful test for any team considering {term}: write down what you would stop doing if "
    "it worked. If that list is empty, the {fav} case is probably weaker than it looks.",
)

CLOSE_QUESTION = (
    "Is {term} on your roadmap this year, or still on the watchlist?",
    "How is your team thinking about {term}?",
    "What would you change first if {term} landed in your stack tomorrow?",
    "Where do you land on {term}: overhyped or underrated?",
)
CLOSE_TAKEAWAY = (
    "The takeaway: {term} rewards teams that measure before they scale.",
    "Bottom line: treat {term} as a process change, not a tool purchase.",
    "In short, the news about {term} is real, but the work it creates decides the outcome.",
    "The lesson I keep relearning applies here too: with {term}, boring discipline beats novelty.",
)
