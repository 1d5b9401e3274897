"""R018 Single bid received: only one tenderer took part in a competitive procedure."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R018Settings(Settings):
    procurement_methods: frozenset[str] = frozenset({"open", "selective"})


class R018(PerProcess):
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

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        methods = settings.procurement_methods
        if not p.has_tender or (methods and (p.method is None or p.method not in methods)):
            if not ctx.full:
                return None
            reason = (
                "no tender"
                if not p.has_tender
                else f"procurement method {p.method!r} is not among {sorted(methods)}"
            )
            return [not_computable(Level.process, p.ocid, reason)], None
        n = p.number_of_tenderers
        if n == 1:
            return [flagged(Level.process, p.ocid, 1.0, number_of_tenderers=1)], None
        if not ctx.full:
            return None
        if n is None:
            return [
                not_computable(Level.process, p.ocid, "tender.numberOfTenderers missing or not an integer")
            ], None
        return [not_flagged(Level.process, p.ocid, None, number_of_tenderers=n)], None
