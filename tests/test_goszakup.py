"""goszakup lots as OCDS: the mapping, the reader's --source, and the warehouse, on real lots."""

from __future__ import annotations

import copy
import io
import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adal.errors import MappingError, UsageError
from adal.sources import adapters
from adal.sources.goszakup import OCID_PREFIX, looks_like_lot, lot_to_release, restore_lot
from adal.sources.goszakup.mapping import KNOWN_FIELDS, METHODS, STATUSES, TEXT_FIELDS
from adal.sources.ocds import reader
from adal.sources.ocds.reader import Problem, Release
from adal.sources.ocds.validate import check_release
from adal.warehouse.executor import Executor
from adal.warehouse.loader import dataset_of, ingest
from tests.conftest import FIXTURES, ROOT

ADAL = [sys.executable, "-c", "from adal.cli.main import run; run()"]
SAMPLE = FIXTURES / "goszakup" / "lots-sample.json"
BAD = FIXTURES / "goszakup" / "lots-bad.jsonl"
REAL = Path("kz") / "goszakup-lots-2026-02.json"  # under the shared_data fixture
SCHEMA = json.loads((ROOT / "src" / "adal" / "schema" / "release-schema.json").read_text())


def sample() -> list[dict[str, Any]]:
    lots: list[dict[str, Any]] = json.loads(SAMPLE.read_text())
    return lots


def lot(lot_id: str) -> dict[str, Any]:
    (found,) = [x for x in sample() if x["lot_id"] == lot_id]
    return found


def events(body: str, source: str = "auto", name: str = "in.json") -> list[Any]:
    input_file = reader.InputFile(name, lambda: io.BytesIO(body.encode()))
    return list(reader.read(input_file, source=source))


# -- the registry ----------------------------------------------------------------------------------


def test_every_adapter_is_registered_documented_and_has_fixtures() -> None:
    assert ("auto", "ocds", *adapters.ADAPTERS, "registers") == adapters.SOURCE_KINDS
    assert get_args(adapters.SourceKind) == adapters.SOURCE_KINDS
    for name, adapter in adapters.ADAPTERS.items():
        assert adapter.name == name
        assert (ROOT / "docs" / "sources" / f"{name}.md").is_file()
        assert (FIXTURES / name / "README.md").is_file()
        assert dataset_of(adapter.ocid_prefix + "1") == adapter.dataset
    with pytest.raises(UsageError, match="expected one of auto, ocds, goszakup"):
        adapters.check_source("csv")


# -- the mapping -----------------------------------------------------------------------------------


def test_a_real_lot_becomes_a_release() -> None:
    source = lot("83973788-ОИ3")
    release = lot_to_release(source)
    assert release["ocid"] == "ocds-kz-goszakup-83973788-ОИ3"
    assert re.fullmatch(r"83973788-ОИ3-[0-9a-f]{16}", release["id"])
    assert release["date"] == "2026-02-23T19:54:21+05:00"
    assert (release["tag"], release["initiationType"], release["language"]) == (["tender"], "tender", "ru")
    (party,) = release["parties"]
    assert party["id"] == release["buyer"]["id"] == "KZ-BIN-980440001490"
    assert party["identifier"] == {
        "scheme": "KZ-BIN",
        "id": "980440001490",
        "legalName": source["customer_name"],
    }
    assert party["roles"] == ["buyer"]
    assert party["contactPoint"] == {
        "name": "Ибраева Раушан Каиртасовна",
        "email": "zhakupova.akr@pavlodar.gov.kz",
        "telephone": "22269",
    }
    tender = release["tender"]
    assert tender["id"] == "83973788-ОИ3"
    assert (tender["title"], tender["status"]) == ("Вода", "complete")
    assert (tender["procurementMethod"], tender["procurementMethodDetails"]) == (
        "direct",
        "Из одного источника",
    )
    assert tender["value"] == {"amount": 248275.2, "currency": "KZT"}
    assert tender["tenderPeriod"] == {
        "startDate": "2026-02-23T19:54:21+05:00",
        "endDate": "2026-02-25T19:54:21+05:00",
    }
    assert tender["lots"] == [
        {"id": "83973788-ОИ3", "title": "Вода", "status": "complete", "value": tender["value"]}
    ]
    assert tender["items"] == [
        {
            "id": "1",
            "description": "Вода",
            "classification": {"scheme": "ENS-TRU", "id": "110711.300.000000", "description": "Вода"},
            "quantity": 960.0,
            "unit": {"name": "Бутылка", "value": {"amount": 258.62, "currency": "KZT"}},
            "relatedLot": "83973788-ОИ3",
        }
    ]
    assert tender["documents"][0]["url"] == source["url"]
    # participants_count 0 on a procedure that took place is not a count: no numberOfTenderers.
    assert "numberOfTenderers" not in tender
    assert release["goszakup"] == {
        "lot_id": "83973788-ОИ3",
        "lot_status": "Закупка состоялась",
        "participants_count": 0,
        "deadline_days": 16,
        "city": "Не указано",
        "category_name": "Вода",
        "extra_desc_ru": "Вода питьевая негазированная питьевая в бутылках 0,5 л",
        "advance_payment_pct": 30.0,
        "incoterms": source["incoterms"],
        "contact_position": "Руководитель Аппарата",
        "url": source["url"],
    }
    assert check_release(release) is None


@pytest.mark.parametrize(
    ("status", "ocds", "tenderers"),
    [
        ("Опубликован", "active", None),
        ("Опубликован (прием заявок)", "active", None),
        ("Опубликован (прием ценовых предложений)", "active", None),
        ("Закупка состоялась", "complete", None),  # 0 participants where the procedure took place
        ("Закупка не состоялась", "unsuccessful", 0),
        ("Закупка отменена", None, None),  # not seen in the data: no OCDS status, the text is kept
    ],
)
def test_statuses(status: str, ocds: str | None, tenderers: int | None) -> None:
    release = lot_to_release({**lot("85513124-ОИ2"), "lot_status": status})
    assert release["tender"].get("status") == ocds
    assert release["tender"]["lots"][0].get("status") == ocds
    assert release["tender"].get("numberOfTenderers") == tenderers
    assert release["goszakup"]["lot_status"] == status


def test_a_count_of_tenderers_is_kept_where_the_procedure_is_over() -> None:
    over = lot_to_release({**lot("83973788-ОИ3"), "participants_count": 3})
    assert over["tender"]["numberOfTenderers"] == 3
    running = lot_to_release({**lot("85526327-ЗЦП1"), "participants_count": 3})
    assert "numberOfTenderers" not in running["tender"]
    assert running["goszakup"]["participants_count"] == 3


@pytest.mark.parametrize(
    ("lot_id", "method", "details"),
    [
        ("85526327-ЗЦП1", "open", "Запрос ценовых предложений"),
        ("82666003-ЗЦПнеГЗ2", "open", "Запрос ценовых предложений (не ГЗ)"),
        ("84803630-ОК1", "open", "Открытый конкурс"),
        ("84984541-ОИ4", "direct", "Из одного источника"),
        ("84205989-ГСЗ1", None, "Государственный социальный заказ"),
        ("85655739-ГЗПОП1", None, "ГЗПОП"),
        ("85632662-ЗЖ1", None, "ЗЖ"),
        ("85534222-КППТСОПО1", None, "КППТСОПО"),
        ("84117294-КпОПО1", None, "КпОПО"),
        ("85526327-ХЮ1", None, "ХЮ"),  # letters not seen: named, no OCDS method
        ("ABC", None, None),  # not a lot number at all
    ],
)
def test_methods(lot_id: str, method: str | None, details: str | None) -> None:
    tender = lot_to_release({**lot("85526327-ЗЦП1"), "lot_id": lot_id})["tender"]
    assert tender.get("procurementMethod") == method
    assert tender.get("procurementMethodDetails") == details


def test_every_method_code_of_the_sample_is_known() -> None:
    codes = {re.sub(r"^\d+-|\d+$", "", x["lot_id"]) for x in sample()}
    assert codes == set(METHODS)


def test_zero_unit_price_and_category_zero_say_nothing() -> None:
    release = lot_to_release(lot("85655739-ГЗПОП1"))
    (item,) = release["tender"]["items"]
    assert item["unit"] == {"name": "Штука"}  # a unit price of 0 is "not given", not "free"
    assert "classification" not in item  # category_code "0" is "no ENS TRU code"
    assert release["goszakup"]["unit_price"] == 0
    assert release["goszakup"]["category_code"] == "0"


def test_empty_strings_are_absent() -> None:
    release = lot_to_release(lot("85655739-ГЗПОП1"))
    assert release["parties"][0]["contactPoint"] == {"name": "Канабеков Мухтар Адилханович"}
    assert "financing_source" not in release["goszakup"]

    def strings(value: Any) -> list[Any]:
        if isinstance(value, dict):
            return [s for v in value.values() for s in strings(v)]
        if isinstance(value, list):
            return [s for v in value for s in strings(v)]
        return [value]

    assert "" not in strings(release)


def test_release_id_is_the_lot_content() -> None:
    original = lot("85526327-ЗЦП1")
    reordered = dict(reversed(list(original.items())))
    assert lot_to_release(reordered)["id"] == lot_to_release(original)["id"]
    changed = lot_to_release({**original, "lot_status": "Закупка не состоялась"})
    assert changed["ocid"] == lot_to_release(original)["ocid"]
    assert changed["id"] != lot_to_release(original)["id"]


@pytest.mark.parametrize(
    ("given_date", "iso"),
    [
        ("2026-02-27 09:00:00", "2026-02-27T09:00:00+05:00"),
        ("2026-02-27T09:00:00", "2026-02-27T09:00:00+05:00"),
        ("2024-02-29 09:00:00", "2024-02-29T09:00:00+06:00"),  # Astana was UTC+6 until 1 March 2024
        ("2026-02-27T04:00:00Z", "2026-02-27T04:00:00+00:00"),  # a given zone is kept
    ],
)
def test_dates_are_astana_time(given_date: str, iso: str) -> None:
    assert lot_to_release({**lot("85526327-ЗЦП1"), "publish_date": given_date})["date"] == iso


def test_bad_lots_are_refused_with_their_reason() -> None:
    expected = BAD.with_suffix(".expected").read_text().splitlines()
    reasons = []
    for line in BAD.read_text().splitlines():
        with pytest.raises(MappingError) as error:
            lot_to_release(json.loads(line))
        reasons.append(str(error.value))
    assert reasons == expected


def test_an_invalid_bin_check_digit_is_not_a_reason() -> None:
    release = lot_to_release(lot("83201100-ЗЦП1"))  # 020540003112: the check digit is wrong
    assert release["parties"][0]["identifier"]["id"] == "020540003112"


def test_unknown_fields_are_kept() -> None:
    release = lot_to_release({**lot("85526327-ЗЦП1"), "nameKz": "Су", "pointList": [2548]})
    assert release["goszakup"]["other"] == {"nameKz": "Су", "pointList": [2548]}


def test_restore_gives_back_every_sample_lot() -> None:
    for source in sample():
        assert restore_lot(lot_to_release(source)) == source


def test_restore_gives_back_every_real_lot(shared_data: Path) -> None:
    lots = json.loads((shared_data / REAL).read_text())
    assert len(lots) == 2059
    for source in lots:
        assert restore_lot(lot_to_release(source)) == source


# -- the release against the OCDS schema -----------------------------------------------------------

# Fields of OCDS extensions the mapping uses (the lots extension), and its own extension object.
EXTENSION_PATHS = {"/goszakup", "/tender/lots", "/tender/items/relatedLot"}
_JSON_TYPES = {
    str: "string",
    bool: "boolean",
    int: "integer",
    float: "number",
    list: "array",
    dict: "object",
    type(None): "null",
}
_DATE_TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


def schema_problems(value: Any, schema: dict[str, Any], path: str = "") -> list[str]:
    """Where ``value`` breaks the schema's types, enums, required fields and date-time format (a small walker)."""
    if "$ref" in schema:
        schema = SCHEMA["definitions"][schema["$ref"].rsplit("/", 1)[1]]
    problems = []
    kinds = schema.get("type")
    kinds = [kinds] if isinstance(kinds, str) else kinds
    kind = _JSON_TYPES[type(value)]
    if kinds and not (kind in kinds or (kind == "integer" and "number" in kinds)):
        problems.append(f"{path}: {kind}, expected {kinds}")
    if "enum" in schema and value not in schema["enum"]:
        problems.append(f"{path}: {value!r} not in the codelist")
    if schema.get("format") == "date-time" and not _DATE_TIME.fullmatch(value):
        problems.append(f"{path}: {value!r} is not a date-time")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        problems += [f"{path}/{name}: required" for name in schema.get("required", []) if name not in value]
        for name, child in value.items():
            if name in properties:
                problems += schema_problems(child, properties[name], f"{path}/{name}")
            elif re.sub(r"/\d+", "", f"{path}/{name}") not in EXTENSION_PATHS:
                problems.append(f"{path}/{name}: not in the schema")
    if isinstance(value, list) and "items" in schema:
        for index, child in enumerate(value):
            problems += schema_problems(child, schema["items"], f"{path}/{index}")
    return problems


def test_the_walker_catches_what_it_checks() -> None:
    release = lot_to_release(lot("85526327-ЗЦП1"))
    broken = copy.deepcopy(release)
    broken["tender"]["status"] = "open"
    broken["tender"]["value"]["amount"] = "1"
    broken["tender"]["tenderPeriod"]["startDate"] = "2026-02-27 09:00:00"
    broken["tender"]["colour"] = "red"
    del broken["tag"]
    assert schema_problems(broken, SCHEMA) == [
        "/tag: required",
        "/tender/status: 'open' not in the codelist",
        "/tender/value/amount: string, expected ['number', 'null']",
        "/tender/tenderPeriod/startDate: '2026-02-27 09:00:00' is not a date-time",
        "/tender/colour: not in the schema",
    ]


def test_releases_follow_the_ocds_schema() -> None:
    for source in sample():
        assert schema_problems(lot_to_release(source), SCHEMA) == [], source["lot_id"]


def test_real_releases_follow_the_ocds_schema(shared_data: Path) -> None:
    for source in json.loads((shared_data / REAL).read_text()):
        assert schema_problems(lot_to_release(source), SCHEMA) == [], source["lot_id"]


# -- any lot-like dict: a release or a MappingError -------------------------------------------------

_junk = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=8),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=4), inner, max_size=3),
    max_leaves=6,
)
_dates = st.datetimes().map(lambda d: d.strftime("%Y-%m-%d %H:%M:%S")) | st.text(max_size=20)
_numbers = st.floats(min_value=-1e15, max_value=1e15) | st.integers(-(10**20), 10**20)
_VALID: dict[str, st.SearchStrategy[Any]] = {
    "lot_id": st.from_regex(r"\d{1,9}-[А-Яа-я]{1,8}\d{1,2}", fullmatch=True) | st.text(max_size=12),
    "customer_bin": st.from_regex(r"[0-9]{12}", fullmatch=True) | st.text(max_size=13),
    "publish_date": _dates,
    "deadline_date": _dates,
    "lot_status": st.sampled_from(sorted(STATUSES)) | st.text(max_size=10),
    "is_synthetic": st.booleans(),
    **dict.fromkeys(("budget", "quantity", "unit_price", "advance_payment_pct"), _numbers),
    **{name: st.integers(-5, 10**6) for name in ("participants_count", "deadline_days")},
    **{name: st.text(max_size=10) for name in TEXT_FIELDS if name != "lot_status"},
}
assert set(_VALID) == KNOWN_FIELDS


@st.composite
def lot_like(draw: st.DrawFn) -> dict[str, Any]:
    """A dict of goszakup fields, each absent, plausible or junk, and perhaps some other keys."""
    result: dict[str, Any] = {}
    for name, plausible in _VALID.items():
        choice = draw(st.integers(0, 9))
        if choice < 7:
            result[name] = draw(plausible)
        elif choice < 9:
            result[name] = draw(_junk)
    result.update(draw(st.dictionaries(st.text(max_size=6), _junk, max_size=2)))
    return result


@settings(deadline=None, max_examples=300)
@given(lot_like())
def test_any_lot_like_dict_is_converted_or_refused_with_a_reason(value: dict[str, Any]) -> None:
    try:
        release = lot_to_release(value)
    except MappingError as error:
        message = str(error)
        assert message and "\n" not in message
        message.encode("utf-8")  # goes into the warehouse as it is
        return
    assert check_release(release) is None
    assert release["ocid"] == OCID_PREFIX + value["lot_id"]
    assert json.dumps(lot_to_release(copy.deepcopy(value))) == json.dumps(release)
    assert schema_problems(release, SCHEMA) == []
    restored = restore_lot(release)  # every value given comes back (dates in Astana time)
    for name, given_value in value.items():
        if given_value not in ("", None) and name not in ("publish_date", "deadline_date"):
            assert json.dumps(restored[name]) == json.dumps(given_value)


# -- the reader: --source ---------------------------------------------------------------------------


def test_looks_like_lot() -> None:
    assert looks_like_lot(lot("85526327-ЗЦП1"))
    assert looks_like_lot({"lot_id": "1-ЗЦП1", "publish_date": ""})
    assert not looks_like_lot({"lot_id": "1-ЗЦП1"})
    assert not looks_like_lot({"ocid": "ocds-abc123-1"})
    assert not looks_like_lot([lot("85526327-ЗЦП1")])


@pytest.mark.parametrize(
    "form",
    ["array", "lines", "items", "data", "concatenated"],
)
def test_auto_detects_lots_in_every_form(form: str) -> None:
    lots = sample()[:4]
    body = {
        "array": json.dumps(lots, ensure_ascii=False),
        "lines": "\n".join(json.dumps(x, ensure_ascii=False) for x in lots) + "\n",
        "items": json.dumps({"total": 4, "items": lots}, ensure_ascii=False),
        "data": json.dumps({"data": lots}, ensure_ascii=False),
        "concatenated": "".join(json.dumps(x, ensure_ascii=False, indent=1) for x in lots),
    }[form]
    for source in ("auto", "goszakup"):
        found = events(body, source)
        assert [e.data["ocid"] for e in found if isinstance(e, Release)] == [
            OCID_PREFIX + x["lot_id"] for x in lots
        ]
        assert all(isinstance(e, Release) and e.version == "1.1" for e in found)


def test_lots_and_ocds_side_by_side_in_auto() -> None:
    ocds = {"ocid": "ocds-abc123-1", "id": "1", "date": "2026-01-01", "tag": ["tender"], "parties": []}
    body = json.dumps([ocds, lot("85526327-ЗЦП1")], ensure_ascii=False)
    found = events(body)
    assert [e.data["ocid"] for e in found] == ["ocds-abc123-1", OCID_PREFIX + "85526327-ЗЦП1"]


def test_ocds_source_does_not_know_lots() -> None:
    (problem,) = events(json.dumps([lot("85526327-ЗЦП1")], ensure_ascii=False), "ocds")
    assert isinstance(problem, Problem)
    assert problem.reason.startswith("not OCDS: an object with lot_id")


def test_goszakup_source_takes_nothing_but_lots() -> None:
    found = events(BAD.read_text(), "goszakup", "bad.jsonl")
    assert [e.reason for e in found] == BAD.with_suffix(".expected").read_text().splitlines()
    assert found[2].locator == "line 3"
    assert found[2].ocid == OCID_PREFIX + "90000001-ЗЖ1"
    assert json.loads(found[2].raw)["customer_bin"] == "12ab"
    assert found[0].ocid is None


def test_auto_quarantines_a_broken_lot_as_a_lot() -> None:
    (problem,) = events(json.dumps([{**lot("85526327-ЗЦП1"), "budget": "1"}], ensure_ascii=False))
    assert isinstance(problem, Problem)
    assert problem.reason == 'lot_id 85526327-ЗЦП1: budget is "1", expected a number'
    assert problem.locator == "/0"


@pytest.mark.parametrize("wrapper", ["array", "items"])
def test_large_documents_of_lots_stream(monkeypatch: pytest.MonkeyPatch, wrapper: str) -> None:
    monkeypatch.setattr(reader, "WHOLE_DOCUMENT_LIMIT", 1000)
    lots = sample()
    document: Any = lots if wrapper == "array" else {"items": lots}
    for source in ("auto", "goszakup"):
        input_file = reader.InputFile("big.json", lambda: io.BytesIO(json.dumps(document).encode()))
        found = list(reader.read(input_file, source=source))
        assert input_file.format == "json-streamed"
        assert len([e for e in found if isinstance(e, Release)]) == len(lots)
    input_file = reader.InputFile("big.json", lambda: io.BytesIO(json.dumps({"rows": lots}).encode()))
    (problem,) = reader.read(input_file, source="goszakup")
    assert isinstance(problem, Problem)
    assert problem.reason == "expected a goszakup lot: an object with no `items` or `data` array"


# -- the warehouse and the CLI ----------------------------------------------------------------------


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    ran = subprocess.run([*ADAL, *args], capture_output=True, text=True, env={**os.environ, **(env or {})})
    assert ran.returncode == 0, ran.stderr
    return ran


def test_every_real_lot_is_accounted_for(shared_data: Path, tmp_path: Path) -> None:
    warehouse = str(tmp_path / "kz.duckdb")
    ran = run("ingest", "--source", "goszakup", str(shared_data / REAL), "-w", warehouse)
    assert "read 2,059 = loaded 2,059 + quarantined 0 + skipped 0" in ran.stderr
    status = json.loads(run("status", "--json", "-w", warehouse).stdout)
    assert (status["processes"], status["releases"], status["quarantined"]) == (2059, 2059, 0)
    with Executor(warehouse, read_only=True) as ex:
        run_row = ex.query("SELECT items_read, loaded, quarantined, skipped FROM ingest_runs")
        assert run_row == [(2059, 2059, 0, 0)]
        assert ex.scalar("SELECT source_kind FROM sources") == "goszakup"
        assert ex.scalar("SELECT count(DISTINCT dataset) FROM processes") == 1
        assert ex.scalar("SELECT count(*) FROM goszakup_lots WHERE is_synthetic") == 22
        # A wrong BIN check digit is loaded, and said.
        assert ex.scalar("SELECT count(*) FROM party_identifiers WHERE NOT check_digit_ok") == 38
    again = run("ingest", "--source", "goszakup", str(shared_data / REAL), "-w", warehouse)
    assert "(1 unchanged since an earlier ingest)" in again.stderr
    assert "new releases 0, duplicates 0, processes compiled 0" in again.stderr


def test_real_lots_are_found_without_source(shared_data: Path, warehouse: str) -> None:
    with Executor(warehouse) as ex:
        summary = ingest(ex, [str(shared_data / REAL)])
        assert (summary.items_read, summary.loaded, summary.new_releases) == (2059, 2059, 2059)
        assert summary.datasets == {"goszakup"}


def test_sample_through_the_cli_and_the_view(tmp_path: Path) -> None:
    warehouse = str(tmp_path / "kz.duckdb")
    ran = run("ingest", str(SAMPLE), "-w", warehouse)
    assert "read 19 = loaded 19 + quarantined 0 + skipped 0" in ran.stderr
    with Executor(warehouse, read_only=True) as ex:
        row = ex.connection.execute(
            "SELECT lot_id, method_code, method_number, procurement_method, lot_status, tender_status,"
            " budget, unit_price, deadline_days, participants_count, advance_payment_pct, incoterms_code,"
            " customer_bin, customer_bin_check_digit_ok, contact_position, announcement_id, lot_page_id,"
            " is_synthetic, category_code, publish_date, n_releases"
            " FROM goszakup_lots WHERE lot_id = '83973788-ОИ3'"
        ).fetchone()
        assert row is not None
        assert row[:19] == (
            "83973788-ОИ3",
            "ОИ",
            3,
            "direct",
            "Закупка состоялась",
            "complete",
            248275.2,
            258.62,
            16,
            0,
            30.0,
            "DDP",
            "980440001490",
            True,
            "Руководитель Аппарата",
            16412464,
            40258007,
            False,
            "110711.300.000000",
        )
        assert row[19].isoformat() == "2026-02-23T14:54:21+00:00"
        assert row[20] == 1
        assert ex.scalar("SELECT count(*) FROM goszakup_lots") == 19
        assert ex.scalar("SELECT unit_price FROM goszakup_lots WHERE lot_id = '85655739-ГЗПОП1'") == 0
        assert ex.scalar("SELECT is_synthetic FROM goszakup_lots WHERE lot_id = '86034110-ЗЦП1'") is True
        assert ex.scalar("SELECT DISTINCT dataset FROM processes") == "goszakup"
        classified = sum(x["category_code"] != "0" for x in sample())
        assert ex.scalar("SELECT count(*) FROM items WHERE classification_scheme = 'ENS-TRU'") == classified


def test_bad_lots_are_quarantined_with_their_reasons(tmp_path: Path, warehouse: str) -> None:
    with Executor(warehouse) as ex:
        summary = ingest(ex, [str(SAMPLE), str(BAD)], source="goszakup")
        assert (summary.items_read, summary.loaded, summary.quarantined) == (36, 19, 17)
        rows = ex.query("SELECT locator, reason, ocid, dataset, kind FROM quarantine ORDER BY rowid")
    assert [r[1] for r in rows] == BAD.with_suffix(".expected").read_text().splitlines()
    assert rows[2] == (
        "line 3",
        'lot_id 90000001-ЗЖ1: customer_bin is "12ab", expected 12 digits (a BIN)',
        OCID_PREFIX + "90000001-ЗЖ1",
        "goszakup",
        "release",
    )


def test_worker_processes_read_lots_as_told(tmp_path: Path) -> None:
    lines = tmp_path / "lots.jsonl"
    good = "".join(json.dumps(x, ensure_ascii=False) + "\n" for x in sample())
    lines.write_text(good + BAD.read_text())
    warehouse = str(tmp_path / "w.duckdb")
    ran = run(
        "ingest", "--source", "goszakup", str(lines), "-w", warehouse,
        env={"ADAL_WORKERS": "2", "ADAL_PARALLEL_MIN_BYTES": "0"},
    )  # fmt: skip
    assert "read 36 = loaded 19 + quarantined 17 + skipped 0" in ran.stderr
    with Executor(warehouse, read_only=True) as ex:
        reason = ex.scalar("SELECT reason FROM quarantine WHERE locator = 'line 35'")
    assert reason == "expected a goszakup lot: found an object with ocid, id, date, tag but no lot_id"


def test_reingest_is_a_no_op_and_a_new_status_is_a_second_release(tmp_path: Path, warehouse: str) -> None:
    copied = tmp_path / "lots.jsonl"  # the same lots in another file and form
    copied.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in sample()))
    changed = tmp_path / "later.json"
    later = {**lot("85526327-ЗЦП1"), "lot_status": "Закупка не состоялась"}
    changed.write_text(json.dumps([later], ensure_ascii=False))
    ocid = OCID_PREFIX + "85526327-ЗЦП1"
    with Executor(warehouse) as ex:
        first = ingest(ex, [str(SAMPLE)])
        assert (first.new_releases, first.recompiled) == (19, 19)
        again = ingest(ex, [str(SAMPLE), str(copied)])
        assert (again.files_unchanged, again.new_releases, again.duplicates, again.recompiled) == (
            1,
            0,
            19,
            0,
        )
        update = ingest(ex, [str(changed)])
        assert (update.new_releases, update.recompiled) == (1, 1)
        assert ex.query("SELECT status, n_releases FROM processes WHERE ocid = ?", [ocid]) == [
            ("unsuccessful", 2)
        ]
        assert ex.scalar("SELECT count(*) FROM releases WHERE ocid = ?", [ocid]) == 2
        assert (
            ex.scalar("SELECT lot_status FROM goszakup_lots WHERE ocid = ?", [ocid])
            == "Закупка не состоялась"
        )
        assert ex.scalar("SELECT number_of_tenderers FROM goszakup_lots WHERE ocid = ?", [ocid]) == 0
        assert ex.scalar("SELECT count(*) FROM processes") == 19


def test_the_source_option_is_part_of_a_files_identity(warehouse: str) -> None:
    with Executor(warehouse) as ex:
        ocds_only = ingest(ex, [str(SAMPLE)], source="ocds")
        assert (ocds_only.loaded, ocds_only.quarantined) == (0, 19)
        assert ingest(ex, [str(SAMPLE)], source="ocds").files_unchanged == 1
        adapted = ingest(ex, [str(SAMPLE)])
        assert (adapted.files_unchanged, adapted.loaded, adapted.new_releases) == (0, 19, 19)


def test_compile_reads_lots(tmp_path: Path) -> None:
    ran = run("compile", "--source", "goszakup", str(SAMPLE))
    compiled = [json.loads(line) for line in ran.stdout.splitlines()]
    assert len(compiled) == 19
    assert all(c["tag"] == ["compiled"] and "goszakup" in c for c in compiled)
    bad = subprocess.run([*ADAL, "compile", "--source", "csv", str(SAMPLE)], capture_output=True, text=True)
    assert bad.returncode == 2
    assert "csv" in bad.stderr


def test_a_warehouse_from_before_source_kind_gains_the_column(tmp_path: Path) -> None:
    import duckdb

    path = str(tmp_path / "old.duckdb")
    with duckdb.connect(path) as con:
        con.execute("CREATE TABLE sources (source_id INTEGER PRIMARY KEY, path VARCHAR NOT NULL)")
        con.execute("INSERT INTO sources VALUES (1, 'old.json')")
    with Executor(path) as ex:
        assert "source_kind" in ex.columns("sources")
        assert ex.scalar("SELECT source_kind FROM sources") is None
