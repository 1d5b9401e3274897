"""Registers: rows are checked column by column, loaded or quarantined with line and reason, and reconcile."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
from pathlib import Path
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from adal.linkage.identifiers import check_digit
from adal.sources.ocds.reader import InputFile
from adal.sources.registers.reader import Row, check_row, read_rows, register_for
from adal.sources.registers.spec import BY_NAME, REGISTERS, ddl
from adal.warehouse.executor import Executor
from adal.warehouse.loader import ingest


def valid_number(first_eleven: str) -> str:
    digit = check_digit(first_eleven)
    assert digit is not None
    return first_eleven + str(digit)


BIN_A = valid_number("05044000001")
BIN_B = valid_number("98104000002")
IIN_A = valid_number("75031230001")


def input_file(path: str, text: str) -> InputFile:
    data = text.encode()
    return InputFile(path, lambda: io.BytesIO(data), size=len(data))


def test_every_register_has_a_table_and_a_key_of_its_columns() -> None:
    statements = ddl()
    for register in REGISTERS:
        assert f"CREATE TABLE IF NOT EXISTS {register.table} (" in statements
        names = {c.name for c in register.columns}
        assert set(register.key) <= names and set(register.checked) <= names
        assert register_for(f"x/{register.name}.csv") is register
        assert register_for(f"{register.name}.jsonl.gz") is register
    assert register_for("companies.json") is None and register_for("notes.csv") is None


def test_rows_are_checked_and_bad_ones_say_line_column_and_expectation() -> None:
    text = (
        "bin,name_ru,legal_form,registered,phone\n"
        f"{BIN_A},ТОО «А»,ТОО,2020-01-02,+7 701 000 00 00\n"
        f"123,ТОО «Б»,ТОО,2020-01-02,\n"
        f"{BIN_B},,ТОО,2020-01-02,\n"
        f"{BIN_B},ТОО «В»,ТОО,2020-13-02,\n"
        f"{BIN_B},ТОО «Г»,ТОО\n"
        "\n"
        f"{BIN_B[:-1]}0,ТОО «Д»,ТОО,2021-05-06,\n"
    )
    out = list(read_rows(input_file("companies.csv", text), BY_NAME["companies"]))
    rows = [o for o in out if isinstance(o, Row)]
    problems = [o for o in out if not isinstance(o, Row)]
    assert [r.locator for r in rows] == ["line 2", "line 8"]
    assert (
        rows[0].values["registered"] == dt.date(2020, 1, 2) and rows[0].values["bin_check_digit_ok"] is True
    )
    assert rows[1].values["bin_check_digit_ok"] is False  # loaded, and the wrong check digit recorded
    assert [(p.locator, p.reason) for p in problems] == [
        ("line 3", "`bin` is '123', expected 12 digits"),
        ("line 4", "`name_ru` is empty, expected a value"),
        ("line 5", "`registered` is '2020-13-02', expected a date YYYY-MM-DD"),
        ("line 6", "3 cells where the header has 5"),
    ]


def test_a_header_without_a_required_column_quarantines_every_row() -> None:
    out = list(read_rows(input_file("companies.csv", "bin,name_ru\n1,a\n2,b\n"), BY_NAME["companies"]))
    assert len(out) == 3 and not any(isinstance(o, Row) for o in out)
    assert "`legal_form`" in out[0].reason  # type: ignore[union-attr]


def test_json_lines_registers() -> None:
    lines = [
        json.dumps({"iin": IIN_A, "relative_iin": BIN_A, "relation": "spouse"}),
        json.dumps({"iin": IIN_A, "relative_iin": BIN_A, "relation": "cousin"}),
        "[1]",
        json.dumps({"iin": IIN_A, "relative_iin": BIN_A, "relation": "child", "note": "x"}),
    ]
    out = list(read_rows(input_file("family_links.jsonl", "\n".join(lines)), BY_NAME["family_links"]))
    assert isinstance(out[0], Row)
    assert [getattr(o, "reason", None) for o in out[1:]] == [
        "`relation` is 'cousin', expected one of spouse, parent, child, sibling",
        "expected an object, found list",
        "unknown column `note` for the family_links register",
    ]


cells = st.one_of(
    st.text(max_size=14), st.sampled_from(["", BIN_A, "2020-02-29", "2021-02-29", "1.5", "x", "founder"])
)


@settings(deadline=None, max_examples=300)
@given(st.sampled_from(REGISTERS), st.data())
def test_any_row_is_loaded_typed_or_refused_with_its_column(register: Any, data: st.DataObject) -> None:
    record = {c.name: data.draw(cells) for c in register.columns}
    try:
        values = check_row(register, record)
    except ValueError as error:
        message = str(error)
        assert message.startswith("`") and "expected" in message and "\n" not in message
        return
    for column in register.columns:
        value = values[column.name]
        if value is None:
            assert not column.required and not str(record[column.name]).strip()
        elif column.type == "date":
            assert isinstance(value, dt.date)
        elif column.type in {"bin", "iin"}:
            assert len(value) == 12 and value.isdigit()
        elif column.type == "enum":
            assert value in column.values


# A lone carriage return is left out: the csv module does not quote it under a "\n" line terminator, so
# such a file is not a round trip of anything (and its pieces would be quarantined, not lost).
names = st.text(st.characters(blacklist_characters="\r\x00"), min_size=1, max_size=20).filter(str.strip)


@settings(deadline=None, max_examples=30)
@given(st.lists(st.tuples(st.sampled_from([BIN_A, BIN_B]), names), max_size=8))
def test_csv_round_trip_and_the_last_row_of_a_key_wins(
    tmp_path_factory: Any, rows: list[tuple[str, str]]
) -> None:
    folder = tmp_path_factory.mktemp("reg")
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["bin", "name_ru", "legal_form", "registered"])
    for bin_, name in rows:
        writer.writerow([bin_, name, "ТОО", "2019-03-04"])
    (folder / "companies.csv").write_text(buffer.getvalue(), encoding="utf-8")
    (folder / "datapackage.json").write_text("{}")
    with Executor(str(folder / "w.duckdb")) as ex:
        summary = ingest(ex, [str(folder)])
        held = dict(ex.query("SELECT bin, name_ru FROM register_companies"))
    assert summary.items_read == summary.loaded + summary.quarantined + summary.skipped
    expected: dict[str, str] = {}
    for bin_, name in rows:
        expected[bin_] = name.strip()
    assert held == expected


def test_registers_reingest_and_update(tmp_path: Path) -> None:
    folder = tmp_path / "registers"
    folder.mkdir()
    (folder / "datapackage.json").write_text("{}")
    companies = folder / "companies.csv"
    companies.write_text(
        f"bin,name_ru,legal_form,registered\n{BIN_A},А,ТОО,2019-03-04\n{BIN_B},Б,ТОО,2019-03-04\n"
    )
    with Executor(str(tmp_path / "w.duckdb")) as ex:
        first = ingest(ex, [str(folder)])
        again = ingest(ex, [str(folder)])
        companies.write_text(
            f"bin,name_ru,legal_form,registered\n{BIN_A},А2,ТОО,2019-03-04\nbad,В,ТОО,2019-03-04\n"
        )
        update = ingest(ex, [str(folder)])
        held = dict(ex.query("SELECT bin, name_ru FROM register_companies"))
        reasons = [r[0] for r in ex.query("SELECT reason FROM quarantine WHERE kind = 'register'")]
    assert (first.loaded, first.skipped) == (2, 1)  # datapackage.json is skipped: it describes the files
    assert again.files_unchanged == 2 and (again.loaded, again.quarantined) == (2, 0)
    assert (update.loaded, update.quarantined) == (1, 1)
    assert held == {BIN_A: "А2", BIN_B: "Б"}
    assert reasons == ["companies register, line 3: `bin` is 'bad', expected 12 digits"]
