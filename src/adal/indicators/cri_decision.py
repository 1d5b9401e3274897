"""CRI-DECISION Decision period: the days from the bid deadline to the first award, scored in bands."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from adal.indicators import _cri
from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged, rfc3339_ns, whole_days
from adal.indicators.engine import Folding
from adal.indicators.facts import Process
from adal.indicators.settings import Configuration

# The portal ranks price offers itself: a decision on the deadline's day is the rule there.
DETAILS = (("Запрос ценовых предложений", "0-90:0|91-180:0.5|181-730:1"),)


@dataclass(frozen=True)
class CriDecisionSettings(Settings):
    bands: str = "0:1|1-2:0.5|3-90:0|91-180:0.5|181-730:1"  # whole days -> risk score, edges inclusive
    max_days: int = 730  # a longer period is a data error (GTI caps at two years)
    procurement_methods: frozenset[str] = frozenset({"open", "selective"})  # empty: every method
    procurement_method_details: tuple[tuple[str, str], ...] = DETAILS  # details -> bands


class CriDecision(PerProcess):
    code = "CRI-DECISION"
    title = "Decision period risk band"
    description = (
        "The days between the bid deadline and the first award fall in a risky band (too short or too "
        "long), as the Corruption Risk Index scores them."
    )
    phase = "tender"
    scheme = "rigged evaluation: a decision rushed through, or held back while the outcome is arranged"
    legal_basis = both(
        "art. 13 (methods); Rules of public procurement, order of the Minister of Finance No. 648 of 11 December 2015 (evaluation and results)",
        "art. 10 (methods); Rules of public procurement, order of the Minister of Finance No. 687 of 9 October 2024 (evaluation and results)",
        "The Rules set how bids are opened, evaluated and the results published, by method.",
    )
    levels = (Level.process,)
    fields = (
        "tender.tenderPeriod.endDate",
        "awards.status",
        "awards.date",
        "tender.procurementMethod",
        "tender.procurementMethodDetails",
    )
    settings = CriDecisionSettings
    subsections = ("procurement_method_details",)

    def parse_settings(self, config: Configuration) -> CriDecisionSettings:
        where = f"{config.path}: [{self.code}]"
        table = _cri.details_table(config, self.code, DETAILS)
        base: CriDecisionSettings = CriDecisionSettings.parse(config.sections.get(self.code, {}), where)
        _cri.checked_bands(base.bands, f"{where} bands")
        for key, value in table:
            _cri.checked_bands(value, f"{config.path}: [{self.code}.procurement_method_details] {key}")
        return dataclasses.replace(base, procurement_method_details=table)

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        if not p.has_tender:
            return ([not_computable(Level.process, p.ocid, "no tender")], None) if full else None
        methods = settings.procurement_methods
        if methods and (p.method is None or p.method not in methods):
            return (
                ([not_computable(Level.process, p.ocid, _cri.not_among(p.method, methods))], None)
                if full
                else None
            )
        end = rfc3339_ns(p.period_end) if p.period_end is not None else None
        if end is None:
            reason = "tender period end date missing or not RFC 3339"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        if p.awards is None:
            return ([not_computable(Level.process, p.ocid, "no awards")], None) if full else None
        dates = [
            (ns, a.date)
            for a in p.awards
            if a.status == "active" and a.date is not None and (ns := rfc3339_ns(a.date)) is not None
        ]
        if not dates:
            reason = "no active award with an RFC 3339 date"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        first, first_text = min(dates)
        raw = whole_days(end, first)
        days = max(raw, 0)  # an award before the deadline counts as an immediate decision (GTI)
        if days > settings.max_days:
            reason = f"a decision period of {days} days is longer than {settings.max_days} (a data error)"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        rule = _cri.match_details(p.details, settings.procurement_method_details)
        text = rule[1] if rule is not None else settings.bands
        band = _cri.band_of(days, _cri.bands(text))
        score = band.score if band is not None else 0.0
        if score <= 0 and not full:
            return None
        evidence: dict[str, Any] = {
            "days": days,
            "band": band.label if band else None,
            "bands": text,
            "deadline": p.period_end,
            "first_award_date": first_text,
        }
        if raw < 0:
            evidence["award_before_deadline"] = True
        if rule is not None:
            evidence["procurement_method_details"] = rule[0]
        if score > 0:
            return [flagged(Level.process, p.ocid, score, **evidence)], None
        return [not_flagged(Level.process, p.ocid, 0.0, **evidence)], None
