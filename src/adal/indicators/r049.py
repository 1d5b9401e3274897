"""R049 Direct awards below threshold: a buyer gives one supplier several direct awards for the same item class
within a short window, each just under the threshold of a competitive method, together above it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators import _thresholds as th
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, objects


@dataclass(frozen=True)
class R049Settings(th.ThresholdSettings):
    procurement_methods: frozenset[str] = frozenset({"direct"})  # tender.procurementMethod of direct awards
    window_days: int = 90  # awards this many days apart or fewer make one run
    minimum_awards: int = 2  # a run needs at least this many awards
    margin: float = 0.2  # "just under": within this share below the threshold
    same_class: bool = True  # a run is of one item class (False: any items)
    digits: int = 0  # item class: the first N characters of the classification id; 0: the whole id


class R049(Indicator):
    code = "R049"
    title = "Direct awards below threshold"
    description = (
        "A buyer gives one supplier several direct awards for the same item class within a short window, "
        "each just under the threshold of a competitive method and together above it."
    )
    phase = "award"
    scheme = "contract splitting: direct awards to a favoured supplier kept under a method threshold"
    legal_basis = both(
        "art. 13 (methods); art. 39 (single-source purchases); art. 43 (annual volume limit)",
        "art. 10 p. 4 (annual volume limit; splitting forbidden); art. 16 (single-source grounds)",
        "A purchase may not be split to avoid the method its total value requires.",
    )
    levels = (Level.process, Level.buyer, Level.tenderer)
    fields = (
        "buyer.id",
        "tender.procurementMethod",
        "awards.status",
        "awards.value",
        "awards.date",
        "awards.suppliers",
        "awards.items.classification.id",
        "tender.items.classification.id",
    )
    settings = R049Settings
    cardinal = False

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        why = th.screen(p, settings, buyer=True)
        if why is not None or p.buyer is None:
            return ("x", why or "no buyer.id") if full else None
        raw_awards = objects(p.release, "awards")
        tender_class = th.tender_class(p, settings.digits)
        found = []
        for a, raw in zip(p.awards or (), raw_awards, strict=False):
            if a.status != "active" or a.amount is None or a.currency is None:
                continue
            if a.suppliers is None or a.n_suppliers != 1 or len(a.suppliers) != 1:
                continue
            day = th.day_of(a.date)
            if day is None:
                continue
            if not full and a.currency == settings.currency:
                limit = th.threshold_on(day, settings)
                if limit is None or not th.band(a.amount, limit, settings.margin):
                    continue  # cannot be part of a run: nothing to keep
            item_class = th.item_class(objects(raw, "items"), settings.digits) or tender_class
            if item_class is None and settings.same_class:
                continue
            key = item_class if settings.same_class else ""
            found.append((ctx.org(p, a.suppliers[0]), key, a.amount, a.currency, day.isoformat()))
        if not found:
            reason = "no active award with one supplier, a value, a date and an item classification"
            return ("x", reason) if full else None
        return ("v", ctx.org(p, p.buyer), found)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        full = ctx.full
        groups: dict[tuple[str, str, str], list[th.Purchase]] = defaultdict(list)
        seen: dict[str, dict[str, Any]] = {}  # ocid -> its award amounts and threshold
        orgs: list[tuple[Level, str]] = []
        for ocid, piece in pieces:
            if piece[0] == "x":
                out.results.append(not_computable(Level.process, ocid, piece[1]))
                continue
            _, buyer, awards = piece
            usable = False
            for supplier, item_class, raw, currency, date in awards:
                amount = th.in_currency(ctx, raw, currency, settings.currency, date)
                day = th.day_of(date)
                limit = th.threshold_on(day, settings) if day is not None else None
                if amount is None or limit is None or day is None:
                    continue
                usable = True
                orgs += [(Level.buyer, buyer), (Level.tenderer, supplier)]
                seen.setdefault(ocid, {"amounts": [], "threshold": limit.kzt})["amounts"].append(amount)
                if th.band(amount, limit, settings.margin):
                    groups[(buyer, supplier, item_class)].append(th.Purchase(ocid, day, amount, limit))
            if not usable and full:
                reason = f"no award value in {settings.currency} (or convertible) on a day with a known MRP"
                out.results.append(not_computable(Level.process, ocid, reason))
        best: dict[tuple[Level, str], tuple[float, dict[str, Any]]] = {}
        by_process: dict[str, tuple[float, dict[str, Any]]] = {}
        for (buyer, supplier, item_class), purchases in sorted(groups.items()):
            for split in th.splits(purchases, settings.window_days, settings.minimum_awards):
                evidence = {"buyer": buyer, "supplier": supplier, "classification": item_class or None}
                evidence |= split.evidence()
                for key in ((Level.buyer, buyer), (Level.tenderer, supplier)):
                    if key not in best or split.ratio > best[key][0]:
                        best[key] = (split.ratio, evidence)
                for x in split.purchases:
                    if x.ocid not in by_process or split.ratio > by_process[x.ocid][0]:
                        by_process[x.ocid] = (split.ratio, evidence)
        for ocid, (ratio, evidence) in by_process.items():
            out.results.append(flagged(Level.process, ocid, ratio, **evidence))
        if full:
            for ocid, evidence in seen.items():
                if ocid not in by_process:
                    out.results.append(not_flagged(Level.process, ocid, None, **evidence))
        for level, who in dict.fromkeys(orgs):
            if (level, who) in best:
                ratio, evidence = best[(level, who)]
                out.results.append(flagged(level, who, ratio, **evidence))
            elif full:
                out.results.append(not_flagged(level, who, None))
        return out
