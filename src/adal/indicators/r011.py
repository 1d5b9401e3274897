"""R011 Splitting purchases to avoid procurement thresholds: one buyer makes several purchases of the same item
class within a short window, each just under the threshold of a more competitive method, together above it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators import _thresholds as th
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R011Settings(th.ThresholdSettings):
    window_days: int = 90  # purchases this many days apart or fewer make one run
    minimum_purchases: int = 2  # a run needs at least this many purchases
    margin: float = 0.2  # "just under": within this share below the threshold
    digits: int = 0  # item class: the first N characters of the classification id; 0: the whole id
    procurement_methods: frozenset[str] = frozenset()  # tender.procurementMethod values looked at; empty: all


class R011(Indicator):
    code = "R011"
    title = "Splitting purchases to avoid procurement thresholds"
    description = (
        "A buyer makes several purchases of the same item class within a short window, each just under the "
        "threshold of a more competitive method and together above it."
    )
    phase = "tender"
    scheme = "contract splitting: one need bought in parts to stay under a method threshold"
    legal_basis = both(
        "art. 13 (methods); art. 43 (request for price quotations, annual volume of homogeneous goods)",
        "art. 10 p. 4 (request for price offers: annual volume of homogeneous goods; splitting forbidden)",
        "The method follows the annual volume of homogeneous goods, works or services; splitting a "
        "purchase to fit a threshold is forbidden.",
    )
    levels = (Level.process, Level.buyer)
    fields = (
        "buyer.id",
        "tender.value",
        "tender.items.classification.id",
        "tender.datePublished",
        "tender.tenderPeriod.startDate",
        "tender.procurementMethod",
    )
    settings = R011Settings
    cardinal = False

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        why = th.screen(p, settings, buyer=True)
        if why is not None or p.buyer is None:
            return ("x", why or "no buyer.id") if full else None
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
        item_class = th.tender_class(p, settings.digits)
        if item_class is None:
            return ("x", "no item classification in tender.items") if full else None
        amount, currency = value
        if not full and currency == settings.currency:
            limit = th.threshold_on(day, settings)
            if limit is None or not th.band(amount, limit, settings.margin):
                return None
        return ("v", ctx.org(p, p.buyer), item_class, amount, currency, day.isoformat())

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        full = ctx.full
        groups: dict[tuple[str, str], list[th.Purchase]] = defaultdict(list)
        others: dict[
            str, tuple[str, dict[str, Any]]
        ] = {}  # ocid -> buyer, evidence (not under the threshold)
        buyers: list[str] = []
        for ocid, piece in pieces:
            if piece[0] == "x":
                out.results.append(not_computable(Level.process, ocid, piece[1]))
                continue
            _, buyer, item_class, raw, currency, date = piece
            amount = th.in_currency(ctx, raw, currency, settings.currency, date)
            day = th.day_of(date)
            limit = th.threshold_on(day, settings) if day is not None else None
            if amount is None or limit is None or day is None:
                if full:
                    reason = (
                        f"tender value in {currency} cannot be converted to {settings.currency}"
                        if amount is None
                        else f"no MRP known on {date}"
                    )
                    out.results.append(not_computable(Level.process, ocid, reason))
                continue
            buyers.append(buyer)
            if th.band(amount, limit, settings.margin):
                groups[(buyer, item_class)].append(th.Purchase(ocid, day, amount, limit))
            elif full:
                others[ocid] = (
                    buyer,
                    {"amount": amount, "threshold": limit.kzt, "classification": item_class},
                )
        best: dict[str, tuple[float, str, th.Split]] = {}  # buyer -> its largest run
        by_process: dict[str, tuple[float, str, th.Split]] = {}
        alone: list[tuple[str, str, th.Purchase]] = []
        for (buyer, item_class), purchases in sorted(groups.items()):
            found = th.splits(purchases, settings.window_days, settings.minimum_purchases)
            for split in found:
                if buyer not in best or split.ratio > best[buyer][0]:
                    best[buyer] = (split.ratio, item_class, split)
                for x in split.purchases:
                    if x.ocid not in by_process or split.ratio > by_process[x.ocid][0]:
                        by_process[x.ocid] = (split.ratio, item_class, split)
            if full:
                alone += [(buyer, item_class, x) for x in purchases]
        for ocid, (ratio, item_class, split) in by_process.items():
            out.results.append(
                flagged(Level.process, ocid, ratio, classification=item_class, **split.evidence())
            )
        for _buyer, item_class, x in alone:
            if x.ocid not in by_process:
                evidence = {"amount": x.amount, "threshold": x.limit.kzt, "classification": item_class}
                out.results.append(not_flagged(Level.process, x.ocid, None, **evidence))
        for ocid, (_, evidence) in others.items():
            out.results.append(not_flagged(Level.process, ocid, None, **evidence))
        for buyer in dict.fromkeys(buyers):
            if buyer in best:
                ratio, item_class, split = best[buyer]
                out.results.append(
                    flagged(Level.buyer, buyer, ratio, classification=item_class, **split.evidence())
                )
            elif full:
                out.results.append(not_flagged(Level.buyer, buyer, None))
        return out
