"""Calibrated CRI weights, as the Government Transparency Institute calibrates its Corruption Risk Index: each
component's bands are weighted by how strongly they predict single bidding, controlling for market, size,
year and buyer type (a logistic regression). Single bidding is the outcome here, so it is not among the
predictors it calibrates; in the calibrated CRI it keeps the largest weight a component earns.

A component whose bands do not predict single bidding (coefficient not positive, or not significant at 5 %)
gets weight 0: the data do not support it as a risk signal, and the report says so — GTI's validity test.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from scipy import stats as sps

from adal.scores.frame import SINGLE_BID, ProcessRow

SIGNIFICANCE = 0.05
TOP_MARKETS = 30
MIN_PROCESSES = 200  # fewer processes with a single-bid outcome: no calibration (equal weights)


@dataclass
class Term:
    component: str
    band: str  # "0.5", "1", or "missing" (not computable), against band 0
    coefficient: float
    standard_error: float
    p_value: float
    processes: int  # processes in this band


@dataclass
class Calibration:
    processes: int  # processes in the regression
    single_bid_rate: float
    terms: list[Term] = field(default_factory=list)
    weights: dict[str, float] = field(default_factory=dict)  # component -> weight (0..1; single bid included)
    converged: bool = True
    note: str = ""

    def rows(self) -> list[dict[str, Any]]:
        return [vars(t) | {"weight": self.weights.get(t.component, 0.0)} for t in self.terms]


def _band(score: float | None) -> str:
    if score is None:
        return "missing"
    return "0" if score == 0 else "0.5" if score < 1 else "1"


def calibrate(rows: list[ProcessRow]) -> Calibration:
    """Fit the logistic regression of single bidding on the CRI components' bands and the controls."""
    usable = [r for r in rows if r.single_bid is not None]
    if len(usable) < MIN_PROCESSES:
        return Calibration(
            len(usable),
            _rate(usable),
            note=f"fewer than {MIN_PROCESSES} processes with a single-bid outcome: equal weights",
        )
    components = sorted({c for r in usable for c in r.components if c != SINGLE_BID})
    columns: list[tuple[str, str]] = []  # (component, band) per predictor column
    counts: Counter[tuple[str, str]] = Counter()
    for r in usable:
        for c in components:
            counts[(c, _band(r.components.get(c)))] += 1
    for c in components:
        for band in ("0.5", "1", "missing"):
            # A band needs processes on both sides of the outcome to be estimable; rare bands are pooled away.
            if counts[(c, band)] >= 20:
                columns.append((c, band))
    controls = _controls(usable)
    x = np.zeros((len(usable), 1 + len(columns) + len(controls)))
    x[:, 0] = 1.0
    for i, r in enumerate(usable):
        for j, (c, band) in enumerate(columns):
            if _band(r.components.get(c)) == band:
                x[i, 1 + j] = 1.0
        for k, (_, test) in enumerate(controls):
            if test(r):
                x[i, 1 + len(columns) + k] = 1.0
    y = np.array([r.single_bid for r in usable], dtype=float)
    beta, covariance, converged = _logit(x, y)
    out = Calibration(len(usable), float(y.mean()), converged=converged)
    best: dict[str, float] = {}
    for j, (c, band) in enumerate(columns):
        coef = float(beta[1 + j])
        se = float(math.sqrt(max(covariance[1 + j, 1 + j], 0.0)))
        p = float(2 * sps.norm.sf(abs(coef / se))) if se > 0 else 1.0
        out.terms.append(Term(c, band, coef, se, p, counts[(c, band)]))
        if band != "missing" and coef > 0 and p < SIGNIFICANCE:
            best[c] = max(best.get(c, 0.0), coef)
    top = max(best.values(), default=0.0)
    out.weights = {c: (best.get(c, 0.0) / top if top > 0 else 0.0) for c in components}
    out.weights[SINGLE_BID] = 1.0
    if not best:
        out.note = "no component predicts single bidding here: the calibrated CRI is single bidding alone"
    return out


def _rate(rows: list[ProcessRow]) -> float:
    return sum(r.single_bid or 0 for r in rows) / len(rows) if rows else 0.0


def _controls(rows: list[ProcessRow]) -> list[tuple[str, Any]]:
    """Dummy variables for market (the commonest), year, buyer type and size decile; one level of each left out."""
    out: list[tuple[str, Any]] = []
    markets = [m for m, _ in Counter(r.market for r in rows if r.market).most_common(TOP_MARKETS)]
    for m in markets[1:]:
        out.append((f"market {m}", lambda r, m=m: r.market == m))
    years = sorted({r.year for r in rows if r.year is not None})
    for y in years[1:]:
        out.append((f"year {y}", lambda r, y=y: r.year == y))
    kinds = [k for k, _ in Counter(r.buyer_kind for r in rows if r.buyer_kind).most_common()]
    for k in kinds[1:]:
        out.append((f"buyer {k}", lambda r, k=k: r.buyer_kind == k))
    amounts = sorted(r.amount for r in rows if r.amount is not None and r.amount > 0)
    if len(amounts) >= 10:
        edges = [amounts[len(amounts) * q // 10] for q in range(1, 10)]
        for q in range(1, 10):
            low = edges[q - 1]
            high = edges[q] if q < 9 else math.inf
            out.append(
                (
                    f"size decile {q + 1}",
                    lambda r, low=low, high=high: r.amount is not None and low <= r.amount < high,
                )
            )
    return out


def _logit(x: np.ndarray, y: np.ndarray, iterations: int = 50) -> tuple[np.ndarray, np.ndarray, bool]:
    """Logistic regression by iteratively reweighted least squares, with a tiny ridge so that a column
    constant in the data (or separating it) does not stop the fit."""
    beta = np.zeros(x.shape[1])
    ridge = 1e-4 * np.eye(x.shape[1])
    ridge[0, 0] = 0.0
    converged = False
    hessian = x.T @ x + ridge
    for _ in range(iterations):
        eta = np.clip(x @ beta, -30, 30)
        p = 1 / (1 + np.exp(-eta))
        w = p * (1 - p)
        gradient = x.T @ (y - p) - ridge @ beta
        hessian = (x * w[:, None]).T @ x + ridge
        step = np.linalg.solve(hessian, gradient)
        beta = beta + step
        if float(np.max(np.abs(step))) < 1e-8:
            converged = True
            break
    covariance = np.linalg.inv(hessian)
    return beta, covariance, converged


def report(calibration: Calibration, dataset: str) -> str:
    """The calibration report, as Markdown."""
    lines = [
        f"# CRI calibration · {dataset}",
        "",
        f"Logistic regression of single bidding (R018) on the CRI components' bands, against band 0, controlling "
        f"for market, year, buyer type and size decile: {calibration.processes:,} processes, single-bid rate "
        f"{calibration.single_bid_rate:.1%}"
        + ("" if calibration.converged else " (the fit did not converge)")
        + ".",
        "",
    ]
    if calibration.note:
        lines += [calibration.note + ".", ""]
    if calibration.terms:
        lines += [
            "| Component | Band | Coefficient | Odds ratio | p | Processes | Weight |",
            "| --- | --- | ---: | ---: | ---: | ---: | ---: |",
        ]
        for t in calibration.terms:
            lines.append(
                f"| {t.component} | {t.band} | {t.coefficient:+.3f} | {math.exp(max(min(t.coefficient, 50), -50)):.2f} | "
                f"{t.p_value:.3g} | {t.processes:,} | {calibration.weights.get(t.component, 0.0):.2f} |"
            )
        lines += [
            "",
            "A component is valid when a risky band raises the odds of a single bid significantly (p < 0.05); its "
            "weight is its strongest such coefficient over the strongest of all. Single bidding keeps weight 1.",
        ]
    return "\n".join(lines) + "\n"
