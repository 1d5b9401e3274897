"""``adal ingest PATH...``: load OCDS (and goszakup lots) from files, directories and archives into the warehouse."""

from __future__ import annotations

import shlex
import sys
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from adal.cli.common import SourceOption, WarehouseOption
from adal.warehouse.executor import Executor, warehouse_path
from adal.warehouse.loader import ProgressReport, Summary, ingest


def print_summary(console: Console, summary: Summary, path: str) -> None:
    s = summary
    console.print(
        f"[bold]{path}[/]: read {s.items_read:,} items from {s.files:,} files "
        f"({s.files_unchanged:,} unchanged since an earlier ingest)"
    )
    console.print(
        f"  read {s.items_read:,} = loaded {s.loaded:,} + quarantined {s.quarantined:,} + skipped {s.skipped:,}"
    )
    console.print(
        f"  new releases {s.new_releases:,}, duplicates {s.duplicates:,}, processes compiled {s.recompiled:,}"
    )
    if s.quarantined:
        console.print("  see them with: adal quarantine")


def ingest_with_progress(executor: Executor, paths: list[str], console: Console, **options: Any) -> Summary:
    """Run an ingest with a progress bar on the console (when it is a terminal)."""
    with Progress(
        TextColumn("[bold]{task.description:<9}"),
        BarColumn(),
        TextColumn("{task.fields[detail]}"),
        TimeElapsedColumn(),
        console=console,
        transient=True,
        disable=not console.is_terminal,
    ) as progress:
        task = progress.add_task("reading", total=None, detail="")

        def show(report: ProgressReport) -> None:
            elapsed = progress.tasks[0].elapsed or 0.0
            if report.phase == "reading":
                size = f"{report.done / 1e6:,.0f}" + (f"/{report.total / 1e6:,.0f}" if report.total else "")
                rate = report.items / elapsed if elapsed else 0.0
                detail = f"{size} MB · {report.items:,} items · {rate:,.0f} items/s"
            else:
                unit = "partitions" if report.phase == "compiling" else "tables"
                detail = f"{report.done}/{report.total} {unit} · {report.items:,} items"
            progress.update(
                task, description=report.phase, completed=report.done, total=report.total, detail=detail
            )

        return ingest(executor, paths, progress=show, **options)


def register(app: typer.Typer) -> None:
    @app.command("ingest")
    def ingest_command(
        paths: Annotated[
            list[str],
            typer.Argument(
                help="Files, directories (walked recursively), .zip/.gz, or - for standard input."
            ),
        ],
        warehouse: WarehouseOption = None,
        dataset: Annotated[
            str | None,
            typer.Option(help="Dataset name for everything read (default: each release's ocid prefix)."),
        ] = None,
        encoding: Annotated[
            str | None,
            typer.Option(help="Text encoding of the input (default UTF-8), e.g. iso-8859-1 or cp1251."),
        ] = None,
        source: SourceOption = "auto",
    ) -> None:
        """Load OCDS releases and records into the warehouse, compile them, and print what happened.

        Reads release and record packages, releases, records, JSON arrays, JSON Lines and concatenated JSON, plain or in .gz and .zip. Lots of goszakup.gov.kz (Kazakhstan) are converted to OCDS releases as they are read (see --source). Registers (companies.csv, bodies.csv, ... of docs/registers.md) are loaded into register_* tables. Bad input is quarantined with its reason, never lost: the summary reconciles read = loaded + quarantined + skipped. One run is one transaction.
        """
        console = Console(stderr=True)
        path = warehouse_path(warehouse)
        with Executor(path) as executor:
            summary = ingest_with_progress(
                executor,
                paths,
                console,
                dataset=dataset,
                encoding=encoding,
                source=source,
                arguments=shlex.join(sys.argv[1:]),
            )
        print_summary(console, summary, path)
