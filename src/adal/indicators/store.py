"""Indicator results in the warehouse: a run replaces the flags of the datasets and indicators it computed,
in one transaction, so readers see the old flags or the new ones, never a mix."""

from __future__ import annotations

import math
from typing import Any

from adal.indicators.engine import Outcome
from adal.indicators.output import arrow_table, records
from adal.warehouse.executor import Executor


def store(
    executor: Executor,
    results: dict[str, list[Outcome]],
    versions: dict[str, str],
    *,
    arguments: str,
    settings: str,
    shards: dict[str, list[str]] | None = None,
) -> int:
    """Write ``results`` (outcomes by dataset) and the Parquet ``shards`` of records the workers wrote (by
    dataset); return the run id."""
    import pyarrow as pa

    ex = executor
    ex.execute("BEGIN TRANSACTION")
    try:
        run_id = int(ex.scalar("SELECT coalesce(max(run_id), 0) + 1 FROM indicator_runs"))
        codes = sorted({o.code for outcomes in results.values() for o in outcomes})
        ex.execute(
            "INSERT INTO indicator_runs VALUES (?, now(), NULL, ?, ?, ?)",
            [run_id, arguments, settings, codes],
        )
        for dataset, outcomes in results.items():
            done = [o.code for o in outcomes]
            ex.execute("DELETE FROM flags WHERE dataset = ? AND list_contains(?, code)", [dataset, done])
            ex.execute(
                "DELETE FROM indicator_meta WHERE dataset = ? AND list_contains(?, code)", [dataset, done]
            )
            table = arrow_table(records(outcomes, versions, dataset))
            table = table.append_column("run_id", pa.array([run_id] * table.num_rows, type=pa.int32()))
            ex.connection.register("_flags", table)
            try:
                ex.execute("INSERT INTO flags BY NAME SELECT * FROM _flags")
            finally:
                ex.connection.unregister("_flags")
            files = (shards or {}).get(dataset)
            if files:
                ex.execute(
                    "INSERT INTO flags BY NAME SELECT *, ?::INTEGER AS run_id FROM read_parquet(?)",
                    [run_id, files],
                )
            meta: list[list[Any]] = [
                [run_id, dataset, o.code, key, value if math.isfinite(value) else None]
                for o in outcomes
                for key, value in o.meta.items()
            ]
            if meta:
                ex.connection.executemany("INSERT INTO indicator_meta VALUES (?, ?, ?, ?, ?)", meta)
        ex.execute("UPDATE indicator_runs SET finished_at = now() WHERE run_id = ?", [run_id])
        ex.execute("COMMIT")
    except BaseException:
        ex.execute("ROLLBACK")
        raise
    return run_id
