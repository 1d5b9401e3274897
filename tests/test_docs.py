"""Docs that run: the README's and the source pages' examples are executed, and --help lists what the README lists."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

ADAL = [sys.executable, "-c", "from adal.cli.main import run; run()"]


def doc_block(heading: str, page: str = "README.md", language: str = "sh") -> list[str]:
    """The lines of the first ``language`` block under ``## heading`` of a page."""
    text = (ROOT / page).read_text()
    section = text.split(f"## {heading}", 1)[1]
    block = re.search(rf"```{language}\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def run_example(lines: list[str], tmp_path: Path) -> None:
    """Run ``adal`` command lines: ``../`` paths from the repository, warehouses in ``tmp_path``."""
    for line in lines:
        words = shlex.split(line.split(" > ")[0])
        assert words[0] == "adal"
        words = [
            str((ROOT / w).resolve())
            if w.startswith("../")
            else str(tmp_path / w)
            if w.endswith(".duckdb")
            else w
            for w in words
        ]
        ran = subprocess.run([*ADAL, *words[1:]], capture_output=True, text=True, cwd=tmp_path)
        assert ran.returncode == 0, f"{line}: {ran.stderr}"
        if words[1] == "compile":
            assert len(ran.stdout.splitlines()) > 10


def test_readme_example_runs(shared_data: Path, tmp_path: Path) -> None:
    run_example(doc_block("Example"), tmp_path)


def test_goszakup_example_runs(shared_data: Path, tmp_path: Path) -> None:
    page = "docs/sources/goszakup.md"
    run_example(doc_block("Run it", page), tmp_path)
    import duckdb

    query = "\n".join(doc_block("Run it", page, "sql"))
    with duckdb.connect(str(tmp_path / "kz.duckdb"), read_only=True) as con:
        rows = con.execute(query).fetchall()
    assert rows[0][:4] == ("ЗЦП", "open", 1534, 21)
    assert sum(row[2] for row in rows) == 2059


def test_help_lists_the_readme_commands() -> None:
    shown = subprocess.run([*ADAL, "--help"], capture_output=True, text=True, check=True).stdout
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `adal (\w+)", readme, re.M))
    listed = set(re.findall(r"^│ (\w+) ", shown, re.M))
    assert (
        documented
        == listed
        == {
            "accuracy",
            "compile",
            "demo",
            "differences",
            "indicators",
            "ingest",
            "prepare",
            "quarantine",
            "queue",
            "rank",
            "status",
            "synth",
        }
    )
