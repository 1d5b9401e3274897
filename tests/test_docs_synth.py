"""Docs of the synthetic world and the registers stay true: docs/registers.md names every register and
column of the spec and no other; the example of docs/synthetic-world.md runs and does what the page
says; every scheme has its section, its rate and its evidence fields on the page."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import duckdb
import pytest

from adal.sources.registers.spec import BY_NAME, REGISTERS, Register
from adal.synth.config import CLEAN_REGIONS, DEFAULT_RATES, MIN_CASES, SCALES, SCHEMES
from tests.conftest import ROOT

REGISTERS_PAGE = ROOT / "docs" / "registers.md"
WORLD_PAGE = ROOT / "docs" / "synthetic-world.md"


def _sections(text: str, level: str) -> dict[str, str]:
    """Text under each heading of ``level`` (``##``, ``###``) whose title starts with a `code` name."""
    parts = re.split(rf"^{level} `(\w+)`.*$", text, flags=re.M)
    return {parts[i]: parts[i + 1].split("\n## ", 1)[0] for i in range(1, len(parts), 2)}


def _block(text: str, heading: str, language: str) -> str:
    section = text.split(f"## {heading}\n", 1)[1]
    block = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert block is not None, f"no {language} block under {heading!r}"
    return block.group(1)


def _flat(text: str) -> str:
    return " ".join(text.split())


# -- docs/registers.md ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def register_sections() -> dict[str, str]:
    return _sections(REGISTERS_PAGE.read_text(), "##")


def test_every_register_has_a_section_and_no_other(register_sections: dict[str, str]) -> None:
    text = REGISTERS_PAGE.read_text()
    assert list(register_sections) == [r.name for r in REGISTERS]
    overview = re.findall(r"^\| `(\w+)` \| `(\w+)\.csv` \| `register_(\w+)` \|", text, re.M)
    assert [row[0] for row in overview] == [r.name for r in REGISTERS]
    assert all(len(set(row)) == 1 for row in overview)
    assert set(re.findall(r"register_(\w+)", text)) <= set(BY_NAME)


@pytest.mark.parametrize("register", REGISTERS, ids=lambda r: r.name)
def test_register_section_matches_the_spec(register: Register, register_sections: dict[str, str]) -> None:
    section = register_sections[register.name]
    assert f"`{register.name}` — {register.title}" in REGISTERS_PAGE.read_text()
    assert register.description in section
    assert f"`{register.name}.csv`" in section
    assert f"`{register.name}.jsonl`" in section
    assert f"- table: `{register.table}`" in section
    assert "- key: " + ", ".join(f"`{k}`" for k in register.key) in section
    checked = ", ".join(f"`{c}_check_digit_ok`" for c in register.checked)
    assert (f"- check digits: {checked}" in section) == bool(register.checked)
    rows = re.findall(r"^\| `(\w+)` \| (\w+) \| (yes|no) \| (.*?) \| (.*?) \|$", section, re.M)
    documented = [
        (name, kind, required == "yes", description, tuple(re.findall(r"`(\w+)`", values)))
        for name, kind, required, description, values in rows
    ]
    expected = [(c.name, c.type, c.required, c.description, c.values) for c in register.columns]
    assert documented == expected


# -- docs/synthetic-world.md: the example runs ------------------------------------------------------


@pytest.fixture(scope="module")
def example(tmp_path_factory: pytest.TempPathFactory) -> tuple[subprocess.CompletedProcess[str], Path]:
    """Run the page's sh block with bash, ``adal`` on the PATH, ``mktemp`` inside a fresh directory."""
    tmp = tmp_path_factory.mktemp("example")
    env = {
        **os.environ,
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "TMPDIR": str(tmp),
        "COLUMNS": "200",
    }
    env.pop("ADAL_WAREHOUSE", None)
    script = _block(WORLD_PAGE.read_text(), "Try it", "sh")
    ran = subprocess.run(
        ["bash", "-e", "-c", script], cwd=tmp, env=env, capture_output=True, text=True, timeout=120
    )
    workdirs = [p.parent for p in tmp.rglob("world.duckdb")]
    return ran, (workdirs[0] if len(workdirs) == 1 else tmp)


def _manifest(workdir: Path) -> dict[str, Any]:
    manifest: dict[str, Any] = json.loads((workdir / "world" / "adal-world.json").read_text())
    return manifest


def test_the_example_runs(example: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    ran, workdir = example
    assert ran.returncode == 0, ran.stderr
    assert "quarantined 0 + skipped 3" in _flat(ran.stderr)
    c = _manifest(workdir)["counts"]
    said = (
        f"world: {c['bodies']:,} bodies, {c['companies']:,} companies, {c['people']:,} people, "
        f"{c['processes']:,} processes, {c['releases']:,} releases, {c['cases']:,} planted cases"
    )
    assert said in _flat(ran.stderr)
    assert said in _flat(WORLD_PAGE.read_text()), "the page quotes another summary than adal synth prints"
    assert f"loads the {c['releases']:,} releases" in _flat(WORLD_PAGE.read_text())


def test_the_warehouse_holds_what_the_page_says(
    example: tuple[subprocess.CompletedProcess[str], Path],
) -> None:
    _, workdir = example
    counts = _manifest(workdir)["counts"]
    with duckdb.connect(str(workdir / "world.duckdb"), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM releases").fetchone() == (counts["releases"],)
        for register in REGISTERS:
            lines = (workdir / "world" / "registers" / f"{register.name}.csv").read_text().splitlines()
            stored = con.execute(f"SELECT count(*) FROM {register.table}").fetchone()
            assert stored == (len(lines) - 1,), register.name
        skipped = dict(con.execute("SELECT path, status FROM sources WHERE status = 'skipped'").fetchall())
    kept_apart = {"ground_truth.jsonl", "adal-world.json", "datapackage.json"}
    assert {Path(p).name for p in skipped} == kept_apart
    assert "ten registers" in WORLD_PAGE.read_text()
    assert len(REGISTERS) == 10


def test_the_measuring_snippet_runs(example: tuple[subprocess.CompletedProcess[str], Path]) -> None:
    _, workdir = example
    snippet = _block(WORLD_PAGE.read_text(), "Measured in the demo world vs real lots", "python")
    ran = subprocess.run(
        [sys.executable, "-", str(workdir / "world")], input=snippet, capture_output=True, text=True
    )
    assert ran.returncode == 0, ran.stderr
    assert f"processes: {_manifest(workdir)['counts']['processes']:,}" in ran.stdout
    assert "Запрос ценовых предложений: " in ran.stdout
    assert re.search(r"^all p10=[\d,]+ p25=.* p99=[\d,]+$", ran.stdout, re.M)


# -- docs/synthetic-world.md: schemes, rates, evidence ----------------------------------------------


@pytest.fixture(scope="module")
def scheme_sections() -> dict[str, str]:
    text = WORLD_PAGE.read_text()
    return _sections(text.split("## Planted schemes", 1)[1].split("\n## ", 1)[0], "###")


def test_the_registers_example_runs(
    example: tuple[subprocess.CompletedProcess[str], Path], tmp_path: Path
) -> None:
    """docs/registers.md's block: a world's registers beside their datapackage.json, a lone companies.csv."""
    _, workdir = example
    (tmp_path / "world").symlink_to(workdir / "world", target_is_directory=True)
    (tmp_path / "my-registers").mkdir()
    companies = (workdir / "world" / "registers" / "companies.csv").read_text()
    (tmp_path / "my-registers" / "companies.csv").write_text(companies)
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"}
    env.pop("ADAL_WAREHOUSE", None)
    for line in _block(REGISTERS_PAGE.read_text(), "How `adal ingest` finds a register", "sh").splitlines():
        ran = subprocess.run(
            ["bash", "-e", "-c", line], cwd=tmp_path, env=env, capture_output=True, text=True
        )
        assert ran.returncode == 0, f"{line}: {ran.stderr}"
    with duckdb.connect(str(tmp_path / "adal.duckdb"), read_only=True) as con:
        loaded = dict(
            con.execute("SELECT path, items_loaded FROM sources WHERE path LIKE '%companies.csv'").fetchall()
        )
    rows = len(companies.splitlines()) - 1
    assert sorted(Path(p).parent.name for p in loaded) == ["my-registers", "registers"]
    assert set(loaded.values()) == {rows}


def test_every_scheme_has_a_section_and_no_other(scheme_sections: dict[str, str]) -> None:
    assert list(scheme_sections) == list(SCHEMES)


def test_every_rate_is_stated_with_its_value() -> None:
    text = WORLD_PAGE.read_text()
    flat = _flat(text)
    for scheme, rate in DEFAULT_RATES.items():
        row = re.search(rf"^\| `{scheme}` \| ([\d.]+) \|", text, re.M)
        assert row is not None, f"no rate row for {scheme}"
        assert float(row.group(1)) == rate, scheme
    assert f"`MIN_CASES` = {MIN_CASES}" in flat
    assert f"{CLEAN_REGIONS} clean regions** (`CLEAN_REGIONS`" in flat


def test_every_scale_is_stated_with_its_size() -> None:
    text = WORLD_PAGE.read_text()
    for scale in SCALES.values():
        row = f"| `{scale.name}` | {scale.bodies:,} | {scale.companies:,} | {scale.processes:,} |"
        assert row in text, row


def test_every_evidence_field_is_on_the_page(
    example: tuple[subprocess.CompletedProcess[str], Path], scheme_sections: dict[str, str]
) -> None:
    _, workdir = example
    text = WORLD_PAGE.read_text()
    fields = text.split("## The ground truth", 1)[1]
    lines = (workdir / "world" / "ground_truth.jsonl").read_text().splitlines()
    assert {json.loads(line)["scheme"] for line in lines} == set(SCHEMES)
    for line in lines:
        case = json.loads(line)
        assert all(f"| `{key}` |" in fields for key in case), case["case_id"]
        section = scheme_sections[case["scheme"]]
        for found in case["evidence"]:
            for name in [found["kind"], *found]:
                if name != "kind":
                    assert f"`{name}`" in section, f"{case['scheme']}: `{name}` is not on the page"
