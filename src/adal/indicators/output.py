"""Writing indicator results: Cardinal's JSON shape, and adal's own records (JSON Lines, CSV, Parquet)."""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Iterable, Iterator
from typing import Any, NamedTuple

import orjson

from adal.indicators.base import CARDINAL_GROUPS, LEVEL_NAMES, STATE_NAMES, Level, State
from adal.indicators.engine import Outcome
from adal.indicators.stats import meta_value, ryu

MAP_KEYS = (
    "ocid_buyer_r038",
    "ocid_procuringentity_r038",
    "ocid_tenderer",
    "ocid_tenderer_r024",
    "ocid_tenderer_r028",
    "ocid_tenderer_r030",
    "ocid_tenderer_r035",
    "ocid_tenderer_r058",
)


def _string(text: str) -> str:
    return orjson.dumps(text).decode()


def cardinal(
    outcomes: list[Outcome], *, meta: bool = True, maps: dict[str, dict[str, Any]] | None = None
) -> str:
    """Cardinal's output: ``{"OCID"|"Buyer"|"ProcuringEntity"|"Tenderer": {id: {code: value}}, "Meta", "Maps"}``.

    Groups come in the order OCID, Buyer, ProcuringEntity, Tenderer; identifiers sorted; codes in registry
    order. (Cardinal's own key order varies from run to run: compare parsed JSON.)"""
    groups: dict[str, dict[str, dict[str, float]]] = {name: {} for name in CARDINAL_GROUPS.values()}
    for outcome in outcomes:
        for r in outcome.results:
            if r.state is State.flagged and r.level in CARDINAL_GROUPS and r.value is not None:
                groups[CARDINAL_GROUPS[r.level]].setdefault(r.subject, {})[outcome.code] = r.value
    document: dict[str, Any] = {
        name: {subject: entries[subject] for subject in sorted(entries)}
        for name, entries in groups.items()
        if entries
    }
    if meta:
        document["Meta"] = {o.code: {k: meta_value(v) for k, v in o.meta.items()} for o in outcomes if o.meta}
    if maps is not None:
        document["Maps"] = {
            key: {ocid: maps.get(key, {})[ocid] for ocid in sorted(maps.get(key, {}))} for key in MAP_KEYS
        }
    numbers = [
        v
        for name, entries in document.items()
        if name != "Maps"
        for inner in entries.values()
        for v in inner.values()
    ]
    if all(abs(v) < 1e16 for v in numbers if not math.isnan(v)):
        # orjson prints floats with ryu's shortest digits as serde_json does, but for "e+" above 1e16.
        return orjson.dumps(document).decode() + "\n"
    return _slow(document)


def _slow(document: dict[str, Any]) -> str:
    """The same document with every float printed as serde_json prints it."""

    def render(value: Any) -> str:
        if isinstance(value, float):
            return ryu(value)
        if isinstance(value, dict):
            return "{" + ",".join(f"{_string(k)}:{render(v)}" for k, v in value.items()) + "}"
        if isinstance(value, list):
            return "[" + ",".join(render(v) for v in value) + "]"
        return orjson.dumps(value).decode()

    return render(document) + "\n"


class Record(NamedTuple):
    """One result as adal stores and exports it (the ``flags`` table's columns)."""

    flag_id: str
    dataset: str
    subject_type: str
    subject_id: str
    code: str
    state: str
    value: float | None
    reason: str | None
    evidence: str  # JSON
    indicator_version: str


COLUMNS = Record._fields


def flag_id(code: str, version: str, level: Level, dataset: str, subject: str) -> str:
    """Stable across runs: the same indicator version on the same subject gets the same id."""
    return f"{code}:{version}:{LEVEL_NAMES[level]}:{dataset}:{subject}"


def records(outcomes: Iterable[Outcome], versions: dict[str, str], dataset: str) -> Iterator[tuple[Any, ...]]:
    for outcome in outcomes:
        version = versions[outcome.code]
        for r in outcome.results:
            yield (  # a plain tuple in Record's order: building named tuples costs a quarter of a store
                flag_id(outcome.code, version, r.level, dataset, r.subject),
                dataset,
                LEVEL_NAMES[r.level],
                r.subject,
                outcome.code,
                STATE_NAMES[r.state],
                r.value if r.value is None or r.value == r.value else None,  # NaN -> null
                r.reason,
                orjson.dumps(
                    r.evidence, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
                ).decode(),
                version,
            )


def json_lines(rows: Iterable[tuple[Any, ...]]) -> Iterator[bytes]:
    for row in rows:
        data = dict(zip(COLUMNS, row, strict=True))
        data["evidence"] = orjson.loads(data["evidence"])
        yield orjson.dumps(data) + b"\n"


def csv_text(rows: Iterable[tuple[Any, ...]]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if v is None else v for v in row])
        yield buffer.getvalue()


def arrow_table(rows: Iterable[tuple[Any, ...]]) -> Any:
    import pyarrow as pa

    columns = list(zip(*rows, strict=True)) or [()] * len(COLUMNS)
    schema = pa.schema(
        [
            ("flag_id", pa.string()),
            ("dataset", pa.string()),
            ("subject_type", pa.string()),
            ("subject_id", pa.string()),
            ("code", pa.string()),
            ("state", pa.string()),
            ("value", pa.float64()),
            ("reason", pa.string()),
            ("evidence", pa.string()),
            ("indicator_version", pa.string()),
        ]
    )
    return pa.table(
        {
            name: pa.array(column, type=schema.field(name).type)
            for name, column in zip(COLUMNS, columns, strict=True)
        },
        schema=schema,
    )
