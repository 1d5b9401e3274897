"""``adal differences``: where publishers' compiled releases differ from adal's merge."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from adal.cli.common import WarehouseOption
from adal.warehouse.differences import differences
from adal.warehouse.executor import Executor, warehouse_path


def register(app: typer.Typer) -> None:
    @app.command("differences")
    def differences_command(
        warehouse: WarehouseOption = None,
        as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")] = False,
    ) -> None:
        """List ocids whose publisher compiledRelease differs from adal's merge of the embedded releases, with the fields that differ."""
        with Executor(warehouse_path(warehouse), read_only=True) as executor:
            found = list(differences(executor))
        if as_json:
            for difference in found:
                typer.echo(orjson.dumps(asdict(difference)).decode())
            return
        table = Table(title=f"Publisher compiled releases that differ from adal's ({len(found)})")
        for name in ("dataset", "ocid", "fields that differ"):
            table.add_column(name)
        for difference in found:
            table.add_row(difference.dataset, difference.ocid, ", ".join(difference.paths[:8]))
        Console().print(table)
