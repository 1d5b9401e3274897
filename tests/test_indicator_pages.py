"""Every registered indicator has its methodology pages, in English, Russian and Kazakh, with the same sections,
and the English page's example runs: its releases through ``adal indicators`` give the Cardinal output and the
adal records the page shows. The index lists every indicator and its example runs too."""

from __future__ import annotations

import dataclasses
import json
import os
import re
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from adal.indicators.registry import REGISTRY
from tests.conftest import ROOT

DOCS = ROOT / "docs" / "indicators"
ADAL = [sys.executable, "-c", "from adal.cli.main import run; run()"]
SECTIONS = [
    "Methodology",
    "Example",
    "Why it is a red flag",
    "Output",
    "Settings",
    'Exclusions and "not computable"',
    "Legal basis",
    "Differences from Cardinal",
    "Accuracy",
]
# A Kazakh page not yet translated holds this note, then the Russian page word for word.
KK_NOTE = "> **Әлі аударылмаған — not yet translated into Kazakh; the Russian text follows.**\n\n"
BLOCKS = ("ini settings", "jsonl example", "json expected", "jsonl adal")
RECORD_KEYS = ("subject_type", "subject_id", "state", "value", "reason", "evidence")
CODES = list(REGISTRY)


def outside_code(text: str) -> str:
    return re.sub(r"^```.*?^```", "", text, flags=re.M | re.S)


def headings(text: str) -> list[str]:
    return [line[3:] for line in outside_code(text).splitlines() if line.startswith("## ")]


def section(text: str, heading: str) -> str:
    return text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]


def block(text: str, info: str) -> str:
    """The one fenced block whose info string is ``info``."""
    found = re.findall(rf"^```{re.escape(info)}\n(.*?)^```$", text, flags=re.M | re.S)
    assert len(found) == 1, f"expected one ```{info} block, found {len(found)}"
    return str(found[0])


def header(text: str) -> dict[str, str]:
    """The header table under the title: field -> value."""
    rows = {}
    for line in text.split("\n## ", 1)[0].splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if line.startswith("|") and len(cells) == 2 and not set(cells[0]) <= {"-", ":"}:
            rows[cells[0]] = cells[1]
    return rows


def page(*parts: str) -> str:
    return (DOCS.joinpath(*parts)).read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def runs(tmp_path_factory: pytest.TempPathFactory) -> dict[tuple[str, str], subprocess.CompletedProcess[str]]:
    """Each English page's example through ``adal indicators``, in both formats, run side by side."""
    tmp = tmp_path_factory.mktemp("pages")
    commands = {}
    for code in CODES:
        text = page(f"{code}.md")
        (tmp / f"{code}.ini").write_text(block(text, "ini settings"), encoding="utf-8")
        (tmp / f"{code}.jsonl").write_text(block(text, "jsonl example"), encoding="utf-8")
        files = ["--settings", str(tmp / f"{code}.ini"), str(tmp / f"{code}.jsonl")]
        # A page whose indicator consults the state registers shows them as ```csv register NAME blocks.
        registers = re.findall(r"^```csv register (\w+)\n(.*?)^```$", text, flags=re.M | re.S)
        if registers:
            folder = tmp / f"{code}-registers"
            folder.mkdir()
            for name, rows in registers:
                (folder / f"{name}.csv").write_text(rows, encoding="utf-8")
            files = ["--registers", str(folder), *files]
        commands[(code, "cardinal")] = [*ADAL, "indicators", "--format", "cardinal", "--no-meta", *files]
        commands[(code, "adal")] = [*ADAL, "indicators", "--format", "json", *files]

    def run(command: list[str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(command, capture_output=True, text=True, encoding="utf-8")

    with ThreadPoolExecutor(max_workers=(os.cpu_count() or 1) + 1) as pool:
        return dict(zip(commands, pool.map(run, commands.values()), strict=True))


@pytest.mark.parametrize("code", CODES)
def test_english_page_has_the_sections_and_the_registry_facts(code: str) -> None:
    indicator = REGISTRY[code]
    text = page(f"{code}.md")
    assert text.splitlines()[0] == f"# {code} {indicator.title}"
    assert headings(text) == SECTIONS
    facts = header(text)
    assert facts["Code"] == code
    assert facts["Title"] == indicator.title
    assert facts["Phase"] == indicator.phase
    assert facts["Version"] == indicator.version
    assert facts["Cardinal-compatible"].startswith("yes" if indicator.cardinal else "no")
    for level in indicator.levels:
        assert level.value in facts["Levels flagged"]
    settings = section(text, "Settings")
    for f in dataclasses.fields(indicator.settings):  # type: ignore[arg-type]  # each Settings is a dataclass
        assert f"`{f.name}`" in settings, f"{code}: setting {f.name} is not documented"
    legal = section(text, "Legal basis")
    for basis in indicator.legal_basis:
        assert basis.article in legal, f"{code}: legal basis {basis.article!r} is not on the page"
        assert basis.valid_from.isoformat() in legal
    assert "accuracy.md" in section(text, "Accuracy")


@pytest.mark.parametrize("code", CODES)
def test_russian_and_kazakh_pages_have_the_same_sections_and_example(code: str) -> None:
    english = page(f"{code}.md")
    russian = page("ru", f"{code}.md")
    kazakh = page("kk", f"{code}.md")
    for text in (russian, kazakh.removeprefix(KK_NOTE)):
        assert text.startswith(f"# {code} ")
        assert len(headings(text)) == len(SECTIONS)
        for info in BLOCKS:
            assert block(text, info) == block(english, info), f"{code}: ```{info} differs from English"
    if kazakh.startswith(KK_NOTE):
        assert kazakh.removeprefix(KK_NOTE) == russian, f"kk/{code}.md: not the Russian page it says it is"


@pytest.mark.parametrize("code", CODES)
def test_example_gives_the_cardinal_output_on_the_page(
    code: str, runs: dict[tuple[str, str], subprocess.CompletedProcess[str]]
) -> None:
    ran = runs[(code, "cardinal")]
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout) == json.loads(block(page(f"{code}.md"), "json expected"))


@pytest.mark.parametrize("code", CODES)
def test_example_gives_the_adal_records_on_the_page(
    code: str, runs: dict[tuple[str, str], subprocess.CompletedProcess[str]]
) -> None:
    ran = runs[(code, "adal")]
    assert ran.returncode == 0, ran.stderr
    produced = [json.loads(line) for line in ran.stdout.splitlines()]
    shown = [json.loads(line) for line in block(page(f"{code}.md"), "jsonl adal").splitlines()]

    def key(record: dict[str, object]) -> str:
        return json.dumps({k: record[k] for k in RECORD_KEYS}, sort_keys=True)

    assert sorted(map(key, produced)) == sorted(map(key, shown))


def test_index_lists_every_indicator() -> None:
    text = page("index.md")
    for code in CODES:
        for link in (f"({code}.md)", f"(ru/{code}.md)", f"(kk/{code}.md)"):
            assert link in text, f"index.md: no link {link}"


def test_index_table_is_the_registry() -> None:
    text = page("index.md")
    table = text.split(
        "| Code | Title | Phase | Levels flagged | Pages |\n| --- | --- | --- | --- | --- |\n", 1
    )[1]
    rows = [line.split(" | ")[:4] for line in table.split("\n\n", 1)[0].splitlines()]
    expected = [
        [f"| {code}", i.title, i.phase, ", ".join(level.value for level in i.levels)]
        for code, i in REGISTRY.items()
    ]
    assert rows == expected


def test_index_example_runs(tmp_path: Path) -> None:
    text = page("index.md")
    script = re.search(r"^```sh\n(.*?)^```\n+Output.*?^```text\n(.*?)^```", text, flags=re.M | re.S)
    assert script is not None
    commands, output = script.groups()
    logical = commands.replace("\\\n", " ").splitlines()  # continuation lines joined
    assert all(line.split()[0] in {"adal", "printf"} for line in logical if line.strip())
    adal = f"adal() {{ '{sys.executable}' -c 'from adal.cli.main import run; run()' \"$@\"; }}\n"
    ran = subprocess.run(
        ["bash", "-e", "-c", adal + commands], capture_output=True, text=True, cwd=tmp_path, encoding="utf-8"
    )
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout == output
