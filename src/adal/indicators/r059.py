"""R059 Large difference between award value and final contract amount: the contract ended up worth much
more (or, optionally, much less) than the award."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _contracts
from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R059Settings(Settings):
    threshold: float = 0.2  # flag when the contract is worth at least this share more than the award
    decreases: bool = False  # also flag a contract worth at least `threshold` less than the award


class R059(PerProcess):
    code = "R059"
    title = "Large difference between award value and final contract amount"
    description = "The final value of a contract differs from the value awarded by a large share."
    phase = "contract"
    scheme = "low bid, then the price raised by amendments once competition is over"
    legal_basis = both(
        "art. 45 (amending the public procurement contract)",
        "contract amendment rules of the law and of the Rules of public procurement (article not verified)",
        "A contract may be changed after signing only in the cases the law lists; "
        "a change may not alter the terms the procedure was won on.",
    )
    levels = (Level.process,)
    fields = (
        "awards.id",
        "awards.value",
        "contracts.awardID",
        "contracts.status",
        "contracts.value",
        "contracts.amendments",
    )
    settings = R059Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        found, why = _contracts.pairs(p)
        if why is not None:
            return ([not_computable(Level.process, p.ocid, why)], None) if ctx.full else None
        threshold = settings.threshold
        best: tuple[float, _contracts.Pair] | None = None
        reason = None
        for pair in found:
            value, reason = _contracts.change(pair)
            if value is None:
                continue
            size = abs(value) if settings.decreases else value
            if best is None or size > (abs(best[0]) if settings.decreases else best[0]):
                best = (value, pair)
        if best is None:
            assert reason is not None
            return ([not_computable(Level.process, p.ocid, reason)], None) if ctx.full else None
        value, pair = best
        hit = value >= threshold or (settings.decreases and value <= -threshold)
        if not hit and not ctx.full:
            return None
        evidence = {
            "contract": pair.contract,
            "award": pair.award,
            "award_amount": pair.award_amount,
            "contract_amount": pair.contract_amount,
            "currency": pair.contract_currency or pair.award_currency,
            "amendments": pair.amendments,
            "threshold": threshold,
        }
        value = round(value, 6)
        if hit:
            return [flagged(Level.process, p.ocid, value, **evidence)], None
        return [not_flagged(Level.process, p.ocid, value, **evidence)], None
