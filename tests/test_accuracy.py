"""``adal accuracy``: precision, recall and clean flag rates against a planted ground truth; firing rates on
real data; the generated page and the generated lines of every methodology page stay current."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from adal.indicators import accuracy
from adal.indicators.registry import REGISTRY
from tests.conftest import ROOT

DOCS = ROOT / "docs" / "indicators"
ADAL = [sys.executable, "-c", "from adal.cli.main import run; run()"]


def _truth(tmp_path: Path) -> accuracy.Truth:
    cases = [
        {
            "scheme": "cartel",
            "ocids": ["o1", "o2"],
            "buyers": ["111111111111"],
            "suppliers": ["222222222222"],
        },
        {"scheme": "splitting", "ocids": ["o3"], "buyers": ["333333333333"], "suppliers": []},
    ]
    path = tmp_path / "ground_truth.jsonl"
    path.write_text("".join(json.dumps(c) + "\n" for c in cases))
    return accuracy.Truth.read(path)


def test_precision_recall_and_clean_rate_are_counted_per_level(tmp_path: Path) -> None:
    truth = _truth(tmp_path)
    rows = [
        ("X1", "process", "o1", "flagged"),
        ("X1", "process", "o3", "flagged"),
        ("X1", "process", "c1", "flagged"),  # clean, flagged
        ("X1", "process", "o2", "not_computable"),  # a planted process it could not judge: missed
        ("X1", "process", "c2", "not_flagged"),
        ("X1", "lot", "o2/lots/1", "not_flagged"),
        ("X1", "lot", "o2/lots/2", "flagged"),  # a lot flagged flags its process
        ("X1", "buyer", "KZ-BIN-111111111111", "flagged"),
        ("X1", "region", "r", "flagged"),  # no truth for regions: not scored
    ]
    universe = {
        "ocids": {"o1", "o2", "o3", "c1", "c2", "c3", "c4"},
        "buyers": {"111111111111", "444444444444"},
    }
    scores = {(s.code, s.level): s for s in accuracy.score(truth, rows, universe)}
    assert set(scores) == {("X1", "process"), ("X1", "lot"), ("X1", "buyer")}
    process = scores[("X1", "process")]
    assert (process.flagged, process.looked_at) == (3, 5)
    assert process.precision == pytest.approx(2 / 3)
    assert process.recall == {"cartel": 0.5, "splitting": 1.0}
    assert process.clean_rate == pytest.approx(1 / 4)  # c1 of c1..c4
    assert process.best() == ("splitting", 1.0)
    assert process.lift() == pytest.approx(4.0)
    lot = scores[("X1", "lot")]
    assert lot.flagged == 1 and lot.recall["cartel"] == 0.5
    buyer = scores[("X1", "buyer")]
    assert buyer.precision == 1.0 and buyer.recall == {"cartel": 1.0, "splitting": 0.0}
    assert buyer.clean_rate == 0.0


def test_firing_rate_and_the_false_positive_machine_warning() -> None:
    counts = {"A": (1, 2), "B": (3, 3)}  # (flagged, computable) processes
    big = {code: (f * 100, n * 100) for code, (f, n) in counts.items()}
    report = accuracy.Report(
        {"command": "c", "scale": "tiny", "seed": 1, "generator_version": "1", "processes": 4, "cases": 2},
        [],
        {"real-1": big, "small": counts},
        ["A", "B", "C"],
    )
    assert report.noisy("A") == [("real-1", 0.5)]  # half is "most": inclusive; 3 of 3 in "small" say nothing
    assert report.noisy("C") == []
    block = accuracy.page_block(report, "B", "en")
    assert "false-positive machine" in block and "`real-1` 100 %" in block
    assert "false-positive machine" not in accuracy.page_block(report, "C", "en")
    text = accuracy.markdown(report)
    assert "| A | **50 %** (100/200) |" in text and "| C | — |" in text
    assert "in `accuracy.json` only: `small`" in text


def test_the_command_scores_every_indicator_on_a_tiny_world(tmp_path: Path) -> None:
    out = tmp_path / "docs" / "accuracy.md"
    ran = subprocess.run(
        [
            *ADAL,
            "accuracy",
            "--scale",
            "tiny",
            "--seed",
            "5",
            "--no-real",
            "--out",
            str(out),
            "--no-pages",
            "--validation",
            str(tmp_path / "docs" / "scores-validation.md"),
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
    )
    assert ran.returncode == 0, ran.stderr
    text = out.read_text()
    assert "`adal accuracy --scale tiny --seed 5`" in text
    for code in REGISTRY:
        assert f'<a id="{code.lower()}"></a>{code} |' in text
    report = accuracy.Report.from_json(json.loads(out.with_suffix(".json").read_text()))
    assert report.world["cases"] >= 27 and report.world["processes"] > 1000
    assert accuracy.markdown(report) == text
    validation = (tmp_path / "docs" / "scores-validation.md").read_text()
    auc = re.search(r"\*\*(\d\.\d\d) overall, (\d\.\d\d|—) within buyers of the same size\*\*", validation)
    assert auc is not None and 0 <= float(auc.group(1)) <= 1
    assert "### CRI calibration · ocds-adalkz (synthetic world)" in validation
    # Some indicator finds planted cases with some precision, and no rate leaves [0, 1].
    assert any(s.best() for s in report.scores)
    for s in report.scores:
        for value in (s.precision, s.clean_rate, *s.recall.values()):
            assert value is None or 0 <= value <= 1


def test_the_published_accuracy_page_and_page_lines_are_current() -> None:
    report = accuracy.Report.from_json(json.loads((DOCS / "accuracy.json").read_text(encoding="utf-8")))
    assert report.codes == list(REGISTRY), "run `adal accuracy` after adding an indicator"
    assert (DOCS / "accuracy.md").read_text(encoding="utf-8") == accuracy.markdown(report)
    for code in REGISTRY:
        for sub, language in (("", "en"), ("ru", "ru"), ("kk", "ru")):
            text = (DOCS / sub / f"{code}.md").read_text(encoding="utf-8")
            assert accuracy.page_block(report, code, language) in text, (
                f"{sub}/{code}.md: run `adal accuracy`"
            )
