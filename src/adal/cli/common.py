"""Options shared by commands."""

from __future__ import annotations

from typing import Annotated

import typer

from adal.sources.adapters import SourceKind

WarehouseOption = Annotated[
    str | None,
    typer.Option(
        "--warehouse",
        "-w",
        help="DuckDB warehouse file (default: $ADAL_WAREHOUSE, else adal.duckdb in the working directory).",
    ),
]

SourceOption = Annotated[
    SourceKind,
    typer.Option(
        "--source",
        help="What the input is: auto (OCDS; a record that is not OCDS but that a source adapter recognises,"
        " such as a goszakup lot, is converted; register files such as companies.csv beside a datapackage.json"
        " are loaded), ocds (OCDS only), goszakup (every record must be a goszakup lot), or registers"
        " (files named as the registers of docs/registers.md are loaded wherever they are).",
    ),
]
