"""R060 Long time between award date and contract signature."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _contracts, _periods
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R060Settings(_periods.PeriodSettings):
    pass


class R060(Indicator):
    code = "R060"
    title = "Long time between award date and contract signature"
    description = (
        "The contract was signed unusually long after the award, against processes of the same method."
    )
    phase = "contract"
    scheme = "terms renegotiated with the winner, or the contract held back for a price, between award and signature"
    legal_basis = both(
        "art. 43 (concluding the contract: the time limits for sending and signing it)",
        "concluding the contract: the time limits of the law and of the Rules of public procurement "
        "(article not verified)",
        "The contract is to be signed within set days of the result; a long delay is outside the ordinary course.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethodDetails",
        "tender.procurementMethod",
        "awards.id",
        "awards.date",
        "contracts.awardID",
        "contracts.status",
        "contracts.dateSigned",
    )
    settings = R060Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        found, why = _contracts.pairs(p)
        if why is not None:
            return ("no", why) if ctx.full else None
        best = None
        for pair in found:
            days = _periods.days_between(pair.award_date, pair.date_signed)
            if days is None:
                if pair.date_signed is None:
                    why = "no contract has a dateSigned"
                elif pair.award_date is None:
                    why = "the award has no date"
                else:
                    why = "a date is not an RFC 3339 timestamp"
                continue
            if best is None or days > best[0]:
                best = (days, pair)
        if best is None:
            return ("no", why) if ctx.full else None
        days, pair = best
        evidence = {"award_date": pair.award_date, "date_signed": pair.date_signed, "contract": pair.contract}
        return ("ok", _periods.peer_key(p, settings), days, evidence)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        return _periods.finalize(self.code, pieces, settings, upper=True, full=ctx.full)
