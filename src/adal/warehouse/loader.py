"""Load OCDS into the warehouse: stage, deduplicate, recompile what changed, replace its rows.

One ``adal ingest`` is one transaction: a process killed at any point leaves the warehouse as it was,
and running the same command again completes it. A file whose bytes are unchanged since a completed
ingest (same SHA-256, encoding and dataset option) is not read again. A release's identity is its
content (a hash of its canonical JSON): reading it twice stores it once; new releases of a known ocid
recompile that ocid only.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import signal
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

import orjson
import pyarrow as pa
import pyarrow.parquet as pq

from adal.errors import MergeError
from adal.sources.ocds.merge import compile_release
from adal.sources.ocds.reader import (
    InputFile,
    Problem,
    PublisherCompiled,
    Release,
    UndecodableFile,
    discover,
    read,
)
from adal.sources.ocds.tables import Provenance, flatten_compiled
from adal.warehouse.executor import Executor

log = logging.getLogger(__name__)

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
_PREFIX = re.compile(r"^(ocds-[0-9a-z]{6})", re.IGNORECASE)
_BATCH = 20_000


def dataset_of(ocid: str) -> str:
    """The dataset a release belongs to when none is given: its publisher's ocid prefix."""
    match = _PREFIX.match(ocid)
    if match:
        return match.group(1).lower()
    head = re.split(r"[-/_:]", ocid, maxsplit=1)[0]
    return head.lower() if len(head) >= 2 and any(c.isalpha() for c in head) else "unprefixed"


def _fault(point: str) -> None:
    """Fault injection for tests: ``ADAL_FAULT=point`` kills the process here, as ``kill -9`` would."""
    if os.environ.get("ADAL_FAULT") == point:
        os.kill(os.getpid(), signal.SIGKILL)


def canonical(release: dict[str, Any], stdlib: bool) -> tuple[str, str]:
    """The release's JSON as stored, and the hash of its sorted-key form (its content identity)."""
    if not stdlib:
        try:
            stored = orjson.dumps(release).decode()
            key = orjson.dumps(release, option=orjson.OPT_SORT_KEYS)
            return stored, hashlib.blake2b(key, digest_size=16).hexdigest()
        except TypeError:
            pass
    stored = json.dumps(release, ensure_ascii=True)
    key_text = json.dumps(release, ensure_ascii=True, sort_keys=True)
    return stored, hashlib.blake2b(key_text.encode(), digest_size=16).hexdigest()


def load_json(text: str, stdlib: bool) -> Any:
    return json.loads(text) if stdlib else orjson.loads(text)


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

    def as_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "files_unchanged": self.files_unchanged,
            "items_read": self.items_read,
            "loaded": self.loaded,
            "new_releases": self.new_releases,
            "duplicates": self.duplicates,
            "quarantined": self.quarantined,
            "skipped": self.skipped,
            "recompiled_processes": self.recompiled,
            "datasets": sorted(self.datasets),
        }


Progress = Callable[[int, int], None]  # (bytes done, releases done)


class _Buffer:
    """Rows appended one by one, flushed into a table through Arrow.

    With ``spool`` set, batches go to a Parquet file instead, inserted by :meth:`finish`: DuckDB allows
    no statement on a connection while a result streams from it, and recompiling streams the releases.
    """

    def __init__(self, executor: Executor, table: str, spool: str | None = None) -> None:
        self.executor = executor
        self.table = table
        self.columns = executor.columns(table)
        self.schema = executor.arrow_schema(table)
        self.rows: list[dict[str, Any]] = []
        self.spool = spool
        self.writer: pq.ParquetWriter | None = None

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= _BATCH:
            self.flush()

    def extend(self, rows: list[dict[str, Any]]) -> None:
        self.rows.extend(rows)
        if len(self.rows) >= _BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        data = {c: [r.get(c) for r in self.rows] for c in self.columns}
        batch = pa.table(data, schema=self.schema)
        self.rows = []
        if self.spool is not None:
            if self.writer is None:
                self.writer = pq.ParquetWriter(self.spool, self.schema, compression="none")
            self.writer.write_table(batch)
            return
        self.executor.connection.register("_batch", batch)
        try:
            self.executor.execute(f"INSERT INTO {self.table} BY NAME SELECT * FROM _batch")
        finally:
            self.executor.connection.unregister("_batch")

    def finish(self) -> None:
        """Flush, and insert what was spooled."""
        self.flush()
        if self.writer is not None:
            self.writer.close()
            self.writer = None
            self.executor.execute(
                f"INSERT INTO {self.table} BY NAME SELECT * FROM read_parquet(?)", [self.spool]
            )
            os.unlink(str(self.spool))


def _sha256(input_file: InputFile) -> str:
    digest = hashlib.sha256()
    with input_file.open_raw() as stream:
        while chunk := stream.read(1 << 20):
            digest.update(chunk)
    return digest.hexdigest()


class Ingest:
    """One ingest run over a list of paths."""

    def __init__(
        self,
        executor: Executor,
        *,
        dataset: str | None = None,
        encoding: str | None = None,
        progress: Progress | None = None,
        arguments: str = "",
    ) -> None:
        self.executor = executor
        self.dataset = dataset
        self.encoding = encoding
        self.progress = progress
        self.arguments = arguments
        self.summary = Summary()
        self.spool_dir = (
            os.path.dirname(os.path.abspath(executor.path)) if executor.path != ":memory:" else None
        )

    def run(self, paths: list[str]) -> Summary:
        files = list(discover(paths))  # raises UsageError for a missing path before anything is written
        ex = self.executor
        ex.execute("BEGIN TRANSACTION")
        try:
            self.run_id = int(ex.scalar("SELECT coalesce(max(run_id), 0) + 1 FROM ingest_runs"))
            ex.execute(
                "INSERT INTO ingest_runs (run_id, started_at, arguments) VALUES (?, now(), ?)",
                [self.run_id, self.arguments],
            )
            ex.execute(
                "CREATE TEMP TABLE IF NOT EXISTS stage AS SELECT * FROM releases LIMIT 0; DELETE FROM stage;"
                "CREATE TEMP TABLE IF NOT EXISTS stage_compiled AS SELECT * FROM publisher_compiled LIMIT 0;"
                "DELETE FROM stage_compiled;"
            )
            self.seq = int(ex.scalar("SELECT coalesce(max(seq), 0) FROM releases"))
            self.stage = _Buffer(ex, "stage")
            self.stage_compiled = _Buffer(ex, "stage_compiled")
            self.quarantine = _Buffer(ex, "quarantine")
            for input_file in files:
                self._file(input_file)
            self.stage.flush()
            self.stage_compiled.flush()
            _fault("after-stage")
            affected = self._store()
            self._recompile(affected)
            self.quarantine.flush()
            s = self.summary
            ex.execute(
                "UPDATE ingest_runs SET finished_at = now(), items_read = ?, loaded = ?, new_releases = ?,"
                " quarantined = ?, skipped = ?, recompiled = ? WHERE run_id = ?",
                [s.items_read, s.loaded, s.new_releases, s.quarantined, s.skipped, s.recompiled, self.run_id],
            )
            _fault("before-commit")
            ex.execute("COMMIT")
        except BaseException:
            ex.execute("ROLLBACK")
            raise
        return self.summary

    # -- reading -------------------------------------------------------------------------------------

    def _file(self, input_file: InputFile) -> None:
        ex = self.executor
        s = self.summary
        s.files += 1
        sha = _sha256(input_file)
        encoding_option = self.encoding or ""
        dataset_option = self.dataset or ""
        done = ex.query(
            "SELECT items, items_loaded, items_quarantined FROM sources"
            " WHERE sha256 = ? AND dataset_option = ? AND encoding_option = ?"
            " ORDER BY source_id DESC LIMIT 1",
            [sha, dataset_option, encoding_option],
        )
        if done:
            s.files_unchanged += 1
            items, loaded, quarantined = (int(v or 0) for v in done[0])
            s.items_read += items
            s.loaded += loaded
            s.quarantined += quarantined
            s.skipped += items - loaded - quarantined
            s.bytes_read += input_file.size or 0
            self._tick(input_file.size or 0)
            return
        source_id = int(ex.scalar("SELECT nextval('source_seq')"))
        items_before = s.items_read
        quarantined_before = s.quarantined
        status, note = "loaded", None
        try:
            for event in read(input_file, self.encoding):
                s.items_read += 1
                if isinstance(event, Release):
                    self._release(event, source_id)
                elif isinstance(event, PublisherCompiled):
                    self._publisher_compiled(event, source_id)
                else:
                    self._problem(event, source_id, input_file.path, "json")
        except UndecodableFile as error:
            # Everything read from this file is withdrawn; the file is quarantined whole.
            self.stage.flush()
            self.stage_compiled.flush()
            self.quarantine.flush()
            ex.execute("DELETE FROM stage WHERE source_id = ?", [source_id])
            ex.execute("DELETE FROM stage_compiled WHERE source_id = ?", [source_id])
            withdrawn = ex.scalar(
                "SELECT count(*) FROM quarantine WHERE source_id = ? AND run_id = ?", [source_id, self.run_id]
            )
            ex.execute("DELETE FROM quarantine WHERE source_id = ? AND run_id = ?", [source_id, self.run_id])
            s.quarantined -= int(withdrawn)
            s.items_read = items_before + 1
            s.quarantined += 1
            self.quarantine.add(
                {
                    "run_id": self.run_id,
                    "source_id": source_id,
                    "path": input_file.path,
                    "locator": error.locator,
                    "kind": "file",
                    "reason": error.reason,
                }
            )
            status, note = "quarantined", error.reason
        if input_file.skipped:
            s.items_read += 1
            s.skipped += 1
            status, note = "skipped", input_file.skipped
        items = s.items_read - items_before
        quarantined = s.quarantined - quarantined_before
        skipped = 1 if input_file.skipped else 0
        ex.execute(
            "INSERT INTO sources VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [
                source_id,
                input_file.path,
                sha,
                input_file.size,
                input_file.encoding or None,
                encoding_option,
                input_file.format,
                dataset_option,
                status,
                note,
                items,
                items - quarantined - skipped,
                quarantined,
                self.run_id,
            ],
        )
        s.bytes_read += input_file.size or 0
        self._tick(input_file.size or 0)

    def _tick(self, nbytes: int) -> None:
        if self.progress is not None:
            self.progress(nbytes, self.summary.items_read)

    def _dataset(self, ocid: str) -> str:
        return self.dataset or dataset_of(ocid)

    def _release(self, event: Release, source_id: int) -> None:
        data = event.data
        stored, digest = canonical(data, event.stdlib)
        self.seq += 1
        dataset = self._dataset(data["ocid"])
        self.stage.add(
            {
                "dataset": dataset,
                "ocid": data["ocid"],
                "release_id": str(data["id"]),
                "date": data.get("date"),
                "hash": digest,
                "seq": self.seq,
                "ocds_version": event.version,
                "stdlib": event.stdlib,
                "source_id": source_id,
                "locator": event.locator,
                "json": stored,
            }
        )
        if self.progress is not None and self.seq % 2000 == 0:
            self.progress(0, self.summary.items_read)

    def _publisher_compiled(self, event: PublisherCompiled, source_id: int) -> None:
        ocid = event.data.get("ocid")
        if not isinstance(ocid, str) or not ocid:
            self._problem(
                Problem(event.locator, "a compiledRelease without `ocid`"), source_id, "", "release"
            )
            return
        stored, digest = canonical(event.data, event.stdlib)
        self.stage_compiled.add(
            {
                "dataset": self._dataset(ocid),
                "ocid": ocid,
                "hash": digest,
                "linked_only": event.linked_only,
                "source_id": source_id,
                "locator": event.locator,
                "json": stored,
            }
        )

    def _problem(self, event: Problem, source_id: int, path: str, kind: str) -> None:
        self.summary.quarantined += 1
        if event.ocid is not None or event.release_id is not None:
            kind = "release"
        self.quarantine.add(
            {
                "run_id": self.run_id,
                "source_id": source_id,
                "path": path,
                "locator": event.locator,
                "dataset": self._dataset(event.ocid) if event.ocid else None,
                "ocid": event.ocid,
                "release_id": event.release_id,
                "kind": kind,
                "reason": event.reason,
                "raw": event.raw,
            }
        )

    # -- storing -------------------------------------------------------------------------------------

    def _store(self) -> list[tuple[str, str]]:
        """Move new releases from the stage; return the (dataset, ocid) pairs that must be recompiled."""
        ex = self.executor
        s = self.summary
        staged = int(ex.scalar("SELECT count(*) FROM stage"))
        ex.execute(
            "CREATE TEMP TABLE fresh AS SELECT * FROM ("
            " SELECT *, row_number() OVER (PARTITION BY dataset, ocid, hash ORDER BY seq) AS n FROM stage"
            ") s WHERE n = 1 AND NOT EXISTS ("
            " SELECT 1 FROM releases r WHERE r.dataset = s.dataset AND r.ocid = s.ocid AND r.hash = s.hash)"
        )
        fresh = int(ex.scalar("SELECT count(*) FROM fresh"))
        ex.execute("INSERT INTO releases SELECT * EXCLUDE (n) FROM fresh")
        s.new_releases = fresh
        s.duplicates = staged - fresh
        ex.execute(
            "CREATE TEMP TABLE fresh_compiled AS SELECT * FROM ("
            " SELECT *, row_number() OVER (PARTITION BY dataset, ocid, hash ORDER BY source_id) AS n"
            " FROM stage_compiled) s WHERE n = 1 AND NOT EXISTS ("
            " SELECT 1 FROM publisher_compiled p WHERE p.dataset = s.dataset AND p.ocid = s.ocid AND p.hash = s.hash)"
        )
        ex.execute("INSERT INTO publisher_compiled SELECT * EXCLUDE (n) FROM fresh_compiled")
        affected = ex.query(
            "SELECT DISTINCT dataset, ocid FROM fresh UNION SELECT DISTINCT dataset, ocid FROM fresh_compiled"
            " ORDER BY 1, 2"
        )
        compiled_items = int(ex.scalar("SELECT count(*) FROM stage_compiled"))
        s.loaded += staged + compiled_items
        ex.execute(
            "DROP TABLE fresh; DROP TABLE fresh_compiled; DELETE FROM stage; DELETE FROM stage_compiled"
        )
        return [(str(d), str(o)) for d, o in affected]

    def _recompile(self, affected: list[tuple[str, str]]) -> None:
        ex = self.executor
        if not affected:
            return
        ex.execute("CREATE TEMP TABLE affected (dataset VARCHAR, ocid VARCHAR)")
        ex.connection.register(
            "_affected", pa.table({"dataset": [d for d, _ in affected], "ocid": [o for _, o in affected]})
        )
        ex.execute("INSERT INTO affected SELECT * FROM _affected")
        ex.connection.unregister("_affected")
        for table in (*CANONICAL_TABLES, "compiled_releases"):
            ex.execute(
                f"DELETE FROM {table} t WHERE EXISTS (SELECT 1 FROM affected a WHERE a.dataset = t.dataset AND a.ocid = t.ocid)"
            )
        # Releases of an ocid that an earlier run could not merge are quarantined again below, if still so.
        ex.execute(
            "DELETE FROM quarantine q WHERE kind = 'merge' AND EXISTS"
            " (SELECT 1 FROM affected a WHERE a.dataset = q.dataset AND a.ocid = q.ocid)"
        )
        with tempfile.TemporaryDirectory(prefix="adal-spool-", dir=self.spool_dir) as spool:
            buffers = {
                t: _Buffer(ex, t, spool=os.path.join(spool, f"{t}.parquet"))
                for t in (*CANONICAL_TABLES, "compiled_releases", "quarantine")
            }
            for dataset, ocid, rows, publisher in self._grouped():
                self._compile_one(dataset, ocid, rows, publisher, buffers)
            for buffer in buffers.values():
                buffer.finish()
        ex.execute("DROP TABLE affected")

    def _grouped(self) -> Iterator[tuple[str, str, list[tuple[Any, ...]], tuple[Any, ...] | None]]:
        """Releases of each affected ocid in input order, and the publisher's compiled release if any."""
        connection = self.executor.connection
        publisher: dict[tuple[str, str], tuple[Any, ...]] = {}
        for row in self.executor.query(
            "SELECT p.dataset, p.ocid, p.json, p.source_id, p.locator FROM publisher_compiled p"
            " JOIN affected a USING (dataset, ocid) ORDER BY p.source_id"
        ):
            publisher[(row[0], row[1])] = row[2:]
        # No other statement may run on the connection until this reader is exhausted (hence the spools).
        reader = connection.sql(
            "SELECT r.dataset, r.ocid, r.release_id, r.date, r.seq, r.stdlib, r.source_id, r.locator, r.json"
            " FROM releases r JOIN affected a USING (dataset, ocid) ORDER BY r.dataset, r.ocid, r.seq"
        ).to_arrow_reader(4096)
        current: tuple[str, str] | None = None
        group: list[tuple[Any, ...]] = []
        for batch in reader:
            columns = [batch.column(i).to_pylist() for i in range(batch.num_columns)]
            for row in zip(*columns, strict=True):
                key = (row[0], row[1])
                if key != current:
                    if current is not None:
                        yield current[0], current[1], group, publisher.pop(current, None)
                    current, group = key, []
                group.append(row)
        if current is not None:
            yield current[0], current[1], group, publisher.pop(current, None)
        # Processes known only through a publisher's compiled release (records with linked releases).
        for (dataset, ocid), found in sorted(publisher.items()):
            yield dataset, ocid, [], found

    def _compile_one(
        self,
        dataset: str,
        ocid: str,
        rows: list[tuple[Any, ...]],
        found: tuple[Any, ...] | None,
        buffers: dict[str, _Buffer],
    ) -> None:
        s = self.summary
        s.recompiled += 1
        if not rows:
            if found is None:
                return
            compiled = json.loads(found[0])
            provenance = Provenance([(compiled, (str(compiled.get("id")), found[1], found[2]))])
            self._emit(dataset, compiled, "publisher", provenance, 0, [], buffers)
            return
        releases = [load_json(r[8], bool(r[5])) for r in rows]
        try:
            compiled = compile_release(releases)
        except MergeError as error:
            for row in rows:
                s.quarantined += 1
                s.loaded -= 1
                buffers["quarantine"].add(
                    {
                        "run_id": self.run_id,
                        "source_id": row[6],
                        "path": None,
                        "locator": row[7],
                        "dataset": dataset,
                        "ocid": ocid,
                        "release_id": row[2],
                        "kind": "merge",
                        "reason": f"the releases of {ocid} cannot be merged: {error}",
                    }
                )
            return
        by_date = sorted(zip(releases, rows, strict=True), key=lambda pair: pair[0]["date"])
        provenance = Provenance([(r, (row[2], row[6], row[7])) for r, row in by_date])
        dates = [r[3] for r in rows if isinstance(r[3], str)]
        self._emit(dataset, compiled, "adal", provenance, len(rows), dates, buffers)

    def _emit(
        self,
        dataset: str,
        compiled: dict[str, Any],
        compiled_by: str,
        provenance: Provenance,
        n_releases: int,
        dates: list[str],
        buffers: dict[str, _Buffer],
    ) -> None:
        self.summary.datasets.add(dataset)
        stored, _ = canonical(compiled, stdlib=False)
        buffers["compiled_releases"].add(
            {
                "dataset": dataset,
                "ocid": compiled.get("ocid"),
                "compiled_by": compiled_by,
                "n_releases": n_releases,
                "json": stored,
            }
        )
        for table, table_rows in flatten_compiled(dataset, compiled, provenance, n_releases, dates).items():
            buffers[table].extend(table_rows)


def ingest(
    executor: Executor,
    paths: list[str],
    *,
    dataset: str | None = None,
    encoding: str | None = None,
    progress: Progress | None = None,
    arguments: str = "",
) -> Summary:
    """Ingest ``paths`` into the warehouse in one transaction and say what happened."""
    return Ingest(executor, dataset=dataset, encoding=encoding, progress=progress, arguments=arguments).run(
        paths
    )
