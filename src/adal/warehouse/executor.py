"""The one place warehouse SQL is executed.

Every query goes through :class:`Executor`, which names its dialect. DuckDB is the default; a Spark
executor (transpiling with sqlglot) joins it when the data outgrows one machine. Readers open the
warehouse read-only, so several can run beside the one writer DuckDB allows.
"""

from __future__ import annotations

import os
from importlib import resources
from pathlib import Path
from types import TracebackType
from typing import Any

import duckdb

from adal.errors import UsageError, WarehouseError

DEFAULT_WAREHOUSE = "adal.duckdb"


def warehouse_path(option: str | None) -> str:
    """The warehouse file: the option, else ``ADAL_WAREHOUSE``, else ``adal.duckdb`` here."""
    return option or os.environ.get("ADAL_WAREHOUSE") or DEFAULT_WAREHOUSE


def sql_file(name: str) -> str:
    return (resources.files("adal.warehouse") / "sql" / name).read_text(encoding="utf-8")


class Executor:
    """A DuckDB connection with explicit threads and memory limit."""

    dialect = "duckdb"

    def __init__(
        self, path: str, *, read_only: bool = False, threads: int = 2, memory_limit: str = "1GB"
    ) -> None:
        self.path = path
        if read_only and not Path(path).exists():
            raise UsageError(f"{path}: no warehouse here; run `adal ingest PATH` first")
        try:
            self.connection = duckdb.connect(
                path, read_only=read_only, config={"threads": threads, "memory_limit": memory_limit}
            )
        except duckdb.IOException as error:
            message = str(error).splitlines()[0]
            if "lock" in message.lower():
                raise WarehouseError(f"{path}: the warehouse is in use by another writing process") from error
            raise WarehouseError(f"{path}: cannot be opened as a warehouse ({message})") from error
        except duckdb.Error as error:
            raise WarehouseError(
                f"{path}: cannot be opened as a warehouse ({str(error).splitlines()[0]})"
            ) from error
        self.connection.execute("SET enable_progress_bar = false")
        if not read_only:
            self.connection.execute(sql_file("schema.sql"))
            from adal.sources.registers.spec import ddl

            self.connection.execute(ddl())
            self.connection.execute(sql_file("views.sql"))
        elif not self.has_table("processes"):
            raise WarehouseError(f"{path}: not an adal warehouse (no processes table)")

    def has_table(self, name: str) -> bool:
        return bool(
            self.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name])
        )

    def execute(self, sql: str, parameters: list[Any] | None = None) -> None:
        """Run a statement to completion (DuckDB allows no other work on a connection mid-result)."""
        self.connection.execute(sql, parameters or []).fetchall()

    def query(self, sql: str, parameters: list[Any] | None = None) -> list[tuple[Any, ...]]:
        """Run a query and return all its rows."""
        return self.connection.execute(sql, parameters or []).fetchall()

    def scalar(self, sql: str, parameters: list[Any] | None = None) -> Any:
        rows = self.query(sql, parameters)
        return rows[0][0] if rows else None

    def arrow_schema(self, table: str) -> Any:
        return self.connection.sql(f"SELECT * FROM {table} LIMIT 0").to_arrow_table().schema

    def columns(self, table: str) -> list[str]:
        return [r[0] for r in self.query(f"DESCRIBE {table}")]

    def close(self) -> None:
        self.connection.close()

    def __enter__(self) -> Executor:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None
    ) -> None:
        self.close()
