"""The synthetic world's reference data: consistent trees, real codes, sums that add up, and calibration
that regenerates byte for byte from the real goszakup lots."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from collections import Counter
from datetime import date
from itertools import pairwise
from pathlib import Path

import pytest

from adal.errors import SynthDataError
from adal.synth import data
from tests.conftest import ROOT

DATA = ROOT / "src" / "adal" / "synth" / "data"
LOTS = "kz/goszakup-lots-2026-02.json"


def test_every_file_is_utf8_json_with_two_space_indent() -> None:
    for name in data.NAMES:
        text = (DATA / f"{name}.json").read_text(encoding="utf-8")
        assert text.startswith('{\n  "version": 1,'), name
        assert text.endswith("}\n"), name
        assert "\\u04" not in text, f"{name}: Cyrillic must be written as is (ensure_ascii=False)"


def test_unknown_name_is_an_error() -> None:
    with pytest.raises(SynthDataError, match="no synthetic reference data named 'terra'"):
        data.load("terra")


# ---- territory ------------------------------------------------------------------------------------------


def test_twenty_units_with_unique_kato_codes_and_prefixes() -> None:
    regions = data.regions()
    assert len(regions) == 20
    assert Counter(r.kind for r in regions) == {"region": 17, "city": 3}
    assert {r.name_en for r in regions if r.kind == "city"} == {"Astana", "Almaty", "Shymkent"}
    codes = [r.kato for r in regions]
    assert len(set(codes)) == 20
    assert all(len(c) == 9 and c.isdigit() and c.endswith("0000000") for c in codes)
    assert len({c[:2] for c in codes}) == 20


def test_districts_sit_under_their_region() -> None:
    seen: set[str] = set()
    for region in data.regions():
        assert len(region.districts) >= 4 or region.name_en == "Ulytau Region", region.name_en
        for district in region.districts:
            assert len(district.kato) == 9 and district.kato.isdigit()
            assert district.kato[:2] == region.kato[:2] and district.kato != region.kato
            assert district.kato not in seen
            seen.add(district.kato)
            assert district.population > 0


def test_populations_add_up() -> None:
    regions = data.regions()
    assert 19_000_000 <= sum(r.population for r in regions) <= 21_000_000
    for region in regions:
        assert sum(d.population for d in region.districts) == region.population, region.name_en


def test_names_are_in_three_languages_with_kazakh_letters() -> None:
    kazakh_letters = set("әғқңөұүһі")
    regions = data.regions()
    assert any(kazakh_letters & set(r.name_kk.lower()) for r in regions)
    for region in regions:
        assert region.name_ru_genitive and region.name_kk_genitive.endswith("ның")
        assert all(d.name_kk_genitive.endswith("ның") for d in region.districts)


# ---- classifier -----------------------------------------------------------------------------------------


def test_classifier_tree_is_consistent() -> None:
    nodes = data.classifier()
    by_code = {n.code: n for n in nodes}
    assert len(by_code) == len(nodes)
    for node in nodes:
        if node.level == 1:
            assert node.parent is None and len(node.code) == 2
        else:
            assert node.parent in by_code, node.code
            parent = by_code[node.parent]
            assert parent.level == node.level - 1
            assert node.code.startswith(parent.code)
        assert node.category in {"goods", "works", "services"}


def test_leaves_have_prices_units_and_weights_summing_to_one() -> None:
    leaves = [n for n in data.classifier() if n.level == 3]
    assert all(n.reference_price is not None and n.reference_price > 0 for n in leaves)
    assert all(n.unit_ru for n in leaves)
    assert abs(sum(n.weight or 0.0 for n in leaves) - 1) <= 1e-9
    assert sum(1 for n in leaves if n.calibrated is False) >= 20


def test_uncalibrated_leaves_say_why() -> None:
    for node in data.load("classifier")["nodes"]:
        if node.get("calibrated") is False:
            assert node["justification"] and node["price_basis"] == "assumed"


KAZAKH_LETTERS = set("әғқңөұүһіӘҒҚҢӨҰҮҺІ")
CYRILLIC = re.compile(r"[а-яёА-ЯЁәғқңөұүһіӘҒҚҢӨҰҮҺІ]")
# Latin words a Kazakh name may keep as they are: the abbreviations the Russian names use too.
LATIN_WHITELIST = {"RAM", "PR"}


def test_every_division_and_group_has_a_kazakh_name() -> None:
    unnamed = [n.code for n in data.classifier() if n.level < 3 and not n.name_kk]
    assert not unnamed


def test_leaves_with_kazakh_names_carry_most_of_the_weight() -> None:
    leaves = [n for n in data.classifier() if n.level == 3]
    assert sum(n.weight or 0.0 for n in leaves if n.name_kk) >= 0.85
    assert all(n.name_kk for n in leaves if n.calibrated is False)


def test_kazakh_names_are_cyrillic_kazakh() -> None:
    named = {n.code: n.name_kk for n in data.classifier() if n.name_kk}
    for code, name in named.items():
        assert CYRILLIC.search(name), code
        assert set(re.findall(r"[A-Za-z]+", name)) <= LATIN_WHITELIST, code
        assert name.strip() == name, code
    # Most names are translated, not copied: they use letters Russian lacks.
    assert sum(1 for name in named.values() if KAZAKH_LETTERS & set(name)) >= 0.5 * len(named)


def test_kazakh_name_file_names_real_codes_and_lists_its_uncertain_ones() -> None:
    kk = json.loads((ROOT / "tools" / "classifier_kk.json").read_text(encoding="utf-8"))
    assert kk["sources"] and "not the official" in kk["sources"][0]["source"].lower()
    by_code = {n.code: n for n in data.classifier()}
    assert set(kk["names"]) <= set(by_code)
    assert set(kk["uncertain"]) <= set(kk["names"])
    for code, name in kk["names"].items():
        assert by_code[code].name_kk == name, code


def _lot(code: str) -> dict[str, object]:
    return {
        "lot_id": "1-ЗЦП1",
        "category_code": code,
        "category_name": "Хлеб",
        "budget": 1000.0,
        "unit": "Штука",
        "quantity": 10.0,
        "unit_price": 100.0,
        "deadline_days": 15,
        "publish_date": "2026-02-23 10:00:00",
        "deadline_date": "2026-02-25 10:00:00",
        "customer_bin": "000000000000",
        "customer_name": "КГУ «Школа»",
        "advance_payment_pct": 0.0,
        "url": "https://goszakup.gov.kz/ru/announce/index/1/2",
        "dumping_status": "",
        "lot_status": "Опубликован",
        "contact_email": "",
        "contact_phone": "",
    }


def _calibrate(tmp_path: Path, names: dict[str, str]) -> subprocess.CompletedProcess[str]:
    lots, kk = tmp_path / "lots.json", tmp_path / "kk.json"
    lots.write_text(json.dumps([_lot("107111.100.000000")]), encoding="utf-8")
    kk.write_text(json.dumps({"sources": [], "uncertain": [], "names": names}), encoding="utf-8")
    tool = ROOT / "tools" / "calibrate_synth.py"
    return subprocess.run(
        [sys.executable, str(tool), str(lots), "--kk", str(kk), "--out-dir", str(tmp_path)],
        capture_output=True,
        text=True,
    )


def test_calibration_fills_missing_kazakh_names_and_keeps_the_written_ones(tmp_path: Path) -> None:
    ran = _calibrate(tmp_path, {"10": "Басқа атау", "107111": "Нан", "107111.100.000000": "Нан"})
    assert ran.returncode == 0, ran.stderr
    nodes = {n["code"]: n for n in json.loads((tmp_path / "classifier.json").read_text())["nodes"]}
    assert nodes["10"]["name_kk"] == "Тамақ өнімдері"
    assert nodes["107111"]["name_kk"] == nodes["107111.100.000000"]["name_kk"] == "Нан"
    assert nodes["351410.999.999901"]["name_kk"] is None


def test_calibration_refuses_kazakh_names_of_unknown_codes(tmp_path: Path) -> None:
    ran = _calibrate(tmp_path, {"999999.999.999999": "Жоқ"})
    assert ran.returncode == 1
    assert "999999.999.999999" in ran.stderr


# ---- calibration ----------------------------------------------------------------------------------------


def test_calibration_shares_are_shares() -> None:
    calibration = data.load("calibration")
    assert calibration["lots_in_file"] == calibration["lots"] + calibration["lots_synthetic_excluded"]
    assert abs(sum(m["share"] for m in calibration["methods"].values()) - 1) < 1e-5
    assert abs(sum(calibration["category_shares"].values()) - 1) < 1e-5
    for method in calibration["methods"].values():
        budget = method["budget"]
        assert (
            budget["p10"]
            <= budget["p25"]
            <= budget["median"]
            <= budget["p75"]
            <= budget["p90"]
            <= budget["p99"]
        )


@pytest.mark.shared
def test_calibration_regenerates_byte_identically(shared_data: Path, tmp_path: Path) -> None:
    lots = shared_data / LOTS
    if not lots.is_file():
        pytest.fail(f"{lots} is missing")
    ran = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "calibrate_synth.py"), str(lots), "--out-dir", str(tmp_path)],
        capture_output=True,
        text=True,
    )
    assert ran.returncode == 0, ran.stderr
    for name in ("classifier.json", "calibration.json"):
        assert (tmp_path / name).read_bytes() == (DATA / name).read_bytes(), (
            f"{name} is stale: rerun the tool"
        )


# ---- law ------------------------------------------------------------------------------------------------


def test_mrp_increases_strictly() -> None:
    entries = sorted(data.load("law")["mrp"], key=lambda e: e["valid_from"])
    assert [e["year"] for e in entries] == sorted(e["year"] for e in entries)
    assert {e["year"] for e in entries} == set(range(2018, 2028))
    values = [e["value"] for e in entries]
    assert all(a < b for a, b in pairwise(values))
    assert all(e["valid_from"].startswith(str(e["year"])) for e in entries)
    assert [e["year"] for e in entries if e["projected"]] == [2027]


@pytest.mark.parametrize(
    ("day", "value"),
    [
        (date(2022, 3, 31), 3063),
        (date(2022, 4, 1), 3180),
        (date(2025, 12, 31), 3932),
        (date(2026, 2, 23), 4325),
    ],
)
def test_mrp_in_force_on_a_day(day: date, value: int) -> None:
    assert data.mrp(day) == value


def test_mrp_before_the_table_is_an_error() -> None:
    with pytest.raises(SynthDataError, match="2017-06-01"):
        data.mrp(date(2017, 6, 1))


def test_methods_map_to_ocds_and_name_their_article() -> None:
    law = data.load("law")
    codes = [m["code"] for m in law["methods"]]
    assert len(set(codes)) == len(codes)
    assert {"open_tender", "auction", "price_offers", "single_source", "e_shop"} <= set(codes)
    for method in law["methods"]:
        assert method["ocds_method"] in {"open", "selective", "limited", "direct"}
        for period in method["periods"]:
            assert period["article"] and isinstance(period["verified"], bool)
    grounds = [g["code"] for g in law["single_source_grounds"]]
    assert len(set(grounds)) == len(grounds)


# ---- names ----------------------------------------------------------------------------------------------


def lists_of_names() -> dict[str, list[str]]:
    names = data.load("names")
    first = names["first_names"]
    return {
        "male": first["male"]["kk"] + first["male"]["ru"],
        "female": first["female"]["kk"] + first["female"]["ru"],
        "surnames": [s["male"] for s in names["surnames"]],
        "surnames_female": [s["female"] for s in names["surnames"]],
        "streets": [s["ru"] for s in names["streets"]],
        "streets_kk": [s["kk"] for s in names["streets"]],
        "email_domains": names["email_domains"],
        "mobile_prefixes": names["phones"]["mobile_prefixes"],
    }


@pytest.mark.parametrize(
    ("kind", "minimum"),
    [
        ("male", 60),
        ("female", 60),
        ("surnames", 100),
        ("surnames_female", 100),
        ("streets", 50),
        ("streets_kk", 50),
        ("email_domains", 4),
        ("mobile_prefixes", 10),
    ],
)
def test_name_lists_are_long_enough_and_have_no_duplicates(kind: str, minimum: int) -> None:
    values = lists_of_names()[kind]
    assert len(values) >= minimum
    assert all(v.strip() == v and v for v in values)
    assert len(set(values)) == len(values), [v for v, n in Counter(values).items() if n > 1]


def test_body_patterns_use_only_documented_placeholders() -> None:
    names = data.load("names")
    documented = " ".join(names["placeholders"])
    for kind, pattern in names["bodies"].items():
        for language in ("ru", "kk"):
            for placeholder in re.findall(r"\{\w+\}", pattern[language]):
                assert placeholder in documented, f"{kind}.{language}: {placeholder}"


def test_landline_codes_cover_every_region() -> None:
    codes = data.load("names")["phones"]["landline_codes"]
    assert set(codes) == {r.kato for r in data.regions()}
