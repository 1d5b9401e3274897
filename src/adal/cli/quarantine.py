"""``adal quarantine``: what could not be loaded, where it was, and why."""

from __future__ import annotations

from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from adal.cli.common import WarehouseOption
from adal.warehouse.executor import Executor, warehouse_path

QUERY = """
-- Quarantined items with the file they came from, newest run first.
SELECT q.run_id, coalesce(q.path, s.path) AS path, q.locator, q.ocid, q.release_id, q.kind, q.reason
FROM quarantine q LEFT JOIN sources s USING (source_id)
WHERE (? IS NULL OR q.kind = ?)
ORDER BY q.run_id DESC, path, q.locator
LIMIT ?
"""


def register(app: typer.Typer) -> None:
    @app.command("quarantine")
    def quarantine_command(
        warehouse: WarehouseOption = None,
        kind: Annotated[
            str | None, typer.Option(help="Only this kind: file, json, release, merge or register.")
        ] = None,
        limit: Annotated[int, typer.Option(help="At most this many rows.")] = 1000,
        as_json: Annotated[bool, typer.Option("--json", help="JSON Lines instead of a table.")] = False,
    ) -> None:
        """List quarantined items: file, line or JSON path, ocid, release id, and the reason."""
        with Executor(warehouse_path(warehouse), read_only=True) as executor:
            rows = executor.query(QUERY, [kind, kind, limit])
        names = ["run", "path", "locator", "ocid", "release_id", "kind", "reason"]
        if as_json:
            for row in rows:
                typer.echo(orjson.dumps(dict(zip(names, row, strict=True))).decode())
            return
        table = Table(title=f"Quarantine ({len(rows)} shown)")
        for name in names:
            table.add_column(name)
        for row in rows:
            table.add_row(*("" if v is None else str(v) for v in row))
        Console().print(table)
