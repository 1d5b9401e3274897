"""R062 Decision period extremely long: the award came unusually long after the bid submission deadline."""

from __future__ import annotations

from dataclasses import dataclass

from adal.indicators import _periods
from adal.indicators._decision import DecisionPeriod


@dataclass(frozen=True)
class R062Settings(_periods.PeriodSettings):
    pass


class R062(DecisionPeriod):
    code = "R062"
    title = "Decision period extremely long"
    description = "The award came unusually long after the bid submission deadline, against processes of the same method."
    scheme = "evaluation dragged out: time to negotiate with bidders or to wait out rivals"
    settings = R062Settings
    upper = True
