"""The `creatorpulse` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import psycopg

from creatorpulse.domain.model.errors import DomainError
from creatorpulse.entrypoints.settings import Settings, SettingsError
from creatorpulse.entrypoints.worker import commands
from creatorpulse.entrypoints.worker.run_now import JOBS


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="creatorpulse",
        description="Daily LinkedIn drafts in a creator's own voice.",
    )
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    demo = commands.add_parser(
        "demo", help="run the whole daily loop on sample data, offline, and print the drafts"
    )
    demo.add_argument(
        "--outbox", type=Path, default=None,
        help="where to write the emails (default: CREATORPULSE_OUTBOX_DIR or <data dir>/outbox)",
    )  # fmt: skip
    for name, text in (
        ("serve", "run the whole service in one process (API + background jobs)"),
        ("api", "run the HTTP API (with NATS_URL, work goes to the workers)"),
    ):
        server = commands.add_parser(name, help=text)
        server.add_argument("--host", default="127.0.0.1", help="address to listen on")
        server.add_argument("--port", type=_port, default=8000, help="port (1-65535)")
    commands.add_parser("worker", help="run background tasks from NATS (needs NATS_URL)")
    commands.add_parser("scheduler", help="enqueue scheduled work; run exactly one (NATS_URL)")
    run = commands.add_parser("run", help="run one job now, in this process")
    run.add_argument("job", choices=JOBS)
    run.add_argument("--user", metavar="EMAIL", help="only this user (per-user jobs)")
    run.add_argument(
        "--force", action="store_true",
        help="ignore the time-of-day window (never the one-email-per-local-day rule)",
    )  # fmt: skip
    jobs = commands.add_parser("jobs", help="tasks that failed for good: list and replay")
    jobs_actions = jobs.add_subparsers(dest="action", required=True, metavar="ACTION")
    jobs_actions.add_parser("dead-letters", help="list dead letters, newest first")
    jobs_actions.add_parser("replay", help="enqueue a dead task again").add_argument("id")
    style = commands.add_parser("style", help="a creator's own posts")
    style_actions = style.add_subparsers(dest="action", required=True, metavar="ACTION")
    imports = style_actions.add_parser(
        "import", help="import past posts: a LinkedIn export (.zip), its Shares.csv, or text"
    )
    imports.add_argument("file", type=Path)
    imports.add_argument("--user", required=True, metavar="EMAIL", help="the creator's account")
    check = commands.add_parser("check", help="make one small real call to an outside service")
    check.add_argument("service", choices=["gemini", "sendgrid", "smtp"])
    db = commands.add_parser("db", help="the database: url, migrate, stop, backup, restore")
    db_actions = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_actions.add_parser(
        "url", help="print the owner's URL (for psql); starts the embedded server if needed"
    )
    db_actions.add_parser("migrate", help="apply pending schema migrations")
    db_actions.add_parser("stop", help="stop the embedded database server")
    db_actions.add_parser(
        "backup", help="write the whole database to FILE (pg_dump custom format, mode 0600)"
    ).add_argument("file", type=Path)
    db_actions.add_parser(
        "restore", help="replace the database with a backup FILE, in one transaction"
    ).add_argument("file", type=Path)
    return parser


def _db(action: str, settings: Settings, file: Path | None) -> int:
    from creatorpulse.adapters.postgres.pg_tools import BackupError  # noqa: PLC0415
    from creatorpulse.entrypoints import db_commands  # noqa: PLC0415

    try:
        if action == "url":
            print(db_commands.db_url(settings))
        elif action == "migrate":
            applied = db_commands.db_migrate(settings)
            print(f"applied: {', '.join(applied)}" if applied else "the schema is up to date")
        elif action in ("backup", "restore"):
            assert file is not None
            run = db_commands.db_backup if action == "backup" else db_commands.db_restore
            print(run(settings, file))
        else:
            print(db_commands.db_stop(settings))
    except BackupError as error:
        print(f"creatorpulse: db {action}: {error}", file=sys.stderr)
        return 1
    return 0


def _port(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a port number from 1 to 65535")
    return int(raw)


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "demo":
            from creatorpulse.entrypoints.demo import run_demo  # noqa: PLC0415

            return run_demo(args.outbox or settings.outbox_dir)
        if args.command in ("serve", "api"):
            return commands.serve(settings, args.host, args.port, command=args.command)
        if args.command in ("worker", "scheduler"):
            return (
                commands.worker(settings)
                if args.command == "worker"
                else commands.scheduler(settings)
            )
        if args.command == "run":
            return commands.run(settings, args.job, args.user, args.force)
        if args.command == "jobs":
            return commands.jobs(settings, args.action, getattr(args, "id", None))
        if args.command == "style":
            from creatorpulse.entrypoints.style_commands import import_style  # noqa: PLC0415

            return import_style(settings, args.file, args.user)
        if args.command == "check":
            from creatorpulse.entrypoints.checks import run_check  # noqa: PLC0415

            print(f"{args.service}: {run_check(args.service, settings)}")
            return 0
        if args.command == "db":
            return _db(args.action, settings, getattr(args, "file", None))
    except SettingsError as error:
        print(f"creatorpulse: configuration error: {error}", file=sys.stderr)
        return 2
    except (OSError, psycopg.Error) as error:
        print(f"creatorpulse: database error: {error}", file=sys.stderr)
        return 1
    except DomainError as error:
        print(f"creatorpulse: {error.code}: {error.message}", file=sys.stderr)
        return 1
    return 2  # pragma: no cover - argparse rejects unknown commands first


if __name__ == "__main__":
    sys.exit(main())
