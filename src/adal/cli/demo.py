"""``adal demo``: the main job of `make run` — ingest the real sample data and print the summary."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adal.cli.common import WarehouseOption
from adal.cli.ingest import ingest_with_progress, print_summary
from adal.warehouse.executor import Executor, warehouse_path
from adal.warehouse.status import status


def sample_data() -> list[str]:
    """The real OCDS in ../shared/data/ocds when it is there, else the small sample shipped in the package."""
    for base in (Path.cwd(), *Path.cwd().parents):
        shared = base / ".." / "shared" / "data" / "ocds"
        if shared.is_dir():
            return [str(shared.resolve())]
        if (base / "pyproject.toml").exists():
            break
    return [str(resources.files("adal") / "data" / "sample")]


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_command(
        warehouse: WarehouseOption = None,
        data: Annotated[list[str] | None, typer.Option(help="Ingest these paths instead.")] = None,
    ) -> None:
        """Ingest the real sample data (../shared/data/ocds, or the sample shipped with adal) and print the warehouse summary."""
        console = Console(stderr=True)
        paths = data or sample_data()
        path = warehouse_path(warehouse)
        console.print(f"adal demo: ingesting {', '.join(paths)} into {path}")
        with Executor(path) as executor:
            summary = ingest_with_progress(executor, paths, console, arguments="demo")
            result = status(executor)
        print_summary(console, summary, path)
        out = Console()
        out.print(
            f"processes {result['processes']:,} · releases {result['releases']:,} · bids {result['bids']:,} · "
            f"awards {result['awards']:,} · contracts {result['contracts']:,} · parties {result['parties']:,} · "
            f"quarantined {result['quarantined']:,} · datasets {result['datasets']:,}"
        )
        out.print("Next: adal status  ·  adal quarantine  ·  adal compile FILE")
