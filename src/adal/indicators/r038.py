"""R038 Excessive disqualified bids: a buyer, procuring entity or tenderer with a high disqualification rate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import CARDINAL_GROUPS, Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Outcome
from adal.indicators.facts import submitted
from adal.indicators.stats import quantile, upper_fence


@dataclass(frozen=True)
class R038Settings(Settings):
    threshold: float | None = (
        None  # flag disqualification ratios at or above it; default: the upper Tukey fence
    )
    minimum_submitted_bids: int = 2  # a tenderer needs at least this many submitted bids
    minimum_contracting_processes: int = (
        2  # a buyer or procuring entity needs this many submitted bids (Cardinal compares bids)
    )


class R038(Indicator):
    code = "R038"
    title = "Excessive disqualified bids"
    description = (
        "An unusually high share of submitted bids is disqualified for a buyer, procuring entity or tenderer."
    )
    phase = "award"
    scheme = "captured buyer: rivals disqualified on pretexts; or a tenderer used as a cover bidder"
    legal_basis = both(
        "art. 33 (grounds for rejecting bids)",
        "art. 10; Rules of public procurement (grounds for rejecting bids)",
        "Bids may be rejected only on the grounds the law lists.",
    )
    levels = (Level.buyer, Level.procuring_entity, Level.tenderer)
    fields = ("buyer.id", "tender.procuringEntity.id", "bids.details.status", "bids.details.tenderers")
    settings = R038Settings
    cardinal = True

    def compute(self, ctx: Context, settings: Any) -> Outcome:
        out = Outcome(self.code)
        counts: dict[Level, dict[str, list[int]]] = {
            Level.buyer: defaultdict(lambda: [0, 0]),
            Level.procuring_entity: defaultdict(lambda: [0, 0]),
            Level.tenderer: defaultdict(lambda: [0, 0]),
        }
        for p in ctx.processes:
            bids = submitted(p.bids or [])
            if not bids:
                continue
            disqualified = sum(b.status == "disqualified" for b in bids)
            for b in bids:
                for t in b.tenderers or ():
                    c = counts[Level.tenderer][ctx.org(p, t)]
                    c[0] += b.status == "disqualified"
                    c[1] += 1
            for level, raw in ((Level.buyer, p.buyer), (Level.procuring_entity, p.procuring_entity)):
                if raw is not None:
                    c = counts[level][ctx.org(p, raw)]
                    c[0] += disqualified
                    c[1] += len(bids)
                    if disqualified:
                        key = "ocid_buyer_r038" if level is Level.buyer else "ocid_procuringentity_r038"
                        out.maps.setdefault(key, {})[p.ocid] = raw
        for level in (Level.buyer, Level.procuring_entity, Level.tenderer):
            group = CARDINAL_GROUPS[level]
            minimum = (
                settings.minimum_submitted_bids
                if level is Level.tenderer
                else settings.minimum_contracting_processes
            )
            ratios = {s: c[0] / c[1] for s, c in counts[level].items() if c[1] >= minimum}
            if ctx.full:
                out.results.extend(
                    not_computable(level, s, f"{c[1]} submitted bids, fewer than {minimum}", bids=c[1])
                    for s, c in counts[level].items()
                    if c[1] < minimum
                )
            if not ratios:
                continue
            if settings.threshold is None:
                values = list(ratios.values())
                q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
                out.meta |= {f"{group}_q1": q1, f"{group}_q3": q3}
                fence = upper_fence(q1, q3)
            else:
                fence = settings.threshold
            out.meta[f"{group}_upper_fence"] = fence
            for s, r in ratios.items():
                c = counts[level][s]
                if fence > 0.0 and r >= fence:
                    out.results.append(
                        flagged(level, s, r, disqualified=c[0], submitted=c[1], upper_fence=fence)
                    )
                elif ctx.full:
                    out.results.append(
                        not_flagged(level, s, r, disqualified=c[0], submitted=c[1], upper_fence=fence)
                    )
        return out
