"""CRI-ADVERT Advertisement period: the days from the call for tenders to the bid deadline, scored in bands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _cri
from adal.indicators._law import both
from adal.indicators.base import Level, Settings
from adal.indicators.common import rfc3339_ns, whole_days
from adal.indicators.facts import Process

# Price offers close in two days under the 2024 law (art. 10 p. 4): two days is the rule there, not a risk.
DETAILS = (("Запрос ценовых предложений", "0:1|1:0.5|2-365:0"),)


@dataclass(frozen=True)
class CriAdvertSettings(Settings):
    bands: str = "0-2:1|3-6:0.5|7-365:0"  # whole days -> risk score, edges inclusive; or "quantiles"
    max_days: int = 365  # a longer period is a data error (GTI caps at one year)
    procurement_methods: frozenset[str] = frozenset({"open", "selective"})  # empty: every method
    procurement_method_details: tuple[tuple[str, str], ...] = DETAILS  # details -> bands
    quantile_bands: str = "0-0.1:1|0.1-0.3:0.5|0.3-0.7:0|0.7-0.9:0.5|0.9-1:1"  # GTI's deciles
    min_group: int = 30  # quantile mode: fewer measured processes of a method -> not computable


class CriAdvert(_cri.BandedPeriod):
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
    default_details = DETAILS
    period = "tender period"

    def measure(self, p: Process, settings: Any) -> str | tuple[int, dict[str, object]]:
        start = rfc3339_ns(p.period_start) if p.period_start is not None else None
        end = rfc3339_ns(p.period_end) if p.period_end is not None else None
        if start is None or end is None:
            missing = "start" if start is None else "end"
            return f"tender period {missing} date missing or not RFC 3339"
        if end <= start:
            return "the tender period does not end after it starts"
        return whole_days(start, end), {}
