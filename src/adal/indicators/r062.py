"""R062 Decision period extremely long: the award came unusually long after the bid submission deadline."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _decision, _periods
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R062Settings(_periods.PeriodSettings):
    pass


class R062(Indicator):
    code = "R062"
    title = "Decision period extremely long"
    description = "The award came unusually long after the bid submission deadline, against processes of the same method."
    phase = "award"
    scheme = "evaluation dragged out: time to negotiate with bidders or to wait out rivals"
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
    settings = R062Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        return _decision.fold(ctx, p, settings)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        return _periods.finalize(self.code, pieces, settings, upper=True, full=ctx.full)
