"""Benchmark ``adal synth``: wall time and peak RSS of writing a world, beside the cost of its bytes alone.

The issue's target is the ``bench`` world (about a million releases) written in under 3 minutes on 2 cores
with peak RSS under 1 GB. No reference tool generates OCDS worlds, so the side-by-side step is the floor
of writing the same output at all: ``floor`` decompresses the world's release files and compresses them
again at the same gzip level, the work any generator of these bytes must do. The ratio says how much of
the time is the world itself (people, bodies, schemes, JSON) rather than compression.

Usage::

    .venv/bin/python bench/synth_bench.py --out-md bench/RESULTS.md
    .venv/bin/python bench/synth_bench.py --scale demo
"""

from __future__ import annotations

import argparse
import json
import shlex
import shutil
import sys
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from ingest_bench import BENCH, _gnu_time_usable, machine, run_step, tools_dir, write_section

FLOOR = """
import gzip, shutil, sys
for path in sys.argv[1:]:
    with gzip.open(path, "rb") as src, gzip.GzipFile(filename="", mode="wb", fileobj=open("/dev/null", "wb"), mtime=0, compresslevel=6) as dst:
        shutil.copyfileobj(src, dst, 1 << 20)
"""


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--scale", default="bench")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--workers", type=int, default=0, help="adal synth --workers (0: its default)")
    parser.add_argument("--workdir", type=Path, default=BENCH / "out")
    parser.add_argument("--out-md", type=Path)
    args = parser.parse_args()
    command = shlex.join([".venv/bin/python", "bench/synth_bench.py", *sys.argv[1:]])
    out = args.workdir.resolve() / f"synth-{args.scale}-s{args.seed}"
    shutil.rmtree(out, ignore_errors=True)
    argv = [
        str(tools_dir() / "adal"),
        "synth",
        "--scale",
        args.scale,
        "--seed",
        str(args.seed),
        "--out",
        str(out),
    ]
    if args.workers:
        argv += ["--workers", str(args.workers)]
    gnu = _gnu_time_usable()
    print(f"synth: {shlex.join(argv)}", file=sys.stderr, flush=True)
    synth = run_step("adal-synth", argv, use_gnu_time=False)  # psutil: the whole tree, workers included
    if not synth.ok:
        print("\n".join(synth.stderr_tail), file=sys.stderr)
        return 1
    manifest = json.loads((out / "adal-world.json").read_text())
    counts = manifest["counts"]
    files = sorted(str(out / rel) for rel in manifest["files"] if rel.endswith(".jsonl.gz"))
    size = sum(Path(f).stat().st_size for f in files)
    print("floor: recompress the release files", file=sys.stderr, flush=True)
    floor = run_step("floor", [sys.executable, "-c", FLOOR, *files], use_gnu_time=gnu)
    releases = counts["releases"]
    lines = [
        f"## adal synth --scale {args.scale}",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Command: `{command}`",
        f"- Machine: {machine()}",
        f"- World: seed {args.seed}: {counts['bodies']:,} bodies, {counts['companies']:,} companies, "
        f"{counts['people']:,} people, {counts['processes']:,} processes, {releases:,} releases, "
        f"{counts['cases']:,} planted cases; release files {size / 1e6:,.0f} MB gzip",
        "",
        "| Step | Seconds | Releases/s | Peak RSS MB |",
        "|---|---:|---:|---:|",
    ]
    for step in (synth, floor):
        rss = f"{step.peak_rss_mb:,.0f}" if step.peak_rss_mb else "n/a"
        lines.append(f"| {step.name} | {step.seconds:,.1f} | {releases / step.seconds:,.0f} | {rss} |")
    lines += [
        "",
        "| Ratio | Value |",
        "|---|---:|",
        f"| synth wall time ÷ recompression floor | {synth.seconds / floor.seconds:,.2f}× |",
    ]
    if args.scale == "bench":  # the targets are set for the bench world
        lines += [
            f"| target: bench world under 180 s | {synth.seconds:,.0f} s ({'met' if synth.seconds < 180 else 'not met'}) |",
            f"| target: peak RSS (all processes) under 1,000 MB | {synth.peak_rss_mb or 0:,.0f} MB "
            f"({'met' if (synth.peak_rss_mb or 0) < 1000 else 'not met'}) |",
        ]
    lines += [
        "",
        "Steps:",
        "",
        f"- adal-synth: `adal synth --scale {args.scale} --seed {args.seed} --out bench/out/synth-{args.scale}-s{args.seed}`"
        " (peak RSS summed over the process tree, polled)",
        "- floor: gunzip and gzip -6 again the world's `ocds/*.jsonl.gz`, in one process",
    ]
    section = "\n".join(lines) + "\n"
    print(section)
    if args.out_md:
        write_section(args.out_md, lines[0], section)
    return 0


if __name__ == "__main__":
    sys.exit(main())
