"""``adal rank``: the scorecard of regions, buyers, suppliers or markets: index, interval, rank interval,
components, change against last year, and what drives it."""

from __future__ import annotations

import csv
import io
import json
from enum import StrEnum
from typing import Annotated, Any

import orjson
import typer
from rich.console import Console
from rich.table import Table

from adal.cli.common import WarehouseOption
from adal.errors import UsageError


class Level(StrEnum):
    region = "region"
    buyer = "buyer"
    supplier = "supplier"
    market = "market"


class Format(StrEnum):
    table = "table"
    json = "json"
    csv = "csv"


class Weights(StrEnum):
    equal = "equal"
    calibrated = "calibrated"


COLUMNS = (
    "rank", "rank_low", "rank_high", "ranked", "subject_id", "subject_name", "peer_group", "year", "processes",
    "amount", "integrity", "integrity_low", "integrity_high", "cri_raw", "competition", "competition_low",
    "competition_high", "single_bid_raw", "mean_bidders", "hhi", "transparency", "verdict", "change",
    "population", "amount_per_capita", "risk_by_value", "components", "top_processes", "contributors",
)  # fmt: skip
JSON_COLUMNS = {"components", "top_processes", "contributors"}


def pick_dataset(executor: Any, table: str, dataset: str | None) -> str:
    """The one dataset to work in: ``dataset``, or the only one scored; rankings never mix datasets."""
    found = [r[0] for r in executor.query(f"SELECT DISTINCT dataset FROM {table} ORDER BY 1")]
    if dataset is not None:
        if dataset not in found:
            raise UsageError(f"no scores for dataset {dataset!r} (scored: {', '.join(found) or 'none'})")
        return dataset
    if len(found) == 1:
        return str(found[0])
    raise UsageError(
        f"the warehouse holds {len(found)} datasets, which are never ranked together: choose one with --dataset "
        f"({', '.join(found)})"
    )


def register(app: typer.Typer) -> None:
    @app.command("rank")
    def rank_command(
        level: Annotated[Level, typer.Option(help="What to rank.")] = Level.region,
        year: Annotated[int | None, typer.Option(help="One year (default: all years together).")] = None,
        month: Annotated[
            str | None, typer.Option(help="One month, YYYY-MM (instead of --year).", metavar="YYYY-MM")
        ] = None,
        fmt: Annotated[
            Format, typer.Option("--format", help="table, json (with components and drivers) or csv.")
        ] = Format.table,
        dataset: Annotated[
            str | None, typer.Option(help="The dataset (required when the warehouse holds several).")
        ] = None,
        limit: Annotated[int | None, typer.Option(help="Show only the riskiest N.")] = None,
        weights: Annotated[
            Weights,
            typer.Option(
                help="CRI weights: equal, or calibrated on single bidding (GTI's method; docs/scores.md)."
            ),
        ] = Weights.equal,
        calibration: Annotated[
            bool,
            typer.Option(
                "--calibration",
                help="Print the calibration report (with --weights calibrated) instead of the ranking.",
            ),
        ] = False,
        warehouse: WarehouseOption = None,
    ) -> None:
        """Rank regions, buyers, suppliers or markets by integrity (100 = best) with 90 % intervals, rank intervals
        from a bootstrap over processes, the verdict against peers, the components, the change against the year
        before, and the processes (and, for a region, the bodies) that drive the score. Computes the flags and
        scores first when the warehouse has none, or when its flags are newer."""
        from adal.scores.compute import ALL_YEARS, WHOLE_YEAR, ensure
        from adal.warehouse.executor import Executor, warehouse_path

        path = warehouse_path(warehouse)
        console = Console(stderr=True)
        ensure(path, console, weights.value)
        with Executor(path, read_only=True) as ex:
            chosen = pick_dataset(ex, "group_scores", dataset)
            if calibration:
                text = ex.scalar("SELECT calibration FROM score_runs WHERE dataset = ?", [chosen])
                if text is None:
                    raise UsageError("--calibration needs --weights calibrated")
                typer.echo(text, nl=False)
                return
            wanted, wanted_month = ALL_YEARS if year is None else year, WHOLE_YEAR
            if month is not None:
                if year is not None:
                    raise UsageError("give --year or --month, not both")
                try:
                    wanted, wanted_month = int(month[:4]), int(month[5:7])
                    if len(month) != 7 or month[4] != "-" or not 1 <= wanted_month <= 12:
                        raise ValueError
                except ValueError:
                    raise UsageError(f"--month is {month!r}, expected YYYY-MM") from None
            rows = ex.query(
                f"SELECT {', '.join(COLUMNS)} FROM group_scores WHERE dataset = ? AND level = ? AND year = ? "
                "AND month = ? ORDER BY rank, subject_id",
                [chosen, level.value, wanted, wanted_month],
            )
            currency = ex.scalar("SELECT currency FROM score_runs WHERE dataset = ?", [chosen])
        if not rows:
            years = month or ("all years" if year is None else str(year))
            raise UsageError(f"no {level.value} scores for {years} in dataset {chosen!r}")
        records = [dict(zip(COLUMNS, r, strict=True)) for r in rows][:limit]
        for record in records:
            for key in JSON_COLUMNS:
                record[key] = json.loads(record[key]) if record[key] else None
        if fmt is Format.json:
            typer.echo(
                orjson.dumps(
                    {
                        "dataset": chosen,
                        "level": level.value,
                        "year": year,
                        "month": month,
                        "currency": currency,
                        "rows": records,
                    },
                    option=orjson.OPT_INDENT_2,
                ).decode()
            )
            return
        if fmt is Format.csv:
            buffer = io.StringIO()
            writer = csv.writer(buffer, lineterminator="\n")
            writer.writerow(COLUMNS)
            for record in records:
                writer.writerow(
                    [
                        "" if v is None else json.dumps(v, ensure_ascii=False) if k in JSON_COLUMNS else v
                        for k, v in record.items()
                    ]
                )
            typer.echo(buffer.getvalue(), nl=False)
            return
        table = Table(
            title=f"{level.value} ranking · {chosen} · {month or ('all years' if year is None else year)} · 100 = best"
        )
        for column in (
            "rank (90 %)",
            level.value,
            "processes",
            "integrity (90 %)",
            "competition",
            "transparency",
            "change",
            "verdict",
        ):
            table.add_column(
                column,
                justify="right"
                if column in {"processes", "competition", "transparency", "change"}
                else "left",
            )
        for r in records:
            table.add_row(
                f"{r['rank']} ({r['rank_low']}–{r['rank_high']} of {r['ranked']})",
                str(r["subject_name"] or r["subject_id"]),
                f"{r['processes']:,}",
                f"{r['integrity']:.0f} ({r['integrity_low']:.0f}–{r['integrity_high']:.0f})",
                "—" if r["competition"] is None else f"{r['competition']:.0f}",
                "—" if r["transparency"] is None else f"{r['transparency']:.0f}",
                "—" if r["change"] is None else f"{r['change']:+.1f}",
                str(r["verdict"]),
            )
        Console().print(table)
        console.print("A score is a risk signal to look into, not an accusation. Methodology: docs/scores.md")
