"""R014 Short time between tender advertising and bid opening: bids are opened sooner after the announcement than
the law's minimum for the method."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged, rfc3339_ns, whole_days
from adal.indicators.engine import Folding
from adal.indicators.facts import Process, text

_LAW_2024_NS = rfc3339_ns("2025-01-01T00:00:00+05:00") or 0  # in force from the first day, Kazakh time


@dataclass(frozen=True)
class R014Settings(Settings):
    tender_days_2015: int = 15  # tenders and auctions announced until 2024-12-31
    tender_days_2024: int = 7  # tenders and auctions announced from 2025-01-01 (as practised; see the page)
    price_offers_days_2015: int = 5  # requests for price offers announced until 2024-12-31
    price_offers_days_2024: int = 2  # requests for price offers announced from 2025-01-01
    price_offers_details: frozenset[str] = frozenset(
        {"Запрос ценовых предложений"}
    )  # procurementMethodDetails
    procurement_methods: frozenset[str] = frozenset({"open", "selective"})  # looked at; empty: all


class R014(PerProcess):
    code = "R014"
    title = "Short time between tender advertising and bid opening"
    description = (
        "Bids are opened sooner after the tender was advertised than the minimum the law sets for the "
        "procurement method."
    )
    phase = "tender"
    scheme = "restricting competition: too little time for bidders other than a forewarned one"
    legal_basis = both(
        "art. 20 (tender announcement and the period for applications); art. 43 (price quotations)",
        "art. 10; Rules of public procurement, order of the Minister of Finance No. 687 of 9 October 2024",
        "Minimum periods between the announcement and the opening of bids, by method.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethod",
        "tender.procurementMethodDetails",
        "tender.datePublished",
        "tender.tenderPeriod",
        "tender.bidOpening.date",
    )
    settings = R014Settings
    cardinal = False

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        if not p.has_tender:
            return ([not_computable(Level.process, p.ocid, "no tender")], None) if full else None
        methods = settings.procurement_methods
        if methods and (p.method is None or p.method not in methods):
            reason = f"procurement method {p.method!r} is not among {sorted(methods)}"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        published = text(p.release, "tender", "datePublished")
        advertised, advertised_field = (
            (published, "tender.datePublished")
            if published is not None
            else (p.period_start, "tenderPeriod.startDate")
        )
        opening_date = text(p.release, "tender", "bidOpening", "date")
        opening, opening_field = (
            (opening_date, "tender.bidOpening.date")
            if opening_date is not None
            else (p.period_end, "tenderPeriod.endDate")
        )
        start = rfc3339_ns(advertised) if advertised is not None else None
        end = rfc3339_ns(opening) if opening is not None else None
        if start is None or end is None:
            which = "advertising" if start is None else "bid opening"
            reason = f"{which} date missing or not RFC 3339"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        law_2024 = start >= _LAW_2024_NS
        if p.details is not None and p.details in settings.price_offers_details:
            minimum = settings.price_offers_days_2024 if law_2024 else settings.price_offers_days_2015
        else:
            minimum = settings.tender_days_2024 if law_2024 else settings.tender_days_2015
        days = whole_days(start, end)
        evidence = {"days": days, "minimum": minimum, "from": advertised_field, "to": opening_field}
        if days < minimum:
            return [flagged(Level.process, p.ocid, float(days), **evidence)], None
        return ([not_flagged(Level.process, p.ocid, float(days), **evidence)], None) if full else None
