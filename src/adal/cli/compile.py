"""``adal compile PATH...``: compiled releases as JSON Lines on stdout (the drop-in for ``ocdskit compile``)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from adal.cli.common import SourceOption
from adal.sources.ocds.pipeline import compile_files


def register(app: typer.Typer) -> None:
    @app.command("compile")
    def compile_command(
        paths: Annotated[
            list[str], typer.Argument(help="Files or directories of releases (or - for stdin).")
        ],
        encoding: Annotated[
            str | None, typer.Option(help="Text encoding of the input (default UTF-8).")
        ] = None,
        source: SourceOption = "auto",
    ) -> None:
        """Merge releases by ocid and write one compiled release per line to stdout.

        Reads every form `adal ingest` reads. Problems (invalid JSON, releases that cannot be merged) are reported on stderr and skipped; the exit code is 0 when every input could be read.
        """

        def report(message: str) -> None:
            typer.echo(f"adal: {message}", err=True)

        problems = compile_files(paths, sys.stdout.buffer, report, encoding, source)
        if problems:
            report(f"{problems} problems reported above")
