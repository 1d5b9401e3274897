"""What the warehouse holds: counts, and the field coverage that says which indicators the data supports."""

from __future__ import annotations

from typing import Any

from adal.sources.registers.spec import REGISTERS
from adal.warehouse.executor import Executor, sql_file

COUNTS = {
    "sources": "SELECT count(*) FROM sources",
    "datasets": "SELECT count(DISTINCT dataset) FROM processes",
    "processes": "SELECT count(*) FROM processes",
    "releases": "SELECT count(*) FROM releases",
    "bids": "SELECT count(*) FROM bids",
    "awards": "SELECT count(*) FROM awards",
    "contracts": "SELECT count(*) FROM contracts",
    "parties": "SELECT count(*) FROM parties",
    "organisations": "SELECT count(DISTINCT org_key) FROM parties",
    "quarantined": "SELECT count(*) FROM quarantine",
}


def status(executor: Executor) -> dict[str, Any]:
    """Counts and per-dataset coverage, as one JSON-ready object."""
    result: dict[str, Any] = {name: int(executor.scalar(sql) or 0) for name, sql in COUNTS.items()}
    cursor = executor.connection.execute(sql_file("coverage.sql"))
    fields = [column[0] for column in cursor.description or []]
    # Registers: rows per register table (companies, bodies, people, ...), and the share of processes whose
    # buyer is in the bodies register: what linking procurement to registers can rely on.
    result["registers"] = {
        r.name: int(executor.scalar(f"SELECT count(*) FROM {r.table}") or 0) for r in REGISTERS
    }
    result["buyers_in_bodies_register"] = float(
        executor.scalar(
            "SELECT coalesce(avg((b.bin IS NOT NULL)::INT), 0) FROM processes p"
            " LEFT JOIN parties pa ON pa.dataset = p.dataset AND pa.ocid = p.ocid AND pa.party_id = p.buyer_party_id"
            " LEFT JOIN register_bodies b ON b.bin = pa.identifier_id AND pa.identifier_scheme = 'KZ-BIN'"
        )
        or 0.0
    )
    result["coverage"] = [
        {f: (round(float(v), 4) if isinstance(v, float) else v) for f, v in zip(fields, row, strict=True)}
        for row in cursor.fetchall()
    ]
    return result
