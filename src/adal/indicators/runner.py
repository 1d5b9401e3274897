"""The two ways to run indicators, over one implementation: a file of compiled releases, or the warehouse.

Both turn compiled releases into :class:`~adal.indicators.facts.Process` facts (in parallel, in worker
processes, for large inputs) and hand them to :func:`adal.indicators.engine.run`. The file mode reads
JSON Lines as Cardinal does (a line that is not JSON, or not an object with a string ``ocid``, is
skipped and counted); the warehouse mode reads ``compiled_releases`` dataset by dataset, in ocid order.
"""

from __future__ import annotations

import gzip
import itertools
import logging
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from adal.indicators.base import Indicator
from adal.indicators.engine import Outcome, run
from adal.indicators.facts import Process, extract, submitted
from adal.indicators.registry import REGISTRY
from adal.indicators.settings import Configuration
from adal.sources.ocds.pipeline import worker_count, worker_pool

log = logging.getLogger(__name__)

CHUNK = 8 << 20  # bytes of lines per task


@dataclass
class Problems:
    lines: int = 0  # lines read (not blank)
    invalid: list[tuple[int, str]] = field(default_factory=list)  # (line, reason), the first few kept
    invalid_count: int = 0
    skipped: int = 0  # JSON but not an object with a string ocid
    duplicates: int = 0  # ocids seen before

    def add(self, other: Problems) -> None:
        self.lines += other.lines
        self.invalid_count += other.invalid_count
        self.skipped += other.skipped
        self.invalid.extend(other.invalid[: max(0, 20 - len(self.invalid))])


def _extract_chunk(task: tuple[bytes, int, bool, bool]) -> tuple[list[Process], Problems]:
    """Parse and extract one block of lines (runs in a worker). ``first`` is the first line's number."""
    data, first, parties, orgs = task
    processes: list[Process] = []
    problems = Problems()
    for offset, line in enumerate(data.split(b"\n")):
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line.strip():
            continue
        number = first + offset
        problems.lines += 1
        try:
            value = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            problems.invalid_count += 1
            if len(problems.invalid) < 20:
                problems.invalid.append((number, str(error)))
            continue
        if type(value) is not dict:
            problems.skipped += 1
            continue
        process = extract(value, number, f"line {number}", parties=parties, orgs=orgs)
        if process is None:
            problems.skipped += 1
        else:
            processes.append(process)
    return processes, problems


def _blocks(stream: IO[bytes]) -> Iterator[tuple[bytes, int]]:
    number = 1
    pending = b""
    while True:
        chunk = stream.read(CHUNK)
        if not chunk:
            if pending:
                yield pending, number
            return
        pending += chunk
        cut = pending.rfind(b"\n") + 1
        if not cut:
            continue
        block, pending = pending[:cut], pending[cut:]
        yield block, number
        number += block.count(b"\n")


def open_input(path: str) -> IO[bytes]:
    if path == "-":
        return sys.stdin.buffer
    raw = open(path, "rb")  # noqa: SIM115 -- closed by the caller
    if path.endswith(".gz"):
        return gzip.GzipFile(fileobj=raw)  # type: ignore[return-value]
    return raw


def read_processes(
    stream: IO[bytes], *, parties: bool, orgs: bool, workers: int | None = None
) -> tuple[list[Process], Problems]:
    """Every process of a JSON Lines stream of compiled releases, in file order."""
    return _read_blocks(_blocks(stream), parties=parties, orgs=orgs, workers=workers)


def _read_blocks(
    source: Iterator[tuple[bytes, int]], *, parties: bool, orgs: bool, workers: int | None
) -> tuple[list[Process], Problems]:
    problems = Problems()
    processes: list[Process] = []
    blocks = ((block, first, parties, orgs) for block, first in source)
    head = list(itertools.islice(blocks, 2))
    tasks = itertools.chain(head, blocks)
    count = worker_count(1 << 30) if workers is None else workers
    with worker_pool(count if len(head) > 1 else 1) as holder:
        results = (
            holder.pool().imap(_extract_chunk, tasks)
            if holder.parallel and len(head) > 1
            else map(_extract_chunk, tasks)
        )
        for found, seen in results:
            processes.extend(found)
            problems.add(seen)
    ocids: set[str] = set()
    for p in processes:
        if p.ocid in ocids:
            problems.duplicates += 1
        ocids.add(p.ocid)
    return processes, problems


def selected(config: Configuration) -> list[tuple[Indicator, Any]]:
    """The enabled indicators, in registry order, with their parsed settings."""
    enabled = set(config.enabled)
    return [(i, i.parse_settings(config)) for i in REGISTRY.values() if i.code in enabled]


def tenderer_map(processes: list[Process]) -> dict[str, list[str]]:
    """Cardinal's ``ocid_tenderer`` map: the tenderers of each process's submitted bids."""
    out = {}
    for p in processes:
        ids = sorted({t for b in submitted(p.bids or []) for t in (b.tenderers or ())})
        if ids:
            out[p.ocid] = ids
    return out


def run_file(
    path: str, config: Configuration, *, full: bool, by_org: bool, workers: int | None = None
) -> tuple[list[Outcome], list[Process], Problems]:
    indicators = selected(config)
    parties = any(i.needs_parties for i, _ in indicators)
    stream = open_input(path)
    try:
        processes, problems = read_processes(stream, parties=parties, orgs=by_org, workers=workers)
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()
    outcomes = run(indicators, processes, config, full=full, by_org=by_org)
    return outcomes, processes, problems


def _warehouse_blocks(executor: Any, dataset: str) -> Iterator[tuple[bytes, int]]:
    """The compiled releases of a dataset as blocks of JSON lines, numbered in ocid order."""
    reader = executor.connection.execute(
        "SELECT json FROM compiled_releases WHERE dataset = ? ORDER BY ocid", [dataset]
    ).to_arrow_reader(4096)
    number = 1
    pieces: list[bytes] = []
    size = 0
    first = number
    for batch in reader:
        for text in batch.column(0).to_pylist():
            line = text.encode()
            pieces.append(line)
            size += len(line) + 1
            number += 1
            if size >= CHUNK:
                yield b"\n".join(pieces) + b"\n", first
                pieces, size, first = [], 0, number
    if pieces:
        yield b"\n".join(pieces) + b"\n", first


def dataset_processes(
    executor: Any, dataset: str, *, parties: bool, workers: int | None = None
) -> tuple[list[Process], Problems]:
    """The processes of one warehouse dataset, from its compiled releases, in ocid order."""
    return _read_blocks(_warehouse_blocks(executor, dataset), parties=parties, orgs=True, workers=workers)
