"""R024 Price close to winning bid: the lowest losing bid is unusually close to the winning bid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _ratio
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R024Settings(Settings):
    threshold: float | None = None  # flag ratios at or below it; default: the lower Tukey fence


class R024(Indicator):
    code = "R024"
    title = "Price close to winning bid"
    description = "The second-lowest bid is only slightly above the winning bid, as cover bids often are."
    phase = "award"
    scheme = "bid rigging: cover bidding by a cartel"
    legal_basis = both(
        "art. 12 (prohibited collusion among potential suppliers)",
        "art. 7 (principles: fair competition); Entrepreneurial Code art. 169 (anti-competitive agreements)",
        "Agreements between bidders that distort competition are prohibited.",
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
    settings = R024Settings
    cardinal = True

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        return _ratio.fold(ctx, p)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        return _ratio.finalize(ctx, pieces, settings.threshold, Outcome(self.code), low=True)
