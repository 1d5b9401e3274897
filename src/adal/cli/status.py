"""``adal status``: what the warehouse holds and how complete its data is."""

from __future__ import annotations

from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from adal.cli.common import WarehouseOption
from adal.warehouse.executor import Executor, warehouse_path
from adal.warehouse.status import status

SHOWN_DATASETS = 5


def register(app: typer.Typer) -> None:
    @app.command("status")
    def status_command(
        warehouse: WarehouseOption = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print one JSON object instead of tables.")
        ] = False,
    ) -> None:
        """Print counts (sources, processes, releases, bids, awards, contracts, parties, quarantined), the registers held, and field coverage per dataset: the share of processes with each key field."""
        with Executor(warehouse_path(warehouse), read_only=True) as executor:
            result = status(executor)
        if as_json:
            typer.echo(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
            return
        console = Console()
        counts = Table(title="Warehouse", show_header=False)
        for key, value in result.items():
            if isinstance(value, int):
                counts.add_row(key, f"{value:,}")
        console.print(counts)
        held = {name: n for name, n in result["registers"].items() if n}
        if held:
            registers = Table(title="Registers", show_header=False)
            for name, n in held.items():
                registers.add_row(name, f"{n:,}")
            registers.add_row(
                "buyers found in the bodies register", f"{result['buyers_in_bodies_register']:.0%}"
            )
            console.print(registers)
        coverage = result["coverage"]
        if coverage:
            # Fields down, datasets across (the largest first): readable in a terminal of any width.
            shown = coverage[:SHOWN_DATASETS]
            table = Table(title="Field coverage: share of processes with each field")
            table.add_column("field")
            for row in shown:
                table.add_column(str(row["dataset"]), justify="right")
            for field in list(coverage[0])[1:]:
                table.add_row(field.replace("_", " "), *(_cell(row[field]) for row in shown))
            console.print(table)
            if len(coverage) > SHOWN_DATASETS:
                console.print(f"{len(coverage) - SHOWN_DATASETS} more datasets: adal status --json")


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.0%}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
