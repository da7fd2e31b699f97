"""The `creatorpulse` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

import psycopg

from creatorpulse.domain.model.errors import DomainError
from creatorpulse.entrypoints.settings import Settings, SettingsError


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
        ("api", "run the HTTP API"),
    ):
        server = commands.add_parser(name, help=text)
        server.add_argument("--host", default="127.0.0.1", help="address to listen on")
        server.add_argument("--port", type=_port, default=8000, help="port (1-65535)")
    check = commands.add_parser("check", help="make one small real call to an outside service")
    check.add_argument("service", choices=["gemini", "sendgrid", "smtp"])
    db = commands.add_parser("db", help="the database: url, migrate, stop")
    db_actions = db.add_subparsers(dest="action", required=True, metavar="ACTION")
    db_actions.add_parser(
        "url", help="print the owner's URL (for psql); starts the embedded server if needed"
    )
    db_actions.add_parser("migrate", help="apply pending schema migrations")
    db_actions.add_parser("stop", help="stop the embedded database server")
    return parser


def _db(action: str, settings: Settings) -> int:
    from creatorpulse.entrypoints import db_commands  # noqa: PLC0415

    if action == "url":
        print(db_commands.db_url(settings))
    elif action == "migrate":
        applied = db_commands.db_migrate(settings)
        print(f"applied: {', '.join(applied)}" if applied else "the schema is up to date")
    else:
        print(db_commands.db_stop(settings))
    return 0


def _port(raw: str) -> int:
    if not raw.isdigit() or not 1 <= int(raw) <= 65535:
        raise argparse.ArgumentTypeError(f"{raw!r} is not a port number from 1 to 65535")
    return int(raw)


def _serve(settings: Settings, host: str, port: int) -> int:
    import uvicorn  # noqa: PLC0415

    from creatorpulse.entrypoints.http.app import create_app  # noqa: PLC0415

    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning", access_log=False)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "demo":
            from creatorpulse.entrypoints.demo import run_demo  # noqa: PLC0415

            return run_demo(args.outbox or settings.outbox_dir)
        if args.command in ("serve", "api"):
            return _serve(settings, args.host, args.port)
        if args.command == "check":
            from creatorpulse.entrypoints.checks import run_check  # noqa: PLC0415

            print(f"{args.service}: {run_check(args.service, settings)}")
            return 0
        if args.command == "db":
            return _db(args.action, settings)
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
