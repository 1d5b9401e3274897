"""Where a publisher's own compiled release differs from adal's merge of the same releases.

Records often carry both embedded releases and the publisher's ``compiledRelease``. adal compiles the
releases itself and keeps the publisher's version beside it; this report says, per ocid, which fields
differ, so that a user can tell a publisher's merge bug from adal's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from adal.warehouse.executor import Executor

# Fields that legitimately differ: the compiled release's own id, date and tag.
IGNORED = frozenset({"id", "date", "tag"})

QUERY = """
-- Publisher compiled releases beside adal's compilation of the same ocid (latest publisher version).
SELECT p.dataset, p.ocid, p.json AS publisher, c.json AS ours
FROM (SELECT *, row_number() OVER (PARTITION BY dataset, ocid ORDER BY source_id DESC) AS n
      FROM publisher_compiled) p
JOIN compiled_releases c USING (dataset, ocid)
WHERE p.n = 1 AND c.compiled_by = 'adal'
ORDER BY p.dataset, p.ocid
"""


@dataclass(frozen=True)
class Difference:
    dataset: str
    ocid: str
    paths: list[str]  # JSON paths whose values differ, at most a few levels deep


def _diff(ours: Any, theirs: Any, path: str, out: list[str], depth: int) -> None:
    if ours == theirs:
        return
    if depth < 3 and isinstance(ours, dict) and isinstance(theirs, dict):
        for key in sorted(set(ours) | set(theirs)):
            if depth == 0 and key in IGNORED:
                continue
            _diff(ours.get(key), theirs.get(key), f"{path}/{key}", out, depth + 1)
        return
    out.append(path or "/")


def differences(executor: Executor) -> Iterator[Difference]:
    """Every ocid whose publisher compiled release differs from adal's, with the differing paths."""
    for dataset, ocid, publisher, ours in executor.query(QUERY):
        paths: list[str] = []
        _diff(orjson.loads(ours), orjson.loads(publisher), "", paths, 0)
        if paths:
            yield Difference(dataset, ocid, paths)
