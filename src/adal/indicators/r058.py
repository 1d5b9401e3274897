"""R058 Heavily discounted bid: the winning bid is unusually far below the next lowest bid."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _ratio
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process
from adal.indicators.stats import quantile, upper_fence


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
    levels = (Level.process, Level.tenderer)
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
        out = Outcome(self.code)
        found: dict[str, _ratio.Ratio] = {}
        for ocid, piece in pieces:
            r = _ratio.ratio(ctx, piece)
            if isinstance(r, str):
                if ctx.full:
                    out.results.append(not_computable(Level.process, ocid, r))
            else:
                found[ocid] = r
        if settings.threshold is None:
            values = [r.ratio for r in found.values()]
            q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
            out.meta |= {"q1": q1, "q3": q3}
            fence = upper_fence(q1, q3)
        else:
            fence = settings.threshold
        out.meta["upper_fence"] = fence
        for ocid, r in found.items():
            if fence > 0.0 and r.ratio >= fence:
                evidence = {
                    "winning_bid": r.winning,
                    "lowest_other_bid": r.lowest_other,
                    "upper_fence": fence,
                }
                out.results.append(flagged(Level.process, ocid, r.ratio, winner=r.winner_subject, **evidence))
                out.results.append(flagged(Level.tenderer, r.winner_subject, 0.0, ocid=ocid))
                out.maps.setdefault("ocid_tenderer_r058", {})[ocid] = [r.winner]
            elif ctx.full:
                out.results.append(not_flagged(Level.process, ocid, r.ratio, upper_fence=fence))
        return out
