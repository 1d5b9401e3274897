"""Golden files: a hand-written process in, every canonical table out."""

from __future__ import annotations

import json
import os
from pathlib import Path

from adal.sources.ocds.pipeline import CANONICAL_TABLES
from adal.warehouse.executor import Executor
from adal.warehouse.loader import ingest
from tests.conftest import FIXTURES

GOLDEN = FIXTURES / "golden"


def tables_of(warehouse: str) -> dict[str, list[dict[str, object]]]:
    out: dict[str, list[dict[str, object]]] = {}
    with Executor(warehouse, read_only=True) as ex:
        for table in (*CANONICAL_TABLES, "compiled_releases"):
            columns = [c for c in ex.columns(table) if c != "source_id"]
            rows = ex.query(f"SELECT {', '.join(columns)} FROM {table} ORDER BY ALL")
            out[table] = [dict(zip(columns, row, strict=True)) for row in rows]
    return out


def test_ingest_golden(tmp_path: Path) -> None:
    warehouse = str(tmp_path / "golden.duckdb")
    with Executor(warehouse) as ex:
        summary = ingest(ex, [str(GOLDEN / "ingest-input.jsonl")])
    assert summary.loaded == 3 and summary.quarantined == 0
    got = json.loads(json.dumps(tables_of(warehouse), default=str))
    expected_path = GOLDEN / "ingest-expected.json"
    if os.environ.get("ADAL_UPDATE_GOLDEN") == "1":
        expected_path.write_text(json.dumps(got, indent=1, ensure_ascii=False) + "\n")
    expected = json.loads(expected_path.read_text())
    for table in expected:
        assert got[table] == expected[table], table
    assert set(got) == set(expected)
    assert all(got[table] for table in CANONICAL_TABLES), "every table has rows"
