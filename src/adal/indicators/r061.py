"""R061 Decision period extremely short: the award came unusually soon after the bid submission deadline."""

from __future__ import annotations

from dataclasses import dataclass

from adal.indicators import _periods
from adal.indicators._decision import DecisionPeriod


@dataclass(frozen=True)
class R061Settings(_periods.PeriodSettings):
    pass


class R061(DecisionPeriod):
    code = "R061"
    title = "Decision period extremely short"
    description = "The award came unusually soon after the bid submission deadline, against processes of the same method."
    scheme = "winner chosen in advance: bids not really evaluated"
    settings = R061Settings
    upper = False
