"""R036 Lowest bid disqualified: the cheapest bid was disqualified while a valid bid won."""

from __future__ import annotations

from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Outcome
from adal.indicators.facts import submitted


class R036(Indicator):
    code = "R036"
    title = "Lowest bid disqualified"
    description = "The lowest-priced bid was disqualified and a more expensive bid went on to win."
    phase = "award"
    scheme = "captured buyer: the cheapest rival disqualified to favour another"
    legal_basis = both(
        "art. 33 (grounds for rejecting bids)",
        "art. 10; Rules of public procurement (grounds for rejecting bids)",
        "Bids may be rejected only on the grounds the law lists.",
    )
    levels = (Level.process,)
    fields = ("awards.status", "bids.details.status", "bids.details.value")
    cardinal = True

    def compute(self, ctx: Context, settings: Any) -> Outcome:
        out = Outcome(self.code)
        full = ctx.full
        for p in ctx.processes:
            if not ctx.price_comparison(p):
                if full:
                    out.results.append(
                        not_computable(
                            Level.process,
                            p.ocid,
                            f"procurement method details {p.details!r} do not compare prices",
                        )
                    )
                continue
            if p.awards is None or not any(a.status == "active" for a in p.awards):
                if full:
                    out.results.append(not_computable(Level.process, p.ocid, "no active award"))
                continue
            lowest: float | None = None
            lowest_disqualified = False
            has_valid = False
            for b in submitted(p.bids or []):
                if b.amount is None or b.currency is None or not ctx.currency_ok(b.currency):
                    continue
                if lowest is None or b.amount < lowest:
                    lowest, lowest_disqualified = b.amount, b.status == "disqualified"
                has_valid = has_valid or b.status == "valid"
            if has_valid and lowest_disqualified:
                out.results.append(flagged(Level.process, p.ocid, 1.0, lowest_bid=lowest))
            elif full:
                if lowest is None:
                    out.results.append(
                        not_computable(
                            Level.process, p.ocid, "no submitted bid with a value in the main currency"
                        )
                    )
                else:
                    out.results.append(not_flagged(Level.process, p.ocid, None, lowest_bid=lowest))
        return out
