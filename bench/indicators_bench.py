"""Benchmark ``adal indicators``: Cardinal's format on a file, and the warehouse mode, beside the parse floor.

Cardinal (Rust) cannot be built here; the issue gives its figures on this kind of machine: the real DR file
(10k processes) in 0.57 s, and 100k DR-shaped releases (the DR file ten times, each copy with its own ocids
and organisation ids) in 3.9 s, which is 1.48 × a bare single-threaded orjson parse of the same file. So
the parse is timed in the same run as the stand-in: Cardinal ≈ 1.48 × parse. Targets: adal at most 2 ×
Cardinal (≤ 2.96 × parse), peak RSS under 4 GB at 1M releases; warehouse mode over 1M releases in 30 s.

Steps, each its own process, wall time and peak RSS measured alike:

* ``floor``: ``bench/_parse_floor.py FILE`` (orjson, one thread);
* ``adal-cardinal``: ``adal indicators --format cardinal --settings <init file> FILE``;
* ``adal-records``: the same in adal's format (three states for every subject, JSON Lines);
* ``adal-warehouse`` (with ``--warehouse-input``): ``adal indicators`` over an ingested warehouse.

Usage::

    .venv/bin/python bench/indicators_bench.py --out-md bench/RESULTS.md
    .venv/bin/python bench/indicators_bench.py --copies 1        # the DR file itself
"""

from __future__ import annotations

import argparse
import gzip
import shlex
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_bench import (
    BENCH,
    DR_SAMPLE,
    FLOOR,
    REPO,
    _gnu_time_usable,
    count_lines,
    machine,
    run_step,
    tools_dir,
    write_section,
)

SETTINGS = REPO / "tests" / "fixtures" / "indicators" / "cardinal-init.ini"
CARDINAL_OVER_PARSE = 1.48  # the measurement of Cardinal against the same parse


def dr_copies(copies: int, workdir: Path) -> Path:
    """The DR file ``copies`` times, each copy with its own ocids and organisation ids."""
    target = workdir / f"dr-x{copies}.jsonl"
    if target.exists():
        return target
    lines = gzip.decompress(DR_SAMPLE.read_bytes()).splitlines()
    with target.open("wb") as out:
        for n in range(copies):
            suffix = f"-c{n}" if n else ""
            for line in lines:
                if not suffix:
                    out.write(line + b"\n")
                    continue
                text = line.decode()
                # Every organisation id and the ocid get the copy's suffix: ids are JSON strings "DO-..."/"ocds-...".
                text = (
                    text.replace('"DO-', f'"DO{suffix}-')
                    .replace('"ocid": "', f'"ocid": "c{n}-')
                    .replace('"ocid":"', f'"ocid":"c{n}-')
                )
                out.write(text.encode() + b"\n")
    return target


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument("--workdir", type=Path, default=BENCH / "out")
    parser.add_argument(
        "--warehouse-input", type=Path, help="also time the warehouse mode over this warehouse"
    )
    parser.add_argument("--out-md", type=Path)
    args = parser.parse_args()
    if not DR_SAMPLE.exists():
        print(f"skipping: {DR_SAMPLE} not found", file=sys.stderr)
        return 0
    args.workdir.mkdir(parents=True, exist_ok=True)
    data = dr_copies(args.copies, args.workdir)
    releases = count_lines(data)
    adal = str(tools_dir() / "adal")
    gnu = _gnu_time_usable()
    steps = [
        ("floor", [sys.executable, str(FLOOR), str(data)]),
        (
            "adal-cardinal",
            [adal, "indicators", "--format", "cardinal", "--settings", str(SETTINGS), str(data)],
        ),
        (
            "adal-records",
            [
                adal,
                "indicators",
                "--format",
                "json",
                "--settings",
                str(SETTINGS),
                str(data),
                "--out",
                "/dev/null",
            ],
        ),
    ]
    if args.warehouse_input:
        steps.append(("adal-warehouse", [adal, "indicators", "--warehouse", str(args.warehouse_input)]))
    results = {}
    for name, argv in steps:
        print(f"{name}: {shlex.join(argv)}", file=sys.stderr, flush=True)
        results[name] = run_step(name, argv, use_gnu_time=gnu)
        r = results[name]
        print(f"  {'ok' if r.ok else 'FAILED'} in {r.seconds:.2f} s", file=sys.stderr)
        if not r.ok:
            print("\n".join(r.stderr_tail), file=sys.stderr)
    floor = results["floor"].seconds
    cardinal = CARDINAL_OVER_PARSE * floor
    command = shlex.join([".venv/bin/python", "bench/indicators_bench.py", *sys.argv[1:]])
    title = f"## adal indicators on the DR file × {args.copies}"
    lines = [
        title,
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Command: `{command}`",
        f"- Machine: {machine()}",
        f"- Input: `bench/out/{data.name}`: {releases:,} compiled releases, {data.stat().st_size / 1e6:,.0f} MB "
        f"(the DR file {args.copies} times, each copy with its own ocids and organisation ids); settings: "
        "`tests/fixtures/indicators/cardinal-init.ini` (all 11 of Cardinal's indicators, defaults)",
        "",
        "| Step | Status | Seconds | Releases/s | Peak RSS MB | Seconds ÷ parse | Seconds ÷ Cardinal (1.48 × parse) |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        rss = f"{r.peak_rss_mb:,.0f}" if r.peak_rss_mb else "n/a"
        if name == "adal-warehouse":
            continue
        lines.append(
            f"| {name} | {'ok' if r.ok else 'failed'} | {r.seconds:,.2f} | {releases / r.seconds:,.0f} | {rss} | "
            f"{r.seconds / floor:,.2f}× | {r.seconds / cardinal:,.2f}× |"
        )
    adal_cardinal = results["adal-cardinal"].seconds
    lines += [
        "",
        f"Target: `adal indicators --format cardinal` at most 2 × Cardinal's time (≤ {2 * CARDINAL_OVER_PARSE:.2f} × parse): "
        f"measured {adal_cardinal / floor:.2f} × parse, {adal_cardinal / cardinal:.2f} × Cardinal "
        f"({'met' if adal_cardinal <= 2 * cardinal else 'not met'}).",
        "",
        "Steps: floor `.venv/bin/python bench/_parse_floor.py FILE`; adal-cardinal `adal indicators --format cardinal "
        "--settings tests/fixtures/indicators/cardinal-init.ini FILE`; adal-records the same with `--format json "
        "--out /dev/null`"
        + ("; adal-warehouse `adal indicators --warehouse W`." if args.warehouse_input else "."),
    ]
    if "adal-warehouse" in results and args.warehouse_input:
        import duckdb

        with duckdb.connect(str(args.warehouse_input), read_only=True) as con:
            held, compiled = con.execute(
                "SELECT (SELECT count(*) FROM releases), (SELECT count(*) FROM compiled_releases)"
            ).fetchone()  # type: ignore[misc]
        r = results["adal-warehouse"]
        met = "met" if r.seconds < 30 else "not met"
        lines += [
            "",
            f"Warehouse mode over `{args.warehouse_input.name}` ({held:,} releases, {compiled:,} processes; every "
            f"indicator, three states for every subject, stored in `flags`): {r.seconds:,.1f} s, peak RSS "
            f"{(r.peak_rss_mb or 0):,.0f} MB. Target: all indicators over 1M releases in under 30 s ({met}).",
        ]
    section = "\n".join(lines) + "\n"
    print(section)
    if args.out_md:
        write_section(args.out_md, title, section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
