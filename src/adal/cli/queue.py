"""``adal queue``: the processes auditors should review first, by risk × money at stake, with a random share."""

from __future__ import annotations

import dataclasses
from enum import StrEnum
from typing import Annotated

import orjson
import typer
from rich.console import Console
from rich.table import Table

from adal.cli.common import WarehouseOption


class Format(StrEnum):
    table = "table"
    json = "json"


def register(app: typer.Typer) -> None:
    @app.command("queue")
    def queue_command(
        budget: Annotated[int, typer.Option(help="How many processes the auditors can review.")] = 20,
        random_share: Annotated[
            float, typer.Option(help="Share of the budget drawn at random among the rest (0–1).")
        ] = 0.1,
        seed: Annotated[
            int, typer.Option(help="Seed of the random draw (the same seed gives the same queue).")
        ] = 0,
        fmt: Annotated[Format, typer.Option("--format", help="table or json.")] = Format.table,
        dataset: Annotated[
            str | None, typer.Option(help="The dataset (required when the warehouse holds several).")
        ] = None,
        warehouse: WarehouseOption = None,
    ) -> None:
        """The review queue: the riskiest processes by risk × money at stake, then a share drawn at random from
        the rest (published methods are gamed; random audit keeps them honest), each with the reason it is
        there. Reproducible by --seed. Computes flags and scores first when the warehouse has none."""
        from adal.cli.rank import pick_dataset
        from adal.errors import UsageError
        from adal.scores.compute import ensure
        from adal.scores.queue import build
        from adal.warehouse.executor import Executor, warehouse_path

        if budget < 1:
            raise UsageError(f"--budget is {budget}, expected a positive number of processes")
        if not 0 <= random_share <= 1:
            raise UsageError(f"--random-share is {random_share}, expected a share between 0 and 1")
        path = warehouse_path(warehouse)
        console = Console(stderr=True)
        ensure(path, console, weights=None)  # the queue reads risk, which no CRI weighting changes
        with Executor(path, read_only=True) as ex:
            chosen = pick_dataset(ex, "process_scores", dataset)
            names = ("ocid", "risk", "amount", "currency", "flags")
            rows = [
                dict(zip(names, r, strict=True))
                for r in ex.query(
                    f"SELECT {', '.join(names)} FROM process_scores WHERE dataset = ?", [chosen]
                )
            ]
        entries = build(rows, budget, random_share=random_share, seed=seed)
        if fmt is Format.json:
            typer.echo(
                orjson.dumps(
                    {"dataset": chosen, "seed": seed, "queue": [dataclasses.asdict(e) for e in entries]},
                    option=orjson.OPT_INDENT_2,
                ).decode()
            )
            return
        table = Table(
            title=f"review queue · {chosen} · budget {budget} · {random_share:.0%} random (seed {seed})"
        )
        for column in ("#", "ocid", "chosen", "risk", "at stake", "reason"):
            table.add_column(column)
        for e in entries:
            table.add_row(
                str(e.position), e.ocid, e.chosen, "—" if e.risk is None else f"{e.risk:.2f}",
                "—" if e.amount is None else f"{e.amount:,.0f} {e.currency or ''}".strip(), e.reason,
            )  # fmt: skip
        Console().print(table)
        console.print("A place in the queue is a reason to look, not an accusation.")
