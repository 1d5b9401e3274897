"""Indicators: fixtures in both modes, Cardinal's arithmetic, its settings file, three states, the registry."""

from __future__ import annotations

import json
import math
import pkgutil
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import adal.indicators as indicators_package
from adal.errors import UsageError
from adal.indicators import settings as ini
from adal.indicators.base import State
from adal.indicators.engine import run
from adal.indicators.facts import extract
from adal.indicators.registry import INDICATORS, REGISTRY, module_name
from adal.indicators.runner import selected
from adal.indicators.stats import fma, lower_fence, meta_value, quantile, ryu, upper_fence

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "indicators"
ADAL = [sys.executable, "-c", "from adal.cli.main import run; run()"]
CODES = sorted(REGISTRY)


def adal(*args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*ADAL, *args], capture_output=True, text=True, check=check)


# -- the registry ------------------------------------------------------------------------------------------


def test_every_indicator_module_is_registered_with_fixtures_and_a_page() -> None:
    modules = {m.name for m in pkgutil.iter_modules(indicators_package.__path__)}
    coded = {m for m in modules if re.fullmatch(r"r\d{3}|kz_\w+|cri_\w+", m)}
    assert coded == {module_name(code) for code in REGISTRY}
    for indicator in INDICATORS:
        assert indicator.code and indicator.title and indicator.description.endswith(".")
        assert indicator.levels and indicator.fields and indicator.legal_basis
        for suffix in (".jsonl", ".ini", ".expected.json"):
            assert (FIXTURES / f"{indicator.code}{suffix}").is_file(), (indicator.code, suffix)
        assert (ROOT / "docs" / "indicators" / f"{indicator.code}.md").is_file(), indicator.code


def test_list_prints_the_registry() -> None:
    rows = json.loads(adal("indicators", "--list", "--format", "json").stdout)
    assert [r["code"] for r in rows] == [i.code for i in INDICATORS]
    assert all(set(r) >= {"code", "title", "phase", "levels", "version"} for r in rows)
    table = adal("indicators", "--list").stdout
    assert all(code in table for code in CODES)


# -- fixtures, file mode and warehouse mode -----------------------------------------------------------------


def registers(code: str) -> list[str]:
    """``--registers DIR`` when the indicator's fixture has state registers (``CODE.registers/``)."""
    folder = FIXTURES / f"{code}.registers"
    return ["--registers", str(folder)] if folder.is_dir() else []


@pytest.mark.parametrize("code", CODES)
def test_fixture_in_cardinal_format(code: str) -> None:
    done = adal(
        "indicators",
        "--format",
        "cardinal",
        "--no-meta",
        *registers(code),
        "--settings",
        str(FIXTURES / f"{code}.ini"),
        str(FIXTURES / f"{code}.jsonl"),
    )
    assert json.loads(done.stdout) == json.loads((FIXTURES / f"{code}.expected.json").read_text())


def _flagged_as_cardinal(rows: list[dict[str, Any]]) -> dict[str, dict[str, dict[str, float]]]:
    groups = {
        "process": "OCID",
        "buyer": "Buyer",
        "procuring_entity": "ProcuringEntity",
        "tenderer": "Tenderer",
    }
    out: dict[str, dict[str, dict[str, float]]] = {}
    for row in rows:
        if row["state"] == "flagged":
            out.setdefault(groups[row["subject_type"]], {}).setdefault(row["subject_id"], {})[row["code"]] = (
                row["value"]
            )
    return out


@pytest.mark.parametrize("code", CODES)
def test_fixture_in_the_warehouse_gives_the_same_flags(code: str, tmp_path: Path) -> None:
    # Ingest needs releases: give each compiled release an id and a date; the merge keeps the rest.
    releases = tmp_path / "releases.jsonl"
    with releases.open("w") as f:
        for line in (FIXTURES / f"{code}.jsonl").read_text().splitlines():
            release = json.loads(line)
            f.write(json.dumps({**release, "id": "1", "date": "2024-01-01T00:00:00Z"}) + "\n")
    warehouse = str(tmp_path / "w.duckdb")
    adal("ingest", str(releases), "--warehouse", warehouse, "--dataset", "fixtures")
    if registers(code):
        adal("ingest", "--source", "registers", registers(code)[1], "--warehouse", warehouse)
    out = tmp_path / "flags.jsonl"
    adal(
        "indicators",
        "--settings",
        str(FIXTURES / f"{code}.ini"),
        "--warehouse",
        warehouse,
        "--format",
        "json",
        "--out",
        str(out),
    )
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert _flagged_as_cardinal(rows) == json.loads((FIXTURES / f"{code}.expected.json").read_text())
    # Three states: every process of a process-level indicator has one.
    if "process" in REGISTRY[code].levels:
        import duckdb

        with duckdb.connect(warehouse, read_only=True) as con:
            loaded = {row[0] for row in con.execute("SELECT ocid FROM compiled_releases").fetchall()}
        states = {r["subject_id"] for r in rows if r["subject_type"] == "process"}
        assert states == loaded
    assert all(r["reason"] for r in rows if r["state"] == "not_computable")
    assert all(r["flag_id"].startswith(f"{code}:{REGISTRY[code].version}:") for r in rows)


def test_not_computable_says_why() -> None:
    config = ini.parse("[R024]\nthreshold = 0.05\n", REGISTRY)
    processes = [
        p
        for n, line in enumerate((FIXTURES / "R024.jsonl").read_text().splitlines())
        if (p := extract(json.loads(line), n, f"line {n}", parties=False, orgs=False))
    ]
    (outcome,) = run(selected(config), processes, config)
    states = {r.subject: (r.state, r.reason) for r in outcome.results if r.level.value == "process"}
    assert states["N an award is pending"] == (
        State.not_computable,
        "an award is not final (status 'pending')",
    )
    assert states["N the lowest bid lost"] == (
        State.not_computable,
        "the lowest bid did not win (not a price-only award)",
    )
    assert states["N second bid far from the winner"][0] is State.not_flagged


def test_cancelled_and_excluded_processes_are_not_computable() -> None:
    config = ini.parse("[exclusions]\nprocurement_method_details = Lottery|\n[R018]\n", REGISTRY)
    releases = [
        {"ocid": "a", "tender": {"status": "cancelled", "procurementMethod": "open", "numberOfTenderers": 1}},
        {
            "ocid": "b",
            "tender": {
                "procurementMethodDetails": "Lottery",
                "procurementMethod": "open",
                "numberOfTenderers": 1,
            },
        },
        {"ocid": "c", "tender": {"procurementMethod": "open", "numberOfTenderers": 1}},
    ]
    processes = [p for i, r in enumerate(releases) if (p := extract(r, i, "", parties=False, orgs=False))]
    (outcome,) = run(selected(config), processes, config)
    states = {r.subject: (r.state, r.reason) for r in outcome.results}
    assert states["a"] == (State.not_computable, "the tender was cancelled")
    assert states["b"][0] is State.not_computable and "excluded" in str(states["b"][1])
    assert states["c"][0] is State.flagged


# -- Cardinal's arithmetic ------------------------------------------------------------------------------------


def test_type_8_quartiles_and_fused_fences() -> None:
    data = [0, 0, 100, 100, 100, 100, 100, 100, 100]
    q1, q3 = quantile(data, 0.25), quantile(data, 0.75)
    assert (meta_value(q1), meta_value(q3), meta_value(lower_fence(q1, q3))) == (66.6667, 100.0, 16.6667)
    assert quantile([1, 2, 3, 4], 0.25) == 1.4166666666666665
    assert quantile([1, 2, 3, 4], 0.75) == 3.5833333333333335
    assert lower_fence(quantile([1, 2, 3, 4], 0.25), quantile([1, 2, 3, 4], 0.75)) == -1.833333333333334
    assert upper_fence(quantile([1, 2, 3, 4], 0.25), quantile([1, 2, 3, 4], 0.75)) == 6.833333333333334
    assert quantile([5], 0.25) == quantile([5], 0.75) == 5
    assert math.isnan(quantile([], 0.5))
    assert fma(0.1, 10.0, -1.0) == 5.551115123125783e-17  # one rounding: 0.1 * 10 - 1 in doubles is 0


def test_meta_rounding_is_half_away_from_zero() -> None:
    assert meta_value(0.00005) == 0.0001  # Python's round() would give 0.0
    assert meta_value(-0.00005) == -0.0001
    assert meta_value(2.00015) == 2.0002 or meta_value(2.00015) == 2.0001  # binary: 2.00015 is below the half


def test_numbers_print_as_ryu_does() -> None:
    assert [ryu(v) for v in (1.0, 100.0, 0.04, 1e16, 1e-5, 1.5e-7, 1e15, 0.00012, -2.5)] == [
        "1.0",
        "100.0",
        "0.04",
        "1e16",
        "0.00001",
        "1.5e-7",
        "1000000000000000.0",
        "0.00012",
        "-2.5",
    ]
    assert ryu(math.nan) == ryu(math.inf) == "null"


# -- Cardinal's settings file ---------------------------------------------------------------------------------


def test_the_file_cardinal_init_writes_is_accepted_as_it_is() -> None:
    config = ini.read(str(FIXTURES / "cardinal-init.ini"), REGISTRY)
    assert set(config.enabled) == {
        "R003",
        "R018",
        "R024",
        "R025",
        "R028",
        "R030",
        "R035",
        "R036",
        "R038",
        "R048",
        "R058",
    }
    chosen = {i.code: s for i, s in selected(config)}
    assert chosen["R003"].threshold == 15 and chosen["R018"].procurement_methods == {"open", "selective"}
    assert config.currency is None and not config.excluded_details


def test_settings_are_strict() -> None:
    with pytest.raises(UsageError, match=r"\[R024\]: unknown setting 'treshold'"):
        selected(ini.parse("[R024]\ntreshold = 0.1\n", REGISTRY))
    with pytest.raises(UsageError, match="unknown section"):
        ini.parse("[R999]\n", REGISTRY)
    with pytest.raises(UsageError, match="threshold is 'ten', expected int"):
        selected(ini.parse("[R003]\nthreshold = ten\n", REGISTRY))
    with pytest.raises(UsageError, match="unknown setting 'colour'"):
        ini.parse("colour = red\n", REGISTRY)
    config = ini.parse("no_price_comparison_procurement_methods = a | b|\n[R028]\n", REGISTRY)
    assert config.no_price_comparison == {"a ", " b"}  # Cardinal does not trim list items
    assert ini.parse("[R003.procurement_method_details]\nx = 3\n", REGISTRY).enabled == ["R003"]


def test_a_bad_settings_file_is_one_sentence(tmp_path: Path) -> None:
    bad = tmp_path / "bad.ini"
    bad.write_text("[R024]\nthreshold = 0.1\nthreshold = 0.2\n")
    done = adal(
        "indicators",
        "--settings",
        str(bad),
        "--format",
        "cardinal",
        str(FIXTURES / "R024.jsonl"),
        check=False,
    )
    assert done.returncode == 1 and done.stderr.count("\n") == 1 and "bad.ini" in done.stderr


# -- any input -------------------------------------------------------------------------------------------------

json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-5, 5)
    | st.floats(allow_nan=False, allow_infinity=False)
    | st.sampled_from(["valid", "active", "W", "1", ""]),
    lambda children: (
        st.lists(children, max_size=3)
        | st.dictionaries(
            st.sampled_from(
                [
                    "id",
                    "status",
                    "value",
                    "amount",
                    "currency",
                    "tenderers",
                    "suppliers",
                    "items",
                    "classification",
                    "date",
                ]
            ),
            children,
            max_size=4,
        )
    ),
    max_leaves=12,
)
releases = st.fixed_dictionaries(
    {"ocid": st.text(min_size=1, max_size=3)},
    optional={
        "tender": st.dictionaries(
            st.sampled_from(
                [
                    "status",
                    "procurementMethod",
                    "procurementMethodDetails",
                    "numberOfTenderers",
                    "tenderPeriod",
                    "value",
                    "procuringEntity",
                ]
            ),
            json_values,
            max_size=4,
        ),
        "bids": st.dictionaries(st.just("details"), st.lists(json_values, max_size=4)),
        "awards": st.lists(json_values, max_size=3) | json_values,
        "buyer": json_values,
        "parties": st.lists(json_values, max_size=3),
    },
)


@settings(deadline=None, max_examples=200)
@given(st.lists(releases, max_size=6))
def test_any_releases_give_three_states_and_no_error(batch: list[dict[str, Any]]) -> None:
    config = ini.defaults(CODES)
    processes = [p for i, r in enumerate(batch) if (p := extract(r, i, "", parties=True, orgs=True))]
    for outcome in run(selected(config), processes, config, full=True, by_org=True):
        for r in outcome.results:
            assert (r.state is State.not_computable) == (r.reason is not None)
        assert all(isinstance(v, float) for v in outcome.meta.values())


# -- real data --------------------------------------------------------------------------------------------------


@pytest.mark.shared
def test_warehouse_mode_and_file_mode_agree_on_the_dominican_data(shared_data: Path, tmp_path: Path) -> None:
    import gzip

    source = shared_data / "ocds" / "dominican-republic-dgcp-10000-compiled.jsonl.gz"
    lines = tmp_path / "dr.jsonl"
    lines.write_bytes(gzip.decompress(source.read_bytes()))
    warehouse = str(tmp_path / "w.duckdb")
    adal("ingest", str(lines), "--warehouse", warehouse)
    stored = tmp_path / "stored.jsonl"
    adal("indicators", "--warehouse", warehouse, "--format", "json", "--out", str(stored))
    # The warehouse holds the processes that loaded: give the file mode the same ones (peer statistics
    # depend on every process), the lines quarantined at ingest left out.
    import duckdb

    with duckdb.connect(warehouse, read_only=True) as con:
        quarantined = {
            row[0] for row in con.execute("SELECT ocid FROM quarantine WHERE ocid IS NOT NULL").fetchall()
        }
    loaded = tmp_path / "loaded.jsonl"
    with lines.open(encoding="utf-8") as f, loaded.open("w", encoding="utf-8") as out:
        for line in f:
            if json.loads(line).get("ocid") not in quarantined:
                out.write(line)
    direct = tmp_path / "direct.jsonl"
    adal("indicators", str(loaded), "--format", "json", "--out", str(direct))
    key = ("subject_type", "subject_id", "code", "state", "value", "reason")

    def flags(path: Path) -> set[tuple[Any, ...]]:
        return {tuple(json.loads(line)[k] for k in key) for line in path.read_text().splitlines()}

    in_warehouse, in_file = flags(stored), flags(direct)
    assert in_warehouse == in_file  # every indicator, every level
    assert len({f for f in in_file if f[0] == "process"}) > 50_000


def test_adal_format_goes_beyond_cardinal_for_the_bid_ratio() -> None:
    """Consortia bid as one bidder, an award's relatedBids name the winning bid, award criteria that are not
    price only make the ratio not computable; Cardinal's format keeps Cardinal's rules on the same file."""
    source = str(FIXTURES / "R024-adal.jsonl")
    settings_file = str(FIXTURES / "R024.ini")
    cardinal = json.loads(
        adal("indicators", "-s", settings_file, "--format", "cardinal", "--no-meta", source).stdout
    )
    assert cardinal == {
        "OCID": {"rated criteria": {"R024": 0.01}},
        "Tenderer": {"A": {"R024": 0.0}, "C": {"R024": 0.0}},
    }
    rows = [
        json.loads(line)
        for line in adal("indicators", "-s", settings_file, "--format", "json", source).stdout.splitlines()
    ]
    states = {(r["subject_type"], r["subject_id"]): (r["state"], r["value"], r["reason"]) for r in rows}
    assert states[("process", "consortium wins close")] == ("flagged", 0.02, None)
    assert states[("tenderer", "A+B")][0] == "flagged"
    assert states[("process", "rated criteria")] == (
        "not_computable",
        None,
        "award criteria 'ratedCriteria' are not price only",
    )
    assert states[("process", "the named bid is not the supplier's lowest")] == ("flagged", 1 / 120, None)


def test_a_dated_rate_table_converts_other_currencies_in_adals_format() -> None:
    source = str(FIXTURES / "R036-rates.jsonl")
    settings_file = str(FIXTURES / "R036.ini")
    cardinal = json.loads(
        adal("indicators", "-s", settings_file, "--format", "cardinal", "--no-meta", source).stdout
    )
    assert cardinal == {}  # Cardinal leaves the dollar bid out
    rows = [
        json.loads(line)
        for line in adal(
            "indicators",
            "-s",
            settings_file,
            "--rates",
            str(FIXTURES / "rates.csv"),
            "--format",
            "json",
            source,
        ).stdout.splitlines()
    ]
    states = {r["subject_id"]: (r["state"], r["evidence"]) for r in rows}
    # 200 USD at 470 KZT (the rate from 2024-06-01) is 94,000 KZT: the lowest bid, and disqualified.
    assert states["lowest bid in dollars was disqualified"] == ("flagged", {"lowest_bid": 94000.0})
    # Before the first rate there is nothing to convert with: the dollar bid is left out.
    assert states["a dollar bid dated before the first rate"] == ("not_flagged", {"lowest_bid": 100000.0})
    bad = adal("indicators", "--rates", str(FIXTURES / "R036.ini"), "--format", "json", source, check=False)
    assert bad.returncode == 1 and "a rate table needs the columns date, from, to, rate" in bad.stderr


def test_lots_each_get_a_ratio_in_adals_format() -> None:
    source = str(FIXTURES / "R024-lots.jsonl")
    settings_file = str(FIXTURES / "R024.ini")
    assert (
        json.loads(
            adal("indicators", "-s", settings_file, "--format", "cardinal", "--no-meta", source).stdout
        )
        == {}
    )
    rows = [
        json.loads(line)
        for line in adal("indicators", "-s", settings_file, "--format", "json", source).stdout.splitlines()
    ]
    states = {(r["subject_type"], r["subject_id"]): (r["state"], r["value"]) for r in rows}
    assert states[("lot", "two lots, one close/lots/L1")] == ("flagged", 0.03)
    assert states[("lot", "two lots, one close/lots/L2")] == ("not_flagged", 0.5)
    assert states[("process", "two lots, one close")] == ("flagged", 0.03)
    assert states[("tenderer", "A")][0] == states[("tenderer", "B")][0] == "flagged"


def test_a_bad_line_is_reported_with_its_line_number_across_blocks(tmp_path: Path) -> None:
    # Larger than one block, so that workers read byte ranges of their own.
    line = json.dumps(
        {"ocid": "x", "tender": {"procurementMethod": "open", "numberOfTenderers": 1, "title": "z" * 300}}
    )
    source = tmp_path / "big.jsonl"
    with source.open("w") as f:
        for n in range(1, 30_001):
            f.write("{broken\n" if n == 25_000 else line.replace('"x"', f'"ocid-{n}"') + "\n")
    assert source.stat().st_size > 8_000_000
    done = adal(
        "indicators", "-s", str(FIXTURES / "R018.ini"), "--format", "cardinal", "--no-meta", str(source)
    )
    assert "line 25000 is not valid JSON" in done.stderr
    assert len(json.loads(done.stdout)["OCID"]) == 29_999
