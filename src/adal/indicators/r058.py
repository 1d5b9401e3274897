"""R058 Heavily discounted bid: the winning bid is unusually far below the next lowest bid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _ratio
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R058Settings(Settings):
    threshold: float | None = None  # flag ratios at or above it; default: the upper Tukey fence


class R058(Indicator):
    code = "R058"
    title = "Heavily discounted bid"
    description = "The winning bid is far below the other bids: an abnormally low price, later recovered."
    phase = "award"
    scheme = "abnormally low bid recovered through amendments, or a prearranged winner"
    legal_basis = both(
        "art. 20 (dumping: abnormally low prices)",
        "art. 10; Rules of public procurement (anti-dumping)",
        "Bids below a dumping threshold require a performance guarantee.",
    )
    levels = (Level.process, Level.lot, Level.tenderer)
    fields = (
        "tender.procurementMethodDetails",
        "awards.status",
        "awards.suppliers",
        "bids.details.status",
        "bids.details.value",
        "bids.details.tenderers",
    )
    settings = R058Settings
    cardinal = True

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        return _ratio.fold(ctx, p)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        return _ratio.finalize(ctx, pieces, settings.threshold, Outcome(self.code), low=False)
