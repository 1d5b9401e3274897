"""Honest uncertainty for rates and ranks: empirical-Bayes shrinkage of proportions toward the peer mean with
Beta posterior intervals, and rank intervals by bootstrap over processes.

A region with 12 processes and 6 single bids has a raw single-bid rate of 50 %; with 1,200 processes and 600
it is 50 % too, but only the second says much. Shrinkage pulls each group's rate toward the mean of its
peers by an amount that depends on how much evidence the group has (the beta-binomial model: the group's
rate is drawn from a Beta(α, β) fitted to all groups, and the data update it); the 90 % interval is the
Beta posterior's. Ranks get intervals by resampling each group's processes: a group whose rank moves from
3rd to 15th across resamples is not "the 3rd worst".
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import stats as sps

LEVEL = 0.90  # interval coverage


@dataclass(frozen=True)
class Prior:
    """Beta(alpha, beta) over the groups' rates: mean alpha/(alpha+beta), strength alpha+beta processes."""

    alpha: float
    beta: float

    @property
    def mean(self) -> float:
        return self.alpha / (self.alpha + self.beta)

    @property
    def strength(self) -> float:
        return self.alpha + self.beta


def fit_prior(
    successes: Sequence[float], trials: Sequence[float], max_strength: float | None = None
) -> Prior:
    """Beta prior by the method of moments on the groups' rates, weighted by their trials.

    The between-group variance is the observed variance less the binomial noise expected from the trials;
    when that leaves little or nothing (the groups differ no more than chance says), the groups are pulled
    hard toward the mean — but the prior is never stronger than ``max_strength`` (default: the median
    group's size, at least 10): the estimate of the spread is itself uncertain, and a group of four
    processes must keep a wide interval rather than borrow certainty from its peers."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    keep = n > 0
    k, n = k[keep], n[keep]
    if not len(n) or n.sum() == 0:
        return Prior(1.0, 1.0)
    if max_strength is None:
        max_strength = max(10.0, float(np.median(n)))
    mean = float(k.sum() / n.sum())
    mean = min(max(mean, 1e-6), 1 - 1e-6)
    rates = k / n
    variance = float(np.average((rates - mean) ** 2, weights=n))
    noise = mean * (1 - mean) * float(np.mean(1 / n))
    between = variance - noise
    if between <= 0:
        strength = max_strength
    else:
        strength = min(max(mean * (1 - mean) / between - 1, 1e-3), max_strength)
    # Neither shape below 1/2 (Jeffreys'): a prior piled against 0 or 1 would put its own mean outside
    # its 90 % interval.
    return Prior(max(mean * strength, 0.5), max((1 - mean) * strength, 0.5))


@dataclass(frozen=True)
class Shrunk:
    raw: float | None  # successes / trials (None without trials)
    mean: float  # posterior mean
    low: float
    high: float


def shrink(successes: float, trials: float, prior: Prior, level: float = LEVEL) -> Shrunk:
    """The posterior of a group's rate: Beta(alpha + k, beta + n - k); mean and central ``level`` interval."""
    a = prior.alpha + successes
    b = prior.beta + max(trials - successes, 0.0)
    tail = (1 - level) / 2
    low, high = sps.beta.ppf([tail, 1 - tail], a, b)
    return Shrunk(successes / trials if trials else None, a / (a + b), float(low), float(high))


def shrink_many(
    successes: Sequence[float], trials: Sequence[float], prior: Prior, level: float = LEVEL
) -> list[Shrunk]:
    """:func:`shrink` for many groups at once (one vectorised quantile call)."""
    k = np.asarray(successes, dtype=float)
    n = np.asarray(trials, dtype=float)
    if not len(k):
        return []
    a = prior.alpha + k
    b = prior.beta + np.maximum(n - k, 0.0)
    tail = (1 - level) / 2
    low = sps.beta.ppf(tail, a, b)
    high = sps.beta.ppf(1 - tail, a, b)
    mean = a / (a + b)
    return [
        Shrunk(float(k[i] / n[i]) if n[i] else None, float(mean[i]), float(low[i]), float(high[i]))
        for i in range(len(k))
    ]


@dataclass(frozen=True)
class RankInterval:
    rank: int  # 1 = highest risk, by posterior mean
    low: int  # best (smallest) rank in the central interval of the bootstrap
    high: int


def rank_intervals(
    groups: Sequence[np.ndarray],
    prior: Prior,
    *,
    replicates: int = 200,
    seed: int = 0,
    level: float = LEVEL,
) -> list[RankInterval]:
    """Ranks of groups by their shrunk risk (1 = riskiest), with intervals from resampling each group's
    processes (values in [0, 1], e.g. single bid 0/1 or a risk index) with replacement."""
    if not groups:
        return []
    rng = np.random.default_rng(seed)
    sizes = np.array([len(g) for g in groups], dtype=float)
    sums = np.array([float(g.sum()) for g in groups])
    point = (prior.alpha + sums) / (prior.strength + sizes)
    ranks = _ranks(point)
    # Each group's resampled sums at once: one draw of (replicates × size) indices per group.
    resampled = np.zeros((replicates, len(groups)))
    for j, g in enumerate(groups):
        if len(g):
            resampled[:, j] = g[rng.integers(0, len(g), (replicates, len(g)))].sum(axis=1)
    shrunk = (prior.alpha + resampled) / (prior.strength + sizes)
    draws = np.asarray(sps.rankdata(-shrunk, method="min", axis=1), dtype=float)
    tail = (1 - level) / 2
    low = np.floor(np.quantile(draws, tail, axis=0, method="lower"))
    high = np.ceil(np.quantile(draws, 1 - tail, axis=0, method="higher"))
    # The interval always holds the observed rank (with ties, resamples can all fall on one side of it).
    return [
        RankInterval(int(ranks[i]), int(min(low[i], ranks[i])), int(max(high[i], ranks[i])))
        for i in range(len(groups))
    ]


def _ranks(values: np.ndarray) -> np.ndarray:
    """1 for the largest value; ties share the best rank."""
    order = sps.rankdata(-values, method="min")
    return np.asarray(order, dtype=float)


def verdict(shrunk: Shrunk, peer_mean: float) -> str:
    """Whether a group differs from its peers beyond doubt: its interval lies wholly above or below the mean."""
    if shrunk.low > peer_mean:
        return "higher than peers"
    if shrunk.high < peer_mean:
        return "lower than peers"
    return "not distinguishable from peers"


def auc(scores: Sequence[float], labels: Sequence[bool]) -> float | None:
    """The area under the ROC curve: the chance a random positive scores above a random negative (ties half)."""
    s = np.asarray(scores, dtype=float)
    y = np.asarray(labels, dtype=bool)
    positives, negatives = int(y.sum()), int((~y).sum())
    if not positives or not negatives:
        return None
    ranks = sps.rankdata(s)
    return float((ranks[y].sum() - positives * (positives + 1) / 2) / (positives * negatives))


def finite(value: float | None) -> float | None:
    return None if value is None or not math.isfinite(value) else value
