"""`creatorpulse run JOB`: one job now, in this process, through the same use cases the tasks
call; `jobs dead-letters` and `jobs replay ID` for the operator."""

from __future__ import annotations

import sys
from collections.abc import Awaitable, Callable
from typing import Any
from uuid import UUID

from creatorpulse.domain.model.errors import DomainError, InvalidInput, NotFound
from creatorpulse.entrypoints.worker.work import Work

JOBS = ("fetch-sources", "source-health", "process-style", "generate-drafts", "send-emails",
        "cleanup")  # fmt: skip


class Progress:
    """A one-line progress bar on stderr (only when it is a terminal or there is much to do)."""

    def __init__(self, label: str, total: int) -> None:
        self._label, self._total, self._done = label, total, 0
        self._show = total > 1

    def step(self) -> None:
        self._done += 1
        if self._show:
            filled = int(30 * self._done / self._total)
            bar = "#" * filled + "-" * (30 - filled)
            end = "\n" if self._done == self._total else ""
            print(f"\r{self._label} [{bar}] {self._done}/{self._total}", end=end, file=sys.stderr)


async def run_job(work: Work, job: str, email: str | None, force: bool) -> dict[str, Any]:
    """Run `job` now; for per-user jobs, for every active user or the one named by `email`."""
    cases = work.cases
    if job == "fetch-sources":
        report = await cases.refresh_feeds()
        return {n: getattr(report, n) for n in report.__struct_fields__}
    if job == "source-health":
        health = await work.source_health()
        return {n: getattr(health, n) for n in health.__struct_fields__}
    if job == "cleanup":
        cleaned = await cases.cleanup()
        return {"items": cleaned.items, "drafts": cleaned.drafts, "tokens": cleaned.tokens,
                "feeds": cleaned.feeds,
                "claims": await work.due.prune_claims()}  # fmt: skip
    users = await _users(work, job, email, force)
    per_user: dict[str, Callable[[UUID], Awaitable[Any]]] = {
        "process-style": cases.process_style,
        "generate-drafts": lambda u: work.drafts(u, force=force),
        "send-emails": lambda u: cases.send_daily_email(u, force=force),
    }
    counts = {"users": len(users), "done": 0, "skipped": 0, "failed": 0}
    progress = Progress(job, len(users))
    for user_id in users:
        try:
            outcome = await per_user[job](user_id)
            counts["done" if outcome is not None else "skipped"] += 1
        except (InvalidInput, NotFound):
            counts["skipped"] += 1
        except DomainError as error:
            counts["failed"] += 1
            print(f"\n{job} {user_id}: {error.code}: {error.message}", file=sys.stderr)
        progress.step()
    return counts


async def _users(work: Work, job: str, email: str | None, force: bool) -> list[UUID]:
    if email is not None or force or job == "process-style":
        return await work.due.users(email)
    return await (work.due.emails() if job == "send-emails" else work.due.drafts())


async def list_dead_letters(work: Work) -> list[str]:
    async with work.cases.ports.uow.system() as tx:
        letters = await tx.dead_letters.list_recent()
    return [
        f"{d.id}  {d.created_at:%Y-%m-%d %H:%M:%S}  {d.task_name}  attempts={d.attempts}  "
        f"{'replayed ' + f'{d.replayed_at:%Y-%m-%d %H:%M}' if d.replayed_at else 'pending'}  "
        f"{d.error}"
        for d in letters
    ]


async def replay(work: Work, letter_id: UUID) -> str:
    """Enqueue the dead task again with its arguments; the letter is marked replayed."""
    p = work.cases.ports
    async with p.uow.system() as tx:
        letter = await tx.dead_letters.get(letter_id)
    if letter is None:
        raise NotFound(f"no dead letter {letter_id}")
    await work.queue.by_name(letter.task_name).kiq(**letter.args)  # never inside a transaction
    letter.mark_replayed(p.clock.now())
    async with p.uow.system() as tx:
        await tx.dead_letters.update(letter)
        await tx.commit()
    return letter.task_name
