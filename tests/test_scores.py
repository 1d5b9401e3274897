"""Scores: shrinkage and its intervals, rank intervals, the review queue; `adal rank` and `adal queue` end to end
on a tiny synthetic world and on the Dominican data."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adal.scores import stats
from adal.scores.queue import build
from adal.synth.config import SCALES, Settings
from adal.synth.generate import generate

ADAL = [sys.executable, "-c", "from adal.cli.main import run; run()"]


def adal(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    ran = subprocess.run([*ADAL, *args], capture_output=True, text=True, cwd=cwd)
    assert ran.returncode == 0, ran.stderr
    return ran


# -- shrinkage ----------------------------------------------------------------------------------------------


def test_groups_that_differ_by_chance_alone_all_shrink_to_the_mean() -> None:
    # Ten groups of 100 with 20 to 30 successes: no more spread than binomial noise.
    prior = stats.fit_prior([20, 22, 25, 27, 30, 24, 26, 23, 21, 28], [100] * 10)
    assert prior.strength == pytest.approx(100)  # as strong as the median group, no stronger
    assert prior.mean == pytest.approx(0.246)
    assert stats.shrink(30, 100, prior).mean == pytest.approx((24.6 + 30) / 200)
    assert stats.fit_prior([25, 25], [100, 100], max_strength=1e4).strength == pytest.approx(1e4)
    # A group of four keeps a wide interval, whatever its peers.
    small = stats.shrink(1, 4, prior)
    assert small.high - small.low > 0.1


def test_a_small_group_is_pulled_to_its_peers_and_gets_a_wide_interval() -> None:
    successes = [5, 50, 10, 80, 30, 60]
    trials = [100, 100, 100, 100, 100, 100]
    prior = stats.fit_prior(successes, trials)
    assert 0 < prior.strength < 1e4  # the groups really differ
    small = stats.shrink(2, 2, prior)  # 2 of 2: raw 100 %
    large = stats.shrink(200, 200, prior)  # 200 of 200
    assert small.raw == large.raw == 1.0
    assert small.mean < large.mean  # little evidence, pulled further toward the mean
    assert small.high - small.low > large.high - large.low


@settings(deadline=None, max_examples=60)
@given(
    st.lists(st.tuples(st.integers(0, 50), st.integers(0, 50)), min_size=2, max_size=12),
    st.integers(0, 40),
    st.integers(0, 40),
)
def test_the_posterior_lies_between_peers_and_data_and_moves_to_the_data_with_evidence(
    groups: list[tuple[int, int]], k: int, extra: int
) -> None:
    successes = [a for a, _ in groups]
    trials = [a + b for a, b in groups]
    prior = stats.fit_prior(successes, trials)
    n = k + extra
    few = stats.shrink(k, n, prior)
    assert 0 <= few.low <= few.mean <= few.high <= 1
    if n == 0:
        assert few.mean == pytest.approx(prior.mean)
        return
    rate = k / n
    assert min(prior.mean, rate) - 1e-12 <= few.mean <= max(prior.mean, rate) + 1e-12
    many = stats.shrink(10 * k, 10 * n, prior)
    assert abs(many.mean - rate) <= abs(few.mean - rate) + 1e-12


def test_shrinking_many_groups_at_once_is_shrinking_each() -> None:
    prior = stats.fit_prior([5, 50, 10, 80], [100, 100, 100, 100])
    many = stats.shrink_many([0, 3, 7.5, 40], [0, 10, 12, 40], prior)
    for got, (k, n) in zip(many, [(0, 0), (3, 10), (7.5, 12), (40, 40)], strict=True):
        one = stats.shrink(k, n, prior)
        assert got.raw == one.raw
        assert (got.mean, got.low, got.high) == pytest.approx((one.mean, one.low, one.high))


def test_rank_intervals_separate_a_clear_case_and_not_noise() -> None:
    rng = np.random.default_rng(1)
    groups = [rng.binomial(1, 0.6, 400).astype(float)] + [
        rng.binomial(1, 0.2, 400).astype(float) for _ in range(3)
    ]
    groups.append(rng.binomial(1, 0.2, 5).astype(float))  # a small group
    prior = stats.fit_prior([g.sum() for g in groups], [len(g) for g in groups])
    ranks = stats.rank_intervals(groups, prior, replicates=200, seed=0)
    assert (ranks[0].rank, ranks[0].low, ranks[0].high) == (1, 1, 1)  # clearly the riskiest
    small = ranks[4]
    assert small.high - small.low >= ranks[1].high - ranks[1].low  # the small group's rank is least certain
    assert stats.rank_intervals(groups, prior, seed=0) == ranks  # reproducible by seed


def test_auc_counts_pairs_and_ties() -> None:
    assert stats.auc([0.9, 0.8, 0.1, 0.2], [True, True, False, False]) == 1.0
    assert stats.auc([0.5, 0.5], [True, False]) == 0.5
    assert stats.auc([0.1, 0.9, 0.5], [True, False, False]) == 0.0
    assert stats.auc([0.1], [True]) is None


# -- the queue ----------------------------------------------------------------------------------------------


def _rows(n: int) -> list[dict[str, object]]:
    return [
        {
            "ocid": f"o{i:03d}",
            "risk": (i % 10) / 10,
            "amount": float(1000 * (i % 7 + 1)),
            "currency": "KZT",
            "flags": json.dumps(["R018", "CRI-ADVERT"] if i % 2 else ["CRI-ADVERT"]),
        }
        for i in range(n)
    ]


def test_queue_puts_risk_times_money_first_then_a_seeded_random_share() -> None:
    rows = _rows(100)
    queue = build(rows, 10, random_share=0.2, seed=3)
    assert [e.chosen for e in queue] == ["risk"] * 8 + ["random"] * 2
    risky = [e.priority for e in queue if e.chosen == "risk"]
    assert risky == sorted(risky, reverse=True)
    best = max(rows, key=lambda r: (r["risk"] * r["amount"], r["ocid"]))  # type: ignore[operator]
    assert queue[0].priority == pytest.approx(best["risk"] * best["amount"])  # type: ignore[operator]
    assert "red flags: " in queue[0].reason and "seed 3" in queue[-1].reason
    assert build(rows, 10, random_share=0.2, seed=3) == queue
    assert {e.ocid for e in build(rows, 10, random_share=0.2, seed=4)[8:]} != {e.ocid for e in queue[8:]}
    assert not {e.ocid for e in queue[8:]} & {e.ocid for e in queue[:8]}


# -- end to end ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("scores")
    generate(Settings(SCALES["tiny"], seed=11, workers=2), str(root / "world"))
    adal("ingest", str(root / "world"), "--warehouse", str(root / "w.duckdb"))
    return root


def test_rank_lists_every_region_with_intervals(tiny: Path) -> None:
    ran = adal("rank", "--level", "region", "--format", "json", "--warehouse", str(tiny / "w.duckdb"))
    data = json.loads(ran.stdout)
    rows = data["rows"]
    assert data["currency"] == "KZT"
    assert len(rows) == 21  # 17 regions, 3 cities of republican significance, central bodies
    assert {r["peer_group"] for r in rows} == {"regions"}
    assert sorted(r["rank"] for r in rows) == sorted(r["rank"] for r in rows)
    for r in rows:
        assert 0 <= r["integrity_low"] <= r["integrity"] <= r["integrity_high"] <= 100
        assert 1 <= r["rank_low"] <= r["rank"] <= r["rank_high"] <= 21
        assert r["verdict"] in {
            "riskier than peers",
            "less risky than peers",
            "not distinguishable from peers",
        }
    assert any(r["contributors"] for r in rows) and any(r["top_processes"] for r in rows)
    for r in rows:  # per capita for the regions and cities; the central bodies have no residents
        if r["subject_id"] == "republican":
            assert r["population"] is None and r["amount_per_capita"] is None
        else:
            assert r["population"] > 100_000
            assert r["amount_per_capita"] is None or r["amount_per_capita"] == pytest.approx(
                r["amount"] / r["population"]
            )
        assert r["risk_by_value"] is None or 0 <= r["risk_by_value"] <= 1
    table = adal("rank", "--level", "buyer", "--limit", "5", "--warehouse", str(tiny / "w.duckdb")).stdout
    assert "buyer ranking" in table
    # A month: every region again, and the small months keep wide intervals.
    month = json.loads(
        adal("rank", "--month", "2025-03", "--format", "json", "--warehouse", str(tiny / "w.duckdb")).stdout
    )["rows"]
    assert len(month) == 21
    smallest = min((r for r in month if r["processes"]), key=lambda r: r["processes"])
    largest = max(rows, key=lambda r: r["processes"])
    assert (
        smallest["integrity_high"] - smallest["integrity_low"]
        > largest["integrity_high"] - largest["integrity_low"]
    )


def test_queue_is_reproducible_and_explains_itself(tiny: Path) -> None:
    args = ("queue", "--budget", "10", "--random-share", "0.2", "--seed", "5", "--format", "json")
    first = json.loads(adal(*args, "--warehouse", str(tiny / "w.duckdb")).stdout)
    second = json.loads(adal(*args, "--warehouse", str(tiny / "w.duckdb")).stdout)
    assert first == second
    queue = first["queue"]
    assert len(queue) == 10 and sum(e["chosen"] == "random" for e in queue) == 2
    assert all(e["reason"] for e in queue)


def test_rank_on_real_data_needs_a_dataset_when_there_are_several(shared_data: Path, tmp_path: Path) -> None:
    import gzip

    lines = tmp_path / "dr.jsonl"
    lines.write_bytes(
        gzip.decompress(
            (shared_data / "ocds" / "dominican-republic-dgcp-10000-compiled.jsonl.gz").read_bytes()
        )
    )
    warehouse = str(tmp_path / "w.duckdb")
    adal("ingest", str(lines), "--warehouse", warehouse)
    data = json.loads(adal("rank", "--level", "buyer", "--format", "json", "--warehouse", warehouse).stdout)
    assert data["currency"] == "DOP" and len(data["rows"]) > 50
    assert all(r["rank_low"] <= r["rank"] <= r["rank_high"] for r in data["rows"])
    adal(
        "ingest",
        str(shared_data / "ocds" / "portugal-base-release-package-100.json"),
        "--warehouse",
        warehouse,
    )
    ran = subprocess.run([*ADAL, "rank", "--warehouse", warehouse], capture_output=True, text=True)
    assert ran.returncode == 1 and "choose one with --dataset" in ran.stderr
