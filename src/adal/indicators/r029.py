"""R029 Bid prices deviate from Benford's Law: the first digits of a bidder's (or of a buyer's received)
bid prices are distributed unlike Benford's law, by Pearson's chi-square test."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, submitted

BENFORD = tuple(math.log10(1 + 1 / d) for d in range(1, 10))


@dataclass(frozen=True)
class R029Settings(Settings):
    minimum_prices: int = 100  # bid prices a subject needs for the test
    significance: float = 0.01  # flag when the chi-square test's p-value is at most this


def first_digit(amount: float) -> int:
    return int(f"{amount:e}"[0])


def survival_8(x: float) -> float:
    """P(X >= x) for a chi-square variable with 8 degrees of freedom (closed form for even degrees)."""
    half = x / 2
    return math.exp(-half) * sum(half**k / math.factorial(k) for k in range(4))


def benford(digits: list[int]) -> tuple[float, float, float, list[float]]:
    """(chi-square, p-value, mean absolute deviation, observed shares) of first digits against Benford."""
    n = len(digits)
    counts = [0] * 9
    for d in digits:
        counts[d - 1] += 1
    chi = sum((c - n * p) ** 2 / (n * p) for c, p in zip(counts, BENFORD, strict=True))
    shares = [c / n for c in counts]
    mad = sum(abs(s - p) for s, p in zip(shares, BENFORD, strict=True)) / 9
    return chi, survival_8(chi), mad, shares


class R029(Indicator):
    code = "R029"
    title = "Bid prices deviate from Benford's Law"
    description = "The first digits of the bid prices a bidder submits, or a buyer receives, do not follow Benford's law."
    phase = "award"
    scheme = "fabricated or coordinated bids: prices made up rather than costed"
    legal_basis = both(
        "art. 12 (prohibited collusion)",
        "art. 7 (fair competition); Entrepreneurial Code art. 169",
        "Potential suppliers may not collude on the prices they bid.",
    )
    levels = (Level.buyer, Level.tenderer)
    fields = ("buyer.id", "bids.details.status", "bids.details.value.amount", "bids.details.tenderers")
    settings = R029Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        prices = []
        for b in submitted(p.bids or []):
            if b.amount is not None and b.amount > 0 and math.isfinite(b.amount):
                prices.append((first_digit(b.amount), [ctx.org(p, t) for t in b.tenderers or ()]))
        if not prices:
            return None
        return (ctx.org(p, p.buyer) if p.buyer is not None else None), prices

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        digits: dict[tuple[Level, str], list[int]] = defaultdict(list)
        for _, (buyer, prices) in pieces:
            for digit, tenderers in prices:
                if buyer is not None:
                    digits[(Level.buyer, buyer)].append(digit)
                for tenderer in tenderers:
                    digits[(Level.tenderer, tenderer)].append(digit)
        minimum, significance = settings.minimum_prices, settings.significance
        for (level, subject), found in digits.items():
            if len(found) < minimum:
                if ctx.full:
                    reason = f"{len(found)} bid price(s), fewer than {minimum}"
                    out.results.append(not_computable(level, subject, reason))
                continue
            chi, p_value, mad, shares = benford(found)
            evidence = {
                "prices": len(found),
                "p_value": round(p_value, 6),
                "mad": round(mad, 4),
                "first_digit_shares": [round(s, 4) for s in shares],
            }
            if p_value <= significance:
                out.results.append(flagged(level, subject, round(chi, 4), **evidence))
            elif ctx.full:
                out.results.append(not_flagged(level, subject, round(chi, 4), **evidence))
        return out
