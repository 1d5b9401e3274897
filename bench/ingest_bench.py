"""Benchmark OCDS ingest side by side, in one run, and report ratios rather than absolute numbers.

Why ratios: absolute seconds depend on the machine, but "adal ingest is N times faster than ``ocdskit
compile`` and reaches X% of a bare orjson parse" survives a change of laptop. Every step therefore runs in
the same invocation, on the same uncompressed bytes, each as a separate process whose wall time and peak
RSS are measured the same way.

Steps, per input file:

* ``floor``: ``bench/_parse_floor.py`` parses every line with orjson and does nothing else (the speed limit);
* ``ocdskit``: ``ocdskit compile --schema src/adal/schema/release-schema.json < FILE > /dev/null``, the
  reference OCDS merge;
* ``adal-ingest``: ``adal ingest FILE --warehouse WORKDIR/bench.duckdb`` on a freshly deleted warehouse;
* ``adal-reingest``: the same command again on the same warehouse (re-ingest of unchanged input);
* ``adal-compile``: ``adal compile FILE > /dev/null``, directly comparable to ``ocdskit``.

A failing step (including a missing ``adal`` command) is reported with its exit code and the last lines of
its stderr, and the other steps still run. These are measurements for humans, never timed assertions in tests.

Usage::

    .venv/bin/python bench/ingest_bench.py --out-md bench/RESULTS.md
    .venv/bin/python bench/ingest_bench.py --input generated --releases 20000 --ocids 4000 --only adal
"""

from __future__ import annotations

import argparse
import contextlib
import gzip
import hashlib
import importlib.metadata
import json
import os
import platform
import re
import shlex
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

try:
    import psutil
except ImportError:  # only needed when /usr/bin/time is not GNU time
    psutil = None

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
SCHEMA = REPO / "src" / "adal" / "schema" / "release-schema.json"
DR_SAMPLE = REPO.parent / "shared" / "data" / "ocds" / "dominican-republic-dgcp-10000-compiled.jsonl.gz"
GENERATOR = BENCH / "gen_releases.py"
FLOOR = BENCH / "_parse_floor.py"
GENERATED = "generated"
WORLD = "world"  # the `bench` synthetic world of `adal synth` (seed 1), its releases in one file
STEPS = ("floor", "ocdskit", "adal-ingest", "adal-reingest", "adal-compile")
STEP_GROUPS = {"adal": ("adal-ingest", "adal-reingest", "adal-compile")}
GNU_TIME = Path("/usr/bin/time")
POLL_SECONDS = 0.05
TAIL_LINES = 15
RESULTS_TITLE = "# Ingest benchmarks"


@dataclass
class StepResult:
    """The outcome of one measured subprocess."""

    name: str
    argv: list[str]
    returncode: int
    seconds: float
    peak_rss_mb: float | None
    stderr_tail: list[str] = field(default_factory=list)
    stdout: str = ""
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.returncode == 0

    def rate(self, releases: int) -> float | None:
        """Releases per second, or None when the step failed (a failed run's time means nothing)."""
        return releases / self.seconds if self.ok and self.seconds > 0 else None


@dataclass
class Input:
    """One benchmark input: ``path`` is the uncompressed file every step reads."""

    label: str
    source: Path
    path: Path
    releases: int
    size: int


# -- measuring ------------------------------------------------------------------------------------------


def _gnu_time_usable() -> bool:
    """True when /usr/bin/time is GNU time (supports ``-v -o``); BusyBox or BSD time would not parse."""
    if not GNU_TIME.exists():
        return False
    with tempfile.NamedTemporaryFile("r", suffix=".time") as report:
        done = subprocess.run(
            [str(GNU_TIME), "-v", "-o", report.name, "true"], capture_output=True, check=False
        )
        return done.returncode == 0 and "Maximum resident set size" in Path(report.name).read_text()


def _tail(path: Path, lines: int = TAIL_LINES) -> list[str]:
    """The last ``lines`` lines of a (possibly huge) log file, read from its end."""
    with path.open("rb") as handle:
        handle.seek(0, os.SEEK_END)
        handle.seek(max(0, handle.tell() - 64 * 1024))
        text = handle.read().decode("utf-8", "replace")
    return [line for line in text.splitlines() if line.strip()][-lines:]


def _kill_group(process: subprocess.Popen[bytes]) -> None:
    """Kill the step's own process group (started with a new session), and nothing else."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(process.pid, signal.SIGKILL)
    process.wait()


def _tree_rss(root: Any) -> int:
    """Summed RSS of a psutil process and its descendants; processes that vanish meanwhile count as 0."""
    total = 0
    try:
        procs = [root, *root.children(recursive=True)]
    except psutil.NoSuchProcess:
        return 0
    for proc in procs:
        with contextlib.suppress(psutil.NoSuchProcess, psutil.AccessDenied):
            total += proc.memory_info().rss
    return total


def _supervise(
    process: subprocess.Popen[bytes], *, timeout: float | None, max_rss: float | None, interval: float | None
) -> tuple[float, str]:
    """Wait for ``process``, polling the tree's RSS every ``interval`` seconds (None: do not poll).

    Returns the peak summed RSS seen (bytes; 0 when not polled) and why the step was killed ("" if it was
    not): past ``timeout`` seconds, or above ``max_rss`` bytes, so one runaway step cannot take the machine
    down with it.
    """
    deadline = None if timeout is None else time.monotonic() + timeout
    if interval is None or psutil is None:
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill_group(process)
            return 0.0, f"killed after the {timeout:g} s timeout"
        return 0.0, ""
    try:
        root = psutil.Process(process.pid)
    except psutil.NoSuchProcess:
        process.wait()
        return 0.0, ""
    peak = 0.0
    while process.poll() is None:
        peak = max(peak, _tree_rss(root))
        if max_rss is not None and peak > max_rss:
            _kill_group(process)
            return peak, f"killed with RSS above {max_rss / 1e6:,.0f} MB"
        if deadline is not None and time.monotonic() > deadline:
            _kill_group(process)
            return peak, f"killed after the {timeout:g} s timeout"
        time.sleep(interval)
    return peak, ""


def run_step(
    name: str,
    argv: list[str],
    *,
    stdin: Path | None = None,
    capture_stdout: bool = False,
    timeout: float | None = None,
    max_rss_mb: float | None = None,
    use_gnu_time: bool = True,
) -> StepResult:
    """Run ``argv`` as its own process and measure wall time and peak RSS; never raises for a failing step.

    stdout goes to /dev/null unless captured (the tools print whole compiled releases); stderr goes to a
    temporary file so a chatty tool cannot fill a pipe, and only its tail is kept. The step runs in its own
    session so that a timeout or the memory cap kills exactly its process group.
    """
    if shutil.which(argv[0]) is None and not Path(argv[0]).exists():
        return StepResult(name, argv, 127, 0.0, None, [f"command not found: {argv[0]}"])
    max_rss = max_rss_mb * 1e6 if max_rss_mb else None
    # With GNU time the peak comes from the kernel, so poll only (and less often) to enforce the cap.
    gnu_interval = 0.25 if max_rss else None
    interval = gnu_interval if use_gnu_time else POLL_SECONDS
    with tempfile.TemporaryDirectory(prefix="adal-bench-") as tmp:
        err_path = Path(tmp) / "stderr"
        out_path = Path(tmp) / "stdout"
        time_path = Path(tmp) / "time"
        command = [str(GNU_TIME), "-v", "-o", str(time_path), *argv] if use_gnu_time else argv
        with (
            err_path.open("wb") as err,
            out_path.open("wb") if capture_stdout else open(os.devnull, "wb") as out,
            stdin.open("rb") if stdin else open(os.devnull, "rb") as inp,
        ):
            started = time.perf_counter()
            try:
                process = subprocess.Popen(
                    command, stdin=inp, stdout=out, stderr=err, cwd=REPO, start_new_session=True
                )
            except OSError as exc:
                return StepResult(name, argv, 127, 0.0, None, [f"could not start: {exc}"])
            polled_peak, killed = _supervise(process, timeout=timeout, max_rss=max_rss, interval=interval)
            seconds = time.perf_counter() - started
        returncode = process.returncode
        peak_bytes = None if use_gnu_time else polled_peak
        note = killed
        if use_gnu_time and time_path.exists():
            report = time_path.read_text(errors="replace")
            match = re.search(r"Maximum resident set size \(kbytes\): (\d+)", report)
            if match:
                peak_bytes = int(match.group(1)) * 1024.0
            if not note and "Command terminated by signal" in report:
                note = report.splitlines()[0].strip()
        if killed and returncode == 0:
            returncode = -signal.SIGKILL
        tail = [] if returncode == 0 else _tail(err_path)
        stdout = out_path.read_text(errors="replace") if capture_stdout and out_path.exists() else ""
    peak_mb = peak_bytes / 1e6 if peak_bytes else None
    return StepResult(name, argv, returncode, seconds, peak_mb, tail, stdout, note)


# -- inputs ---------------------------------------------------------------------------------------------


def count_lines(path: Path) -> int:
    """Count the releases (lines, as ``wc -l`` would, plus an unterminated last line) once.

    Reading the whole file here also warms the page cache, so the first measured step does not pay for
    cold disk reads that the others do not.
    """
    count = 0
    last = b"\n"
    with path.open("rb") as handle:
        while chunk := handle.read(16 << 20):
            count += chunk.count(b"\n")
            last = chunk[-1:]
    return count + (last != b"\n")


def _sidecar_ok(sidecar: Path, expected: dict[str, Any], target: Path) -> bool:
    """True when ``target`` exists and was made from what ``expected`` describes (cache validation)."""
    if not (target.exists() and sidecar.exists()):
        return False
    try:
        return bool(json.loads(sidecar.read_text()) == expected)
    except (OSError, ValueError):
        return False


def decompressed(source: Path, workdir: Path) -> Path:
    """The uncompressed bytes of ``source``: itself, or a cached copy in ``workdir`` for ``.gz`` files.

    All tools read the same uncompressed file so that decompression cost is counted for none of them.
    """
    if source.suffix != ".gz":
        return source
    target = workdir / source.name.removesuffix(".gz")
    sidecar = target.with_name(target.name + ".source.json")
    stat = source.stat()
    expected = {"source": str(source), "size": stat.st_size, "mtime_ns": stat.st_mtime_ns}
    if _sidecar_ok(sidecar, expected, target):
        return target
    print(f"decompressing {source} -> {target}", file=sys.stderr)
    partial = target.with_name(target.name + ".partial")
    with gzip.open(source, "rb") as src, partial.open("wb") as dst:
        shutil.copyfileobj(src, dst, 16 << 20)
    partial.replace(target)
    sidecar.write_text(json.dumps(expected))
    return target


def generated(workdir: Path, releases: int, ocids: int, seed: int) -> Path:
    """The generated input, reused when a previous run made it with the same parameters and generator."""
    target = workdir / f"generated-{releases}r-{ocids}o-s{seed}.jsonl"
    sidecar = target.with_name(target.name + ".params.json")
    expected = {
        "releases": releases,
        "ocids": ocids,
        "seed": seed,
        "generator_sha256": hashlib.sha256(GENERATOR.read_bytes()).hexdigest(),
    }
    if _sidecar_ok(sidecar, expected, target):
        print(f"reusing {target}", file=sys.stderr)
        return target
    print(f"generating {target} ({releases:,} releases, {ocids:,} ocids, seed {seed})", file=sys.stderr)
    argv = [sys.executable, str(GENERATOR), "--releases", str(releases), "--ocids", str(ocids)]
    argv += ["--seed", str(seed), "--out", str(target), "--verbose"]
    started = time.perf_counter()
    done = subprocess.run(argv, cwd=REPO, stdout=subprocess.PIPE, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"gen_releases.py failed with exit code {done.returncode}")
    print(f"{done.stdout.strip()} [{time.perf_counter() - started:,.1f} s]", file=sys.stderr)
    sidecar.write_text(json.dumps(expected))
    return target


def world(workdir: Path, scale: str = "bench", seed: int = 1) -> Path:
    """The releases of a synthetic world as one uncompressed JSON Lines file, reused while the world is.

    The world is written by ``adal synth`` (byte-identical per seed and version); its manifest's file
    hashes identify it, so a changed generator makes a new file.
    """
    out = workdir / f"world-{scale}-s{seed}"
    target = workdir / f"world-{scale}-s{seed}.jsonl"
    manifest = out / "adal-world.json"
    if not manifest.exists():
        print(f"writing the {scale} world to {out}", file=sys.stderr)
        adal = tools_dir() / "adal"
        argv = [str(adal), "synth", "--scale", scale, "--seed", str(seed), "--out", str(out)]
        subprocess.run(argv, cwd=REPO, check=True)
    files = json.loads(manifest.read_text())["files"]
    expected = {"files": {k: v for k, v in files.items() if k.startswith("ocds/")}}
    sidecar = target.with_name(target.name + ".world.json")
    if _sidecar_ok(sidecar, expected, target):
        return target
    partial = target.with_name(target.name + ".partial")
    with partial.open("wb") as dst:
        for rel in sorted(expected["files"]):
            with gzip.open(out / rel, "rb") as src:
                shutil.copyfileobj(src, dst, 16 << 20)
    partial.replace(target)
    sidecar.write_text(json.dumps(expected))
    return target


def resolve_input(spec: str, args: argparse.Namespace, workdir: Path) -> Input | None:
    """Turn an ``--input`` value into the uncompressed file to benchmark (None: skipped, with a message)."""
    if spec == WORLD:
        source = path = world(workdir)
    elif spec == GENERATED:
        source = path = generated(workdir, args.releases, args.ocids, args.seed)
    else:
        source = Path(spec).expanduser().resolve()
        if not source.exists():
            print(f"skipping {spec}: file not found", file=sys.stderr)
            return None
        path = decompressed(source, workdir)
    return Input(source.name, source, path, count_lines(path), path.stat().st_size)


# -- steps ----------------------------------------------------------------------------------------------


def tools_dir() -> Path:
    """The venv's bin directory, where ``ocdskit`` and ``adal`` are installed."""
    here = Path(sys.executable).parent
    return here if (here / "ocdskit").exists() else REPO / ".venv" / "bin"


def selected_steps(only: Sequence[str] | None, skip_ocdskit: bool) -> list[str]:
    """The steps to run, always in the canonical order (re-ingest must follow ingest)."""
    wanted: set[str] = set()
    for item in only or STEPS:
        for name in item.split(","):
            name = name.strip()
            if name in STEP_GROUPS:
                wanted.update(STEP_GROUPS[name])
            elif name in STEPS:
                wanted.add(name)
            elif name:
                raise SystemExit(f"unknown step {name!r}; choose from {', '.join((*STEPS, *STEP_GROUPS))}")
    if skip_ocdskit:
        wanted.discard("ocdskit")
    return [s for s in STEPS if s in wanted]


def step_argv(name: str, data: Path, warehouse: Path, bin_dir: Path) -> tuple[list[str], bool]:
    """The command of a step and whether it reads ``data`` on stdin."""
    if name == "floor":
        return [sys.executable, str(FLOOR), str(data)], False
    if name == "ocdskit":
        return [str(bin_dir / "ocdskit"), "compile", "--schema", str(SCHEMA)], True
    if name in ("adal-ingest", "adal-reingest"):
        return [str(bin_dir / "adal"), "ingest", str(data), "--warehouse", str(warehouse)], False
    if name == "adal-compile":
        return [str(bin_dir / "adal"), "compile", str(data)], False
    raise ValueError(name)


def run_input(
    item: Input,
    steps: list[str],
    workdir: Path,
    *,
    timeout: float | None,
    max_rss_mb: float | None,
    use_gnu_time: bool,
) -> dict[str, StepResult]:
    """Run the selected steps on one input, in order, printing progress and failures to stderr."""
    bin_dir = tools_dir()
    warehouse = workdir / "bench.duckdb"
    results: dict[str, StepResult] = {}
    for name in steps:
        if name == "adal-ingest":
            for stale in (warehouse, warehouse.with_name(warehouse.name + ".wal")):
                stale.unlink(missing_ok=True)
        argv, reads_stdin = step_argv(name, item.path, warehouse, bin_dir)
        print(f"[{item.label}] {name}: {shlex.join(argv)}", file=sys.stderr, flush=True)
        result = run_step(
            name,
            argv,
            stdin=item.path if reads_stdin else None,
            capture_stdout=name == "floor",
            timeout=timeout,
            max_rss_mb=max_rss_mb,
            use_gnu_time=use_gnu_time,
        )
        if name == "floor" and result.ok and result.stdout.strip() != str(item.releases):
            result.note = f"parsed {result.stdout.strip()} lines, expected {item.releases}"
        results[name] = result
        if result.ok:
            rss = f"{result.peak_rss_mb:,.0f} MB" if result.peak_rss_mb else "?"
            print(f"  ok in {result.seconds:,.2f} s, peak RSS {rss}", file=sys.stderr, flush=True)
        else:
            print(f"  FAILED: exit code {result.returncode} {result.note}".rstrip(), file=sys.stderr)
            for line in result.stderr_tail:
                print(f"  | {line}", file=sys.stderr)
            sys.stderr.flush()
    return results


# -- reporting ------------------------------------------------------------------------------------------


def _ratio(numerator: float | None, denominator: float | None, digits: int = 2) -> str:
    """``a ÷ b`` formatted as ``1.23×``, or ``n/a`` when either side is missing (a failed step)."""
    if numerator is None or denominator is None or denominator == 0:
        return "n/a"
    return f"{numerator / denominator:,.{digits}f}×"


def _short(argv: list[str], item: Input) -> str:
    """A step's command with repo-relative paths and stdin/stdout redirections, for the report."""
    parts = []
    for arg in argv:
        path = Path(arg)
        if arg == sys.executable:
            parts.append(".venv/bin/python")
        elif path.is_absolute() and path.is_relative_to(REPO):
            parts.append(str(path.relative_to(REPO)))
        else:
            parts.append(arg)
    command = shlex.join(parts)
    if "ocdskit" in Path(argv[0]).name:
        command += f" < {_display(item.path)}"
    if argv[1:2] == ["compile"]:
        command += " > /dev/null"
    return command


def _display(path: Path) -> str:
    """``path`` relative to the repository when it is inside it or next to it (``../shared/...``)."""
    if path.is_relative_to(REPO.parent):
        return os.path.relpath(path, REPO)
    return str(path)


def render(item: Input, results: dict[str, StepResult], command: str) -> str:
    """The Markdown section for one input: provenance, a table of steps and a table of ratios."""
    rates = {name: r.rate(item.releases) for name, r in results.items()}
    rss = {name: r.peak_rss_mb if r.ok else None for name, r in results.items()}
    lines = [
        f"## {item.label}",
        "",
        f"- Date: {datetime.now(UTC):%Y-%m-%d %H:%M} UTC",
        f"- Command: `{command}`",
        f"- Machine: {machine()}",
        f"- Input: `{_display(item.source)}`: {item.releases:,} releases, "
        f"{item.size / 1e6:,.1f} MB uncompressed",
        "",
        "| Step | Status | Seconds | Releases/s | Peak RSS MB | Throughput ÷ floor | Throughput ÷ ocdskit |",
        "|---|---|---:|---:|---:|---:|---:|",
    ]
    for name, r in results.items():
        status = "ok" if r.ok else f"failed (exit {r.returncode})"
        if r.note:
            status += f"; {r.note}"
        rate = rates[name]
        lines.append(
            "| "
            + " | ".join(
                [
                    name,
                    status,
                    f"{r.seconds:,.2f}" if r.ok else "n/a",
                    f"{rate:,.0f}" if rate else "n/a",
                    f"{r.peak_rss_mb:,.0f}" if r.ok and r.peak_rss_mb else "n/a",
                    _ratio(rate, rates.get("floor")),
                    _ratio(rate, rates.get("ocdskit")),
                ]
            )
            + " |"
        )
    first, second = results.get("adal-ingest"), results.get("adal-reingest")
    reingest = _ratio(
        first.seconds if first and first.ok else None, second.seconds if second and second.ok else None, 1
    )
    ratios = [
        ("adal ingest ÷ ocdskit compile, throughput", _ratio(rates.get("adal-ingest"), rates.get("ocdskit"))),
        ("adal ingest ÷ orjson floor, throughput", _ratio(rates.get("adal-ingest"), rates.get("floor"))),
        ("re-ingest speedup, first ÷ second wall time", reingest),
        (
            "adal compile ÷ ocdskit compile, throughput",
            _ratio(rates.get("adal-compile"), rates.get("ocdskit")),
        ),
        ("peak RSS, adal ingest ÷ ocdskit compile", _ratio(rss.get("adal-ingest"), rss.get("ocdskit"))),
    ]
    lines += ["", "| Ratio | Value |", "|---|---:|"]
    lines += [f"| {label} | {value} |" for label, value in ratios]
    lines += [
        "",
        "Steps:",
        "",
    ]
    lines += [f"- {name}: `{_short(r.argv, item)}`" for name, r in results.items()]
    failed = [(name, r) for name, r in results.items() if not r.ok and r.stderr_tail]
    if failed:
        lines += ["", "Failures (last line of stderr):", ""]
        lines += [f"- {name}: `{r.stderr_tail[-1].strip()[:200]}`" for name, r in failed]
    return "\n".join(lines) + "\n"


def _version(package: str) -> str:
    """The installed version of ``package``, without importing it."""
    try:
        return importlib.metadata.version(package)
    except importlib.metadata.PackageNotFoundError:
        return "not installed"


def machine() -> str:
    """Where the numbers come from; ``nproc`` counts the CPUs this process may use, like the command."""
    nproc = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"nproc {nproc}, {platform.system()} {platform.machine()}, Python {platform.python_version()}, "
        f"duckdb {_version('duckdb')}, orjson {_version('orjson')}, ocdskit {_version('ocdskit')}, "
        f"adal {_version('adal')}"
    )


def write_section(path: Path, heading: str, section: str) -> None:
    """Replace the section under ``heading`` in ``path`` (or append it), keeping every other section."""
    text = path.read_text() if path.exists() else ""
    preamble, *chunks = re.split(r"(?m)^(?=## )", text) if text else ("", "")
    if not preamble.strip():
        preamble = (
            f"{RESULTS_TITLE}\n\nWritten by `bench/ingest_bench.py` (see `bench/README.md`); each section is "
            "replaced when its input is benchmarked again. Numbers are machine-specific: compare the "
            "ratios.\n\n"
        )
    sections = [c for c in chunks if c.strip()]
    replaced = False
    for i, chunk in enumerate(sections):
        if chunk.splitlines()[0].strip() == heading:
            sections[i] = section
            replaced = True
    if not replaced:
        sections.append(section)
    body = "\n".join(s.rstrip("\n") + "\n" for s in sections)
    path.write_text(preamble.rstrip("\n") + "\n\n" + body)


# -- main -----------------------------------------------------------------------------------------------


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    """The command line; the defaults are the full benchmark (both inputs, every step, 1M releases)."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--input",
        action="append",
        metavar="FILE",
        help=f"a .jsonl or .jsonl.gz of releases, {WORLD!r} (the bench world of adal synth) or {GENERATED!r}; "
        f"repeatable (default: the Dominican Republic sample and {WORLD!r})",
    )
    parser.add_argument("--releases", type=int, default=1_000_000, help="releases in the generated input")
    parser.add_argument("--ocids", type=int, default=200_000, help="ocids in the generated input")
    parser.add_argument("--seed", type=int, default=1, help="seed of the generated input")
    parser.add_argument(
        "--out-md", type=Path, help="write/replace this input's section in this Markdown file"
    )
    parser.add_argument(
        "--workdir", type=Path, default=BENCH / "out", help="generated inputs, decompressed copies, warehouse"
    )
    parser.add_argument(
        "--only",
        action="append",
        metavar="STEP[,STEP]",
        help=f"run only these steps: {', '.join(STEPS)}, or 'adal' for all adal steps",
    )
    parser.add_argument("--skip-ocdskit", action="store_true", help="skip the (slow) ocdskit reference step")
    parser.add_argument("--timeout", type=float, help="kill a step after this many seconds")
    default_cap = 0.8 * psutil.virtual_memory().total / 1e6 if psutil is not None else 0
    parser.add_argument(
        "--max-rss-mb",
        type=float,
        default=round(default_cap),
        help="kill a step whose process tree's RSS exceeds this (default: 80%% of RAM; 0: no cap)",
    )
    parser.add_argument(
        "--rss",
        choices=("auto", "gnu-time", "psutil"),
        default="auto",
        help="how to measure peak RSS: GNU /usr/bin/time -v (auto when present) or psutil polling",
    )
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Benchmark each input in turn, so a slow or failing input does not hold back the others' report."""
    args = parse_args(argv)
    command = shlex.join(
        [".venv/bin/python", "bench/ingest_bench.py", *(sys.argv[1:] if argv is None else argv)]
    )
    steps = selected_steps(args.only, args.skip_ocdskit)
    workdir = args.workdir.resolve()
    workdir.mkdir(parents=True, exist_ok=True)
    use_gnu_time = args.rss == "gnu-time" or (args.rss == "auto" and _gnu_time_usable())
    if args.rss == "gnu-time" and not _gnu_time_usable():
        raise SystemExit(f"{GNU_TIME} is missing or is not GNU time")
    failures = 0
    for spec in args.input or [str(DR_SAMPLE), WORLD]:
        item = resolve_input(spec, args, workdir)
        if item is None:
            continue
        results = run_input(
            item,
            steps,
            workdir,
            timeout=args.timeout,
            max_rss_mb=args.max_rss_mb or None,
            use_gnu_time=use_gnu_time,
        )
        failures += sum(not r.ok for r in results.values())
        section = render(item, results, command)
        print(section, flush=True)
        if args.out_md:
            write_section(args.out_md, f"## {item.label}", section)
    sys.stdout.flush()
    if failures:
        print(f"{failures} step(s) failed; see above", file=sys.stderr)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
