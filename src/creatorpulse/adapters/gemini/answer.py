"""Reading Gemini's answer: drafts for the brief's items, or what went wrong with it."""

from __future__ import annotations

from typing import Literal
from uuid import UUID

import msgspec
from google.genai import types

from creatorpulse.ports.generator import DraftBrief, GeneratedDraft

Problem = Literal["blocked", "truncated", "empty", "malformed"]
_BLOCKED = frozenset(
    {
        types.FinishReason.SAFETY,
        types.FinishReason.RECITATION,
        types.FinishReason.BLOCKLIST,
        types.FinishReason.PROHIBITED_CONTENT,
        types.FinishReason.SPII,
    }
)


class _Draft(msgspec.Struct):
    item_id: str
    content: str


class Answer(msgspec.Struct, frozen=True):
    drafts: list[GeneratedDraft]
    problem: Problem | None = None
    detail: str = ""


def _problem(problem: Problem, detail: str) -> Answer:
    return Answer([], problem, detail)


def _json_text(text: str) -> str:
    """Models sometimes wrap JSON in a Markdown fence despite the mime type."""
    stripped = text.strip()
    if stripped.startswith("```"):
        stripped = stripped.split("\n", 1)[-1].rsplit("```", 1)[0]
    return stripped


def read_answer(response: types.GenerateContentResponse, brief: DraftBrief) -> Answer:
    feedback = response.prompt_feedback
    if feedback is not None and feedback.block_reason is not None:
        return _problem("blocked", f"the prompt was blocked ({feedback.block_reason.value})")
    candidate = response.candidates[0] if response.candidates else None
    if candidate is None:
        return _problem("empty", "the answer held no candidate")
    finish = candidate.finish_reason
    if finish in _BLOCKED:
        return _problem("blocked", f"the answer was blocked ({finish.value if finish else ''})")
    if finish is types.FinishReason.MAX_TOKENS:
        return _problem("truncated", "the answer was cut off at the output token limit")
    text = response.text or ""
    if not text.strip():
        return _problem("empty", "the answer was empty")
    try:
        raw = msgspec.json.decode(_json_text(text), type=list[_Draft])
    except msgspec.DecodeError as error:  # ValidationError is a DecodeError
        return _problem("malformed", f"the answer was not the JSON we asked for ({error})")
    wanted = {item.item_id for item in brief.items}
    drafts: dict[UUID, GeneratedDraft] = {}
    for draft in raw:
        try:
            item_id = UUID(draft.item_id.strip())
        except ValueError:
            continue
        content = draft.content.strip()
        if item_id in wanted and item_id not in drafts and content:
            drafts[item_id] = GeneratedDraft(item_id, content)
    if not drafts:
        return _problem("empty", "the answer held no draft for any item of the brief")
    return Answer(list(drafts.values()))
