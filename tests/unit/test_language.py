"""The offline language detector reads enough of a text, not just its first line."""

from __future__ import annotations

from creatorpulse.adapters.language import FastTextLanguage

ENGLISH = (
    "We shipped the new release after three weeks of careful work with the whole team, and "
    "here is what we learned about testing, reviews and deploys along the way. "
)


def test_a_foreign_headline_does_not_decide_for_an_english_text() -> None:
    text = "Le Grand Débat: réformes et réalités du travail à distance. " + ENGLISH * 2
    assert FastTextLanguage().detect(text) == "en"


def test_an_english_hook_does_not_pass_a_french_text() -> None:
    french = (
        "Nous avons livré la nouvelle version après trois semaines de travail avec toute "
        "l'équipe, et voici ce que nous avons appris sur les tests et les revues. "
    )
    assert FastTextLanguage().detect("Big news today, everyone! " + french * 2) == "fr"


def test_text_without_letters_has_no_language() -> None:
    assert FastTextLanguage().detect("12 34 !!! 🚀") is None
