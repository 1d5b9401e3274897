"""R048 Heterogeneous supplier: a supplier wins contracts for an unusual variety of goods and services."""

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
class R048Settings(Settings):
    digits: int = 2  # classification code prefix length that makes a "kind" of item
    threshold: int | None = (
        None  # flag suppliers with at least this many kinds; default: the upper Tukey fence
    )
    minimum_contracting_processes: int = 20  # suppliers with fewer awarded processes are not compared


class R048(Indicator):
    code = "R048"
    title = "Heterogeneous supplier"
    description = (
        "A supplier is awarded items of many unrelated kinds, as shell or intermediary companies are."
    )
    phase = "award"
    scheme = "shell or intermediary company winning whatever a favouring buyer buys"
    legal_basis = both(
        "art. 9 (qualification requirements: experience in the subject of the purchase)",
        "art. 10; Rules of public procurement (qualification requirements)",
        "A supplier must be qualified for what it supplies.",
    )
    levels = (Level.tenderer,)
    fields = ("awards.status", "awards.suppliers", "awards.items.classification.id")
    settings = R048Settings
    cardinal = True

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        digits = settings.digits
        codes: dict[str, set[str]] = {}
        for a in p.awards or ():
            if a.status != "active" or a.classifications is None:
                continue
            if a.suppliers is None or a.n_suppliers != 1 or len(a.suppliers) != 1:
                continue
            if a.classifications:
                codes.setdefault(ctx.org(p, a.suppliers[0]), set()).update(
                    c[:digits] for c in a.classifications
                )
        return list(codes.items()) or None

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        count: dict[str, int] = defaultdict(int)
        codes: dict[str, set[str]] = defaultdict(set)
        for _, piece in pieces:
            for supplier, kinds in piece:
                count[supplier] += 1
                codes[supplier] |= kinds
        minimum = settings.minimum_contracting_processes
        lengths = {s: float(len(codes[s])) for s in count if count[s] >= minimum}
        if settings.threshold is None:
            values = list(lengths.values())
            q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
            out.meta |= {"q1": q1, "q3": q3}
            fence = upper_fence(q1, q3)
        else:
            fence = float(settings.threshold)
        out.meta["upper_fence"] = fence
        for s, n in count.items():
            if s not in lengths:
                if ctx.full:
                    out.results.append(
                        not_computable(Level.tenderer, s, f"{n} awarded process(es), fewer than {minimum}")
                    )
                continue
            kinds = lengths[s]
            evidence = {"processes": n, "upper_fence": fence}
            if kinds >= fence:
                out.results.append(flagged(Level.tenderer, s, kinds, kinds=sorted(codes[s]), **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.tenderer, s, kinds, **evidence))
        return out
