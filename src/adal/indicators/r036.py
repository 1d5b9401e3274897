"""R036 Lowest bid disqualified: the cheapest bid was disqualified while a valid bid won."""

from __future__ import annotations

from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, submitted


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
    fields = (
        "tender.procurementMethodDetails",
        "awards.status",
        "bids.details.status",
        "bids.details.value",
    )
    cardinal = True

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        if not ctx.price_comparison(p):
            return f"procurement method details {p.details!r} do not compare prices"
        if p.awards is None or not any(a.status == "active" for a in p.awards):
            return "no active award"
        return [
            (b.amount, b.currency, b.status, b.date)
            for b in submitted(p.bids or [])
            if b.amount is not None and b.currency is not None
        ]

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        for ocid, piece in pieces:
            if isinstance(piece, str):
                if ctx.full:
                    out.results.append(not_computable(Level.process, ocid, piece))
                continue
            lowest: float | None = None
            lowest_disqualified = False
            has_valid = False
            for bid_amount, currency, status, date in piece:
                amount = ctx.money(bid_amount, currency, date)
                if amount is None:
                    continue
                if lowest is None or amount < lowest:
                    lowest, lowest_disqualified = amount, status == "disqualified"
                has_valid = has_valid or status == "valid"
            if has_valid and lowest_disqualified:
                out.results.append(flagged(Level.process, ocid, 1.0, lowest_bid=lowest))
            elif ctx.full:
                if lowest is None:
                    reason = "no submitted bid with a value in the main currency"
                    out.results.append(not_computable(Level.process, ocid, reason))
                else:
                    out.results.append(not_flagged(Level.process, ocid, None, lowest_bid=lowest))
        return out
