"""``adal indicators``: run red-flag indicators on the warehouse, or on a file of compiled releases."""

from __future__ import annotations

import logging
import shlex
import sys
from collections import Counter
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from adal.cli.common import WarehouseOption
from adal.errors import UsageError

if TYPE_CHECKING:
    from collections.abc import Iterable

    from adal.indicators.engine import Outcome
    from adal.indicators.money import Rates
    from adal.indicators.settings import Configuration


log = logging.getLogger(__name__)


class Format(StrEnum):
    cardinal = "cardinal"
    json = "json"
    csv = "csv"
    parquet = "parquet"


def _registry_rows() -> list[dict[str, object]]:
    from adal.indicators.registry import REGISTRY

    return [
        {
            "code": i.code,
            "title": i.title,
            "phase": i.phase,
            "levels": [level.value for level in i.levels],
            "version": i.version,
            "cardinal": i.cardinal,
            "description": i.description,
        }
        for i in REGISTRY.values()
    ]


def summary_rows(outcomes_by_dataset: dict[str, list[Outcome]]) -> list[tuple[Any, ...]]:
    """Per dataset, indicator and level: flagged, not flagged, not computable, and the two commonest reasons."""
    from adal.indicators.base import LEVEL_NAMES, Level, State

    rows: list[tuple[Any, ...]] = []
    for dataset, outcomes in outcomes_by_dataset.items():
        for outcome in outcomes:
            # Results are one per subject (engine.merged), so counting them counts subjects.
            counts: Counter[tuple[Level, State]] = Counter((r.level, r.state) for r in outcome.results)
            reasons: dict[Level, Counter[str]] = {}
            for r in outcome.results:
                if r.reason:
                    reasons.setdefault(r.level, Counter())[r.reason] += 1
            for level in dict.fromkeys(level for level, _ in counts):
                top = [f"{reason} ({n:,})" for reason, n in reasons.get(level, Counter()).most_common(2)]
                rows.append(
                    (
                        dataset,
                        outcome.code,
                        LEVEL_NAMES[level],
                        counts[(level, State.flagged)],
                        counts[(level, State.not_flagged)],
                        counts[(level, State.not_computable)],
                        top,
                    )
                )
    return rows


def summarise(console: Console, rows: Iterable[tuple[Any, ...]]) -> None:
    """The summary table: per dataset, indicator and level, the three states and the commonest reasons."""
    table = Table(title="Indicators")
    for column in ("dataset", "code", "level", "flagged", "not flagged", "not computable", "top reasons"):
        justify = "right" if column in {"flagged", "not flagged", "not computable"} else "left"
        table.add_column(column, justify=justify)  # type: ignore[arg-type]
    for dataset, code, level, flagged, not_flagged, not_computable, top in rows:
        table.add_row(
            dataset, code, level, f"{flagged:,}", f"{not_flagged:,}", f"{not_computable:,}", "; ".join(top)
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    @app.command("indicators")
    def indicators_command(
        input_path: Annotated[
            str | None,
            typer.Argument(
                metavar="[INPUT]",
                help="Compiled releases as JSON Lines (.gz allowed; - for standard input). Without it, the warehouse.",
            ),
        ] = None,
        settings: Annotated[
            Path | None,
            typer.Option(
                "--settings",
                "-s",
                help="Cardinal's settings INI (as ocdscardinal init writes it); without it, every indicator with defaults.",
            ),
        ] = None,
        fmt: Annotated[
            Format | None,
            typer.Option(
                "--format",
                help="cardinal: Cardinal's JSON; json (JSON Lines), csv, parquet: adal's records, three states.",
            ),
        ] = None,
        out: Annotated[
            Path | None,
            typer.Option(help="Write the output here instead of standard output (required for parquet)."),
        ] = None,
        no_meta: Annotated[bool, typer.Option("--no-meta", help="Cardinal format: leave out Meta.")] = False,
        with_map: Annotated[
            bool, typer.Option("--map", help="Cardinal format: add Maps (flagged ocids to organisations).")
        ] = False,
        count: Annotated[
            bool,
            typer.Option(
                "--count", help="Cardinal format: print the number of flagged subjects per group to stderr."
            ),
        ] = False,
        list_: Annotated[
            bool, typer.Option("--list", help="Print the registry: code, title, phase, levels, version.")
        ] = False,
        dataset: Annotated[str | None, typer.Option(help="Warehouse mode: only this dataset.")] = None,
        rates: Annotated[
            Path | None,
            typer.Option(
                help="adal's formats: convert other currencies into the main one with this dated rate table (CSV: date, from, to, rate)."
            ),
        ] = None,
        registers: Annotated[
            Path | None,
            typer.Option(
                help="File mode: a directory of state registers (companies.csv, debarments.csv, … as adal synth writes them) for the indicators that consult them. The warehouse mode uses the registers ingested into it."
            ),
        ] = None,
        warehouse: WarehouseOption = None,
    ) -> None:
        """Run red-flag indicators: three states per subject (flagged, not flagged, not computable with the reason), with value and evidence.

        With INPUT, read compiled releases (as adal compile or ocdskit compile write them) and print the results: --format cardinal gives exactly Cardinal's output shape and values. Without INPUT, run on every dataset of the warehouse, replace the stored flags (table flags) in one transaction, and print a summary. See docs/indicators/.
        """
        from adal.indicators import settings as settings_module
        from adal.indicators.registry import REGISTRY

        console = Console(stderr=True)
        if list_:
            rows = _registry_rows()
            if fmt is Format.json:
                typer.echo(orjson.dumps(rows, option=orjson.OPT_INDENT_2).decode())
                return
            table = Table(title=f"{len(rows)} indicators")
            for column in ("code", "title", "phase", "levels", "version"):
                table.add_column(column, no_wrap=column == "code")
            for row in rows:
                table.add_row(
                    str(row["code"]),
                    str(row["title"]),
                    str(row["phase"]),
                    ", ".join(str(level) for level in row["levels"]),  # type: ignore[attr-defined]
                    str(row["version"]),
                )
            Console().print(table)
            return
        config = (
            settings_module.read(str(settings), REGISTRY)
            if settings is not None
            else settings_module.defaults(list(REGISTRY))
        )
        if config.output:
            flags = {k: v.strip().lower() in {"true", "1", "yes", "on"} for k, v in config.output.items()}
            no_meta = no_meta or flags.get("no_meta", False)
            with_map = with_map or flags.get("map", False)
            count = count or flags.get("count", False)
        if fmt is Format.parquet and out is None:
            raise UsageError("--format parquet needs --out FILE")
        versions = {code: i.version for code, i in REGISTRY.items()}
        from adal.indicators.money import Rates

        rate_table = Rates.read(str(rates)) if rates is not None else None
        if input_path is not None:
            _file_mode(
                input_path,
                config,
                fmt or Format.json,
                out,
                no_meta,
                with_map,
                count,
                versions,
                console,
                rate_table,
                registers,
            )
            return
        if fmt is Format.cardinal:
            raise UsageError("--format cardinal reads a file of compiled releases: give INPUT")
        if registers is not None:
            raise UsageError(
                "--registers is for a file of compiled releases; the warehouse uses the registers ingested into it"
            )
        _warehouse_mode(
            config,
            fmt,
            out,
            dataset,
            warehouse,
            versions,
            console,
            str(settings) if settings else "defaults",
            rate_table,
        )


def _write(out: Path | None, text: str | bytes) -> None:
    data = text.encode() if isinstance(text, str) else text
    if out is None:
        sys.stdout.buffer.write(data)
        sys.stdout.flush()
    else:
        out.write_bytes(data)


def _export(fmt: Format, out: Path | None, records: Iterable[tuple[Any, ...]]) -> None:
    from adal.indicators.output import arrow_table, csv_text, json_lines

    if fmt is Format.json:
        _write(out, b"".join(json_lines(records)))
    elif fmt is Format.csv:
        _write(out, "".join(csv_text(records)))
    elif fmt is Format.parquet:
        import pyarrow.parquet as pq

        assert out is not None
        pq.write_table(arrow_table(records), str(out))


def _file_mode(
    path: str,
    config: Configuration,
    fmt: Format,
    out: Path | None,
    no_meta: bool,
    with_map: bool,
    count: bool,
    versions: dict[str, str],
    console: Console,
    rates: Rates | None = None,
    registers: Path | None = None,
) -> None:
    from adal.indicators.output import cardinal, records
    from adal.indicators.registers import Registers
    from adal.indicators.runner import run_file

    if path != "-" and not Path(path).is_file():
        raise UsageError(f"{path}: no such file")
    cardinal_format = fmt is Format.cardinal
    enabled = set(config.enabled)
    done = run_file(
        path,
        config,
        full=not cardinal_format,
        by_org=not cardinal_format,
        tenderers=cardinal_format and with_map and bool({"R025", "R038", "R048"} & enabled),
        rates=rates,
        registers=Registers.from_directory(str(registers)) if registers is not None else None,
    )
    outcomes, problems = done.outcomes, done.problems
    for line, reason in problems.invalid[:5]:
        console.print(f"adal: {path}: line {line} is not valid JSON, skipped ({reason})")
    if problems.invalid_count > 5:
        console.print(f"adal: {path}: {problems.invalid_count - 5:,} more lines are not valid JSON, skipped")
    if problems.skipped:
        console.print(
            f"adal: {path}: {problems.skipped:,} lines are not an object with a string ocid, skipped"
        )
    if problems.duplicates:
        console.print(
            f"adal: {path}: {problems.duplicates:,} ocids appear more than once (one line is one process)"
        )
    if cardinal_format:
        maps: dict[str, dict[str, Any]] | None = None
        if with_map:
            maps = {}
            for outcome in outcomes:
                for key, value in outcome.maps.items():
                    maps.setdefault(key, {}).update(value)
            if {"R025", "R038", "R048"} & enabled:
                maps["ocid_tenderer"] = done.tenderers
        text = cardinal(outcomes, meta=not no_meta, maps=maps)
        _write(out, text)
        if count:
            groups = orjson.loads(text)
            for name in ("OCID", "Buyer", "ProcuringEntity", "Tenderer"):
                if name in groups:
                    console.print(f"{name}: {len(groups[name])}")
        return
    _export(fmt, out, records(outcomes, versions, "-" if path == "-" else Path(path).name))
    summarise(console, summary_rows({Path(path).name: outcomes}))


def _warehouse_mode(
    config: Configuration,
    fmt: Format | None,
    out: Path | None,
    only: str | None,
    warehouse: str | None,
    versions: dict[str, str],
    console: Console,
    settings_name: str,
    rates: Rates | None = None,
) -> None:
    from adal.indicators.warehouse import compute, exported, summary
    from adal.warehouse.executor import Executor, warehouse_path

    path = warehouse_path(warehouse)
    run = compute(
        path,
        config,
        versions,
        rates=rates,
        only=only,
        arguments=shlex.join(sys.argv[1:]),
        settings_name=settings_name,
    )
    with Executor(path, read_only=True) as executor:
        summarise(console, summary(executor, run.run_id))
        console.print(
            f"run {run.run_id}: flags stored in {path} (table flags); export with --format json|csv|parquet"
        )
        if fmt is not None:
            _export(fmt, out, exported(executor, run.run_id))
