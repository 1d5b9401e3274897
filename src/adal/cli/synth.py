"""``adal synth``: write a synthetic Kazakhstan-like world with planted schemes and their ground truth."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.progress import BarColumn, Progress, TextColumn, TimeElapsedColumn

from adal.errors import UsageError
from adal.synth.config import SCALES, SCHEMES, Settings


class ScaleName(StrEnum):
    tiny = "tiny"
    demo = "demo"
    bench = "bench"
    national = "national"


class Format(StrEnum):
    jsonl = "jsonl"
    packages = "packages"
    both = "both"


def parse_rates(values: list[str]) -> dict[str, float]:
    rates: dict[str, float] = {}
    for value in values:
        name, sep, number = value.partition("=")
        if not sep:
            raise UsageError(f"--rate {value}: expected SCHEME=CASES_PER_10000, e.g. --rate cartel=3")
        if name not in SCHEMES:
            raise UsageError(f"--rate {value}: unknown scheme {name!r}; the schemes are {', '.join(SCHEMES)}")
        try:
            rates[name] = float(number)
        except ValueError:
            raise UsageError(f"--rate {value}: {number!r} is not a number") from None
        if rates[name] < 0:
            raise UsageError(f"--rate {value}: a rate cannot be negative")
    return rates


def register(app: typer.Typer) -> None:
    @app.command("synth")
    def synth_command(
        out: Annotated[
            Path, typer.Option("--out", help="Directory to write the world into (created if absent).")
        ],
        scale: Annotated[
            ScaleName,
            typer.Option(help="tiny ~1k processes, demo ~50k, bench ~1M releases, national 25,000 buyers."),
        ] = ScaleName.tiny,
        seed: Annotated[int, typer.Option(help="Same seed, same version: byte-identical output.")] = 1,
        year: Annotated[
            list[int] | None, typer.Option(help="Year to generate (repeat for several; default 2025).")
        ] = None,
        fmt: Annotated[
            Format,
            typer.Option("--format", help="OCDS as JSON Lines of releases, release packages, or both."),
        ] = Format.jsonl,
        rate: Annotated[
            list[str] | None,
            typer.Option(help="SCHEME=CASES_PER_10000 processes; 0 turns a scheme off. Repeatable."),
        ] = None,
        no_schemes: Annotated[
            bool, typer.Option("--no-schemes", help="Plant nothing: an honest world.")
        ] = False,
        workers: Annotated[
            int, typer.Option(help="Processes generating in parallel (default: CPUs, at most 4).")
        ] = 0,
    ) -> None:
        """Write a synthetic Kazakhstan-like world: OCDS releases, registers, and the ground truth of the planted schemes.

        The directory receives ocds/ (releases, gzip JSON Lines), registers/ (CSV with a datapackage.json), ground_truth.jsonl (one planted case per line, kept apart from the data) and adal-world.json (settings, counts, file hashes). Load it with: adal ingest DIR. See docs/synthetic-world.md.
        """
        from adal.synth.generate import default_workers, generate

        years = tuple(sorted(set(year or [2025])))
        from adal.synth.procurement import MRP

        for y in years:
            if not min(MRP) <= y <= max(MRP):
                raise UsageError(
                    f"--year {y}: the world's MRP table (data/law.json) covers {min(MRP)} to {max(MRP)}"
                )
        settings = Settings(
            SCALES[scale.value],
            seed=seed,
            years=years,
            formats=("jsonl", "packages") if fmt is Format.both else (fmt.value,),
            workers=workers or default_workers(),
        )
        overrides = parse_rates(rate or [])
        if no_schemes:
            overrides = dict.fromkeys(SCHEMES, 0.0) | overrides
        settings = settings.with_rates(overrides)
        console = Console(stderr=True)
        with Progress(
            TextColumn("[bold]generating"),
            BarColumn(),
            TextColumn("{task.completed}/{task.total} groups · {task.fields[releases]:,} releases"),
            TimeElapsedColumn(),
            console=console,
            transient=True,
            disable=not console.is_terminal,
        ) as progress:
            task = progress.add_task("generating", total=None, releases=0)

            def show(done: int, total: int, releases: int) -> None:
                progress.update(task, completed=done, total=total, releases=releases)

            manifest = generate(settings, str(out), show)
        c = manifest.counts
        console.print(
            f"[bold]{out}[/]: {c['bodies']:,} bodies, {c['companies']:,} companies, {c['people']:,} people, "
            f"{c['processes']:,} processes, {c['releases']:,} releases, {c['cases']:,} planted cases"
        )
        console.print(f"  load it with: adal ingest {out}")
