"""Read a register file (CSV, or JSON Lines) row by row, checking each row against its register.

A row that cannot be loaded (a missing required value, a date that is not a date, a BIN that is
not 12 digits, a value outside its list) is returned as a :class:`Problem` whose reason names the
line, the column, what was found and what was expected; every other row is loaded.
"""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

import orjson

from adal.linkage.identifiers import is_valid, normalize
from adal.sources.ocds.reader import InputFile, Problem, _Opened
from adal.sources.registers.spec import BY_NAME, Register

SUFFIXES = (".csv", ".jsonl")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")


@dataclass(slots=True)
class Row:
    locator: str
    values: dict[str, Any]


def register_for(path: str) -> Register | None:
    """The register a file holds, known by its name: ``companies.csv``, ``bodies.jsonl.gz``, ..."""
    name = PurePath(path).name.lower()
    if name.endswith(".gz"):
        name = name[:-3]
    for suffix in SUFFIXES:
        if name.endswith(suffix):
            return BY_NAME.get(name[: -len(suffix)])
    return None


class _Invalid(ValueError):
    pass


def _value(register: Register, name: str, raw: Any) -> Any:
    column = register.column(name)
    if raw is None or (isinstance(raw, str) and not raw.strip()):
        if column.required:
            raise _Invalid(f"`{name}` is empty, expected a value")
        return None
    kind = column.type
    text = raw.strip() if isinstance(raw, str) else raw
    try:
        if kind in {"string"}:
            return str(text)
        if kind == "enum":
            if text not in column.values:
                raise _Invalid(f"`{name}` is {text!r}, expected one of {', '.join(column.values)}")
            return text
        if kind in {"bin", "iin"}:
            digits = normalize(str(text))
            if len(digits) != 12 or not digits.isascii() or not digits.isdigit():
                raise _Invalid(f"`{name}` is {text!r}, expected 12 digits")
            return digits
        if kind == "integer":
            if isinstance(text, bool) or (isinstance(text, float) and not text.is_integer()):
                raise ValueError
            return int(text)
        if kind == "number":
            if isinstance(text, bool):
                raise ValueError
            return float(text)
        if kind == "date":
            if not _DATE.fullmatch(str(text)):
                raise ValueError
            return dt.date.fromisoformat(str(text))
    except _Invalid:
        raise
    except (TypeError, ValueError):
        expected = {"integer": "a whole number", "number": "a number", "date": "a date YYYY-MM-DD"}[kind]
        raise _Invalid(f"`{name}` is {text!r}, expected {expected}") from None
    raise AssertionError(kind)


def check_row(register: Register, record: dict[str, Any]) -> dict[str, Any]:
    """Typed values of one row, with check-digit flags; raise ``ValueError`` with the reason."""
    unknown = [k for k in record if k not in {c.name for c in register.columns}]
    if unknown:
        raise _Invalid(f"unknown column `{unknown[0]}` for the {register.name} register")
    values = {c.name: _value(register, c.name, record.get(c.name)) for c in register.columns}
    for name in register.checked:
        number = values[name]
        values[f"{name}_check_digit_ok"] = None if number is None else is_valid(number)
    return values


def read_rows(
    input_file: InputFile, register: Register, encoding: str | None = None
) -> Iterator[Row | Problem]:
    """The rows of a register file, or problems. Raise ``UnicodeDecodeError`` for undecodable bytes."""
    encoding = codecs.lookup(encoding).name if encoding else "utf-8-sig"
    name = PurePath(input_file.path).name.lower().removesuffix(".gz")
    with _Opened(input_file) as stream:
        text = io.TextIOWrapper(stream, encoding=encoding, newline="")
        if name.endswith(".jsonl"):
            input_file.format = "json-lines"
            yield from _json_lines(text, register)
        else:
            input_file.format = "csv"
            yield from _csv(text, register)
    input_file.encoding = encoding


def _csv(text: io.TextIOWrapper, register: Register) -> Iterator[Row | Problem]:
    reader = csv.reader(text)
    header = next(reader, None)
    if header is None:
        return
    header = [h.strip() for h in header]
    missing = [c.name for c in register.columns if c.required and c.name not in header]
    if missing:
        yield Problem(
            "line 1",
            f"the header has no `{missing[0]}` column, which the {register.name} register requires",
            raw=",".join(header)[:2000],
        )
        # Every data row is then unusable: each is quarantined with the same reason, so nothing is lost.
        for cells in reader:
            yield Problem(
                f"line {reader.line_num}", f"the header lacks `{missing[0]}`", raw=",".join(cells)[:2000]
            )
        return
    for cells in reader:
        locator = f"line {reader.line_num}"
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            yield Problem(
                locator,
                f"{len(cells)} cells where the header has {len(header)}",
                raw=",".join(cells)[:2000],
            )
            continue
        try:
            yield Row(locator, check_row(register, dict(zip(header, cells, strict=True))))
        except ValueError as error:
            yield Problem(locator, str(error), raw=",".join(cells)[:2000])


def _json_lines(text: io.TextIOWrapper, register: Register) -> Iterator[Row | Problem]:
    for number, line in enumerate(text, 1):
        if not line.strip():
            continue
        locator = f"line {number}"
        try:
            record = orjson.loads(line)
        except orjson.JSONDecodeError as error:
            yield Problem(locator, f"invalid JSON: {error}", raw=line[:2000])
            continue
        if not isinstance(record, dict):
            yield Problem(locator, f"expected an object, found {type(record).__name__}", raw=line[:2000])
            continue
        try:
            yield Row(locator, check_row(register, record))
        except ValueError as error:
            yield Problem(locator, str(error), raw=line[:2000])
