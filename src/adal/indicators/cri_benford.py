"""CRI-BENFORD Amounts that do not follow Benford's law: the first digits of a buyer's award amounts depart from
Benford's distribution by more than Nigrini's nonconformity threshold."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, number, objects, text

EXPECTED = tuple(math.log10(1 + 1 / d) for d in range(1, 10))


@dataclass(frozen=True)
class CriBenfordSettings(Settings):
    threshold: float = (
        0.015  # flag a mean absolute deviation at least this (Nigrini: above 0.015 nonconformity)
    )
    minimum_amounts: int = 100  # buyers with fewer amounts are not judged
    minimum_amount: float = 10.0  # smaller amounts are left out (Nigrini's first-digit test)


def first_digit(amount: float) -> int:
    return int(f"{amount:.14e}"[0])


def mad(counts: list[int]) -> float:
    """Mean absolute deviation of the first-digit proportions from Benford's (Nigrini)."""
    n = sum(counts)
    return sum(abs(c / n - e) for c, e in zip(counts, EXPECTED, strict=True)) / 9


class CriBenford(Indicator):
    code = "CRI-BENFORD"
    title = "Amounts that do not follow Benford's law"
    description = "The first digits of a buyer's award amounts depart from Benford's law, as invented or steered figures do."
    phase = "award"
    scheme = "manipulated amounts: prices set to stay under thresholds or invented rather than competed"
    legal_basis = both(
        "art. 4 (principles: efficient and economical use of budget money)",
        "art. 4 (principles of public procurement)",
        "Public money must be spent efficiently; amounts shaped by hand rather than by markets are a reason to audit.",
    )
    levels = (Level.buyer,)
    fields = (
        "buyer.id",
        "awards.status",
        "awards.value.amount",
        "contracts.status",
        "contracts.value.amount",
    )
    settings = CriBenfordSettings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        if p.buyer is None:
            return None
        low = settings.minimum_amount
        amounts = [a.amount for a in p.awards or () if a.status == "active" and a.amount is not None]
        if not amounts:
            for c in objects(p.release, "contracts"):
                value = number(c, "value", "amount")
                if value is not None and text(c, "status") != "cancelled":
                    amounts.append(value)
        digits = [first_digit(x) for x in amounts if math.isfinite(x) and x >= low]
        if not digits and not ctx.full:
            return None
        return ctx.org(p, p.buyer), digits

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        counts: dict[str, list[int]] = defaultdict(lambda: [0] * 9)
        for _, (buyer, digits) in pieces:
            row = counts[buyer]
            for d in digits:
                row[d - 1] += 1
        minimum, threshold = settings.minimum_amounts, settings.threshold
        for buyer, row in sorted(counts.items()):
            n = sum(row)
            if n < minimum:
                if ctx.full:
                    reason = f"{n} amount(s) of at least {settings.minimum_amount:g}, fewer than {minimum}"
                    out.results.append(not_computable(Level.buyer, buyer, reason))
                continue
            value = mad(row)
            evidence = {
                "amounts": n,
                "first_digits": dict(zip("123456789", row, strict=True)),
                "threshold": threshold,
            }
            if value >= threshold:
                out.results.append(flagged(Level.buyer, buyer, round(value, 6), **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.buyer, buyer, round(value, 6), **evidence))
        return out
