"""R013 High use of non-competitive methods: a buyer's share of non-competitive procedures is high next to other
buyers' (or above a set share)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process
from adal.indicators.stats import quantile, upper_fence


@dataclass(frozen=True)
class R013Settings(Settings):
    procurement_methods: frozenset[str] = frozenset({"direct"})  # non-competitive tender.procurementMethod
    threshold: float | None = None  # flag a share at or above this; default: the upper Tukey fence
    minimum_processes: int = 10  # buyers with fewer processes (with a method) are not compared


class R013(Indicator):
    code = "R013"
    title = "High use of non-competitive methods"
    description = (
        "A buyer uses non-competitive procedures for a share of its purchases that is high next to other "
        "buyers."
    )
    phase = "tender"
    scheme = "avoiding competition as a habit: a buyer that routinely awards directly"
    legal_basis = both(
        "art. 13 (methods); art. 39 (single-source purchases only on listed grounds)",
        "art. 10 (methods); art. 16 (single-source purchases only on listed grounds)",
        "Competitive methods are the rule; a single source is the exception on listed grounds.",
    )
    levels = (Level.buyer,)
    fields = ("buyer.id", "tender.procurementMethod")
    settings = R013Settings
    cardinal = False

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        if p.buyer is None or p.method is None:
            return None
        return ctx.org(p, p.buyer), p.method in settings.procurement_methods

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        total: dict[str, int] = defaultdict(int)
        direct: dict[str, int] = defaultdict(int)
        for _, (buyer, non_competitive) in pieces:
            total[buyer] += 1
            direct[buyer] += non_competitive
        minimum = settings.minimum_processes
        shares = {b: direct[b] / n for b, n in total.items() if n >= minimum}
        spread = True
        if settings.threshold is None:
            values = list(shares.values())
            q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
            out.meta |= {"q1": q1, "q3": q3}
            fence = upper_fence(q1, q3)
            spread = q3 > q1  # a fence over a zero spread flags nothing
        else:
            fence = float(settings.threshold)
        out.meta["upper_fence"] = fence
        for buyer, n in total.items():
            if buyer not in shares:
                if ctx.full:
                    reason = f"{n} process(es) with a procurement method, fewer than {minimum}"
                    out.results.append(not_computable(Level.buyer, buyer, reason))
                continue
            share = shares[buyer]
            evidence = {"non_competitive": direct[buyer], "processes": n, "threshold": fence}
            if spread and share >= fence:
                out.results.append(flagged(Level.buyer, buyer, round(share, 4), **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.buyer, buyer, round(share, 4), **evidence))
        return out
