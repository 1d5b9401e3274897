"""Docs that run: the README's example block is executed, and --help lists what the README lists."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

from tests.conftest import ROOT

ADAL = [sys.executable, "-c", "from adal.cli.main import run; run()"]


def readme_block(heading: str) -> list[str]:
    text = (ROOT / "README.md").read_text()
    section = text.split(f"## {heading}", 1)[1]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [line for line in block.group(1).splitlines() if line.strip()]


def test_readme_example_runs(shared_data: Path, tmp_path: Path) -> None:
    for line in readme_block("Example"):
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


def test_help_lists_the_readme_commands() -> None:
    shown = subprocess.run([*ADAL, "--help"], capture_output=True, text=True, check=True).stdout
    readme = (ROOT / "README.md").read_text()
    documented = set(re.findall(r"^\| `adal (\w+)", readme, re.M))
    listed = set(re.findall(r"^│ (\w+) ", shown, re.M))
    assert documented == listed == {"compile", "demo", "differences", "ingest", "quarantine", "status"}
