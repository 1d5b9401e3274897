"""R025 Excessive unsuccessful bids: a frequent bidder that almost never wins."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, final_awards
from adal.indicators.stats import lower_fence, quantile


@dataclass(frozen=True)
class R025Settings(Settings):
    percentile: int = 75  # a tenderer must have bid in at least this percentile of processes
    threshold: float | None = None  # flag win ratios at or below it; default: the lower Tukey fence


class R025(Indicator):
    code = "R025"
    title = "Excessive unsuccessful bids"
    description = "A tenderer bids often but wins rarely: the pattern of a cover bidder in a cartel."
    phase = "award"
    scheme = "bid rigging: cover bidding and bid rotation"
    legal_basis = both(
        "art. 12 (prohibited collusion)",
        "art. 7 (fair competition); Entrepreneurial Code art. 169",
        "Agreements between bidders that distort competition are prohibited.",
    )
    levels = (Level.tenderer,)
    fields = ("awards.status", "awards.suppliers", "bids.details.status", "bids.details.tenderers")
    settings = R025Settings
    cardinal = True

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        active = final_awards(p)
        if active is None or len(active) != 1:
            return None
        award = active[0]
        if award.suppliers is None or award.n_suppliers != 1 or len(award.suppliers) != 1:
            return None
        supplier = award.suppliers[0]
        tenderers = {
            b.tenderers[0]
            for b in p.bids or ()
            if b.status == "valid"
            and b.tenderers is not None
            and b.n_tenderers == 1
            and len(b.tenderers) == 1
        }
        return [(ctx.org(p, t), t == supplier) for t in sorted(tenderers)] or None

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        wins: dict[str, int] = defaultdict(int)
        bids: dict[str, int] = defaultdict(int)
        for _, piece in pieces:
            for subject, won in piece:
                bids[subject] += 1
                wins[subject] += won
        ratio = {t: wins[t] / bids[t] for t in bids}
        if settings.percentile <= 100:
            fence_bids = quantile([float(n) for n in bids.values()], settings.percentile / 100.0)
        else:
            fence_bids = float("nan")
        if settings.threshold is None:
            values = list(ratio.values())
            q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
            out.meta |= {"q1": q1, "q3": q3}
            fence = lower_fence(q1, q3)
        else:
            fence, q1 = settings.threshold, 1.0
        out.meta |= {"upper_fence": fence_bids, "lower_fence": fence}
        guard = q1 > 0.0 and fence > 0.0
        for t, r in ratio.items():
            evidence = {"bids": bids[t], "wins": wins[t], "bids_percentile": fence_bids, "lower_fence": fence}
            if guard and float(bids[t]) >= fence_bids and r <= fence:
                out.results.append(flagged(Level.tenderer, t, r, **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.tenderer, t, r, **evidence))
        return out
