"""The synthetic world: valid OCDS, valid identifiers, the same bytes per seed, and every planted case's
evidence present where the ground truth says — checked from the written files, not the generator."""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import json
import subprocess
import sys
from collections import Counter, defaultdict
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from adal.linkage.identifiers import is_valid
from adal.sources.ocds.merge import compile_release
from adal.synth.config import SCALES, SCHEMES, Settings
from adal.synth.generate import generate
from adal.synth.procurement import LEGAL_SINGLE_SOURCE, MRP, price_offers_mrp

SEED = 7


def _settings(workers: int, formats: tuple[str, ...] = ("jsonl", "packages")) -> Settings:
    return Settings(SCALES["tiny"], seed=SEED, formats=formats, workers=workers)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("world")
    generate(_settings(2), str(out))
    return out


def _releases(root: Path) -> list[dict[str, Any]]:
    out = []
    for path in sorted((root / "ocds").glob("*.jsonl.gz")):
        with gzip.open(path, "rb") as f:
            out.extend(json.loads(line) for line in f)
    return out


@pytest.fixture(scope="module")
def releases(world: Path) -> list[dict[str, Any]]:
    return _releases(world)


@pytest.fixture(scope="module")
def compiled(releases: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    by_ocid: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for release in releases:
        by_ocid[release["ocid"]].append(release)
    return {ocid: compile_release(rs) for ocid, rs in by_ocid.items()}


def _register(root: Path, name: str) -> list[dict[str, str]]:
    with open(root / "registers" / f"{name}.csv", encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


@pytest.fixture(scope="module")
def truth(world: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in (world / "ground_truth.jsonl").read_text().splitlines()]


def _manifest(root: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((root / "adal-world.json").read_text())
    return manifest


def _tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_same_seed_same_bytes_whatever_the_workers(world: Path, tmp_path: Path) -> None:
    generate(_settings(1), str(tmp_path))
    assert _tree(tmp_path) == _tree(world)
    manifest = _manifest(world)
    for rel, sha in manifest["files"].items():
        import hashlib

        assert hashlib.sha256((world / rel).read_bytes()).hexdigest() == sha, rel


def test_another_seed_another_world(world: Path, tmp_path: Path) -> None:
    generate(Settings(SCALES["tiny"], seed=SEED + 1, workers=2), str(tmp_path))
    assert (tmp_path / "registers" / "companies.csv").read_bytes() != (
        world / "registers" / "companies.csv"
    ).read_bytes()


def test_gzip_headers_carry_no_time(world: Path) -> None:
    for path in (world / "ocds").glob("*.gz"):
        assert path.read_bytes()[4:8] == b"\0\0\0\0", path


def test_size_and_shape_of_tiny(world: Path, compiled: dict[str, dict[str, Any]]) -> None:
    counts = _manifest(world)["counts"]
    assert 700 <= counts["processes"] <= 1600
    assert counts["processes"] == len(compiled)
    assert counts["releases"] >= 3 * counts["processes"]
    methods = Counter(c["tender"]["procurementMethodDetails"] for c in compiled.values())
    assert len(methods) >= 4, methods
    regions = {row["kato"] for row in _register(world, "territory") if row["kind"] != "district"}
    assert len(regions) == 20


def test_releases_are_valid_ocds(releases: list[dict[str, Any]], world: Path) -> None:
    schema = json.loads((resources.files("adal") / "schema" / "release-schema.json").read_text())
    validator = jsonschema.Draft4Validator(schema)
    for release in releases:
        errors = sorted(validator.iter_errors(release), key=str)
        assert not errors, f"{release['id']}: {errors[0].message} at {list(errors[0].path)}"
    for path in (world / "ocds-packages").glob("*.json.gz"):
        with gzip.open(path, "rb") as f:
            package = json.load(f)
        assert package["version"] == "1.1" and package["releases"]
        assert {r["ocid"] for r in package["releases"]} <= {r["ocid"] for r in releases}
    in_packages = 0
    for path in (world / "ocds-packages").glob("*.json.gz"):
        with gzip.open(path) as f:
            in_packages += len(json.load(f)["releases"])
    assert in_packages == len(releases)


def test_every_bin_and_iin_has_a_valid_check_digit(world: Path, releases: list[dict[str, Any]]) -> None:
    seen = 0
    for name, columns in {
        "bodies": ("bin", "parent_bin"),
        "companies": ("bin",),
        "people": ("iin",),
        "head_posts": ("body_bin", "iin"),
        "company_people": ("company_bin", "iin"),
        "family_links": ("iin", "relative_iin"),
        "debarments": ("bin",),
    }.items():
        for row in _register(world, name):
            for column in columns:
                if row[column]:
                    assert is_valid(row[column]), (name, column, row[column])
                    seen += 1
    for release in releases:
        for party in release.get("parties", []):
            assert party["identifier"]["scheme"] == "KZ-BIN"
            assert is_valid(party["identifier"]["id"])
            seen += 1
    assert seen > 1000
    bins = [row["bin"] for row in _register(world, "bodies")] + [
        row["bin"] for row in _register(world, "companies")
    ]
    assert len(bins) == len(set(bins))


def test_registers_hold_together(world: Path) -> None:
    bodies = {row["bin"]: row for row in _register(world, "bodies")}
    people = {row["iin"] for row in _register(world, "people")}
    companies = {row["bin"] for row in _register(world, "companies")}
    territory = {row["kato"] for row in _register(world, "territory")}
    for body in bodies.values():
        assert not body["parent_bin"] or body["parent_bin"] in bodies
        assert body["kato"] in territory
        assert body["level"] == "republican" or body["region_kato"] in territory
    heads = [p for p in _register(world, "head_posts") if p["post"] == "head"]
    assert {p["body_bin"] for p in heads} == set(bodies)
    assert all(p["iin"] in people for p in _register(world, "head_posts"))
    for role in _register(world, "company_people"):
        assert role["company_bin"] in companies and role["iin"] in people
    links = {(f["iin"], f["relative_iin"]) for f in _register(world, "family_links")}
    assert all((b, a) in links for a, b in links)
    assert {row["kind"] for row in bodies.values()} >= {
        "ministry",
        "regional_akimat",
        "city_akimat",
        "school",
    }


def test_every_scheme_has_three_cases_and_none_in_clean_regions(
    world: Path, truth: list[dict[str, Any]], compiled: dict[str, dict[str, Any]]
) -> None:
    per_scheme = Counter(case["scheme"] for case in truth)
    assert all(per_scheme[s] >= 3 for s in SCHEMES), per_scheme
    clean = set(_manifest(world)["clean_regions"])
    assert len(clean) == 3
    assert not [c["case_id"] for c in truth if c["region_kato"] in clean]
    buyers_in_clean = {row["bin"] for row in _register(world, "bodies") if row["region_kato"] in clean}
    assert any(c["buyer"]["id"].removeprefix("KZ-BIN-") in buyers_in_clean for c in compiled.values())
    for case in truth:
        assert case["ocids"] and all(o in compiled for o in case["ocids"]), case["case_id"]


def _bids(c: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {b["tenderers"][0]["id"].removeprefix("KZ-BIN-"): b for b in c.get("bids", {}).get("details", [])}


def _winner(c: dict[str, Any]) -> str:
    return str(c["awards"][0]["suppliers"][0]["id"].removeprefix("KZ-BIN-"))


def _day(value: str) -> dt.date:
    return dt.datetime.fromisoformat(value).date()


def _plan_year(compiled: dict[str, Any]) -> int:
    """The year of the annual plan a process belongs to: the ocid says it (ocds-adalkz-YYYY-...)."""
    return int(compiled["ocid"].split("-")[2])


def _evidence(case: dict[str, Any], kind: str) -> dict[str, Any]:
    found = [e for e in case["evidence"] if e["kind"] == kind]
    assert found, f"{case['case_id']}: no {kind} evidence"
    return found[0]


def test_planted_evidence_is_where_the_ground_truth_says(
    world: Path, truth: list[dict[str, Any]], compiled: dict[str, dict[str, Any]]
) -> None:
    companies = {row["bin"]: row for row in _register(world, "companies")}
    roles = _register(world, "company_people")
    links = {(f["iin"], f["relative_iin"]) for f in _register(world, "family_links")}
    posts = _register(world, "head_posts")
    reference = {
        row["code"]: float(row["reference_price"])
        for row in _register(world, "classifier")
        if row["reference_price"]
    }
    bidders_anywhere: Counter[str] = Counter(b for c in compiled.values() for b in _bids(c)) + Counter(
        _winner(c) for c in compiled.values() if c.get("awards")
    )
    checked: Counter[str] = Counter()
    for case in truth:
        processes = [compiled[o] for o in case["ocids"]]
        scheme = case["scheme"]
        if scheme == "cartel":
            members = set(_evidence(case, "co_bidding")["companies"])
            assert all(set(_bids(c)) == members for c in processes)
            assert len({_winner(c) for c in processes}) >= min(2, len(processes))
            for c in processes:
                prices = sorted(b["value"]["amount"] for b in _bids(c).values())
                if any(e["kind"] == "identical_prices" for e in case["evidence"]):
                    assert len(set(prices)) == 1
                else:
                    step = _evidence(case, "price_multiples")["step"]
                    assert all(abs(p / prices[0] - (1 + step * i)) < 1e-3 for i, p in enumerate(prices))
            shared = next(e for e in case["evidence"] if e["kind"].startswith("shared_"))
            if shared["kind"] == "shared_phone":
                assert {companies[b]["phone"] for b in members} == {shared["phone"]}
            elif shared["kind"] == "shared_address":
                assert {companies[b]["address"] for b in members} == {shared["address"]}
            else:
                owned = {
                    r["company_bin"] for r in roles if r["iin"] == shared["iin"] and r["role"] == "founder"
                }
                assert members <= owned
        elif scheme == "captured_buyer":
            favourite = _evidence(case, "favourite_supplier")["supplier"]
            for c in processes:
                assert _winner(c) == favourite
                assert sum(b["status"] == "valid" for b in _bids(c).values()) == 1
            short = _evidence(case, "short_tender_period")
            for c, minimum in zip(processes, short["lawful_minimum"], strict=True):
                period = c["tender"]["tenderPeriod"]
                assert (_day(period["endDate"]) - _day(period["startDate"])).days < minimum
        elif scheme == "splitting":
            e = _evidence(case, "below_threshold")
            same = _evidence(case, "same_item_same_supplier")
            for c in processes:
                limit = MRP[_plan_year(c)] * e["threshold_mrp"]
                assert c["tender"]["value"]["amount"] < limit
                assert c["tender"]["items"][0]["classification"]["id"] == same["classification"]
                assert _winner(c) == same["supplier"]
            assert e["combined"] > MRP[_plan_year(processes[0])] * e["threshold_mrp"] or len(processes) >= 3
            starts = sorted(_day(c["tender"]["tenderPeriod"]["startDate"]) for c in processes)
            assert (starts[-1] - starts[0]).days <= _evidence(case, "short_window")["days"] + 40
        elif scheme == "unjustified_single_source":
            for c in processes:
                assert c["tender"]["procurementMethod"] == "direct"
                year = _plan_year(c)
                assert c["tender"]["value"]["amount"] > MRP[year] * price_offers_mrp(year)
                assert c["tender"].get("procurementMethodRationale") not in LEGAL_SINGLE_SOURCE
        elif scheme == "conflict_of_interest":
            link = _evidence(case, "family_link")
            owned = _evidence(case, "owned_by_relative")
            assert (link["official"], link["relative"]) in links
            assert any(
                r["iin"] == owned["iin"] and r["company_bin"] == owned["company"] and r["role"] == "founder"
                for r in roles
            )
            for c in processes:
                assert _winner(c) == owned["company"]
                award = _day(c["awards"][0]["date"])
                buyer = c["buyer"]["id"].removeprefix("KZ-BIN-")
                assert any(
                    p["body_bin"] == buyer
                    and p["post"] == "head"
                    and p["iin"] == link["official"]
                    and dt.date.fromisoformat(p["start_date"]) <= award
                    and (not p["end_date"] or award <= dt.date.fromisoformat(p["end_date"]))
                    for p in posts
                )
        elif scheme == "shell_company":
            e = _evidence(case, "registered_shortly_before")
            shell = e["company"]
            first_award = min(_day(c["awards"][0]["date"]) for c in processes)
            assert 0 <= (first_award - dt.date.fromisoformat(companies[shell]["registered"])).days <= 90
            assert bidders_anywhere[shell] == 2 * len(processes)  # its bids and awards are all in the case
            large = _evidence(case, "large_award")
            assert all(v >= 2 * m for v, m in zip(large["values"], large["reference_medians"], strict=True))
        elif scheme == "unit_price_inflation":
            for c in processes:
                item = c["tender"]["items"][0]
                assert item["unit"]["value"]["amount"] / reference[item["classification"]["id"]] >= 1.5
        elif scheme == "amendment_inflation":
            for c in processes:
                contract = c["contracts"][0]
                assert contract["amendments"]
                assert contract["value"]["amount"] / c["awards"][0]["value"]["amount"] >= 1.2
        elif scheme == "late_delivery_paid_in_full":
            for c in processes:
                contract = c["contracts"][0]
                milestone = contract["implementation"]["milestones"][0]
                late = (
                    milestone["status"] == "notMet"
                    or (_day(milestone["dateMet"]) - _day(milestone["dueDate"])).days >= 30
                )
                assert late
                paid = sum(t["value"]["amount"] for t in contract["implementation"]["transactions"])
                assert abs(paid - contract["value"]["amount"]) < 0.05
        checked[scheme] += 1
    assert set(checked) == set(SCHEMES)


def test_honest_noise_single_bids_are_mostly_innocent(
    truth: list[dict[str, Any]], compiled: dict[str, dict[str, Any]]
) -> None:
    planted = {o for case in truth for o in case["ocids"]}
    competitive = [c for c in compiled.values() if c.get("bids")]
    single = [c for c in competitive if len(c["bids"]["details"]) == 1]
    innocent = [c for c in single if c["ocid"] not in planted]
    assert len(single) > 0.15 * len(competitive)
    assert len(innocent) > 0.6 * len(single)


def test_cli_synth_and_ingest_reconcile(tmp_path: Path) -> None:
    out = tmp_path / "w"
    adal = [sys.executable, "-c", "from adal.cli.main import run; run()"]
    done = subprocess.run(
        [*adal, "synth", "--scale", "tiny", "--seed", "3", "--out", str(out)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    manifest = _manifest(out)
    warehouse = tmp_path / "w.duckdb"
    done = subprocess.run(
        [*adal, "ingest", str(out), "--warehouse", str(warehouse)], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    status = json.loads(
        subprocess.run(
            [*adal, "status", "--json", "--warehouse", str(warehouse)],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    )
    assert status["processes"] == manifest["counts"]["processes"]
    assert status["releases"] == manifest["counts"]["releases"]
    assert status["quarantined"] == 0
    registers = sum(
        len(_register(out, name))
        for name in (
            "territory",
            "bodies",
            "head_posts",
            "people",
            "companies",
            "company_people",
            "family_links",
            "debarments",
            "classifier",
            "mrp",
        )
    )
    import duckdb

    with duckdb.connect(str(warehouse), read_only=True) as con:
        held = sum(
            con.execute(f"SELECT count(*) FROM register_{name}").fetchone()[0]  # type: ignore[index]
            for name in (
                "territory",
                "bodies",
                "head_posts",
                "people",
                "companies",
                "company_people",
                "family_links",
                "debarments",
                "classifier",
                "mrp",
            )
        )
        read, loaded, quarantined, skipped = con.execute(
            "SELECT items_read, loaded, quarantined, skipped FROM ingest_runs"
        ).fetchone()  # type: ignore[misc]
    assert held == registers
    assert read == loaded + quarantined + skipped
    assert loaded == manifest["counts"]["releases"] + registers
    assert skipped == 3  # ground truth, manifest, datapackage.json
    bad = subprocess.run(
        [*adal, "synth", "--out", str(tmp_path / "x"), "--rate", "bribes=2"], capture_output=True, text=True
    )
    assert bad.returncode == 1
    assert bad.stderr.strip().count("\n") == 0 and "unknown scheme 'bribes'" in bad.stderr


def test_the_world_compiles_as_ocdsmerge_compiles_it(
    releases: list[dict[str, Any]], compiled: dict[str, dict[str, Any]]
) -> None:
    import ocdsmerge

    merger = ocdsmerge.Merger(schema=str(resources.files("adal") / "schema" / "release-schema.json"))
    by_ocid: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for release in releases:
        by_ocid[release["ocid"]].append(release)
    for ocid, group in by_ocid.items():
        assert merger.create_compiled_release(group) == compiled[ocid], ocid


def test_parties_and_titles_in_kazakh_and_russian(compiled: dict[str, dict[str, Any]]) -> None:
    parties = [p for c in compiled.values() for p in c["parties"]]
    assert all(p["name"] and p["name_kk"] for p in parties)
    titled = [c for c in compiled.values() if c["tender"].get("title_kk")]
    assert len(titled) >= 0.8 * len(compiled)


def test_founders_shares_add_up(world: Path) -> None:
    shares: dict[str, float] = defaultdict(float)
    for role in _register(world, "company_people"):
        if role["role"] == "founder" and role["share"]:
            shares[role["company_bin"]] += float(role["share"])
    assert shares and all(abs(total - 1.0) < 0.01 for total in shares.values()), max(shares.values())


def test_register_keys_are_unique(world: Path) -> None:
    from adal.sources.registers.spec import REGISTERS

    for register in REGISTERS:
        keys = [tuple(row[k] for k in register.key) for row in _register(world, register.name)]
        assert keys and len(keys) == len(set(keys)), register.name
