"""R002 Manipulation of procurement thresholds: a purchase's estimated value sits just under the threshold
above which a more competitive method is required."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _thresholds as th
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R002Settings(th.ThresholdSettings):
    margin: float = 0.1  # "just under": within this share below the threshold
    procurement_methods: frozenset[str] = frozenset()  # tender.procurementMethod values looked at; empty: all


class R002(Indicator):
    code = "R002"
    title = "Manipulation of procurement thresholds"
    description = (
        "The estimated value of a purchase is just under the threshold above which a more competitive "
        "procurement method is required."
    )
    phase = "planning"
    scheme = "threshold manipulation: the estimate set just low enough to use a less competitive method"
    legal_basis = both(
        "art. 13 (methods); art. 43 (request for price quotations, annual volume limit)",
        "art. 10 p. 4 (request for price offers up to 8,000 MRP a year; splitting forbidden)",
        "A less competitive method is allowed only under a value limit set in MRP.",
    )
    levels = (Level.process,)
    fields = (
        "tender.value",
        "tender.datePublished",
        "tender.tenderPeriod.startDate",
        "tender.procurementMethod",
    )
    settings = R002Settings
    cardinal = False

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        why = th.screen(p, settings, buyer=False)
        if why is not None:
            return ("x", why) if full else None
        value = th.tender_amount(p)
        if value is None:
            return ("x", "tender.value has no numeric amount and currency") if full else None
        day = th.tender_day(p)
        if day is None:
            return (
                ("x", "no tender date (tender.datePublished or tender.tenderPeriod.startDate)")
                if full
                else None
            )
        amount, currency = value
        if not full and currency == settings.currency:
            limit = th.threshold_on(day, settings)
            if limit is None or not th.band(amount, limit, settings.margin):
                return None
        return ("v", amount, currency, day.isoformat())

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        full = ctx.full
        for ocid, piece in pieces:
            if piece[0] == "x":
                out.results.append(not_computable(Level.process, ocid, piece[1]))
                continue
            _, raw, currency, date = piece
            amount = th.in_currency(ctx, raw, currency, settings.currency, date)
            if amount is None:
                if full:
                    reason = f"tender value in {currency} cannot be converted to {settings.currency}"
                    out.results.append(not_computable(Level.process, ocid, reason))
                continue
            day = th.day_of(date)
            limit = th.threshold_on(day, settings) if day is not None else None
            if limit is None:
                if full:
                    out.results.append(not_computable(Level.process, ocid, f"no MRP known on {date}"))
                continue
            evidence: dict[str, Any] = {
                "amount": amount,
                "threshold": limit.kzt,
                "threshold_mrp": limit.mrp_count,
                "mrp": limit.mrp,
                "date": date,
                "margin": settings.margin,
            }
            ratio = round(amount / limit.kzt, 4) if limit.kzt else 0.0
            if th.band(amount, limit, settings.margin):
                out.results.append(flagged(Level.process, ocid, ratio, **evidence))
            elif full:
                out.results.append(not_flagged(Level.process, ocid, ratio, **evidence))
        return out
