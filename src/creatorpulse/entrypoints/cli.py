"""The `creatorpulse` command."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

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
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        settings = Settings.from_env()
        if args.command == "demo":
            from creatorpulse.entrypoints.demo import run_demo  # noqa: PLC0415

            return run_demo(args.outbox or settings.outbox_dir)
    except SettingsError as error:
        print(f"creatorpulse: configuration error: {error}", file=sys.stderr)
        return 2
    except DomainError as error:
        print(f"creatorpulse: {error.code}: {error.message}", file=sys.stderr)
        return 1
    return 2  # pragma: no cover - argparse rejects unknown commands first


if __name__ == "__main__":
    sys.exit(main())
