"""``adal accuracy``: measure every indicator against a synthetic world's ground truth, and its firing rate on
real data; write ``docs/indicators/accuracy.md`` and the generated lines of each methodology page."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console

from adal.errors import UsageError

DOCS = Path("docs") / "indicators"


def register(app: typer.Typer) -> None:
    @app.command("accuracy")
    def accuracy_command(
        scale: Annotated[
            str, typer.Option(help="Scale of the world to generate: tiny, demo, bench.")
        ] = "demo",
        seed: Annotated[int, typer.Option(help="Seed of the world to generate.")] = 1,
        world: Annotated[
            Path | None,
            typer.Option(help="Use this world (a directory adal synth wrote) instead of generating one."),
        ] = None,
        real: Annotated[
            list[str] | None,
            typer.Option(
                help="Real data to measure firing rates on (default: ../shared/data, or the shipped sample)."
            ),
        ] = None,
        no_real: Annotated[bool, typer.Option("--no-real", help="Do not measure on real data.")] = False,
        out: Annotated[Path, typer.Option(help="The accuracy page to write.")] = DOCS / "accuracy.md",
        pages: Annotated[
            bool,
            typer.Option(
                "--pages/--no-pages",
                help="Also rewrite the generated lines in each indicator's pages (en, ru, kk) beside OUT.",
            ),
        ] = True,
        validation: Annotated[
            Path,
            typer.Option(help="The scores' validation page to write (rankings against the ground truth)."),
        ] = Path("docs") / "scores-validation.md",
        warehouse: Annotated[
            Path | None,
            typer.Option(
                help="Keep the warehouse built for the measurement here (default: a temporary one)."
            ),
        ] = None,
    ) -> None:
        """Measure every indicator: precision and recall per planted scheme and the flag rate on clean processes
        (on a synthetic world's ground_truth.jsonl), and the firing rate on each real dataset. Writes OUT
        (docs/indicators/accuracy.md), accuracy.json beside it and, with --pages, the Accuracy lines of every
        indicator page. The world is generated (or reused when up to date) from --scale and --seed."""
        from adal.cli.demo import DEMO_SEED, DEMO_WORLD, sample_data, synthetic_world
        from adal.cli.ingest import ingest_with_progress
        from adal.indicators import accuracy
        from adal.indicators import settings as settings_module
        from adal.indicators.registry import REGISTRY
        from adal.indicators.warehouse import compute
        from adal.synth.config import SCALES
        from adal.warehouse.executor import Executor

        console = Console(stderr=True)
        if world is None:
            if scale not in SCALES:
                raise UsageError(f"--scale is {scale!r}, expected one of {', '.join(SCALES)}")
            folder = (
                Path(DEMO_WORLD)
                if (scale, seed) == ("demo", DEMO_SEED)
                else Path(f"adal-world-{scale}-s{seed}")
            )
            world = synthetic_world(console, folder, scale, seed)
        manifest_path = world / "adal-world.json"
        truth_path = world / "ground_truth.jsonl"
        if not manifest_path.is_file() or not truth_path.is_file():
            raise UsageError(
                f"{world}: not a synthetic world (expected adal-world.json and ground_truth.jsonl)"
            )
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        truth = accuracy.Truth.read(truth_path)
        real_paths = [] if no_real else (real or sample_data())
        with tempfile.TemporaryDirectory(prefix="adal-accuracy-") as tmp:
            path = str(warehouse) if warehouse is not None else str(Path(tmp) / "accuracy.duckdb")
            with Executor(path) as executor:
                ingest_with_progress(executor, [str(world), *real_paths], console, arguments="accuracy")
            console.print("adal accuracy: running every indicator on every dataset")
            versions = {code: i.version for code, i in REGISTRY.items()}
            run = compute(path, settings_module.defaults(list(REGISTRY)), versions, arguments="accuracy")
            with Executor(path, read_only=True) as executor:
                first = next(iter(truth.positives("ocids")), None)
                found = executor.query("SELECT dataset FROM processes WHERE ocid = ? LIMIT 1", [first])
                if not found:
                    raise UsageError(f"{world}: its processes were not loaded")
                world_dataset = found[0][0]
                processes = int(
                    executor.scalar("SELECT count(*) FROM processes WHERE dataset = ?", [world_dataset])
                )
                scores = accuracy.score(
                    truth,
                    executor.query(
                        "SELECT code, subject_type, subject_id, state FROM flags WHERE run_id = ? AND dataset = ?",
                        [run.run_id, world_dataset],
                    ),
                    _universe(executor, world_dataset),
                )
                scores_page = _validation(executor, world_dataset, truth, manifest, scale, seed)
                real_rates: dict[str, dict[str, tuple[int, int]]] = {}
                for dataset, code, flagged, computable in executor.query(
                    "SELECT dataset, code, count(*) FILTER (WHERE state = 'flagged'), "
                    "count(*) FILTER (WHERE state <> 'not_computable') FROM flags "
                    "WHERE run_id = ? AND dataset <> ? AND subject_type = 'process' GROUP BY ALL",
                    [run.run_id, world_dataset],
                ):
                    real_rates.setdefault(dataset, {})[code] = (int(flagged), int(computable))
        report = accuracy.Report(
            {
                "command": f"adal accuracy --scale {manifest.get('scale', scale)} --seed {manifest.get('seed', seed)}",
                "scale": manifest.get("scale", scale),
                "seed": manifest.get("seed", seed),
                "generator_version": manifest.get("generator_version"),
                "processes": processes,
                "cases": truth.cases,
            },
            scores,
            real_rates,
            list(REGISTRY),
        )
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(accuracy.markdown(report), encoding="utf-8")
        data = out.with_suffix(".json")
        data.write_text(json.dumps(report.as_json(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        console.print(f"adal accuracy: wrote {out} and {data}")
        validation.parent.mkdir(parents=True, exist_ok=True)
        validation.write_text(scores_page, encoding="utf-8")
        console.print(f"adal accuracy: wrote {validation}")
        if pages:
            written = write_pages(report, out.parent)
            console.print(f"adal accuracy: updated the Accuracy lines of {written} pages")


def write_pages(report: object, folder: Path) -> int:
    """Rewrite the generated Accuracy lines of every indicator page in ``folder`` (en) and its ru/, kk/."""
    from adal.indicators import accuracy

    assert isinstance(report, accuracy.Report)
    written = 0
    for code in report.codes:
        for sub, language, heading in (
            ("", "en", "Accuracy"),
            ("ru", "ru", "Точность"),
            ("kk", "ru", "Точность"),
        ):
            page = folder / sub / f"{code}.md"
            if not page.is_file():
                continue
            text = page.read_text(encoding="utf-8")
            updated = accuracy.with_block(text, accuracy.page_block(report, code, language), heading)
            if updated != text:
                page.write_text(updated, encoding="utf-8")
                written += 1
    return written


def _universe(executor: object, dataset: str) -> dict[str, set[str]]:
    """Every process, buyer (or procuring entity) and tenderer or supplier of the world, as the ground truth
    names them (ocids; BIN digits)."""
    from adal.indicators.registers import bin_of

    def column(sql: str) -> set[str]:
        return {row[0] for row in executor.query(sql, [dataset]) if row[0] is not None}  # type: ignore[attr-defined]

    def bins(sql: str) -> set[str]:
        return {b for key in column(sql) if (b := bin_of(key)) is not None}

    return {
        "ocids": column("SELECT ocid FROM processes WHERE dataset = ?"),
        "buyers": bins(
            "SELECT DISTINCT org_key FROM parties WHERE dataset = ? "
            "AND (list_contains(roles, 'buyer') OR list_contains(roles, 'procuringEntity'))"
        ),
        "suppliers": bins(
            "SELECT org_key FROM bid_tenderers WHERE dataset = $1 UNION SELECT org_key FROM award_suppliers WHERE dataset = $1"
        ),
    }


def _validation(
    executor: Any, world_dataset: str, truth: Any, manifest: dict[str, Any], scale: str, seed: int
) -> str:
    """The scores' validation page: rankings against the planted cases, and the calibration per dataset."""
    from adal.indicators.registers import Registers
    from adal.scores import validate
    from adal.scores.calibrate import MIN_PROCESSES
    from adal.scores.frame import frame

    registers = Registers.from_warehouse(executor)
    rows, _ = frame(executor, world_dataset, registers)
    world = {
        "command": f"adal accuracy --scale {manifest.get('scale', scale)} --seed {manifest.get('seed', seed)}",
        "scale": manifest.get("scale", scale),
        "seed": manifest.get("seed", seed),
    }
    calibrations = {world_dataset + " (synthetic world)": validate.calibrate(rows)}
    for (dataset,) in executor.query(
        "SELECT DISTINCT dataset FROM processes WHERE dataset <> ? ORDER BY 1", [world_dataset]
    ):
        real_rows, _ = frame(executor, dataset, registers)
        if sum(r.single_bid is not None for r in real_rows) >= MIN_PROCESSES:
            calibrations[dataset] = validate.calibrate(real_rows)
    return validate.markdown(
        world,
        validate.buyers(rows, truth.positives("buyers")),
        validate.regions(rows, truth.positives("ocids"), registers),
        calibrations,
    )
