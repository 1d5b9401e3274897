"""R018 Single bid received: only one tenderer took part in a competitive procedure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Outcome


@dataclass(frozen=True)
class R018Settings(Settings):
    procurement_methods: frozenset[str] = frozenset({"open", "selective"})


class R018(Indicator):
    code = "R018"
    title = "Single bid received"
    description = "Only one tenderer submitted a bid in a procedure meant to be competitive."
    phase = "award"
    scheme = "captured buyer or bid rigging: competition deterred or arranged away"
    legal_basis = both(
        "art. 13 (methods); art. 41 (single source after a failed procedure)",
        "art. 10 (methods); art. 16 p. 2 (single source after a failed procedure)",
        "A procedure with a single participant may fail or turn into a single-source purchase.",
    )
    levels = (Level.process,)
    fields = ("tender.procurementMethod", "tender.numberOfTenderers")
    settings = R018Settings
    cardinal = True

    def compute(self, ctx: Context, settings: Any) -> Outcome:
        out = Outcome(self.code)
        methods = settings.procurement_methods
        full = ctx.full
        for p in ctx.processes:
            if not p.has_tender or (methods and (p.method is None or p.method not in methods)):
                if full:
                    reason = (
                        "no tender"
                        if not p.has_tender
                        else f"procurement method {p.method!r} is not competitive"
                    )
                    out.results.append(not_computable(Level.process, p.ocid, reason))
                continue
            n = p.number_of_tenderers
            if n == 1:
                out.results.append(flagged(Level.process, p.ocid, 1.0, number_of_tenderers=1))
            elif full:
                if n is None:
                    out.results.append(
                        not_computable(
                            Level.process, p.ocid, "tender.numberOfTenderers missing or not an integer"
                        )
                    )
                else:
                    out.results.append(not_flagged(Level.process, p.ocid, None, number_of_tenderers=n))
        return out
