"""Ingest end to end: reconciled counts on real data, idempotence, incremental recompile, kill -9."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path
from typing import Any

import orjson
import pytest

from adal.warehouse.executor import Executor
from adal.warehouse.loader import dataset_of, ingest

ADAL = [sys.executable, "-c", "from adal.cli.main import run; run()"]


def release(n: int, ocid: str, date: str, **extra: Any) -> dict[str, Any]:
    return {"ocid": ocid, "id": f"{ocid}-r{n}", "date": date, "tag": ["tender"], "parties": [], **extra}


def counts(path: str) -> dict[str, int]:
    with Executor(path, read_only=True) as ex:
        return {
            t: int(ex.scalar(f"SELECT count(*) FROM {t}"))
            for t in ("releases", "processes", "awards", "quarantine")
        }


def test_dataset_from_ocid_prefix() -> None:
    assert dataset_of("ocds-6550wx-OISOE B&S-DAF") == "ocds-6550wx"
    assert dataset_of("OCDS-87SD3T-AD-SF") == "ocds-87sd3t"
    assert dataset_of("AM-PPS-d2baf2") == "am"
    assert dataset_of("133") == "unprefixed"


def test_real_data_reconciles(shared_data: Path, warehouse: str) -> None:
    with Executor(warehouse) as ex:
        summary = ingest(ex, [str(shared_data / "ocds")])
        assert summary.items_read == summary.loaded + summary.quarantined + summary.skipped
        assert summary.loaded > 11_000
        files = ex.query("SELECT status, count(*) FROM sources GROUP BY 1")
        assert dict(files)["quarantined"] == 1  # the ISO-8859-1 package, named with its reason
        reason = ex.scalar("SELECT reason FROM quarantine WHERE kind = 'file'")
        assert "--encoding" in reason
        # Every DR process is there, keyed by its own dataset.
        assert ex.scalar("SELECT count(*) FROM processes WHERE dataset = 'ocds-6550wx'") == 10_000
        again = ingest(ex, [str(shared_data / "ocds")])
    assert again.new_releases == 0
    assert again.recompiled == 0
    assert (again.items_read, again.loaded, again.quarantined, again.skipped) == (
        summary.items_read,
        summary.loaded,
        summary.quarantined,
        summary.skipped,
    )


def test_encoding_option_loads_the_latin_file(shared_data: Path, warehouse: str) -> None:
    path = shared_data / "ocds" / "mexico-paraguay-packages" / "release-package_encoding-iso-8859-1.json"
    with Executor(warehouse) as ex:
        first = ingest(ex, [str(path)])
        assert first.quarantined == 1
        assert first.loaded == 0
        second = ingest(ex, [str(path)], encoding="iso-8859-1")
        assert second.quarantined == 0
        assert second.new_releases > 0
        assert ex.scalar("SELECT encoding FROM sources ORDER BY source_id DESC LIMIT 1") == "iso8859-1"


def test_incremental_recompiles_only_new_ocids(tmp_path: Path, warehouse: str) -> None:
    a = [release(1, "ocds-abc123-A", "2024-01-01", tender={"status": "active"})]
    b = [release(1, "ocds-abc123-B", "2024-01-01")]
    (tmp_path / "one.jsonl").write_text("\n".join(json.dumps(r) for r in a + b) + "\n")
    with Executor(warehouse) as ex:
        first = ingest(ex, [str(tmp_path / "one.jsonl")])
        assert first.recompiled == 2
        later = release(
            2,
            "ocds-abc123-A",
            "2024-02-01",
            tender={"status": "complete"},
            awards=[{"id": "1", "status": "active"}],
        )
        (tmp_path / "two.jsonl").write_text(json.dumps(later) + "\n" + json.dumps(a[0]) + "\n")
        second = ingest(ex, [str(tmp_path / "one.jsonl"), str(tmp_path / "two.jsonl")])
        assert second.new_releases == 1
        assert second.recompiled == 1
        assert second.duplicates == 1
        status = ex.scalar("SELECT status FROM processes WHERE ocid = 'ocds-abc123-A'")
        assert status == "complete"
        assert ex.scalar("SELECT n_releases FROM processes WHERE ocid = 'ocds-abc123-A'") == 2
        assert ex.scalar("SELECT release_id FROM awards WHERE ocid = 'ocds-abc123-A'") == "ocds-abc123-A-r2"
        compiled = orjson.loads(ex.scalar("SELECT json FROM compiled_releases WHERE ocid = 'ocds-abc123-A'"))
        assert compiled["tag"] == ["compiled"]
        assert compiled["id"] == "ocds-abc123-A-2024-02-01"


def test_unmergeable_ocid_is_quarantined_whole(tmp_path: Path, warehouse: str) -> None:
    rows = [release(1, "ocds-abc123-M", "2024-01-01"), {"ocid": "ocds-abc123-M", "id": "x2", "parties": []}]
    (tmp_path / "m.jsonl").write_text("\n".join(json.dumps(r) for r in rows) + "\n")
    with Executor(warehouse) as ex:
        summary = ingest(ex, [str(tmp_path)])
        assert summary.quarantined == 2
        assert summary.loaded == 0
        assert summary.items_read == summary.loaded + summary.quarantined + summary.skipped
        assert ex.scalar("SELECT count(*) FROM processes") == 0
        reasons = ex.query("SELECT DISTINCT reason FROM quarantine")
    assert "cannot be merged" in reasons[0][0]


@pytest.mark.parametrize("point", ["after-stage", "before-commit"])
def test_kill_9_leaves_the_warehouse_as_it_was(tmp_path: Path, point: str) -> None:
    warehouse = str(tmp_path / "w.duckdb")
    first = [release(1, f"ocds-abc123-{n}", "2024-01-01") for n in range(50)]
    second = [
        release(2, f"ocds-abc123-{n}", "2024-03-01", awards=[{"id": "a", "status": "active"}])
        for n in range(25, 80)
    ]
    (tmp_path / "first.jsonl").write_text("\n".join(json.dumps(r) for r in first) + "\n")
    (tmp_path / "second.jsonl").write_text("\n".join(json.dumps(r) for r in second) + "\n")
    subprocess.run(
        [*ADAL, "ingest", str(tmp_path / "first.jsonl"), "-w", warehouse], check=True, capture_output=True
    )
    before = counts(warehouse)
    killed = subprocess.run(
        [*ADAL, "ingest", str(tmp_path / "second.jsonl"), "-w", warehouse],
        env={**os.environ, "ADAL_FAULT": point},
        capture_output=True,
    )
    assert killed.returncode == -signal.SIGKILL
    assert counts(warehouse) == before
    subprocess.run(
        [*ADAL, "ingest", str(tmp_path / "second.jsonl"), "-w", warehouse], check=True, capture_output=True
    )
    after = counts(warehouse)
    assert after["releases"] == 50 + 55
    assert after["processes"] == 80
    assert after["awards"] == 55


def test_cli_end_to_end(tmp_path: Path) -> None:
    warehouse = str(tmp_path / "cli.duckdb")
    data = [
        release(1, "ocds-abc123-1", "2024-01-01"),
        release(2, "ocds-abc123-1", "2024-02-01", tender={"status": "complete"}),
    ]
    (tmp_path / "in.jsonl").write_text("\n".join(json.dumps(r) for r in data) + "\n{broken\n")
    ran = subprocess.run(
        [*ADAL, "ingest", str(tmp_path / "in.jsonl"), "-w", warehouse], capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert "read 3 = loaded 2 + quarantined 1 + skipped 0" in ran.stderr
    assert ran.stdout == ""
    status = subprocess.run(
        [*ADAL, "status", "--json", "-w", warehouse], capture_output=True, text=True, check=True
    )
    result = json.loads(status.stdout)
    assert (result["processes"], result["releases"], result["quarantined"]) == (1, 2, 1)
    listed = subprocess.run(
        [*ADAL, "quarantine", "--json", "-w", warehouse], capture_output=True, text=True, check=True
    )
    (row,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert row["locator"] == "line 3"
    assert row["reason"].startswith("invalid JSON")
    compiled = subprocess.run([*ADAL, "compile", str(tmp_path / "in.jsonl")], capture_output=True, text=True)
    (line,) = compiled.stdout.splitlines()
    assert json.loads(line)["tender"]["status"] == "complete"
    missing = subprocess.run(
        [*ADAL, "ingest", str(tmp_path / "nope.json"), "-w", warehouse], capture_output=True, text=True
    )
    assert missing.returncode == 1
    assert missing.stderr.strip() == f"adal: {tmp_path / 'nope.json'}: no such file or directory"
    (tmp_path / "junk.duckdb").write_text("not a database")
    junk = subprocess.run(
        [*ADAL, "status", "-w", str(tmp_path / "junk.duckdb")], capture_output=True, text=True
    )
    assert junk.returncode == 1
    assert "Traceback" not in junk.stderr
    assert junk.stderr.count("\n") == 1


def test_compile_matches_ocdskit_on_real_sample(shared_data: Path, tmp_path: Path) -> None:
    source = shared_data / "ocds" / "uk-cfserver" / "wales_sell2wales_releases.jsonl"
    ours = subprocess.run([*ADAL, "compile", str(source)], capture_output=True, check=True).stdout
    from adal.sources.ocds.rules import schema_path

    theirs = subprocess.run(
        [str(Path(sys.executable).parent / "ocdskit"), "compile", "--schema", schema_path()],
        input=source.read_bytes(),
        capture_output=True,
        check=True,
    ).stdout
    assert sorted(map(json.loads, ours.splitlines()), key=lambda r: r["ocid"]) == sorted(
        map(json.loads, theirs.splitlines()), key=lambda r: r["ocid"]
    )
    assert len(ours.splitlines()) > 10


def test_parallel_and_serial_ingest_agree(shared_data: Path, tmp_path: Path) -> None:
    """Worker processes (forced on for small input) produce exactly the tables of the in-process path."""
    paths = [str(shared_data / "ocds" / "uk-cfserver"), str(shared_data / "ocds" / "sample-data" / "moldova")]
    serial, parallel = str(tmp_path / "serial.duckdb"), str(tmp_path / "parallel.duckdb")
    for warehouse, env in (
        (serial, {"ADAL_WORKERS": "1"}),
        (parallel, {"ADAL_WORKERS": "2", "ADAL_PARALLEL_MIN_BYTES": "0"}),
    ):
        subprocess.run(
            [*ADAL, "ingest", *paths, "-w", warehouse],
            env={**os.environ, **env},
            check=True,
            capture_output=True,
        )
    import duckdb

    with duckdb.connect() as con:
        con.execute(f"ATTACH '{serial}' AS s (READ_ONLY); ATTACH '{parallel}' AS p (READ_ONLY)")
        tables = [
            r[0]
            for r in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE database_name = 's'"
            ).fetchall()
        ]
        assert "processes" in tables
        for table in tables:
            if table in ("ingest_runs",):
                continue
            differ = con.execute(
                f"SELECT count(*) FROM ((SELECT * FROM s.{table} EXCEPT ALL SELECT * FROM p.{table})"
                f" UNION ALL (SELECT * FROM p.{table} EXCEPT ALL SELECT * FROM s.{table}))"
            ).fetchone()
            assert differ == (0,), table
        assert con.execute("SELECT count(*) FROM p.releases").fetchone()[0] > 300


def test_differences_report_publisher_merge_errors(tmp_path: Path, warehouse: str) -> None:
    releases = [
        release(1, "ocds-abc123-R", "2024-01-01", tender={"id": "t", "status": "active"}),
        release(2, "ocds-abc123-R", "2024-02-01", tender={"id": "t", "status": "complete"}),
    ]
    theirs = {"ocid": "ocds-abc123-R", "id": "x", "date": "2024-02-01", "tag": ["compiled"],
              "tender": {"id": "t", "status": "active"}}  # fmt: skip
    record = {"ocid": "ocds-abc123-R", "releases": releases, "compiledRelease": theirs}
    (tmp_path / "rec.json").write_text(json.dumps({"version": "1.1", "records": [record]}))
    with Executor(warehouse) as ex:
        summary = ingest(ex, [str(tmp_path / "rec.json")])
        assert summary.items_read == 3 and summary.loaded == 3
        assert ex.scalar("SELECT compiled_by FROM compiled_releases") == "adal"
    listed = subprocess.run(
        [*ADAL, "differences", "--json", "-w", warehouse], capture_output=True, text=True, check=True
    )
    (row,) = [json.loads(line) for line in listed.stdout.splitlines()]
    assert row["ocid"] == "ocds-abc123-R"
    assert row["paths"] == ["/tender/status"]


def test_release_identity_is_its_content(tmp_path: Path, warehouse: str) -> None:
    """The same release twice is one release; the same id with other content is two, as ocdsmerge has it."""
    first = release(1, "ocds-abc123-S", "2024-01-01", tender={"status": "active"})
    changed = {**first, "date": "2024-01-02", "tender": {"status": "cancelled"}}
    reformatted = json.dumps(first, indent=None, separators=(", ", ": "), sort_keys=True)
    (tmp_path / "s.jsonl").write_text(
        json.dumps(first) + "\n" + reformatted + "\n" + json.dumps(changed) + "\n"
    )
    with Executor(warehouse) as ex:
        summary = ingest(ex, [str(tmp_path / "s.jsonl")])
        assert (summary.new_releases, summary.duplicates) == (2, 1)
        assert ex.scalar("SELECT count(*) FROM releases WHERE release_id = 'ocds-abc123-S-r1'") == 2
        assert ex.scalar("SELECT status FROM processes") == "cancelled"


def test_standard_input(tmp_path: Path) -> None:
    lines = "".join(
        json.dumps(release(n, f"ocds-abc123-{n}", "2024-01-01")) + "\n" for n in range(3)
    ).encode()
    warehouse = str(tmp_path / "stdin.duckdb")
    ran = subprocess.run(
        [*ADAL, "ingest", "-", "-w", warehouse], input=lines, capture_output=True, check=True
    )
    assert b"read 3 = loaded 3 + quarantined 0 + skipped 0" in ran.stderr
    compiled = subprocess.run([*ADAL, "compile", "-"], input=lines, capture_output=True, check=True)
    assert sorted(json.loads(line)["ocid"] for line in compiled.stdout.splitlines()) == [
        f"ocds-abc123-{n}" for n in range(3)
    ]


def test_unchanged_files_are_known_by_fingerprint_then_content(tmp_path: Path, warehouse: str) -> None:
    path = tmp_path / "f.jsonl"
    path.write_text(json.dumps(release(1, "ocds-abc123-F", "2024-01-01")) + "\n")
    with Executor(warehouse) as ex:
        assert ingest(ex, [str(path)]).new_releases == 1
        assert ingest(ex, [str(path)]).files_unchanged == 1  # same path, size and time
        os.utime(path, ns=(1, 1))  # touched: the bytes decide
        again = ingest(ex, [str(path)])
        assert (again.files_unchanged, again.new_releases) == (1, 0)
        path.write_text(json.dumps(release(2, "ocds-abc123-F", "2024-02-01")) + "\n")
        changed = ingest(ex, [str(path)])
        assert (changed.files_unchanged, changed.new_releases, changed.recompiled) == (0, 1, 1)


def test_shipped_sample_for_machines_without_shared_data(tmp_path: Path) -> None:
    from importlib import resources

    sample = str(resources.files("adal") / "data" / "sample")
    warehouse = str(tmp_path / "demo.duckdb")
    ran = subprocess.run(
        [*ADAL, "demo", "--data", sample, "--no-world", "-w", warehouse],
        capture_output=True,
        text=True,
        check=True,
    )
    assert "processes 42" in ran.stdout
    with Executor(warehouse, read_only=True) as ex:
        assert ex.scalar("SELECT count(DISTINCT dataset) FROM processes") == 3
        assert ex.scalar("SELECT count(*) FROM quarantine") <= 1


def test_progress_reports_each_phase(tmp_path: Path, warehouse: str) -> None:
    from adal.warehouse.loader import ProgressReport

    path = tmp_path / "p.jsonl"
    path.write_text(
        "".join(json.dumps(release(n, f"ocds-abc123-{n}", "2024-01-01")) + "\n" for n in range(50))
    )
    reports: list[ProgressReport] = []
    with Executor(warehouse) as ex:
        ingest(ex, [str(path)], progress=reports.append)
    phases = [r.phase for r in reports]
    assert phases.index("reading") < phases.index("compiling") < phases.index("loading")
    last_read = [r for r in reports if r.phase == "reading"][-1]
    assert (last_read.done, last_read.total, last_read.items) == (
        path.stat().st_size,
        path.stat().st_size,
        50,
    )
    assert [r for r in reports if r.phase == "compiling"][-1].done == 1
