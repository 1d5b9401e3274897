"""R023 Fixed-multiple bid prices: the bids of a procedure, in order, step up by one fixed amount or one
fixed ratio, as bids written from one price list are."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process
from adal.indicators.r022 import offers


@dataclass(frozen=True)
class R023Settings(Settings):
    minimum_bids: int = 3  # tenderers' bids needed: two prices always differ by some multiple
    tolerance: float = 0.001  # steps equal within this share of the lowest bid (or of the ratio)


class R023(PerProcess):
    code = "R023"
    title = "Fixed-multiple bid prices"
    description = (
        "The bids of one procedure step up from the lowest by one fixed amount or one fixed ratio, "
        "as prices written by one hand do."
    )
    phase = "award"
    scheme = "bid rigging: cover bids computed from the designated winner's price"
    legal_basis = both(
        "art. 12 (prohibited collusion)",
        "art. 7 (fair competition); Entrepreneurial Code art. 169",
        "Potential suppliers may not collude on the prices they bid.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethodDetails",
        "bids.details.status",
        "bids.details.value",
        "bids.details.tenderers",
    )
    settings = R023Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        if not ctx.price_comparison(p):
            if not full:
                return None
            reason = f"procurement method details {p.details!r} do not compare prices"
            return [not_computable(Level.process, p.ocid, reason)], None
        found = offers(p)
        if len({currency for _, _, currency, _ in found}) > 1:
            return (
                ([not_computable(Level.process, p.ocid, "bids in more than one currency")], None)
                if full
                else None
            )
        best: dict[str, float] = {}
        for key, amount, _, _ in found:
            best[key] = min(best.get(key, amount), amount)
        minimum = max(settings.minimum_bids, 3)
        if len(best) < minimum:
            if not full:
                return None
            reason = f"{len(best)} tenderers' submitted bids with a price, fewer than {minimum}"
            return [not_computable(Level.process, p.ocid, reason)], None
        prices = sorted(best.values())
        steps = [b - a for a, b in itertools.pairwise(prices)]
        ratios = [b / a for a, b in itertools.pairwise(prices)]
        tolerance = settings.tolerance
        pattern = None
        if min(steps) > 0:
            if max(steps) - min(steps) <= tolerance * prices[0]:
                pattern, value = "fixed amount", steps[0] / prices[0]
            elif max(ratios) - min(ratios) <= tolerance:
                pattern, value = "fixed ratio", ratios[0] - 1
        if pattern is not None:
            evidence = {"pattern": pattern, "prices": prices, "tolerance": tolerance}
            return [flagged(Level.process, p.ocid, round(value, 6), **evidence)], None
        if not full:
            return None
        return [not_flagged(Level.process, p.ocid, None, bids=len(prices))], None
