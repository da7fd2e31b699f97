"""GeminiDraftGenerator with the real google-genai client against a local Gemini fake."""

from __future__ import annotations

from collections.abc import Iterator
from uuid import UUID

import pytest

from creatorpulse.adapters.gemini.client import make_client
from creatorpulse.adapters.gemini.generator import GeminiDraftGenerator
from creatorpulse.adapters.gemini.prompt import REPAIR_NOTES
from creatorpulse.adapters.gemini.rate_limit import RateLimiter
from creatorpulse.adapters.gemini.retry import RetryPolicy
from creatorpulse.domain.model.errors import UpstreamError
from creatorpulse.domain.model.voice import StyleProfile
from creatorpulse.ports.generator import DraftBrief, ItemBrief
from fakes.clock import FakeTime
from fakes.gemini import API_KEY, GeminiFake, draft_text, gemini_server

POSTS = [
    "I shipped a tiny fix today 🚀\n\nSmall changes compound.\n\nWhat did you ship? #buildinpublic",
    "My team learned that shipping daily beats planning monthly 🚀\n\nWhat works for you?",
]
ITEMS = [
    ItemBrief(
        item_id=UUID(int=i + 1),
        title=f"Release {i}",
        content=f"Vendor {i} released a faster database engine with columnar storage.",
        url=f"https://news.example/{i}" if i else None,
        source_name="Engineering Weekly",
        examples=[f"An earlier passage in the creator's voice number {i}."],
    )
    for i in range(3)
]


def brief(items: list[ItemBrief] = ITEMS) -> DraftBrief:
    return DraftBrief(
        profile=StyleProfile.from_posts(POSTS),
        items=items,
        liked_drafts=["A draft the creator loved about shipping."],
        own_posts=POSTS,
    )


@pytest.fixture
def gemini() -> Iterator[tuple[str, GeminiFake]]:
    with gemini_server() as served:
        yield served


def generator(base_url: str, clock: FakeTime | None = None) -> GeminiDraftGenerator:
    clock = clock or FakeTime()
    return GeminiDraftGenerator(
        make_client(API_KEY, base_url=base_url, timeout=5),
        "gemini-2.5-flash",
        temperature=0.6,
        limiter=RateLimiter(requests_per_minute=6000, burst=100),
        retry=RetryPolicy(attempts=3, sleep=clock.sleep, jitter=lambda: 0.5),
    )


def prompt_of(request_json: dict[str, object]) -> str:
    contents = request_json["contents"]
    assert isinstance(contents, list)
    return "".join(p["text"] for c in contents for p in c["parts"])


async def test_one_brief_is_one_request_with_structured_json_output(
    gemini: tuple[str, GeminiFake],
) -> None:
    base_url, fake = gemini

    result = await generator(base_url).write(brief())

    [call] = fake.calls("generateContent")
    assert call.path == "/v1beta/models/gemini-2.5-flash:generateContent"
    body = call.json()
    config = body["generationConfig"]
    assert config["responseMimeType"] == "application/json"
    assert config["responseSchema"]["type"] == "ARRAY"
    assert set(config["responseSchema"]["items"]["required"]) == {"item_id", "content"}
    assert config["temperature"] == 0.6
    system = "".join(p["text"] for p in body["systemInstruction"]["parts"])
    assert "Never copy 8 or more consecutive words" in system
    assert "Never invent links" in system
    assert "🚀" in system  # the creator's favourite emoji, from the style profile
    assert "close with a question" in system
    prompt = prompt_of(body)
    for item in ITEMS:
        assert f"item_id: {item.item_id}" in prompt
        assert item.content in prompt
        assert item.examples[0] in prompt
    assert "A draft the creator loved about shipping." in prompt
    assert [d.item_id for d in result.drafts] == [i.item_id for i in ITEMS]
    assert result.drafts[0].content == draft_text(str(ITEMS[0].item_id))
    assert result.model == "gemini-2.5-flash"
    assert result.parameters["model"] == "gemini-2.5-flash"
    assert result.parameters["temperature"] == 0.6
    assert result.usage == {
        "prompt_token_count": 1200,
        "candidates_token_count": 300,
        "total_token_count": 1500,
        "requests": 1,
    }


async def test_drafts_for_items_not_in_the_brief_and_repeats_are_dropped(
    gemini: tuple[str, GeminiFake],
) -> None:
    base_url, fake = gemini
    fake.generate_script.append("unknown_item")

    result = await generator(base_url).write(brief())

    assert len(fake.requests) == 1
    assert [d.item_id for d in result.drafts] == [i.item_id for i in ITEMS]


@pytest.mark.parametrize(
    ("behaviour", "problem"),
    [
        ("malformed", "malformed"),
        ("safety", "blocked"),
        ("prompt_blocked", "blocked"),
        ("max_tokens", "truncated"),
        ("empty", "empty"),
    ],
)
async def test_a_bad_answer_gets_one_repair_prompt(
    gemini: tuple[str, GeminiFake], behaviour: str, problem: str
) -> None:
    base_url, fake = gemini
    fake.generate_script.append(behaviour)

    result = await generator(base_url).write(brief())

    first, second = fake.calls("generateContent")
    note = REPAIR_NOTES[problem].split(".")[0]
    assert note not in prompt_of(first.json())
    assert note in prompt_of(second.json())
    assert len(result.drafts) == 3
    assert result.usage["requests"] == 2
    assert result.usage["total_token_count"] == 3000
    assert result.parameters["attempts"] == 2


@pytest.mark.parametrize(
    ("behaviour", "said"),
    [
        ("malformed", "not the JSON we asked for"),
        ("safety", "blocked (SAFETY)"),
        ("max_tokens", "cut off at the output token limit"),
        ("empty", "empty"),
    ],
)
async def test_two_bad_answers_fail_generation_permanently(
    gemini: tuple[str, GeminiFake], behaviour: str, said: str
) -> None:
    base_url, fake = gemini
    fake.generate_script.extend([behaviour, behaviour])

    with pytest.raises(UpstreamError) as caught:
        await generator(base_url).write(brief())

    assert len(fake.requests) == 2
    assert caught.value.code == "generation_failed"
    assert caught.value.transient is False
    assert said in caught.value.message
    assert "gemini-2.5-flash" in caught.value.message


async def test_a_rate_limited_generation_is_retried_after_the_servers_delay(
    gemini: tuple[str, GeminiFake],
) -> None:
    base_url, fake = gemini
    fake.generate_script.append("rate_limited")
    clock = FakeTime()

    result = await generator(base_url, clock).write(brief())

    assert len(fake.requests) == 2
    assert clock.sleeps == [1.0]
    assert len(result.drafts) == 3
    assert result.usage["requests"] == 1  # only the answered request reports usage


async def test_an_empty_brief_makes_no_request(gemini: tuple[str, GeminiFake]) -> None:
    base_url, fake = gemini

    result = await generator(base_url).write(brief(items=[]))

    assert result.drafts == []
    assert fake.requests == []


async def test_an_item_without_url_is_marked_so_no_link_is_invented(
    gemini: tuple[str, GeminiFake],
) -> None:
    base_url, fake = gemini

    await generator(base_url).write(brief(items=ITEMS[:2]))

    prompt = prompt_of(fake.requests[0].json())
    assert "url: (none: add no link)" in prompt
    assert "url: https://news.example/1" in prompt
