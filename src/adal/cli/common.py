"""Options shared by commands."""

from __future__ import annotations

from typing import Annotated

import typer

WarehouseOption = Annotated[
    str | None,
    typer.Option(
        "--warehouse",
        "-w",
        help="DuckDB warehouse file (default: $ADAL_WAREHOUSE, else adal.duckdb in the working directory).",
    ),
]
