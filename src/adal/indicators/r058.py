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
        out = Outcome(self.code)
        found, missing = _ratio.collect(ctx, pieces)
        if ctx.full:
            for ocid, lot, reason in missing:
                level, subject = (
                    (Level.process, ocid) if lot is None else (Level.lot, _ratio.lot_subject(ocid, lot))
                )
                out.results.append(not_computable(level, subject, reason))
        if settings.threshold is None:
            values = [r.ratio for _, _, r in found]
            q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
            out.meta |= {"q1": q1, "q3": q3}
            fence = upper_fence(q1, q3)
        else:
            fence = settings.threshold
        out.meta["upper_fence"] = fence
        active = fence > 0.0
        per_process: dict[str, list[tuple[str | None, _ratio.Ratio, bool]]] = {}
        for ocid, lot, r in found:
            hit = active and r.ratio >= fence
            per_process.setdefault(ocid, []).append((lot, r, hit))
            evidence_lot: dict[str, Any] = {
                "winning_bid": r.winning,
                "lowest_other_bid": r.lowest_other,
                "upper_fence": fence,
            }
            if lot is not None:
                subject = _ratio.lot_subject(ocid, lot)
                if hit:
                    out.results.append(
                        flagged(Level.lot, subject, r.ratio, winner=r.winner_subject, **evidence_lot)
                    )
                elif ctx.full:
                    out.results.append(not_flagged(Level.lot, subject, r.ratio, **evidence_lot))
            if hit:
                out.results.append(flagged(Level.tenderer, r.winner_subject, 0.0, ocid=ocid))
                out.maps.setdefault("ocid_tenderer_r058", {}).setdefault(ocid, [])
                out.maps["ocid_tenderer_r058"][ocid] = sorted(
                    {*out.maps["ocid_tenderer_r058"][ocid], r.winner}
                )
        for ocid, entries in per_process.items():
            hits = [(lot, r) for lot, r, hit in entries if hit]
            if hits:
                lot, r = hits[0]
                evidence: dict[str, Any] = {
                    "winning_bid": r.winning,
                    "lowest_other_bid": r.lowest_other,
                    "upper_fence": fence,
                }
                if lot is not None:
                    evidence["lots"] = sorted(str(x) for x, _ in hits)
                out.results.append(flagged(Level.process, ocid, r.ratio, winner=r.winner_subject, **evidence))
            elif ctx.full:
                why = {} if active else {"note": "the fence is not above zero: nothing is flagged"}
                value = entries[0][1].ratio if len(entries) == 1 else None
                out.results.append(not_flagged(Level.process, ocid, value, upper_fence=fence, **why))
        return out
