"""Indicators over the warehouse: compute every dataset with the warehouse open read-only (workers read the
compiled releases and write per-process results themselves), then store the run in one transaction.

DuckDB allows one writing process, and no reader beside it: so the computation opens the warehouse
read-only (the parent and every worker), and only the store opens it for writing, once the workers are gone.
"""

from __future__ import annotations

import logging
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adal.errors import UsageError
from adal.indicators.engine import Outcome
from adal.indicators.money import Rates
from adal.indicators.registers import Registers
from adal.indicators.runner import run_dataset
from adal.indicators.settings import Configuration
from adal.indicators.store import store
from adal.warehouse.executor import Executor

log = logging.getLogger(__name__)

SUMMARY_SQL = """
WITH counted AS (
    SELECT dataset, code, subject_type,
           count(*) FILTER (WHERE state = 'flagged') AS flagged,
           count(*) FILTER (WHERE state = 'not_flagged') AS not_flagged,
           count(*) FILTER (WHERE state = 'not_computable') AS not_computable
    FROM flags WHERE run_id = $1 GROUP BY dataset, code, subject_type
), reasons AS (
    SELECT dataset, code, subject_type, reason, count(*) AS n
    FROM flags WHERE run_id = $1 AND reason IS NOT NULL GROUP BY dataset, code, subject_type, reason
), ranked AS (
    SELECT *, row_number() OVER (PARTITION BY dataset, code, subject_type ORDER BY n DESC, reason) AS rank
    FROM reasons
), top AS (
    SELECT dataset, code, subject_type, list(reason || ' (' || format('{:,}', n) || ')' ORDER BY rank) AS top
    FROM ranked WHERE rank <= 2 GROUP BY dataset, code, subject_type
)
SELECT c.dataset, c.code, c.subject_type, c.flagged, c.not_flagged, c.not_computable, coalesce(t.top, [])
FROM counted c LEFT JOIN top t USING (dataset, code, subject_type)
"""


@dataclass
class WarehouseRun:
    run_id: int
    datasets: list[str]
    seconds: dict[str, float] = field(default_factory=dict)


def compute(
    path: str,
    config: Configuration,
    versions: dict[str, str],
    *,
    rates: Rates | None = None,
    only: str | None = None,
    arguments: str = "",
    settings_name: str = "defaults",
) -> WarehouseRun:
    """Run the enabled indicators on every dataset (or ``only``) of the warehouse at ``path``; store the flags."""
    Executor(path).close()  # bring an older warehouse's schema up to date (flags, indicator_meta, …)
    results: dict[str, list[Outcome]] = {}
    shards: dict[str, list[str]] = {}
    timings: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="adal-flags-") as tmp:
        with Executor(path, read_only=True) as executor:
            datasets = [
                r[0] for r in executor.query("SELECT DISTINCT dataset FROM compiled_releases ORDER BY 1")
            ]
            if only is not None:
                if only not in datasets:
                    raise UsageError(
                        f"{path}: no dataset {only!r} (datasets: {', '.join(datasets) or 'none'})"
                    )
                datasets = [only]
            registers: Registers | None = Registers.from_warehouse(executor)
            if registers is not None and not any(registers.loaded.values()):
                registers = None  # as in file mode without --registers: "no … register given"
            for i, dataset in enumerate(datasets):
                clock = time.perf_counter()
                folder = Path(tmp) / f"{i:04d}-{re.sub(r'[^A-Za-z0-9_.-]', '_', dataset)}"
                folder.mkdir()
                results[dataset] = run_dataset(
                    executor, dataset, config, rates, registers, str(folder)
                ).outcomes
                shards[dataset] = sorted(str(p) for p in folder.glob("*.parquet"))
                timings[dataset] = time.perf_counter() - clock
                log.info("computed %s in %.1f s", dataset, timings[dataset])
        clock = time.perf_counter()
        with Executor(path) as executor:
            run_id = store(
                executor, results, versions, arguments=arguments, settings=settings_name, shards=shards
            )
        timings["store"] = time.perf_counter() - clock
        log.info("stored the flags in %.1f s", timings["store"])
    return WarehouseRun(run_id, datasets, timings)


def summary(executor: Executor, run_id: int) -> list[tuple[Any, ...]]:
    """Per dataset, indicator and level: flagged, not flagged, not computable, and the two commonest reasons."""
    from adal.indicators.registry import REGISTRY

    order = {code: i for i, code in enumerate(REGISTRY)}
    rows = executor.query(SUMMARY_SQL, [run_id])
    return sorted(rows, key=lambda r: (r[0], order.get(r[1], len(order)), r[1], r[2]))


def exported(executor: Executor, run_id: int) -> list[tuple[Any, ...]]:
    """The run's flags as records (the columns of ``output.COLUMNS``)."""
    return executor.query(
        "SELECT flag_id, dataset, subject_type, subject_id, code, state, value, reason, evidence, indicator_version "
        "FROM flags WHERE run_id = ? ORDER BY dataset, code, subject_type, subject_id",
        [run_id],
    )
