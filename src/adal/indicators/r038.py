"""R038 Excessive disqualified bids: a buyer, procuring entity or tenderer with a high disqualification rate."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import CARDINAL_GROUPS, Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, submitted
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

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        bids = submitted(p.bids or [])
        if not bids:
            return None
        disqualified = sum(b.status == "disqualified" for b in bids)
        tenderers = [(ctx.org(p, t), b.status == "disqualified") for b in bids for t in (b.tenderers or ())]
        buyer = (ctx.org(p, p.buyer), p.buyer) if p.buyer is not None else None
        entity = (
            (ctx.org(p, p.procuring_entity), p.procuring_entity) if p.procuring_entity is not None else None
        )
        return disqualified, len(bids), buyer, entity, tenderers

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        counts: dict[Level, dict[str, list[int]]] = {
            Level.buyer: defaultdict(lambda: [0, 0]),
            Level.procuring_entity: defaultdict(lambda: [0, 0]),
            Level.tenderer: defaultdict(lambda: [0, 0]),
        }
        for ocid, (disqualified, n, buyer, entity, tenderers) in pieces:
            for subject, is_disqualified in tenderers:
                c = counts[Level.tenderer][subject]
                c[0] += is_disqualified
                c[1] += 1
            for level, who, key in (
                (Level.buyer, buyer, "ocid_buyer_r038"),
                (Level.procuring_entity, entity, "ocid_procuringentity_r038"),
            ):
                if who is not None:
                    c = counts[level][who[0]]
                    c[0] += disqualified
                    c[1] += n
                    if disqualified:
                        out.maps.setdefault(key, {})[ocid] = who[1]
        for level in (Level.buyer, Level.procuring_entity, Level.tenderer):
            group = CARDINAL_GROUPS[level]
            if level is Level.tenderer:
                minimum = settings.minimum_submitted_bids
            else:
                minimum = settings.minimum_contracting_processes
            ratios = {s: c[0] / c[1] for s, c in counts[level].items() if c[1] >= minimum}
            if ctx.full:
                out.results.extend(
                    not_computable(level, s, f"{c[1]} submitted bid(s), fewer than {minimum}", bids=c[1])
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
                evidence = {"disqualified": c[0], "submitted": c[1], "upper_fence": fence}
                if fence > 0.0 and r >= fence:
                    out.results.append(flagged(level, s, r, **evidence))
                elif ctx.full:
                    out.results.append(not_flagged(level, s, r, **evidence))
        return out
