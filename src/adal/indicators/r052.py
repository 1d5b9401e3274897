"""R052 Small initial purchase from supplier followed by much larger purchases: a buyer's first award to a
supplier is small, and a much larger award to the same supplier follows."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators._supply import converter
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import day, flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R052Settings(Settings):
    ratio: float = 10.0  # the largest later award over the first award, inclusive
    window_days: int = 365  # later awards count within this many days after the first; 0: no limit
    # The first award's tender.procurementMethod must be one of these (non-competitive by default); empty: any.
    initial_methods: frozenset[str] = frozenset({"direct", "limited"})


# One award as the fold keeps it: (supplier, amount, currency, date, procurement method).
Purchase = tuple[str, float, str, str, str | None]


class R052(Indicator):
    code = "R052"
    title = "Small initial purchase from supplier followed by much larger purchases"
    description = (
        "A buyer's first award to a supplier is small, and an award many times larger to the same supplier "
        "follows."
    )
    phase = "award"
    scheme = "foot in the door: a small purchase makes a favoured supplier the incumbent for larger ones"
    legal_basis = both(
        "principles: fair competition (article number not checked); art. 39 (single-source purchases)",
        "art. 7 (fair competition); art. 16 (single-source purchases: the grounds)",
        "Purchases must be made competitively unless a ground for a single source applies; "
        "a first contract gives no right to the next.",
    )
    levels = (Level.buyer, Level.tenderer)
    fields = (
        "buyer.id",
        "tender.procurementMethod",
        "awards.status",
        "awards.suppliers.id",
        "awards.value",
        "awards.date",
    )
    settings = R052Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        if p.buyer is None or not p.awards:
            return None
        bought: list[Purchase] = []
        for award in p.awards:
            if (
                award.status != "active"
                or not award.suppliers
                or award.amount is None
                or award.currency is None
            ):
                continue
            d = day(award.date)
            if d is None or award.amount <= 0:
                continue
            for supplier in sorted({ctx.org(p, s) for s in award.suppliers}):
                bought.append((supplier, award.amount, award.currency, d.isoformat(), p.method))
        return (ctx.org(p, p.buyer), bought) if bought else None

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        convert = converter(ctx, (b[2] for _, (_, bought) in pieces for b in bought))
        pairs: dict[tuple[str, str], list[tuple[str, int, float, str, str | None]]] = defaultdict(list)
        for n, (ocid, (buyer, bought)) in enumerate(pieces):
            for supplier, amount, currency, date, method in bought:
                value = convert(amount, currency, date)
                if value is not None:
                    pairs[(buyer, supplier)].append((date, n, value, ocid, method))
        best: dict[tuple[Level, str], tuple[float, dict[str, Any]]] = {}
        seen: set[tuple[Level, str]] = set()
        for (buyer, supplier), awards in sorted(pairs.items()):
            seen.update({(Level.buyer, buyer), (Level.tenderer, supplier)})
            awards.sort()
            first = awards[0]
            if settings.initial_methods and first[4] not in settings.initial_methods:
                continue
            start = dt.date.fromisoformat(first[0])
            later = [
                a
                for a in awards[1:]
                if a[0] > first[0]
                and (
                    settings.window_days <= 0
                    or (dt.date.fromisoformat(a[0]) - start).days <= settings.window_days
                )
            ]
            if not later:
                continue
            largest = min(later, key=lambda a: (-a[2], a[0], a[1]))
            ratio = largest[2] / first[2]
            evidence = {
                "first": {"ocid": first[3], "date": first[0], "amount": first[2]},
                "largest_later": {"ocid": largest[3], "date": largest[0], "amount": largest[2]},
                "later_awards": len(later),
                "threshold": settings.ratio,
            }
            for key, other in (((Level.buyer, buyer), supplier), ((Level.tenderer, supplier), buyer)):
                if key not in best or ratio > best[key][0]:
                    best[key] = (ratio, {"counterpart": other, **evidence})
        for (level, subject), (ratio, evidence) in sorted(best.items()):
            if ratio >= settings.ratio:
                out.results.append(flagged(level, subject, ratio, **evidence))
            elif ctx.full:
                out.results.append(not_flagged(level, subject, ratio, **evidence))
        if ctx.full:
            methods = "|".join(sorted(settings.initial_methods))
            opening = f"first award ({methods})" if methods else "first award"
            days = f" within {settings.window_days} days" if settings.window_days > 0 else ""
            why = f"no buyer–supplier pair whose {opening} is followed by another{days}"
            for level, subject in sorted(seen - set(best)):
                out.results.append(not_computable(level, subject, why))
        return out
