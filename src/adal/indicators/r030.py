"""R030 Late bid won: a bid submitted after the tender period closed was the winning bid."""

from __future__ import annotations

from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process


class R030(PerProcess):
    map_key = "ocid_tenderer_r030"
    code = "R030"
    title = "Late bid won"
    description = "A valid bid dated after the tender period's end belongs to a winning supplier."
    phase = "award"
    scheme = "favouritism: a late bid accepted for a favoured supplier"
    legal_basis = both(
        "art. 21 (bids received after the deadline are not accepted)",
        "art. 10; Rules of public procurement (bids after the deadline are not accepted)",
        "Bids submitted after the deadline must be rejected.",
    )
    levels = (Level.process, Level.tenderer)
    fields = (
        "bids.details.status",
        "tender.tenderPeriod.endDate",
        "awards.status",
        "awards.suppliers",
        "bids.details.date",
        "bids.details.tenderers",
    )
    cardinal = True

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        end = p.period_end
        if end is None or p.awards is None or p.bids is None:
            if not ctx.full:
                return None
            what = "tender period end date" if end is None else ("awards" if p.awards is None else "bids")
            return [not_computable(Level.process, p.ocid, f"no {what}")], None
        winners = {s for a in p.awards if a.status == "active" for s in (a.suppliers or ())}
        late: set[str] = set()
        for b in p.bids:
            # Compared as text, as Cardinal does: the same format on both sides is assumed.
            if b.status == "valid" and b.date is not None and b.tenderers is not None and b.date > end:
                late |= {t for t in b.tenderers if t in winners}
        if late:
            results = [flagged(Level.process, p.ocid, 1.0, tender_period_end=end, late_winners=sorted(late))]
            results += [flagged(Level.tenderer, ctx.org(p, raw), 1.0, ocid=p.ocid) for raw in sorted(late)]
            return results, sorted(late)
        return ([not_flagged(Level.process, p.ocid)], None) if ctx.full else None
