"""Writing indicator results: Cardinal's JSON shape, and adal's own records (JSON Lines, CSV, Parquet)."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import orjson

from adal.indicators.base import CARDINAL_GROUPS, Level, State
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
    return json.dumps(text, ensure_ascii=False)


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
    parts = []
    for name, entries in groups.items():
        if not entries:
            continue
        inner = ",".join(
            f"{_string(subject)}:{{{','.join(f'{_string(code)}:{ryu(v)}' for code, v in entries[subject].items())}}}"
            for subject in sorted(entries)
        )
        parts.append(f'"{name}":{{{inner}}}')
    if meta:
        entries_meta = [
            f"{_string(o.code)}:{{{','.join(f'{_string(k)}:{ryu(meta_value(v))}' for k, v in o.meta.items())}}}"
            for o in outcomes
            if o.meta
        ]
        parts.append(f'"Meta":{{{",".join(entries_meta)}}}')
    if maps is not None:
        rendered = []
        for key in MAP_KEYS:
            entries_map = maps.get(key, {})
            inner = ",".join(
                f"{_string(ocid)}:{json.dumps(entries_map[ocid], ensure_ascii=False, separators=(',', ':'))}"
                for ocid in sorted(entries_map)
            )
            rendered.append(f"{_string(key)}:{{{inner}}}")
        parts.append(f'"Maps":{{{",".join(rendered)}}}')
    return "{" + ",".join(parts) + "}\n"


@dataclass(frozen=True)
class Record:
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


COLUMNS = tuple(Record.__dataclass_fields__)


def flag_id(code: str, version: str, level: Level, dataset: str, subject: str) -> str:
    """Stable across runs: the same indicator version on the same subject gets the same id."""
    return f"{code}:{version}:{level.value}:{dataset}:{subject}"


def records(outcomes: Iterable[Outcome], versions: dict[str, str], dataset: str) -> Iterator[Record]:
    for outcome in outcomes:
        version = versions[outcome.code]
        for r in outcome.results:
            yield Record(
                flag_id(outcome.code, version, r.level, dataset, r.subject),
                dataset,
                r.level.value,
                r.subject,
                outcome.code,
                r.state.value,
                r.value if r.value is None or r.value == r.value else None,  # NaN -> null
                r.reason,
                orjson.dumps(
                    r.evidence, option=orjson.OPT_SERIALIZE_NUMPY | orjson.OPT_NON_STR_KEYS
                ).decode(),
                version,
            )


def json_lines(rows: Iterable[Record]) -> Iterator[bytes]:
    for row in rows:
        data = {name: getattr(row, name) for name in COLUMNS}
        data["evidence"] = orjson.loads(row.evidence)
        yield orjson.dumps(data) + b"\n"


def csv_text(rows: Iterable[Record]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    yield buffer.getvalue()
    for row in rows:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(["" if (v := getattr(row, name)) is None else v for name in COLUMNS])
        yield buffer.getvalue()


def arrow_table(rows: Iterable[Record]) -> Any:
    import pyarrow as pa

    materialised = list(rows)
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
    return pa.table({name: [getattr(r, name) for r in materialised] for name in COLUMNS}, schema=schema)
