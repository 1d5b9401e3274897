"""R016 Tender value is higher or lower than average for the item category: a tender's estimated unit
prices lie outside the fences of the same classification's estimates, or far from the reference price."""

from __future__ import annotations

from typing import Any

from adal.indicators._law import both
from adal.indicators._prices import UnitPriceSettings, judge_lines, lines_of
from adal.indicators.base import Indicator, Level
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, objects, text


class R016(Indicator):
    code = "R016"
    title = "Tender value is higher or lower than average for the item category"
    description = (
        "A tender's estimated unit price is far above or below what other tenders estimate for the same "
        "item, or than its reference price."
    )
    phase = "tender"
    scheme = (
        "inflated estimate leaving room for an overpriced award, or a low one that only an insider can meet"
    )
    legal_basis = both(
        "art. 4 (principles: optimal and efficient spending of money); "
        "Rules of public procurement (the amount allocated and market price study)",
        "art. 5 (principles: efficient spending of budget money); "
        "Rules of public procurement, order of the Minister of Finance No. 687 of 9 October 2024 (market price study)",
        "The amount allocated for a purchase is set from market prices, and money is to be spent efficiently.",
    )
    levels = (Level.process,)
    fields = (
        "tender.items.classification.id",
        "tender.items.unit.value",
        "tender.items.quantity",
        "tender.value",
        "tender.tenderPeriod.startDate",
    )
    settings = UnitPriceSettings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        if not p.has_tender:
            return ([], "no tender") if ctx.full else None
        tender = p.release["tender"]
        date = p.period_start or text(p.release, "date")
        lines, reason = lines_of(objects(tender, "items"), tender.get("value"), date)
        if not lines and not ctx.full:
            return None
        return lines, (f"tender: {reason}" if reason else None)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        out.results = judge_lines(ctx, pieces, settings, "tender lines")
        return out
