"""Compile OCDS in two passes over hash partitions, in parallel and in bounded memory.

Pass 1 (*stage*) parses each release once, checks it, computes its content hash and appends it to one
of N partition files chosen by its (dataset, ocid): every release of an ocid lands in the same
partition, whatever file or order it came in. JSON Lines are parsed in chunks by worker processes,
which write their partition files themselves; other documents are parsed by the main process.

Pass 2 (*compile*) takes one partition at a time, groups its releases by ocid, orders them by input
sequence, drops duplicates (same content hash), merges each ocid that gained a release and flattens the
compiled release into the canonical tables, written as Parquet for the warehouse to insert in one go.

A partition record is ``header JSON + TAB + release JSON + LF``; the header is a list indexed by the
``H_*`` constants below, with kind ``r`` (release) or ``p`` (a publisher's compiled release). Canonical
JSON has no raw TAB or LF.
"""

from __future__ import annotations

import gc
import glob
import hashlib
import json
import multiprocessing
import os
import re
import tempfile
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from multiprocessing.pool import AsyncResult, Pool
from typing import IO, TYPE_CHECKING, Any

import orjson

from adal.errors import MergeError
from adal.sources.adapters import check_source, dataset_of_prefixed
from adal.sources.ocds.merge import compile_release
from adal.sources.ocds.reader import (
    Event,
    InputFile,
    LineChunk,
    Problem,
    PublisherCompiled,
    Release,
    UndecodableFile,
    discover,
    line_events,
    read_chunks,
)
from adal.sources.ocds.tables import Provenance, flatten_compiled, scrub_surrogates

CHUNK_BYTES = 4 << 20  # JSON Lines are parsed in blocks of about this size
PARTITION_BYTES = 32 << 20  # about this much JSON per partition of pass 2
# seq = (item number << 16) | index of the release within that item (a line, a package): input order.
SEQ_SHIFT = 16

# Positions in a partition record's header.
(H_KIND, H_SEQ, H_DATASET, H_OCID, H_RELEASE_ID, H_DATE, H_HASH, H_SOURCE, H_LOCATOR, H_STDLIB, H_VERSION,
 H_EXISTING, H_LINKED) = range(13)  # fmt: skip

# Arrow is imported where rows are written, so that a re-ingest that finds nothing new never loads it.
if TYPE_CHECKING:
    import pyarrow as pa

_FLUSH_BYTES = 8 << 20  # a process's partition buffers are written out at this size
_PREFIX = re.compile(r"^(ocds-[0-9a-z]{6})", re.IGNORECASE)

CANONICAL_TABLES = (
    "processes",
    "lots",
    "items",
    "bids",
    "bid_tenderers",
    "awards",
    "award_suppliers",
    "contracts",
    "amendments",
    "transactions",
    "milestones",
    "parties",
    "party_identifiers",
    "documents",
)


@contextmanager
def without_cycle_collection() -> Iterator[None]:
    """Pause Python's cyclic garbage collector.

    Parsed JSON is a tree: reference counting frees it, and the cycle collector, which would traverse
    every live dict and list again and again as millions are allocated, finds nothing. Pausing it in
    the workers cut pass 2 on the Dominican Republic file from 2.0 s to 1.7 s.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def dataset_of(ocid: str) -> str:
    """The dataset a release belongs to when none is given: its publisher's ocid prefix, or the
    dataset of the source adapter whose prefix it has (``ocds-kz-goszakup-...`` is ``goszakup``)."""
    match = _PREFIX.match(ocid)
    if match:
        return match.group(1).lower()
    adapted = dataset_of_prefixed(ocid)
    if adapted is not None:
        return adapted
    head = re.split(r"[-/_:]", ocid, maxsplit=1)[0]
    return head.lower() if len(head) >= 2 and any(c.isalpha() for c in head) else "unprefixed"


def canonical(value: dict[str, Any], stdlib: bool) -> tuple[bytes, str]:
    """The JSON as stored, and the hash of its sorted-key form (the release's content identity)."""
    if not stdlib:
        try:
            stored = orjson.dumps(value)
            key = orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
            return stored, hashlib.blake2b(key, digest_size=16).hexdigest()
        except TypeError:
            pass
    stored = json.dumps(value, ensure_ascii=True).encode()
    key_text = json.dumps(value, ensure_ascii=True, sort_keys=True)
    return stored, hashlib.blake2b(key_text.encode(), digest_size=16).hexdigest()


def load_json(text: str | bytes, stdlib: bool) -> Any:
    return json.loads(text) if stdlib else orjson.loads(text)


@dataclass(frozen=True)
class Plan:
    """Where pass 1 writes and how it names datasets; shared with worker processes."""

    run_dir: str
    partitions: int
    dataset: str | None = None

    def partition(self, dataset: str, ocid: str) -> int:
        return zlib.crc32(f"{dataset}\0{ocid}".encode()) % self.partitions

    def dataset_for(self, ocid: str) -> str:
        return self.dataset or dataset_of(ocid)

    def used_partitions(self) -> list[int]:
        """Partitions that have at least one file."""
        found = {
            int(os.path.basename(p).split("-")[1])
            for p in glob.glob(os.path.join(self.run_dir, "part-*.bin"))
        }
        return sorted(found)


class PartitionWriter:
    """Appends records to this process's partition files, buffered."""

    def __init__(self, plan: Plan, tag: str) -> None:
        self.plan = plan
        self.tag = tag
        self.buffers: dict[int, list[bytes]] = defaultdict(list)
        self.size = 0

    def add(self, dataset: str, ocid: str, header: list[Any], body: bytes) -> None:
        record = orjson.dumps(header) + b"\t" + body + b"\n"
        self.buffers[self.plan.partition(dataset, ocid)].append(record)
        self.size += len(record)
        if self.size >= _FLUSH_BYTES:
            self.flush()

    def flush(self) -> None:
        for partition, records in self.buffers.items():
            with open(os.path.join(self.plan.run_dir, f"part-{partition:05d}-{self.tag}.bin"), "ab") as out:
                out.writelines(records)
        self.buffers.clear()
        self.size = 0


@dataclass
class Staged:
    """What staging one event (or a chunk of them) found."""

    items: int = 0
    problems: list[Problem] = field(default_factory=list)
    keys: set[str] = field(default_factory=set)  # "dataset\0ocid" of everything staged
    undecodable: tuple[str, str] | None = None  # (locator, reason)


def stage_event(
    event: Event, seq: int, source_id: int, plan: Plan, writer: PartitionWriter, staged: Staged
) -> None:
    staged.items += 1
    if isinstance(event, Problem):
        staged.problems.append(event)
        return
    data = event.data
    ocid = data.get("ocid")
    if isinstance(event, PublisherCompiled) and (not isinstance(ocid, str) or not ocid):
        staged.problems.append(Problem(event.locator, "a compiledRelease without `ocid`"))
        return
    assert isinstance(ocid, str)  # the reader checked releases
    body, digest = canonical(data, event.stdlib)
    dataset = plan.dataset_for(ocid)
    if isinstance(event, Release):
        header = [
            "r",
            seq,
            dataset,
            ocid,
            str(data["id"]),
            data.get("date"),
            digest,
            source_id,
            event.locator,
            event.stdlib,
            event.version,
            False,
            False,
        ]
    else:
        header = [
            "p",
            seq,
            dataset,
            ocid,
            None,
            data.get("date"),
            digest,
            source_id,
            event.locator,
            event.stdlib,
            None,
            False,
            event.linked_only,
        ]
    writer.add(dataset, ocid, header, body)
    staged.keys.add(f"{dataset}\0{ocid}")


@without_cycle_collection()
def stage_chunk(task: tuple[LineChunk, int, int, Plan]) -> Staged:
    """Pass 1 for a chunk of JSON Lines (runs in a worker process). ``line_base`` numbers items globally."""
    chunk, line_base, source_id, plan = task
    writer = PartitionWriter(plan, f"w{os.getpid()}")
    staged = Staged()
    last_line, within = -1, 0
    try:
        for number, event in line_events(chunk):
            within = within + 1 if number == last_line else 0
            last_line = number
            seq = ((line_base + number) << SEQ_SHIFT) | min(within, (1 << SEQ_SHIFT) - 1)
            stage_event(event, seq, source_id, plan, writer, staged)
    except UndecodableFile as error:
        staged.undecodable = (error.locator, error.reason)
    writer.flush()
    return staged


@dataclass
class Compiled:
    """What pass 2 did for one partition."""

    new_releases: int = 0
    duplicates: int = 0
    recompiled: int = 0
    merge_quarantined: int = 0  # items of this run in ocids that could not be merged
    datasets: set[str] = field(default_factory=set)
    merge_errors: list[str] = field(default_factory=list)


def _read_partition(
    plan: Plan, partition: int, withdrawn: frozenset[int]
) -> dict[tuple[str, str], list[Any]]:
    groups: dict[tuple[str, str], list[Any]] = defaultdict(list)
    for path in sorted(glob.glob(os.path.join(plan.run_dir, f"part-{partition:05d}-*.bin"))):
        with open(path, "rb") as stream:
            for line in stream:
                head, _, body = line.partition(b"\t")
                header = orjson.loads(head)
                if header[H_SOURCE] in withdrawn and not header[H_EXISTING]:
                    continue
                groups[(header[H_DATASET], header[H_OCID])].append((header, body[:-1]))
    return groups


def _array(values: Any, kind: pa.DataType) -> pa.Array:
    """An Arrow column; JSON kept as UTF-8 bytes goes in without a round trip through Python text."""
    import pyarrow as pa

    if kind == pa.string():
        first = next((v for v in values if v is not None), None)
        if isinstance(first, bytes):
            return pa.array(values, pa.binary()).cast(pa.string())
    return pa.array(values, kind)


class _Tables:
    """Rows per output table, written as one Parquet file per table."""

    def __init__(self, schemas: dict[str, pa.Schema]) -> None:
        self.schemas = schemas
        # Canonical tables get tuples in schema order (tables.py); the others get dicts by column name.
        self.rows: dict[str, list[Any]] = defaultdict(list)

    def write(self, out_dir: str, partition: int) -> None:
        for table, rows in self.rows.items():
            if not rows:
                continue
            schema = self.schemas[table]
            if isinstance(rows[0], tuple):
                columns: list[Any] = list(zip(*rows, strict=True))
            else:
                columns = [[row.get(name) for row in rows] for name in schema.names]
            arrays = [_array(values, schema.field(i).type) for i, values in enumerate(columns)]
            import pyarrow as pa
            import pyarrow.parquet as pq

            pq.write_table(
                pa.Table.from_arrays(arrays, schema=schema),
                os.path.join(out_dir, f"{table}-{partition:05d}.parquet"),
                compression="none",
            )


@without_cycle_collection()
def compile_partition(
    task: tuple[Plan, int, frozenset[int], dict[str, pa.Schema] | None, str, int],
) -> Compiled:
    """Pass 2 for one partition (runs in a worker process).

    With ``schemas`` it writes Parquet files for the warehouse; without, it writes the compiled releases
    as JSON Lines (``adal compile``).
    """
    plan, partition, withdrawn, schemas, out_dir, run_id = task
    result = Compiled()
    groups = _read_partition(plan, partition, withdrawn)
    tables = _Tables(schemas) if schemas is not None else None
    lines: list[bytes] = []
    for (dataset, ocid), records in sorted(groups.items()):
        records.sort(key=lambda r: r[0][H_SEQ])
        seen: set[str] = set()
        releases: list[Any] = []
        publisher: list[Any] = []
        new_publisher: list[Any] = []
        new_releases: list[Any] = []
        batch_items = 0
        for header, body in records:
            existing = header[H_EXISTING]
            if not existing:
                batch_items += 1
            if header[H_HASH] in seen:
                if not existing:
                    result.duplicates += 1
                continue
            seen.add(header[H_HASH])
            if header[H_KIND] == "r":
                releases.append((header, body))
                if not existing:
                    new_releases.append((header, body))
            else:
                publisher.append((header, body))
                if not existing:
                    new_publisher.append((header, body))
        result.new_releases += len(new_releases)
        if not new_releases and not new_publisher:
            continue
        result.recompiled += 1
        if tables is not None:
            tables.rows["affected"].append({"dataset": dataset, "ocid": ocid})
            for header, body in new_releases:
                tables.rows["releases"].append(
                    {
                        "dataset": dataset,
                        "ocid": ocid,
                        "release_id": header[H_RELEASE_ID],
                        "date": header[H_DATE],
                        "hash": header[H_HASH],
                        "seq": header[H_SEQ],
                        "ocds_version": header[H_VERSION],
                        "stdlib": header[H_STDLIB],
                        "source_id": header[H_SOURCE],
                        "locator": header[H_LOCATOR],
                        "json": body,
                    }
                )
            for header, body in new_publisher:
                tables.rows["publisher_compiled"].append(
                    {
                        "dataset": dataset,
                        "ocid": ocid,
                        "hash": header[H_HASH],
                        "linked_only": header[H_LINKED],
                        "source_id": header[H_SOURCE],
                        "locator": header[H_LOCATOR],
                        "json": body,
                    }
                )
        if releases:
            parsed = [load_json(body, header[H_STDLIB]) for header, body in releases]
            try:
                compiled = compile_release(parsed)
            except MergeError as error:
                result.merge_quarantined += sum(
                    1 for header, _ in records if not header[H_EXISTING] and header[H_KIND] == "r"
                )
                if tables is not None:
                    for header, _ in releases:
                        tables.rows["quarantine"].append(
                            {
                                "run_id": run_id,
                                "source_id": header[H_SOURCE],
                                "locator": header[H_LOCATOR],
                                "dataset": dataset,
                                "ocid": ocid,
                                "release_id": header[H_RELEASE_ID],
                                "kind": "merge",
                                "reason": f"the releases of {ocid} cannot be merged: {error}",
                            }
                        )
                continue
            compiled_by = "adal"
            stdlib = any(header[H_STDLIB] for header, _ in releases)
            pairs = sorted(zip(parsed, releases, strict=True), key=lambda pair: pair[0]["date"])
            provenance = Provenance(
                [(r, (h[H_RELEASE_ID], h[H_SOURCE], h[H_LOCATOR])) for r, (h, _) in pairs]
            )
            dates = [h[H_DATE] for h, _ in releases if isinstance(h[H_DATE], str)]
            n_releases = len(releases)
        else:
            header, body = publisher[-1]
            compiled = load_json(body, header[H_STDLIB])
            compiled_by = "publisher"
            stdlib = bool(header[H_STDLIB])
            provenance = Provenance(
                [(compiled, (str(compiled.get("id")), header[H_SOURCE], header[H_LOCATOR]))]
            )
            dates, n_releases = [], 0
        result.datasets.add(dataset)
        if tables is None:
            lines.append(canonical(compiled, stdlib)[0] + b"\n")
            continue
        stored, _ = canonical(compiled, stdlib)
        tables.rows["compiled_releases"].append(
            {
                "dataset": dataset,
                "ocid": ocid,
                "compiled_by": compiled_by,
                "n_releases": n_releases,
                "json": stored,
            }
        )
        columns_source = scrub_surrogates(compiled) if stdlib else compiled
        for table, rows in flatten_compiled(dataset, columns_source, provenance, n_releases, dates).items():
            tables.rows[table].extend(rows)
    if tables is not None:
        tables.write(out_dir, partition)
    elif lines:
        with open(os.path.join(out_dir, f"compiled-{partition:05d}.jsonl"), "wb") as out:
            out.writelines(lines)
    return result


def estimated_bytes(files: list[InputFile]) -> int:
    """JSON bytes to expect (compressed files expand about eightfold)."""
    return sum((f.size or 0) * (8 if f.path.lower().endswith((".gz", ".zip")) else 1) for f in files)


def partition_count(estimated: int, workers: int) -> int:
    """Enough partitions to keep every worker busy, each small enough to hold in memory."""
    partitions = max(1, min(4096, estimated // PARTITION_BYTES + 1))
    if workers:
        partitions = max(partitions, min(4 * workers, max(1, estimated // (1 << 20))))
    return partitions


def worker_count(estimated_bytes: int) -> int:
    """Worker processes: all cores for inputs worth it (``ADAL_WORKERS`` overrides), else none."""
    configured = os.environ.get("ADAL_WORKERS")
    workers = int(configured) if configured else os.cpu_count() or 1
    threshold = int(os.environ.get("ADAL_PARALLEL_MIN_BYTES", str(32 << 20)))
    return workers if workers > 1 and estimated_bytes >= threshold else 0


class Workers:
    """Worker processes, started on first use: an ingest that finds nothing new starts none."""

    def __init__(self, count: int) -> None:
        self.count = count
        self._pool: Pool | None = None

    @property
    def parallel(self) -> bool:
        return self.count > 1

    def pool(self) -> Pool:
        if self._pool is None:
            # Spawned, not forked: the parent holds DuckDB and Arrow threads that a fork would copy mid-flight.
            self._pool = multiprocessing.get_context("spawn").Pool(self.count)
        return self._pool

    def imap(
        self, function: Callable[[Any], Compiled], tasks: list[Any], *, ordered: bool
    ) -> Iterator[Compiled]:
        """Run ``function`` over ``tasks``, in worker processes when there are several and workers."""
        if not self.parallel or len(tasks) < 2:
            return map(function, tasks)
        pool = self.pool()
        return pool.imap(function, tasks) if ordered else pool.imap_unordered(function, tasks)


@contextmanager
def worker_pool(workers: int) -> Iterator[Workers]:
    holder = Workers(workers)
    try:
        yield holder
        if holder._pool is not None:
            holder._pool.close()
    except BaseException:
        if holder._pool is not None:
            holder._pool.terminate()
        raise
    finally:
        if holder._pool is not None:
            holder._pool.join()


@dataclass
class FileState:
    input_file: InputFile
    source_id: int
    sha: str
    staged: Staged = field(default_factory=Staged)
    pending: int = 0
    done: bool = False


class Stager:
    """Pass 1 over files: chunks of JSON Lines go to the pool (bounded in flight), documents are staged here.

    Results are absorbed in submission order, so each file's counts are complete when it is finalised.
    """

    def __init__(self, plan: Plan, workers: Workers, on_file: Callable[[FileState], None]) -> None:
        self.plan = plan
        self.workers = workers
        self.limit = 2 * workers.count + 2 if workers.parallel else 0
        self.on_file = on_file
        self.writer = PartitionWriter(plan, "main")
        self.pending: deque[tuple[FileState, AsyncResult[Staged] | Staged, int]] = deque()
        self.files: deque[FileState] = deque()
        self.keys: set[str] = set()
        self.cursor = 0  # item numbers, the high bits of seq
        self.progress: Callable[[int], None] | None = None
        self.items = 0  # items staged so far, for progress

    def stage(self, state: FileState, encoding: str | None, source: str = "auto") -> None:
        self.files.append(state)
        file_base = self.cursor
        last_line = 0
        try:
            for item in read_chunks(state.input_file, encoding, CHUNK_BYTES, source):
                if isinstance(item, LineChunk):
                    last_line = item.first_line + item.data.count(b"\n")
                    task = (item, file_base, state.source_id, self.plan)
                    result: AsyncResult[Staged] | Staged = (
                        self.workers.pool().apply_async(stage_chunk, (task,))
                        if self.workers.parallel
                        else stage_chunk(task)
                    )
                    state.pending += 1
                    self.pending.append((state, result, len(item.data)))
                    while len(self.pending) > self.limit:
                        self._collect()
                else:
                    stage_event(
                        item, self.cursor << SEQ_SHIFT, state.source_id, self.plan, self.writer, state.staged
                    )
                    self.cursor += 1
        except UndecodableFile as error:
            state.staged.undecodable = (error.locator, error.reason)
        self.cursor = max(self.cursor, file_base + last_line + 1)
        state.done = True
        self._finish_ready()

    def _collect(self) -> None:
        state, result, size = self.pending.popleft()
        staged = result.get() if isinstance(result, AsyncResult) else result
        state.pending -= 1
        state.staged.items += staged.items
        self.items += staged.items
        state.staged.problems.extend(staged.problems)
        self.keys |= staged.keys
        if staged.undecodable is not None and state.staged.undecodable is None:
            state.staged.undecodable = staged.undecodable
        if self.progress is not None:
            self.progress(size)
        self._finish_ready()

    def _finish_ready(self) -> None:
        while self.files and self.files[0].done and self.files[0].pending == 0:
            state = self.files.popleft()
            self.keys |= state.staged.keys
            self.on_file(state)

    def drain(self) -> None:
        while self.pending:
            self._collect()
        self._finish_ready()
        self.writer.flush()


def compile_files(
    paths: list[str],
    out: IO[bytes],
    report: Callable[[str], None],
    encoding: str | None = None,
    source: str = "auto",
) -> int:
    """``adal compile``: the compiled release of every ocid in ``paths`` as JSON Lines on ``out``.

    Runs the same two passes as ingest, without a warehouse, so memory stays bounded. Problems are
    given to ``report`` one sentence each; returns how many there were.
    """
    check_source(source)
    files = list(discover(paths))
    estimated = estimated_bytes(files)
    workers = worker_count(estimated)
    problems = 0
    withdrawn: set[int] = set()

    def on_file(state: FileState) -> None:
        nonlocal problems
        if state.staged.undecodable is not None:
            withdrawn.add(state.source_id)
            problems += 1
            report(f"{state.input_file.path}: {state.staged.undecodable[1]}")
            return
        for problem in state.staged.problems:
            problems += 1
            report(f"{state.input_file.path}: {problem.locator}: {problem.reason}")

    with tempfile.TemporaryDirectory(prefix="adal-compile-") as run_dir, worker_pool(workers) as pool:
        plan = Plan(run_dir, partition_count(estimated, workers))
        stager = Stager(plan, pool, on_file)
        for number, input_file in enumerate(files, 1):
            stager.stage(FileState(input_file, number, ""), encoding, source)
        stager.drain()
        partitions = plan.used_partitions()
        tasks = [(plan, p, frozenset(withdrawn), None, run_dir, 0) for p in partitions]
        results = pool.imap(compile_partition, tasks, ordered=True)
        for partition, result in zip(partitions, results, strict=True):
            for message in result.merge_errors:
                problems += 1
                report(message)
            path = os.path.join(run_dir, f"compiled-{partition:05d}.jsonl")
            if os.path.exists(path):
                with open(path, "rb") as compiled:
                    while block := compiled.read(1 << 20):
                        out.write(block)
                os.unlink(path)
    out.flush()
    return problems
