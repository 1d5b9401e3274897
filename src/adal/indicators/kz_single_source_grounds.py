"""KZ-SINGLE-SOURCE-GROUNDS Single source without a lawful ground: a direct purchase whose stated ground is not
one the procurement law in force on the tender date allows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _kzlaw
from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process, text


@dataclass(frozen=True)
class KzSingleSourceGroundsSettings(Settings):
    procurement_methods: frozenset[str] = frozenset({"direct"})  # tender.procurementMethod values looked at
    accepted: frozenset[str] = frozenset()  # further phrases accepted as lawful grounds (case-insensitive)


class KzSingleSourceGrounds(PerProcess):
    code = "KZ-SINGLE-SOURCE-GROUNDS"
    title = "Single source without a lawful ground"
    description = (
        "A single-source purchase states a ground that is not among those the procurement law in force "
        "on the tender date allows."
    )
    phase = "tender"
    scheme = "competition avoided: a purchase given directly to a chosen supplier on a pretext"
    legal_basis = both(
        "art. 39 (single-source purchases: the exhaustive list of grounds)",
        "art. 16 (single-source purchases: p. 2 after a failed procedure, p. 3 the direct-contract grounds)",
        "A purchase may be made from a single source only on the grounds the law lists.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethod",
        "tender.procurementMethodRationale",
        "tender.procurementMethodDetails",
        "tender.tenderPeriod.startDate",
        "tender.datePublished",
        "buyer.id",
        "tender.procuringEntity.id",
        "parties.identifier",
    )
    settings = KzSingleSourceGroundsSettings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        methods = settings.procurement_methods
        if p.method is None or p.method not in methods:
            if not ctx.full:
                return None
            reason = f"procurement method {p.method!r} is not among {sorted(methods)}"
            return [not_computable(Level.process, p.ocid, reason)], None
        if not _kzlaw.kazakh(p):
            return ([not_computable(Level.process, p.ocid, _kzlaw.NOT_KAZAKH)], None) if ctx.full else None
        stated = _kzlaw.stated_ground(text(p.release, "tender", "procurementMethodRationale"), p.details)
        if stated is None:
            if not ctx.full:
                return None
            reason = "no ground stated (procurementMethodRationale or procurementMethodDetails)"
            return [not_computable(Level.process, p.ocid, reason)], None
        day, _ = _kzlaw.tender_day(p.release)
        if day is None:
            if not ctx.full:
                return None
            reason = "no tender date (tender.tenderPeriod.startDate or tender.datePublished)"
            return [not_computable(Level.process, p.ocid, reason)], None
        law = _kzlaw.law_on(day)
        if law is None:
            if not ctx.full:
                return None
            reason = f"no procurement law known to adal was in force on {day.isoformat()}"
            return [not_computable(Level.process, p.ocid, reason)], None
        code = _kzlaw.ground_of(stated, settings.accepted)
        shown = stated if len(stated) <= 200 else stated[:197] + "..."
        if code is None:
            article = "art. 39" if law == "434-V" else "art. 16"
            return [
                flagged(
                    Level.process, p.ocid, 1.0, ground=shown, law=law, article=article, date=day.isoformat()
                )
            ], None
        if not ctx.full:
            return None
        return [
            not_flagged(
                Level.process,
                p.ocid,
                None,
                ground=shown,
                law=law,
                lawful_ground=code,
                article=_kzlaw.article_for(code, law),
                date=day.isoformat(),
            )
        ], None
