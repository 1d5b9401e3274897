"""``adal demo``: the main job of `make run` — ingest the real sample data and print the summary."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console

from adal.cli.common import WarehouseOption
from adal.cli.ingest import ingest_with_progress, print_summary
from adal.warehouse.executor import Executor, warehouse_path
from adal.warehouse.status import status

DEMO_WORLD = "adal-demo-world"
DEMO_SEED = 1


def sample_data() -> list[str]:
    """The real data in ../shared/data (OCDS, and goszakup lots) when it is there, else the small sample
    shipped in the package."""
    for base in (Path.cwd(), *Path.cwd().parents):
        shared = base / ".." / "shared" / "data"
        if (shared / "ocds").is_dir():
            paths = [str((shared / "ocds").resolve())]
            lots = shared / "kz" / "goszakup-lots-2026-02.json"
            if lots.exists():
                paths.append(str(lots.resolve()))
            return paths
        if (base / "pyproject.toml").exists():
            break
    return [str(resources.files("adal") / "data" / "sample")]


def demo_world(console: Console, out: Path) -> Path:
    """The demo-scale synthetic world in ``out``, written unless a complete one of this version is there."""
    return synthetic_world(console, out, "demo", DEMO_SEED)


def synthetic_world(console: Console, out: Path, scale: str, seed: int) -> Path:
    """The synthetic world of ``scale`` and ``seed`` in ``out``: reused when complete and of this generator
    version, else written."""
    from adal.synth.config import GENERATOR_VERSION, SCALES, Settings
    from adal.synth.generate import default_workers, generate

    manifest = out / "adal-world.json"
    if manifest.exists():
        data = json.loads(manifest.read_text())
        if (
            data.get("scale") == scale
            and data.get("seed") == seed
            and data.get("generator_version") == GENERATOR_VERSION
            and all((out / rel).exists() for rel in data.get("files", {}))
        ):
            console.print(f"adal: the {scale} world in {out} is up to date")
            return out
    console.print(f"adal: writing the {scale} world (synthetic, seed {seed}) to {out}")
    generate(Settings(SCALES[scale], seed=seed, workers=default_workers()), str(out))
    return out


def register(app: typer.Typer) -> None:
    @app.command("demo")
    def demo_command(
        warehouse: WarehouseOption = None,
        data: Annotated[
            list[str] | None, typer.Option(help="Ingest these paths instead of the real sample.")
        ] = None,
        world: Annotated[
            Path, typer.Option(help="Where the demo world is written (reused while it is up to date).")
        ] = Path(DEMO_WORLD),
        no_world: Annotated[
            bool, typer.Option("--no-world", help="Do not write or ingest the demo world.")
        ] = False,
    ) -> None:
        """Write the demo-scale synthetic world (about 50,000 processes), ingest it with the real sample data (../shared/data, or the sample shipped with adal), and print the warehouse summary."""
        console = Console(stderr=True)
        paths = data or sample_data()
        if not no_world:
            paths = [*paths, str(demo_world(console, world))]
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
        out.print("Next: adal status  ·  adal indicators  ·  adal quarantine  ·  adal compile FILE")
