"""R061 Decision period extremely short: the award came unusually soon after the bid submission deadline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _decision, _periods
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R061Settings(_periods.PeriodSettings):
    pass


class R061(Indicator):
    code = "R061"
    title = "Decision period extremely short"
    description = "The award came unusually soon after the bid submission deadline, against processes of the same method."
    phase = "award"
    scheme = "winner chosen in advance: bids not really evaluated"
    legal_basis = both(
        "art. 13 (methods); Rules of public procurement (reviewing bids and summing up the results)",
        "art. 10; Rules of public procurement, order of the Minister of Finance No. 687 of 9 October 2024",
        "Bids are reviewed by the commission, in the order and time limits the Rules set, before the result.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethodDetails",
        "tender.procurementMethod",
        "tender.tenderPeriod.endDate",
        "awards.status",
        "awards.date",
    )
    settings = R061Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        return _decision.fold(ctx, p, settings)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        return _periods.finalize(self.code, pieces, settings, upper=False, full=ctx.full)
