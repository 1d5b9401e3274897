"""The two ways to run indicators, over one implementation: a file of compiled releases, or the warehouse.

Both feed blocks of JSON lines (compiled releases) to worker processes, which parse each line, extract
the process's facts and run every indicator's fold on it; only the folds' small pieces come back, and
:func:`adal.indicators.engine.finish` finalizes them in input order. The file mode reads JSON Lines as
Cardinal does (a line that is not JSON, or not an object with a string ``ocid``, is skipped and counted);
the warehouse mode reads ``compiled_releases`` dataset by dataset and puts the folds in ocid order.
"""

from __future__ import annotations

import gzip
import itertools
import logging
import os
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from adal.indicators.base import Indicator
from adal.indicators.engine import Folded, Folding, Outcome, finish, fold
from adal.indicators.facts import extract, submitted
from adal.indicators.money import Rates
from adal.indicators.registers import Registers
from adal.indicators.registry import REGISTRY
from adal.indicators.settings import Configuration
from adal.sources.ocds.pipeline import without_cycle_collection, worker_count, worker_pool

log = logging.getLogger(__name__)

CHUNK = 4 << 20  # bytes of lines per task


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


@dataclass
class Batch:
    """What a worker sends back for one block of lines."""

    folded: Folded
    problems: Problems
    ocids: list[str]
    tenderers: dict[str, list[str]]  # Cardinal's ocid_tenderer map, when asked for
    newlines: int = 0  # lines in the block, to number the lines of the blocks after it
    relative: bool = False  # line numbers start at 1 in this block (a byte range)


def selected(config: Configuration) -> list[tuple[Indicator, Any]]:
    """The enabled indicators, in registry order, with their parsed settings."""
    enabled = set(config.enabled)
    return [(i, i.parse_settings(config)) for i in REGISTRY.values() if i.code in enabled]


@without_cycle_collection()
def _fold_block(task: tuple[bytes | tuple[str, int, int], int, Folding, bool]) -> Batch:
    """Parse, extract and fold one block of lines (runs in a worker). The block is the bytes themselves,
    or ``(path, start, end)``: a byte range of a file, read here so the bytes never cross a pipe.
    ``first`` numbers its first line (1 for a range: the parent renumbers, knowing the blocks before)."""
    source, first, folding, want_tenderers = task
    if isinstance(source, tuple):
        path, start, end = source
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read(end - start)
    else:
        data = source
    indicators = selected(folding.config)
    parties = any(i.needs_parties for i, _ in indicators)
    problems = Problems()
    processes = []
    for offset, line in enumerate(data.split(b"\n")):
        if line.endswith(b"\r"):
            line = line[:-1]
        if not line or line.isspace():  # (isspace stops at the first other byte; strip would copy the line)
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
        process = extract(value, number, f"line {number}", parties=parties, orgs=folding.by_org)
        if process is None:
            problems.skipped += 1
        else:
            processes.append(process)
    tenderers = {}
    if want_tenderers:
        for p in processes:
            if p.cancelled or (p.details is not None and p.details in folding.config.excluded_details):
                continue
            ids = sorted({t for b in submitted(p.bids or []) for t in (b.tenderers or ())})
            if ids:
                tenderers[p.ocid] = ids
    ocids = [p.ocid for p in processes]
    batch = Batch(fold(processes, indicators, folding), problems, ocids, tenderers, data.count(b"\n"))
    batch.relative = isinstance(source, tuple)
    return batch


def _ranges(path: str) -> Iterator[tuple[tuple[str, int, int], int]]:
    """Byte ranges of about CHUNK bytes that end at line ends, for workers to read themselves."""
    size = os.path.getsize(path)
    with open(path, "rb") as f:
        start = 0
        while start < size:
            end = min(size, start + CHUNK)
            if end < size:
                f.seek(end)
                while True:
                    piece = f.read(1 << 16)
                    if not piece:
                        end = size
                        break
                    newline = piece.find(b"\n")
                    if newline >= 0:
                        end += newline + 1
                        break
                    end += len(piece)
            yield (path, start, end), 1
            start = end


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


@dataclass
class Run:
    outcomes: list[Outcome]
    problems: Problems
    tenderers: dict[str, list[str]]


@without_cycle_collection()
def run_blocks(
    source: Iterator[tuple[bytes | tuple[str, int, int], int]],
    config: Configuration,
    *,
    full: bool,
    by_org: bool,
    tenderers: bool = False,
    workers: int | None = None,
    by_ocid: bool = False,
    rates: Rates | None = None,
    registers: Registers | None = None,
) -> Run:
    """Fold every block (in workers when there are several blocks) and finalize, in input order."""
    folding = Folding(config, full, by_org, cardinal=not full)
    tasks = ((block, first, folding, tenderers) for block, first in source)
    head = list(itertools.islice(tasks, 2))
    everything = itertools.chain(head, tasks)
    count = worker_count(1 << 30) if workers is None else workers
    folded = Folded({i.code: [] for i, _ in selected(config)})
    problems = Problems()
    ocids: set[str] = set()
    tenderer_map: dict[str, list[str]] = {}
    with worker_pool(count if len(head) > 1 else 1) as holder:
        parallel = holder.parallel and len(head) > 1
        batches = holder.pool().imap(_fold_block, everything) if parallel else map(_fold_block, everything)
        lines_before = 0
        for batch in batches:
            if batch.relative and batch.problems.invalid and lines_before:
                # Ranges number their lines from 1: add the lines of the blocks before.
                batch.problems.invalid = [(n + lines_before, why) for n, why in batch.problems.invalid]
            lines_before += batch.newlines
            folded.extend(batch.folded)
            problems.add(batch.problems)
            tenderer_map.update(batch.tenderers)
            for ocid in batch.ocids:
                if ocid in ocids:
                    problems.duplicates += 1
                ocids.add(ocid)
    if by_ocid:
        folded.sort()
    return Run(finish(selected(config), folded, folding, rates, registers), problems, tenderer_map)


def run_file(
    path: str,
    config: Configuration,
    *,
    full: bool,
    by_org: bool,
    tenderers: bool = False,
    rates: Rates | None = None,
    registers: Registers | None = None,
) -> Run:
    if path != "-" and not path.endswith(".gz"):
        return run_blocks(
            _ranges(path),
            config,
            full=full,
            by_org=by_org,
            tenderers=tenderers,
            rates=rates,
            registers=registers,
        )
    stream = open_input(path)
    try:
        return run_blocks(
            _blocks(stream),
            config,
            full=full,
            by_org=by_org,
            tenderers=tenderers,
            rates=rates,
            registers=registers,
        )
    finally:
        if stream is not sys.stdin.buffer:
            stream.close()


def _warehouse_blocks(executor: Any, dataset: str) -> Iterator[tuple[bytes, int]]:
    """The compiled releases of a dataset as blocks of JSON lines (in storage order)."""
    # In storage order: sorting the JSON would need memory for all of it; the folds are sorted instead.
    reader = executor.connection.sql(
        "SELECT json FROM compiled_releases WHERE dataset = $1", params=[dataset]
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


def run_dataset(
    executor: Any,
    dataset: str,
    config: Configuration,
    rates: Rates | None = None,
    registers: Registers | None = None,
) -> Run:
    """All enabled indicators over one warehouse dataset, in adal's format (three states, by organisation)."""
    blocks = _warehouse_blocks(executor, dataset)
    return run_blocks(blocks, config, full=True, by_org=True, by_ocid=True, rates=rates, registers=registers)
