"""Load OCDS into the warehouse: stage, deduplicate, recompile what changed, replace its rows.

One ``adal ingest`` is one transaction: a process killed at any point leaves the warehouse as it was,
and running the same command again completes it. A file unchanged since a completed ingest (same path,
size and mtime, or same SHA-256; same encoding, dataset and source options) is not read again. A release's
identity is its content (a hash of its canonical JSON): reading it twice stores it once; new releases
of a known ocid recompile that ocid only. The parsing and compiling is in ``sources/ocds/pipeline.py``;
this module orders it and writes the warehouse.
"""

from __future__ import annotations

import glob
import hashlib
import logging
import os
import shutil
import signal
import tempfile
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from adal.sources.adapters import check_source
from adal.sources.ocds.pipeline import (
    CANONICAL_TABLES,
    SEQ_SHIFT,
    Compiled,
    FileState,
    PartitionWriter,
    Plan,
    Stager,
    Workers,
    compile_partition,
    dataset_of,
    estimated_bytes,
    partition_count,
    worker_count,
    worker_pool,
)
from adal.sources.ocds.reader import InputFile, discover
from adal.sources.registers.reader import Row, read_rows, register_for
from adal.sources.registers.spec import Register
from adal.warehouse.executor import Executor

__all__ = ["Summary", "dataset_of", "ingest"]

log = logging.getLogger(__name__)

_BATCH = 20_000


def _fault(point: str) -> None:
    """Fault injection for tests: ``ADAL_FAULT=point`` kills the process here, as ``kill -9`` would."""
    if os.environ.get("ADAL_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


@dataclass
class Summary:
    """What one ingest did. ``items_read == loaded + quarantined + skipped`` always holds."""

    files: int = 0
    files_unchanged: int = 0
    items_read: int = 0
    loaded: int = 0
    new_releases: int = 0
    duplicates: int = 0
    quarantined: int = 0
    skipped: int = 0
    recompiled: int = 0
    bytes_read: int = 0
    datasets: set[str] = field(default_factory=set)


@dataclass(frozen=True)
class ProgressReport:
    """Where an ingest is: the phase, how far it is (bytes read, partitions compiled, tables loaded)."""

    phase: str  # reading | compiling | loading
    done: int
    total: int | None
    items: int  # items read so far


Progress = Callable[[ProgressReport], None]


class _Buffer:
    """Rows appended one by one, inserted into a table through Arrow in batches."""

    def __init__(self, executor: Executor, table: str) -> None:
        self.executor = executor
        self.table = table
        self.rows: list[dict[str, Any]] = []

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        import pyarrow as pa

        schema = self.executor.arrow_schema(self.table)
        batch = pa.table({c: [r.get(c) for r in self.rows] for c in schema.names}, schema=schema)
        self.rows = []
        self.executor.connection.register("_batch", batch)
        try:
            self.executor.execute(f"INSERT INTO {self.table} BY NAME SELECT * FROM _batch")
        finally:
            self.executor.connection.unregister("_batch")


_KEPT_APART = {
    "ground_truth.jsonl": "the ground truth of a synthetic world, kept apart from its data",
    "ground_truth.jsonl.gz": "the ground truth of a synthetic world, kept apart from its data",
    "adal-world.json": "the manifest of a synthetic world",
    "datapackage.json": "describes the register files beside it",
}


def _kept_apart(path: str) -> str | None:
    """Why a file that is not data is skipped: ground truth, manifests and descriptors."""
    return _KEPT_APART.get(os.path.basename(path).lower())


def _sha256(input_file: InputFile) -> str:
    digest = hashlib.sha256()
    with input_file.open_raw() as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Ingest:
    """One ingest run over a list of paths, in one transaction."""

    def __init__(
        self,
        executor: Executor,
        *,
        dataset: str | None = None,
        encoding: str | None = None,
        progress: Progress | None = None,
        arguments: str = "",
        source: str = "auto",
    ) -> None:
        self.executor = executor
        self.source = source
        self.dataset = dataset
        self.encoding = encoding
        self.source = check_source(source)  # auto | ocds | an adapter's name (adal.sources.adapters)
        self.progress = progress
        self.arguments = arguments
        self.summary = Summary()
        self.withdrawn: set[int] = set()
        self.unchanged_items = 0
        self.spool_dir = (
            os.path.dirname(os.path.abspath(executor.path)) if executor.path != ":memory:" else None
        )

    def run(self, paths: list[str]) -> Summary:
        # Raises UsageError for a missing path before anything is written. The warehouse itself, when it
        # lies inside a directory being ingested, is not input.
        own = {os.path.abspath(self.executor.path) + suffix for suffix in ("", ".wal")}
        files = [f for f in discover(paths) if os.path.abspath(f.path) not in own]
        self.register_dirs = {
            os.path.dirname(f.path) for f in files if os.path.basename(f.path) == "datapackage.json"
        }
        estimated = estimated_bytes(files)
        workers = worker_count(estimated)
        partitions = partition_count(estimated, workers)
        ex = self.executor
        with (
            tempfile.TemporaryDirectory(prefix="adal-ingest-", dir=self.spool_dir) as run_dir,
            worker_pool(workers) as pool,
        ):
            plan = Plan(run_dir, partitions, self.dataset)
            ex.execute("BEGIN TRANSACTION")
            try:
                self.run_id = int(ex.scalar("SELECT coalesce(max(run_id), 0) + 1 FROM ingest_runs"))
                ex.execute(
                    "INSERT INTO ingest_runs (run_id, started_at, arguments) VALUES (?, now(), ?)",
                    [self.run_id, self.arguments],
                )
                self.quarantine = _Buffer(ex, "quarantine")
                stager = Stager(plan, pool, self._file_done)
                stager.cursor = (
                    int(ex.scalar("SELECT coalesce(max(seq), 0) FROM releases")) >> SEQ_SHIFT
                ) + 1
                self.stager = stager
                self.bytes_total = (
                    None
                    if any(f.path.lower().endswith((".gz", ".zip")) or f.size is None for f in files)
                    else sum(f.size or 0 for f in files)
                )
                stager.progress = self._tick
                clock = time.perf_counter()
                for input_file in files:
                    register = self._register_of(input_file)
                    if register is not None:
                        self._register_file(input_file, register)
                    else:
                        input_file.skipped = input_file.skipped or _kept_apart(input_file.path)
                        if self.source == "registers" and not input_file.skipped:
                            input_file.skipped = (
                                "not a register file (--source registers; see docs/registers.md)"
                            )
                        self._file(input_file, stager)
                stager.drain()
                self.quarantine.flush()
                log.info(
                    "staged %d items in %.1f s (%d workers)",
                    self.summary.items_read,
                    time.perf_counter() - clock,
                    workers,
                )
                _fault("after-stage")
                clock = time.perf_counter()
                self._export_existing(plan, stager.keys)
                out_dir = os.path.join(run_dir, "out")
                os.mkdir(out_dir)
                log.info("exported stored releases in %.1f s", time.perf_counter() - clock)
                clock = time.perf_counter()
                self._compile(plan, pool, out_dir)
                log.info("compiled %d partitions in %.1f s", plan.partitions, time.perf_counter() - clock)
                clock = time.perf_counter()
                self._load(out_dir)
                log.info("loaded the warehouse in %.1f s", time.perf_counter() - clock)
                s = self.summary
                ex.execute(
                    "UPDATE ingest_runs SET finished_at = now(), items_read = ?, loaded = ?, new_releases = ?,"
                    " quarantined = ?, skipped = ?, recompiled = ? WHERE run_id = ?",
                    [
                        s.items_read,
                        s.loaded,
                        s.new_releases,
                        s.quarantined,
                        s.skipped,
                        s.recompiled,
                        self.run_id,
                    ],
                )
                _fault("before-commit")
                clock = time.perf_counter()
                ex.execute("COMMIT")
                log.info("committed in %.1f s", time.perf_counter() - clock)
            except BaseException:
                ex.execute("ROLLBACK")
                raise
        return self.summary

    # -- pass 1 --------------------------------------------------------------------------------------

    def _file(self, input_file: InputFile, stager: Stager) -> None:
        s = self.summary
        s.files += 1
        if input_file.path == "<stdin>":
            # Standard input can be read once: keep a copy, so that it can be hashed and then parsed.
            copy = os.path.join(stager.plan.run_dir, "stdin")
            with input_file.open_raw() as source, open(copy, "wb") as target:
                shutil.copyfileobj(source, target, 1 << 20)
            input_file.open_raw = lambda: open(copy, "rb")  # noqa: SIM115 -- the reader closes it
            input_file.size = os.path.getsize(copy)
        sha = self._sha_if_changed(input_file)
        if sha is None:
            return
        source_id = int(self.executor.scalar("SELECT nextval('source_seq')"))
        stager.stage(FileState(input_file, source_id, sha), self.encoding, self.source)

    def _sha_if_changed(self, input_file: InputFile) -> str | None:
        """The file's SHA-256 if it must be read; ``None`` (and counted) if an earlier ingest read it."""
        s = self.summary
        encoding_option = self.encoding or ""
        dataset_option = self.dataset or ""
        # A file already ingested with the same options is not read again: known by its path, size and
        # modification time (as make and rsync know files), else by the SHA-256 of its bytes. Files of
        # warehouses older than source_kind (NULL) are read once more: they were read without adapters.
        same_options = "dataset_option = ? AND encoding_option = ? AND source_kind IS NOT DISTINCT FROM ?"
        options = [dataset_option, encoding_option, self.source]
        done = self.executor.query(
            "SELECT items, items_loaded, items_quarantined, sha256 FROM sources"
            f" WHERE path = ? AND size_bytes = ? AND mtime_ns = ? AND {same_options}"
            " ORDER BY source_id DESC LIMIT 1",
            [input_file.path, input_file.size, input_file.mtime_ns, *options],
        )
        if done:
            sha = str(done[0][3])
        else:
            sha = _sha256(input_file)
            done = self.executor.query(
                "SELECT items, items_loaded, items_quarantined FROM sources"
                f" WHERE sha256 = ? AND {same_options} ORDER BY source_id DESC LIMIT 1",
                [sha, *options],
            )
        if done:
            s.files_unchanged += 1
            items, loaded, quarantined = (int(v or 0) for v in done[0][:3])
            s.items_read += items
            s.loaded += loaded
            s.quarantined += quarantined
            s.skipped += items - loaded - quarantined
            self.unchanged_items += items
            self._tick(input_file.size or 0)
            return None
        return sha

    # -- registers -------------------------------------------------------------------------------------

    def _register_of(self, input_file: InputFile) -> Register | None:
        """The register a file holds: a known name beside a ``datapackage.json``, or ``--source registers``."""
        register = register_for(input_file.path)
        if register is None or self.source not in {"auto", "registers"}:
            return None
        folder = os.path.dirname(input_file.path)
        if (
            self.source == "registers"
            or folder in self.register_dirs
            or os.path.exists(os.path.join(folder, "datapackage.json"))
        ):
            return register
        return None

    def _register_file(self, input_file: InputFile, register: Register) -> None:
        """Load one register file: rows replace the rows with the same key; bad rows are quarantined."""
        s = self.summary
        s.files += 1
        sha = self._sha_if_changed(input_file)
        if sha is None:
            return
        ex = self.executor
        source_id = int(ex.scalar("SELECT nextval('source_seq')"))
        rows: list[Row] = []
        problems = []
        status, note = "loaded", None
        try:
            for item in read_rows(input_file, register, self.encoding):
                if isinstance(item, Row):
                    rows.append(item)
                else:
                    problems.append(item)
            items = len(rows) + len(problems)
        except UnicodeDecodeError as error:
            reason = (
                f"the bytes at offset {error.start} are not valid {error.encoding} ({error.reason}); "
                "pass --encoding with the file's encoding"
            )
            rows, problems, status, note, items = [], [], "quarantined", reason, 1
            self.quarantine.add(
                {
                    "run_id": self.run_id,
                    "source_id": source_id,
                    "path": input_file.path,
                    "locator": "file",
                    "kind": "file",
                    "reason": reason,
                }
            )
        for problem in problems:
            self.quarantine.add(
                {
                    "run_id": self.run_id,
                    "source_id": source_id,
                    "path": input_file.path,
                    "locator": problem.locator,
                    "kind": "register",
                    "reason": f"{register.name} register, {problem.locator}: {problem.reason}",
                    "raw": problem.raw,
                }
            )
        quarantined = len(problems) if status == "loaded" else 1
        if rows:
            self._load_register(register, rows, source_id)
        s.items_read += items
        s.loaded += len(rows)
        s.quarantined += quarantined
        self.unchanged_items += items
        self._record_source(source_id, input_file, sha, status, note, items, len(rows), quarantined)
        self._tick(input_file.size or 0)

    def _load_register(self, register: Register, rows: list[Row], source_id: int) -> None:
        import pyarrow as pa

        ex = self.executor
        schema = ex.arrow_schema(register.table)
        columns: dict[str, list[Any]] = {name: [] for name in schema.names}
        for row in rows:
            for name, value in row.values.items():
                columns[name].append(value)
            columns["source_id"].append(source_id)
            columns["locator"].append(row.locator)
        columns["_order"] = list(range(len(rows)))
        batch = pa.table(
            {
                name: pa.array(values, type=schema.field(name).type)
                for name, values in columns.items()
                if name != "_order"
            }
            | {"_order": pa.array(columns["_order"], type=pa.int64())}
        )
        key = ", ".join(register.key)
        ex.connection.register("_register_batch", batch)
        try:
            # The last row of a key wins, within the file and over what earlier files said.
            ex.execute(
                f"CREATE TEMP TABLE _register_rows AS SELECT * EXCLUDE (_order) FROM _register_batch"
                f" QUALIFY row_number() OVER (PARTITION BY {key} ORDER BY _order DESC) = 1"
            )
        finally:
            ex.connection.unregister("_register_batch")
        ex.execute(
            f"DELETE FROM {register.table} t WHERE EXISTS (SELECT 1 FROM _register_rows r WHERE "
            + " AND ".join(f"r.{k} = t.{k}" for k in register.key)
            + ")"
        )
        ex.execute(f"INSERT INTO {register.table} BY NAME SELECT * FROM _register_rows")
        ex.execute("DROP TABLE _register_rows")

    def _file_done(self, state: FileState) -> None:
        """Account for a file whose every chunk is staged; record it and its problems."""
        s = self.summary
        input_file, staged = state.input_file, state.staged
        if staged.undecodable is not None:
            # Everything read from this file is withdrawn; the file is quarantined whole.
            self.withdrawn.add(state.source_id)
            items, quarantined, skipped = 1, 1, 0
            status, note = "quarantined", staged.undecodable[1]
            self.quarantine.add(
                {
                    "run_id": self.run_id,
                    "source_id": state.source_id,
                    "path": input_file.path,
                    "locator": staged.undecodable[0],
                    "kind": "file",
                    "reason": staged.undecodable[1],
                }
            )
        elif input_file.skipped:
            items, quarantined, skipped = 1, 0, 1
            status, note = "skipped", input_file.skipped
        else:
            items, quarantined, skipped = staged.items, len(staged.problems), 0
            status, note = "loaded", None
            for problem in staged.problems:
                self.quarantine.add(
                    {
                        "run_id": self.run_id,
                        "source_id": state.source_id,
                        "path": input_file.path,
                        "locator": problem.locator,
                        "ocid": problem.ocid,
                        "release_id": problem.release_id,
                        "dataset": (self.dataset or dataset_of(problem.ocid)) if problem.ocid else None,
                        "kind": "release" if problem.ocid or problem.release_id else "json",
                        "reason": problem.reason,
                        "raw": problem.raw,
                    }
                )
        s.items_read += items
        s.quarantined += quarantined
        s.skipped += skipped
        s.loaded += items - quarantined - skipped
        self._record_source(
            state.source_id,
            input_file,
            state.sha,
            status,
            note,
            items,
            items - quarantined - skipped,
            quarantined,
        )
        # JSON Lines were counted chunk by chunk as they were parsed; other files count when done.
        self._tick(0 if input_file.format == "json-lines" else input_file.size or 0)

    def _record_source(
        self,
        source_id: int,
        input_file: InputFile,
        sha: str,
        status: str,
        note: str | None,
        items: int,
        loaded: int,
        quarantined: int,
    ) -> None:
        """One row of ``sources``: the file, how it was read, and what came of its items."""
        self.executor.execute(
            "INSERT INTO sources (source_id, path, sha256, size_bytes, mtime_ns, encoding, encoding_option,"
            " format, dataset_option, status, note, items, items_loaded, items_quarantined, run_id,"
            " source_kind) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                source_id,
                input_file.path,
                sha,
                input_file.size,
                input_file.mtime_ns,
                input_file.encoding or None,
                self.encoding or "",
                input_file.format,
                self.dataset or "",
                status,
                note,
                items,
                loaded,
                quarantined,
                self.run_id,
                self.source,
            ],
        )

    def _tick(self, nbytes: int) -> None:
        self.summary.bytes_read += nbytes
        if self.progress is not None:
            items = self.unchanged_items + self.stager.items
            self.progress(ProgressReport("reading", self.summary.bytes_read, self.bytes_total, items))

    def _report(self, phase: str, done: int, total: int) -> None:
        if self.progress is not None:
            self.progress(ProgressReport(phase, done, total, self.summary.items_read))

    # -- pass 2 --------------------------------------------------------------------------------------

    def _export_existing(self, plan: Plan, keys: set[str]) -> None:
        """Put the stored releases of every ocid seen in this run into the partitions, marked existing."""
        ex = self.executor
        stored = ex.scalar(
            "SELECT (SELECT count(*) FROM (SELECT 1 FROM releases LIMIT 1))"
            " + (SELECT count(*) FROM (SELECT 1 FROM publisher_compiled LIMIT 1))"
        )
        if not keys or not stored:
            return
        import pyarrow as pa

        pairs = [key.split("\0", 1) for key in keys]
        ex.connection.register(
            "_keys", pa.table({"dataset": [p[0] for p in pairs], "ocid": [p[1] for p in pairs]})
        )
        writer = PartitionWriter(plan, "existing")
        try:
            queries = (
                "SELECT 'r', r.seq, r.dataset, r.ocid, r.release_id, r.date, r.hash, r.source_id, r.locator,"
                " r.stdlib, r.ocds_version, true, false, r.json FROM releases r JOIN _keys k USING (dataset, ocid)",
                "SELECT 'p', 0, p.dataset, p.ocid, NULL, NULL, p.hash, p.source_id, p.locator, false, NULL, true,"
                " p.linked_only, p.json FROM publisher_compiled p JOIN _keys k USING (dataset, ocid)",
            )
            for query in queries:
                for batch in ex.connection.sql(query).to_arrow_reader(4096):
                    columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
                    for row in zip(*columns, strict=True):
                        writer.add(row[2], row[3], list(row[:13]), row[13].encode())
        finally:
            ex.connection.unregister("_keys")
        writer.flush()

    def _compile(self, plan: Plan, pool: Workers, out_dir: str) -> None:
        import pyarrow as pa

        schemas = {
            table: self.executor.arrow_schema(table)
            for table in (
                *CANONICAL_TABLES,
                "compiled_releases",
                "releases",
                "publisher_compiled",
                "quarantine",
            )
        }
        schemas["affected"] = pa.schema([("dataset", pa.string()), ("ocid", pa.string())])
        # Only partitions that received something: a re-ingest of known files has none.
        tasks = [
            (plan, partition, frozenset(self.withdrawn), schemas, out_dir, self.run_id)
            for partition in plan.used_partitions()
        ]
        results: Iterator[Compiled] = pool.imap(compile_partition, tasks, ordered=False)
        s = self.summary
        self._report("compiling", 0, len(tasks))
        for done, result in enumerate(results, 1):
            self._report("compiling", done, len(tasks))
            s.new_releases += result.new_releases
            s.duplicates += result.duplicates
            s.recompiled += result.recompiled
            s.quarantined += result.merge_quarantined
            s.loaded -= result.merge_quarantined
            s.datasets |= result.datasets

    def _load(self, out_dir: str) -> None:
        """Replace the rows of every recompiled ocid with the new ones, from the Parquet of pass 2."""
        ex = self.executor

        def files(table: str) -> str | None:
            pattern = os.path.join(out_dir, f"{table}-*.parquet")
            return pattern if glob.glob(pattern) else None

        affected = files("affected")
        if affected is None:
            return
        ex.execute(
            f"CREATE TEMP TABLE affected AS SELECT DISTINCT dataset, ocid FROM read_parquet('{affected}')"
        )
        for table in (*CANONICAL_TABLES, "compiled_releases"):
            ex.execute(
                f"DELETE FROM {table} t WHERE EXISTS"
                " (SELECT 1 FROM affected a WHERE a.dataset = t.dataset AND a.ocid = t.ocid)"
            )
        # Merge problems of an earlier run are replaced by this run's verdict on the same ocids.
        ex.execute(
            "DELETE FROM quarantine q WHERE kind = 'merge' AND EXISTS"
            " (SELECT 1 FROM affected a WHERE a.dataset = q.dataset AND a.ocid = q.ocid)"
        )
        tables = ("releases", "publisher_compiled", "compiled_releases", *CANONICAL_TABLES, "quarantine")
        for done, table in enumerate(tables):
            self._report("loading", done, len(tables))
            pattern = files(table)
            if pattern is not None:
                clock = time.perf_counter()
                ex.execute(f"INSERT INTO {table} BY NAME SELECT * FROM read_parquet('{pattern}')")
                log.debug("inserted %s in %.2f s", table, time.perf_counter() - clock)
        ex.execute("DROP TABLE affected")


def ingest(
    executor: Executor,
    paths: list[str],
    *,
    dataset: str | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
    arguments: str = "",
    source: str = "auto",
) -> Summary:
    """Ingest ``paths`` into the warehouse in one transaction and say what happened."""
    return Ingest(
        executor, dataset=dataset, encoding=encoding, progress=progress, arguments=arguments, source=source
    ).run(paths)
