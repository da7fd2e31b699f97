"""`creatorpulse style import FILE --user EMAIL`: a creator's past posts, from a file."""

from __future__ import annotations

import asyncio
from pathlib import Path

from creatorpulse.domain.model.email_address import normalise_email
from creatorpulse.domain.model.errors import InvalidInput, NotFound
from creatorpulse.entrypoints.container import make_container
from creatorpulse.entrypoints.settings import Settings
from creatorpulse.entrypoints.use_cases import UseCases
from creatorpulse.entrypoints.worker.run_now import Progress


def import_style(settings: Settings, file: Path, email: str) -> int:
    try:
        data = file.read_bytes()
    except OSError as error:
        raise InvalidInput.of("file", "unreadable_import", f"{file}: {error.strerror}") from None
    return asyncio.run(_import(settings, file.name, data, email))


async def _import(settings: Settings, name: str, data: bytes, email: str) -> int:
    address = normalise_email(email, "user")
    container = make_container(settings)
    try:
        cases = await container.get(UseCases)
        async with cases.ports.uow.system() as tx:
            user = await tx.users.get_by_email(address)
        if user is None:
            raise NotFound(f"no account is registered for {address}")
        progress = Progress(f"importing {name}", 2)
        report = await cases.import_posts(user.id, name, data)
        progress.step()
        trained = await cases.process_style(user.id)
        progress.step()
    finally:
        await container.close()
    print(
        f"{report.added} of {report.found} posts imported for {address} "
        f"({report.duplicates} already there, {len(report.rejected)} not usable, "
        f"{report.over_cap} over the 100-post limit); "
        f"{trained.processed_posts} of {trained.total_posts} style posts learned from"
    )
    for issue in report.rejected[:20]:
        print(f"  {issue.field}: {issue.message}")
    return 0
