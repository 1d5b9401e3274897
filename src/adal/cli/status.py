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


def register(app: typer.Typer) -> None:
    @app.command("status")
    def status_command(
        warehouse: WarehouseOption = None,
        as_json: Annotated[
            bool, typer.Option("--json", help="Print one JSON object instead of tables.")
        ] = False,
    ) -> None:
        """Print counts (sources, processes, releases, bids, awards, contracts, parties, quarantined) and
        field coverage per dataset: the share of processes with each key field."""
        with Executor(warehouse_path(warehouse), read_only=True) as executor:
            result = status(executor)
        if as_json:
            typer.echo(orjson.dumps(result, option=orjson.OPT_INDENT_2).decode())
            return
        console = Console()
        counts = Table(title="Warehouse", show_header=False)
        for key, value in result.items():
            if key != "coverage":
                counts.add_row(key, f"{value:,}")
        console.print(counts)
        if result["coverage"]:
            fields = list(result["coverage"][0])
            coverage = Table(title="Field coverage (share of processes)")
            for name in fields:
                coverage.add_column(name.replace("_", " "), justify="left" if name == "dataset" else "right")
            for row in result["coverage"][:40]:
                coverage.add_row(*(_cell(v) for v in row.values()))
            console.print(coverage)


def _cell(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.0%}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
