"""The two ways to run indicators, over one implementation: a file of compiled releases, or the warehouse.

Both feed blocks of JSON lines (compiled releases) to worker processes, which parse each line, extract
the process's facts and run every indicator's fold on it; only the folds' small pieces come back, and
:func:`adal.indicators.engine.finish` finalizes them in input order. The file mode reads JSON Lines as
Cardinal does (a line that is not JSON, or not an object with a string ``ocid``, is skipped and counted);
the warehouse mode reads ``compiled_releases`` dataset by dataset and puts the folds in ocid order.
"""

from __future__ import annotations

import contextlib
import gzip
import itertools
import logging
import os
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

import orjson

from adal.indicators.base import Indicator, Level, PerProcess, Result, State
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


@dataclass(frozen=True)
class Rows:
    """A range of the warehouse's compiled releases (by rowid), read by the worker that folds them."""

    path: str
    dataset: str
    start: int
    end: int  # exclusive


@dataclass(frozen=True)
class Sink:
    """Where workers write the per-process results of per-process indicators themselves (Parquet, one file per
    block), so that the millions of "not flagged" rows never cross a pipe or pass through the parent."""

    folder: str
    dataset: str
    versions: dict[str, str]


Source = bytes | tuple[str, int, int] | Rows

# Read-only warehouse connections of this process, by path (a worker keeps its own across blocks).
_CONNECTIONS: dict[str, Any] = {}


def _lines(source: Source) -> tuple[list[Any], int]:
    """The lines of a block, and the count of newlines it spans (to number the lines of later blocks)."""
    if isinstance(source, Rows):
        connection = _CONNECTIONS.get(source.path)
        if connection is None:
            from adal.warehouse.executor import Executor

            connection = _CONNECTIONS[source.path] = Executor(
                source.path, read_only=True, threads=1
            ).connection
        rows = connection.execute(
            "SELECT json FROM compiled_releases WHERE rowid >= ? AND rowid < ? AND dataset = ?",
            [source.start, source.end, source.dataset],
        ).fetchall()
        return [row[0] for row in rows], source.end - source.start
    if isinstance(source, tuple):
        path, start, end = source
        with open(path, "rb") as f:
            f.seek(start)
            data = f.read(end - start)
    else:
        data = source
    return data.split(b"\n"), data.count(b"\n")


@without_cycle_collection()
def _fold_block(task: tuple[Source, int, Folding, bool, Sink | None]) -> Batch:
    """Parse, extract and fold one block of lines (runs in a worker). The block is the bytes themselves,
    ``(path, start, end)``: a byte range of a file, or :class:`Rows` of the warehouse, read here so the
    bytes never cross a pipe. ``first`` numbers its first line (1 for a range: the parent renumbers,
    knowing the blocks before). With a ``sink``, per-process results are written there, not returned."""
    source, first, folding, want_tenderers, sink = task
    lines, newlines = _lines(source)
    indicators = selected(folding.config)
    parties = any(i.needs_parties for i, _ in indicators)
    problems = Problems()
    processes = []
    for offset, line in enumerate(lines):
        if type(line) is bytes:
            if line.endswith(b"\r"):
                line = line[:-1]
            if not line or line.isspace():  # (isspace stops at the first other byte; strip would copy it)
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
    folded = fold(processes, indicators, folding)
    if sink is not None:
        _spill(folded, indicators, sink, first)
    batch = Batch(folded, problems, ocids, tenderers, newlines)
    batch.relative = isinstance(source, tuple)
    return batch


_SPILLED = frozenset({Level.process, Level.lot})


def _spill(folded: Folded, indicators: list[tuple[Indicator, Any]], sink: Sink, first: int) -> None:
    """Write the process- and lot-level results of per-process indicators, and the not-computable rows of
    excluded processes, to ``sink``; take them out of ``folded``. Such subjects are one process each, so no
    merge across blocks is needed (engine.merged)."""

    outcomes = []
    for indicator, _ in indicators:
        if not isinstance(indicator, PerProcess):
            continue
        outcome = Outcome(indicator.code)
        kept = []
        for ocid, (results, mapped) in folded.pieces[indicator.code]:
            spilled = [r for r in results if r.level in _SPILLED]
            if spilled:
                outcome.results.extend(spilled)
                rest = [r for r in results if r.level not in _SPILLED]
                if rest or mapped is not None:
                    kept.append((ocid, (rest, mapped)))
            else:
                kept.append((ocid, (results, mapped)))
        folded.pieces[indicator.code] = kept
        outcomes.append(outcome)
    for indicator, _ in indicators:
        if Level.process in indicator.levels and folded.excluded:
            outcome = Outcome(indicator.code)
            outcome.results.extend(
                Result(Level.process, ocid, State.not_computable, reason=reason)
                for ocid, reason in folded.excluded
            )
            outcomes.append(outcome)
    folded.excluded = []
    _write_shard(outcomes, sink, f"block-{first:012d}")


def _write_shard(outcomes: list[Outcome], sink: Sink, name: str) -> None:
    """Records of ``outcomes`` as one Parquet file in the sink (nothing when there are none)."""
    import pyarrow.parquet as pq

    from adal.indicators.output import arrow_table, records

    table = arrow_table(records(outcomes, sink.versions, sink.dataset))
    if table.num_rows:
        pq.write_table(table, os.path.join(sink.folder, f"{name}.parquet"), compression="zstd")


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
    source: Iterator[tuple[Source, int]],
    config: Configuration,
    *,
    full: bool,
    by_org: bool,
    tenderers: bool = False,
    workers: int | None = None,
    by_ocid: bool = False,
    rates: Rates | None = None,
    registers: Registers | None = None,
    sink: Sink | None = None,
) -> Run:
    """Fold every block (in workers when there are several blocks) and finalize, in input order."""
    folding = Folding(config, full, by_org, cardinal=not full)
    tasks = ((block, first, folding, tenderers, sink) for block, first in source)
    head = list(itertools.islice(tasks, 2))
    everything = itertools.chain(head, tasks)
    count = worker_count(1 << 30) if workers is None else workers
    folded = Folded({i.code: [] for i, _ in selected(config)})
    problems = Problems()
    ocids: set[str] = set()
    tenderer_map: dict[str, list[str]] = {}
    with worker_pool(count if len(head) > 1 else 1) as holder, _closing_connections():
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
    emit = None
    if sink is not None:

        def emit(outcome: Outcome) -> None:
            _write_shard([outcome], sink, f"final-{re.sub(r'[^A-Za-z0-9_-]', '_', outcome.code)}")

    # With a sink (the warehouse), finalize on every core when the folds came from several blocks.
    finishers = count if sink is not None and count > 1 and len(head) > 1 else 1
    return Run(
        finish(selected(config), folded, folding, rates, registers, emit, finishers), problems, tenderer_map
    )


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


ROWS_PER_TASK = 2048


def _warehouse_rows(executor: Any, dataset: str) -> Iterator[tuple[Rows, int]]:
    """Ranges of the dataset's compiled releases by rowid, for workers to read themselves."""
    low, high = executor.connection.execute(
        "SELECT min(rowid), max(rowid) FROM compiled_releases WHERE dataset = ?", [dataset]
    ).fetchone()
    if low is None:
        return
    _CONNECTIONS.setdefault(executor.path, executor.connection)  # the parent's, when it folds itself
    for start in range(low, high + 1, ROWS_PER_TASK):
        yield Rows(executor.path, dataset, start, min(start + ROWS_PER_TASK, high + 1)), start + 1


@contextlib.contextmanager
def _closing_connections() -> Iterator[None]:
    """Forget the warehouse connections lent to this run (workers' go with their processes)."""
    try:
        yield
    finally:
        _CONNECTIONS.clear()


def run_dataset(
    executor: Any,
    dataset: str,
    config: Configuration,
    rates: Rates | None = None,
    registers: Registers | None = None,
    sink: str | None = None,
) -> Run:
    """All enabled indicators over one warehouse dataset, in adal's format (three states, by organisation).

    ``executor`` must be read-only: workers open the warehouse read-only beside it. With ``sink`` (a
    folder), per-process results are written there as Parquet instead of being returned."""
    from adal.indicators.registry import REGISTRY

    spill = Sink(sink, dataset, {code: i.version for code, i in REGISTRY.items()}) if sink else None
    blocks = _warehouse_rows(executor, dataset)
    return run_blocks(
        blocks, config, full=True, by_org=True, by_ocid=True, rates=rates, registers=registers, sink=spill
    )
