"""The ``adal`` application: registers the commands and turns errors into one sentence."""

from __future__ import annotations

import logging
import os
import sys

import typer

from adal.cli import (
    accuracy,
    demo,
    differences,
    indicators,
    ingest,
    prepare,
    quarantine,
    queue,
    rank,
    status,
    synth,
)
from adal.cli import compile as compile_command
from adal.errors import AdalError

app = typer.Typer(
    name="adal",
    help="adal: open data for public control of public money. Ingest OCDS, inspect the warehouse.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

# One alphabetical tuple of commands; each module holds one command.
COMMANDS = (
    accuracy,
    compile_command,
    demo,
    differences,
    indicators,
    ingest,
    prepare,
    quarantine,
    queue,
    rank,
    status,
    synth,
)
for module in COMMANDS:
    module.register(app)


def run() -> None:
    """Entry point: a failing command prints one readable sentence and exits non-zero."""
    level = os.environ.get("ADAL_LOG_LEVEL", "WARNING").upper()
    logging.basicConfig(level=level, format="%(levelname)s %(name)s: %(message)s", stream=sys.stderr)
    try:
        app()
    except AdalError as error:
        typer.echo(f"adal: {error}", err=True)
        sys.exit(1)
    except OSError as error:  # disk full, permission denied: the system's own sentence, with the file
        where = f"{error.filename}: " if error.filename else ""
        typer.echo(f"adal: {where}{error.strerror or error}", err=True)
        sys.exit(1)
    except KeyboardInterrupt:
        typer.echo("adal: interrupted; the warehouse is as it was before this command", err=True)
        sys.exit(130)
