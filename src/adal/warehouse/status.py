"""What the warehouse holds: counts, and the field coverage that says which indicators the data supports."""

from __future__ import annotations

from typing import Any

from adal.warehouse.executor import Executor

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

# Share of processes that have each key field: the data-quality view.
COVERAGE_SQL = """
-- For each dataset: how many processes, and the share with each field indicators rely on.
SELECT p.dataset,
       count(*) AS processes,
       avg((p.buyer_party_id IS NOT NULL OR p.procuring_entity_party_id IS NOT NULL)::INT) AS buyer,
       avg((p.procurement_method IS NOT NULL)::INT) AS procurement_method,
       avg((p.value_amount IS NOT NULL)::INT) AS tender_value,
       avg((p.tender_period_end IS NOT NULL)::INT) AS tender_period,
       avg((b.ocid IS NOT NULL)::INT) AS bids,
       avg((a.ocid IS NOT NULL)::INT) AS awards,
       avg((c.ocid IS NOT NULL)::INT) AS contracts,
       avg((s.ocid IS NOT NULL)::INT) AS supplier_identifier
FROM processes p
LEFT JOIN (SELECT DISTINCT dataset, ocid FROM bids) b USING (dataset, ocid)
LEFT JOIN (SELECT DISTINCT dataset, ocid FROM awards) a USING (dataset, ocid)
LEFT JOIN (SELECT DISTINCT dataset, ocid FROM contracts) c USING (dataset, ocid)
LEFT JOIN (SELECT DISTINCT dataset, ocid FROM award_suppliers WHERE org_key IS NOT NULL) s USING (dataset, ocid)
GROUP BY p.dataset
ORDER BY processes DESC, p.dataset
"""


def status(executor: Executor) -> dict[str, Any]:
    """Counts and per-dataset coverage, as one JSON-ready object."""
    result: dict[str, Any] = {name: int(executor.scalar(sql) or 0) for name, sql in COUNTS.items()}
    rows = executor.query(COVERAGE_SQL)
    fields = ["dataset", "processes", "buyer", "procurement_method", "tender_value", "tender_period", "bids",
              "awards", "contracts", "supplier_identifier"]  # fmt: skip
    result["coverage"] = [
        {f: (round(float(v), 4) if isinstance(v, float) else v) for f, v in zip(fields, row, strict=True)}
        for row in rows
    ]
    return result
