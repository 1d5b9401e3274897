"""R028 Identical bid prices: different tenderers bid exactly the same price in one process."""

from __future__ import annotations

from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process, submitted


class R028(PerProcess):
    map_key = "ocid_tenderer_r028"
    code = "R028"
    title = "Identical bid prices"
    description = "Two different tenderers submitted bids with exactly the same price and currency."
    phase = "award"
    scheme = "bid rigging: coordinated pricing"
    legal_basis = both(
        "art. 12 (prohibited collusion)",
        "art. 7 (fair competition); Entrepreneurial Code art. 169",
        "Agreements between bidders that distort competition are prohibited.",
    )
    levels = (Level.process, Level.tenderer)
    fields = (
        "tender.procurementMethodDetails",
        "bids.details.status",
        "bids.details.value",
        "bids.details.tenderers",
    )
    cardinal = True

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        if not ctx.price_comparison(p):
            if not full:
                return None
            reason = f"procurement method details {p.details!r} do not compare prices"
            return [not_computable(Level.process, p.ocid, reason)], None
        prices: dict[tuple[float, str], frozenset[str]] = {}
        involved: set[str] = set()
        same: list[float] = []
        priced = 0
        for b in submitted(p.bids or []):
            if b.tenderers is None or b.amount is None or b.currency is None:
                continue
            ids = frozenset(b.tenderers)
            if not ids:
                continue
            priced += 1
            key = (b.amount, b.currency)
            earlier = prices.get(key)
            if earlier is not None and ids != earlier:
                involved |= ids | earlier
                same.append(b.amount)
            prices[key] = ids
        if involved:
            results = [
                flagged(Level.process, p.ocid, 1.0, prices=sorted(set(same)), tenderers=sorted(involved))
            ]
            results += [
                flagged(Level.tenderer, ctx.org(p, raw), 1.0, ocid=p.ocid) for raw in sorted(involved)
            ]
            return results, sorted(involved)
        if not full:
            return None
        if priced < 2:
            return [not_computable(Level.process, p.ocid, "fewer than two submitted bids with a price")], None
        return [not_flagged(Level.process, p.ocid)], None
