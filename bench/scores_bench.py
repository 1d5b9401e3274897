"""Benchmark the scores: scoring a warehouse (indices, shrinkage, bootstrap rank intervals, all levels and years),
with equal and calibrated weights, and the two commands that read them, ``adal rank`` and ``adal queue``.

The issue's target is "ranking 50k processes takes seconds". No reference tool ranks with intervals, so the
side-by-side step is the floor of reading what the scores read: one ``SELECT`` of the process frame.

The warehouse must hold a synthetic world with its flags, e.g. the demo world as ``adal accuracy`` builds it::

    .venv/bin/adal accuracy --warehouse bench/out/demo-scores.duckdb --no-real --out /tmp/a.md --no-pages \
        --validation /tmp/v.md
    .venv/bin/python bench/scores_bench.py --warehouse bench/out/demo-scores.duckdb --out-md bench/RESULTS.md
"""

from __future__ import annotations

import argparse
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_bench import _gnu_time_usable, machine, run_step, tools_dir, write_section

FLOOR = """
import sys
from adal.indicators.registers import Registers
from adal.scores.frame import frame
from adal.warehouse.executor import Executor
with Executor(sys.argv[1], read_only=True) as ex:
    dataset = ex.scalar("SELECT dataset FROM processes GROUP BY 1 ORDER BY count(*) DESC LIMIT 1")
    rows, _ = frame(ex, dataset, Registers.from_warehouse(ex))
print(len(rows))
"""

SCORE = """
import sys
from adal.scores.compute import compute
compute(sys.argv[1], weights=sys.argv[2])
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--warehouse", type=Path, required=True)
    parser.add_argument("--out-md", type=Path)
    args = parser.parse_args()
    command = shlex.join([".venv/bin/python", "bench/scores_bench.py", *sys.argv[1:]])
    path = str(args.warehouse.resolve())
    gnu = _gnu_time_usable()
    adal = str(tools_dir() / "adal")
    python = str(tools_dir() / "python")
    steps = [
        ("floor", [python, "-c", FLOOR, path]),
        ("score-equal", [python, "-c", SCORE, path, "equal"]),
        ("score-calibrated", [python, "-c", SCORE, path, "calibrated"]),
        (
            "rank-region",
            [
                adal,
                "rank",
                "--level",
                "region",
                "--weights",
                "calibrated",
                "--format",
                "json",
                "--warehouse",
                path,
            ],
        ),
        (
            "rank-buyer",
            [
                adal,
                "rank",
                "--level",
                "buyer",
                "--weights",
                "calibrated",
                "--format",
                "csv",
                "--warehouse",
                path,
            ],
        ),
        ("queue", [adal, "queue", "--budget", "100", "--format", "json", "--warehouse", path]),
    ]
    results = []
    for name, argv in steps:
        print(f"{name}: {shlex.join(argv)}", file=sys.stderr, flush=True)
        step = run_step(name, argv, use_gnu_time=gnu, capture_stdout=name == "floor")
        if not step.ok:
            print("\n".join(step.stderr_tail), file=sys.stderr)
            return 1
        results.append(step)
    import duckdb

    with duckdb.connect(path, read_only=True) as con:
        processes = con.execute("SELECT count(*) FROM process_scores").fetchone()[0]  # type: ignore[index]
        groups = con.execute("SELECT count(*) FROM group_scores").fetchone()[0]  # type: ignore[index]
    floor = results[0].seconds
    lines = [
        "## adal rank and adal queue (scores)",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Command: `{command}`",
        f"- Machine: {machine()}",
        f"- Warehouse: `{args.warehouse.name}`: {processes:,} scored processes, {groups:,} group scores "
        "(regions, buyers, suppliers, markets; per year and all years), 200 bootstrap replicates per peer group",
        "",
        "| Step | Seconds | Processes/s | Peak RSS MB | ÷ floor |",
        "|---|---:|---:|---:|---:|",
    ]
    for step in results:
        rss = f"{step.peak_rss_mb:,.0f}" if step.peak_rss_mb else "n/a"
        lines.append(
            f"| {step.name} | {step.seconds:,.1f} | {processes / step.seconds:,.0f} | {rss} | {step.seconds / floor:,.1f}× |"
        )
    score = results[1].seconds
    lines += [
        "",
        f"Target: ranking 50k processes takes seconds: scoring {processes:,} processes took {score:,.1f} s "
        f"({'met' if score < 10 else 'not met'}: under 10 s); `adal rank` on stored scores {results[3].seconds:,.1f} s.",
        "",
        "Steps: floor = reading the process frame (SQL over the canonical tables and the flags) in a fresh "
        "interpreter; score-* = `adal.scores.compute.compute(path, weights=…)`; rank-*/queue = the commands on "
        "the stored scores (they recompute only when stale).",
    ]
    section = "\n".join(lines) + "\n"
    print(section)
    if args.out_md:
        write_section(args.out_md, lines[0], section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
