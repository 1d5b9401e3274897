"""Write ``docs/indicators/real-data.md``: every indicator, with default settings, over all the real OCDS data.

Usage (from the repository, beside ../shared)::

    .venv/bin/adal ingest ../shared/data/ocds -w /tmp/real.duckdb
    .venv/bin/adal indicators -w /tmp/real.duckdb
    .venv/bin/python tools/real_data_page.py /tmp/real.duckdb > docs/indicators/real-data.md

The notes at the end of the page are kept as they are (everything from ``## What this says``).
"""

from __future__ import annotations

import sys
from pathlib import Path

import duckdb

from adal.indicators.registry import REGISTRY

PAGE = Path(__file__).resolve().parents[1] / "docs" / "indicators" / "real-data.md"

PROCESSES = """
SELECT code,
       count(*) FILTER (WHERE state = 'flagged'), count(*) FILTER (WHERE state = 'not_flagged'),
       count(*) FILTER (WHERE state = 'not_computable')
FROM flags WHERE subject_type = 'process' GROUP BY code
"""
REASONS = """
SELECT code, reason, count(*) AS n FROM flags
WHERE subject_type = 'process' AND reason IS NOT NULL GROUP BY code, reason
ORDER BY code, n DESC, reason
"""
ORGANISATIONS = """
SELECT code, subject_type,
       count(*) FILTER (WHERE state = 'flagged'), count(*) FILTER (WHERE state = 'not_flagged'),
       count(*) FILTER (WHERE state = 'not_computable')
FROM flags WHERE subject_type NOT IN ('process', 'lot') GROUP BY code, subject_type
"""


def main(warehouse: str) -> str:
    with duckdb.connect(warehouse, read_only=True) as con:
        processes = int(con.execute("SELECT count(*) FROM processes").fetchone()[0])  # type: ignore[index]
        datasets = int(con.execute("SELECT count(DISTINCT dataset) FROM processes").fetchone()[0])  # type: ignore[index]
        counts = {row[0]: row[1:] for row in con.execute(PROCESSES).fetchall()}
        reasons: dict[str, list[tuple[str, int]]] = {}
        for code, reason, n in con.execute(REASONS).fetchall():
            reasons.setdefault(code, []).append((reason, n))
        organisations = con.execute(ORGANISATIONS).fetchall()
    order = {code: i for i, code in enumerate(REGISTRY)}
    lines = [
        "# Indicators on the real data",
        "",
        f"Every indicator with default settings over all of `../shared/data/ocds` ({processes:,} processes in "
        f"{datasets} datasets after ingest), made with:",
        "",
        "```sh",
        "adal ingest ../shared/data/ocds -w real.duckdb",
        "adal indicators -w real.duckdb",
        "python tools/real_data_page.py real.duckdb > docs/indicators/real-data.md",
        "```",
        "",
        "Processes per state, the firing rate (flagged ÷ computable), and the commonest reasons a process could "
        "not be computed. The firing rate per dataset is in [accuracy.md](accuracy.md#firing-rate-on-real-data).",
        "",
        "| code | flagged | not flagged | not computable | firing rate | top reasons not computable |",
        "|---|---:|---:|---:|---:|---|",
    ]
    for code in sorted(counts, key=lambda c: order.get(c, len(order))):
        flagged, not_flagged, not_computable = counts[code]
        computable = flagged + not_flagged
        rate = f"{flagged / computable:.0%}" if computable else "—"
        top = "; ".join(f"{reason} ({n:,})" for reason, n in reasons.get(code, [])[:2])
        lines.append(f"| {code} | {flagged:,} | {not_flagged:,} | {not_computable:,} | {rate} | {top} |")
    lines += [
        "",
        "Organisation-level indicators (subjects, not processes):",
        "",
        "| code | level | flagged | not flagged | not computable |",
        "|---|---|---:|---:|---:|",
    ]
    for code, level, flagged, not_flagged, not_computable in sorted(
        organisations, key=lambda r: (order.get(r[0], len(order)), r[1])
    ):
        lines.append(f"| {code} | {level} | {flagged:,} | {not_flagged:,} | {not_computable:,} |")
    text = "\n".join(lines) + "\n"
    old = PAGE.read_text(encoding="utf-8") if PAGE.exists() else ""
    if "\n## What this says" in old:
        text += "\n## What this says" + old.split("\n## What this says", 1)[1]
    return text


if __name__ == "__main__":
    sys.stdout.write(main(sys.argv[1]))
