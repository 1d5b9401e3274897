"""CRI-DECISION Decision period: the days from the bid deadline to the first award, scored in bands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _cri
from adal.indicators._law import both
from adal.indicators.base import Level, Settings
from adal.indicators.common import rfc3339_ns, whole_days
from adal.indicators.facts import Process

# The portal ranks price offers itself: a decision on the deadline's day is the rule there.
DETAILS = (("Запрос ценовых предложений", "0-90:0|91-180:0.5|181-730:1"),)


@dataclass(frozen=True)
class CriDecisionSettings(Settings):
    bands: str = "0:1|1-2:0.5|3-90:0|91-180:0.5|181-730:1"  # whole days -> score, inclusive; or "quantiles"
    max_days: int = 730  # a longer period is a data error (GTI caps at two years)
    procurement_methods: frozenset[str] = frozenset({"open", "selective"})  # empty: every method
    procurement_method_details: tuple[tuple[str, str], ...] = DETAILS  # details -> bands
    quantile_bands: str = "0-0.1:1|0.1-0.3:0.5|0.3-0.7:0|0.7-0.9:0.5|0.9-1:1"  # GTI's deciles
    min_group: int = 30  # quantile mode: fewer measured processes of a method -> not computable


class CriDecision(_cri.BandedPeriod):
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
    default_details = DETAILS
    period = "decision period"

    def measure(self, p: Process, settings: Any) -> str | tuple[int, dict[str, object]]:
        end = rfc3339_ns(p.period_end) if p.period_end is not None else None
        if end is None:
            return "tender period end date missing or not RFC 3339"
        if p.awards is None:
            return "no awards"
        dates = [
            (ns, a.date)
            for a in p.awards
            if a.status == "active" and a.date is not None and (ns := rfc3339_ns(a.date)) is not None
        ]
        if not dates:
            return "no active award with an RFC 3339 date"
        first, first_text = min(dates)
        raw = whole_days(end, first)
        evidence: dict[str, object] = {"deadline": p.period_end, "first_award_date": first_text}
        if raw < 0:
            evidence["award_before_deadline"] = True  # counted as an immediate decision (GTI)
        return max(raw, 0), evidence
