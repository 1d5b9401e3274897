"""``adal prepare``: Cardinal's data corrections (the prepare sections of its settings file)."""

from __future__ import annotations

import io
import sys
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adal.errors import UsageError


def register(app: typer.Typer) -> None:
    @app.command("prepare")
    def prepare_command(
        input_path: Annotated[
            str, typer.Argument(metavar="FILE", help="Compiled releases as JSON Lines; - for standard input.")
        ],
        output: Annotated[
            str, typer.Option("--output", "-o", help="Corrected JSON Lines here; - for standard output.")
        ],
        errors: Annotated[
            str, typer.Option("--errors", "-e", help="The quality report (CSV) here; - for standard output.")
        ],
        settings: Annotated[
            Path | None,
            typer.Option(
                "--settings",
                "-s",
                help="Cardinal's settings INI: [defaults], [redactions], [corrections], [modifications], [codelists.*].",
            ),
        ] = None,
    ) -> None:
        """Correct compiled releases as Cardinal's prepare does, before adal indicators: fill defaults, redact placeholders, map codelists, prefix organisation ids, move auction bids, cancel awards whose contracts are cancelled.

        Every line is written corrected, or skipped with a warning (not JSON, not an object); the quality report has one CSV row per value that was missing, invalid or zero: line, ocid, path, indexes, value, description. See docs/indicators/index.md.
        """
        from adal.indicators import settings as settings_module
        from adal.indicators.prepare import prepare
        from adal.indicators.registry import REGISTRY

        config = (
            settings_module.read(str(settings), REGISTRY) if settings else settings_module.Configuration()
        )
        if input_path != "-" and not Path(input_path).is_file():
            raise UsageError(f"{input_path}: no such file")
        console = Console(stderr=True)
        source = sys.stdin.buffer if input_path == "-" else open(input_path, "rb")  # noqa: SIM115
        target = sys.stdout.buffer if output == "-" else open(output, "wb")  # noqa: SIM115
        report = (
            io.TextIOWrapper(sys.stdout.buffer, encoding="utf-8", write_through=True)
            if errors == "-"
            else open(errors, "w", encoding="utf-8", newline="")  # noqa: SIM115
        )
        try:
            for warning in prepare(source, target, report, config):
                console.print(f"adal: {input_path}: {warning}")
        finally:
            for handle in (source, target, report):
                if handle not in (sys.stdin.buffer, sys.stdout.buffer):
                    handle.close()
            if errors == "-":
                report.detach()
