"""CRI-ADVERT Advertisement period: the days from the call for tenders to the bid deadline, scored in bands."""

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

# Price offers close in two days under the 2024 law (art. 10 p. 4): two days is the rule there, not a risk.
DETAILS = (("Запрос ценовых предложений", "0:1|1:0.5|2-365:0"),)


@dataclass(frozen=True)
class CriAdvertSettings(Settings):
    bands: str = "0-2:1|3-6:0.5|7-365:0"  # whole days -> risk score, edges inclusive
    max_days: int = 365  # a longer period is a data error (GTI caps at one year)
    procurement_methods: frozenset[str] = frozenset({"open", "selective"})  # empty: every method
    procurement_method_details: tuple[tuple[str, str], ...] = DETAILS  # details -> bands


class CriAdvert(PerProcess):
    code = "CRI-ADVERT"
    title = "Advertisement period risk band"
    description = (
        "The days between the call for tenders and the bid deadline fall in a risky band, as the "
        "Corruption Risk Index scores them."
    )
    phase = "tender"
    scheme = "restricting competition: too little time for bidders other than a favoured, forewarned one"
    legal_basis = both(
        "art. 13 (methods); Rules of public procurement, order of the Minister of Finance No. 648 of 11 December 2015 (periods for bids)",
        "art. 10 (methods); Rules of public procurement, order of the Minister of Finance No. 687 of 9 October 2024 (periods for bids)",
        "The law and the Rules set the least time between the announcement and the deadline for bids, by method.",
    )
    levels = (Level.process,)
    fields = (
        "tender.tenderPeriod.startDate",
        "tender.tenderPeriod.endDate",
        "tender.procurementMethod",
        "tender.procurementMethodDetails",
    )
    settings = CriAdvertSettings
    subsections = ("procurement_method_details",)

    def parse_settings(self, config: Configuration) -> CriAdvertSettings:
        where = f"{config.path}: [{self.code}]"
        table = _cri.details_table(config, self.code, DETAILS)
        base: CriAdvertSettings = CriAdvertSettings.parse(config.sections.get(self.code, {}), where)
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
        start = rfc3339_ns(p.period_start) if p.period_start is not None else None
        end = rfc3339_ns(p.period_end) if p.period_end is not None else None
        if start is None or end is None:
            missing = "start" if start is None else "end"
            reason = f"tender period {missing} date missing or not RFC 3339"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        if end <= start:
            reason = "the tender period does not end after it starts"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        days = whole_days(start, end)
        if days > settings.max_days:
            reason = f"a tender period of {days} days is longer than {settings.max_days} (a data error)"
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        rule = _cri.match_details(p.details, settings.procurement_method_details)
        text = rule[1] if rule is not None else settings.bands
        band = _cri.band_of(days, _cri.bands(text))
        score = band.score if band is not None else 0.0
        if score <= 0 and not full:
            return None
        evidence: dict[str, Any] = {"days": days, "band": band.label if band else None, "bands": text}
        if rule is not None:
            evidence["procurement_method_details"] = rule[0]
        if score > 0:
            return [flagged(Level.process, p.ocid, score, **evidence)], None
        return [not_flagged(Level.process, p.ocid, 0.0, **evidence)], None
