"""What the tasks call: the use cases, the sweeps' questions, and the tasks to fan out to."""

from __future__ import annotations

from typing import TYPE_CHECKING

from creatorpulse.domain.use_cases.due_work import DueWork
from creatorpulse.domain.use_cases.scheduled_drafts import ScheduledDrafts
from creatorpulse.domain.use_cases.source_report import SourceHealthReport
from creatorpulse.entrypoints.use_cases import UseCases

if TYPE_CHECKING:
    from creatorpulse.entrypoints.worker.tasks import Tasks


class Work:
    def __init__(self, cases: UseCases, tasks: Tasks | None = None) -> None:
        p = cases.ports
        self.cases, self.tasks = cases, tasks
        self.due = DueWork(p.uow, p.clock)
        self.drafts = ScheduledDrafts(p.uow, cases.generate_drafts, p.clock)
        self.source_health = SourceHealthReport(p.uow, p.clock)

    @property
    def queue(self) -> Tasks:
        assert self.tasks is not None, "this process has no task queue"
        return self.tasks
