"""R022 Wide disparity in bid prices: the highest and lowest bids of a procedure are unusually far apart
(at or above the upper Tukey fence of every procedure's spread, or a set threshold)."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators._prices import convert, main_currency
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, submitted
from adal.indicators.stats import quantile, upper_fence


@dataclass(frozen=True)
class R022Settings(Settings):
    threshold: float | None = None  # flag spreads at least this; default: the upper Tukey fence
    minimum_processes: int = 10  # procedures with a spread needed for the fence


def offers(p: Process) -> list[tuple[str, float, str, str | None]]:
    """Each submitted, priced bid as (tenderers, amount, currency, date); tenderers joined as one key so
    that a tenderer's (or consortium's) own bids are not compared with each other."""
    out = []
    for b in submitted(p.bids or []):
        if b.amount is None or b.currency is None or not b.tenderers or not b.amount > 0:
            continue
        out.append(("|".join(sorted(b.tenderers)), b.amount, b.currency, b.date))
    return out


class R022(Indicator):
    code = "R022"
    title = "Wide disparity in bid prices"
    description = (
        "The bids of one procedure are unusually far apart in price, as cover bids priced to lose are."
    )
    phase = "award"
    scheme = "bid rigging: cover bids priced far above the designated winner's"
    legal_basis = both(
        "art. 12 (prohibited collusion)",
        "art. 7 (fair competition); Entrepreneurial Code art. 169",
        "Potential suppliers may not collude on the prices they bid.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethodDetails",
        "bids.details.status",
        "bids.details.value",
        "bids.details.date",
        "bids.details.tenderers",
    )
    settings = R022Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        if not ctx.price_comparison(p):
            return f"procurement method details {p.details!r} do not compare prices" if full else None
        found = offers(p)
        if len({key for key, *_ in found}) < 2:
            return "fewer than two tenderers' submitted bids with a price" if full else None
        return found

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        main = main_currency(ctx, (b[2] for _, piece in pieces if not isinstance(piece, str) for b in piece))
        spreads: dict[str, tuple[float, float, float] | str] = {}
        for ocid, piece in pieces:
            if isinstance(piece, str):
                spreads[ocid] = piece
                continue
            best: dict[str, float] = defaultdict(lambda: float("inf"))
            left_out = 0
            for key, amount, currency, date in piece:
                converted = convert(ctx, amount, currency, main, date)
                if converted is None:
                    left_out += 1
                    continue
                best[key] = min(best[key], converted)
            if len(best) < 2:
                spreads[ocid] = f"fewer than two tenderers' bids in {main} ({left_out} in other currencies)"
                continue
            low, high = min(best.values()), max(best.values())
            spreads[ocid] = ((high - low) / low, low, high)
        values = [s[0] for s in spreads.values() if not isinstance(s, str)]
        if settings.threshold is not None:
            fence, spread_ok = float(settings.threshold), True
        elif len(values) >= settings.minimum_processes:
            q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
            out.meta |= {"q1": q1, "q3": q3}
            fence, spread_ok = upper_fence(q1, q3), q3 > q1
            out.meta["upper_fence"] = fence
        else:
            fence, spread_ok = float("nan"), False
        for ocid, spread in spreads.items():
            if isinstance(spread, str):
                if ctx.full:
                    out.results.append(not_computable(Level.process, ocid, spread))
                continue
            if math.isnan(fence):  # no fence: too few procedures
                if ctx.full:
                    reason = (
                        f"{len(values)} procedure(s) with a spread, fewer than {settings.minimum_processes}"
                    )
                    out.results.append(not_computable(Level.process, ocid, reason))
                continue
            value, low, high = spread
            evidence = {"lowest": round(low, 2), "highest": round(high, 2), "upper_fence": round(fence, 4)}
            if spread_ok and value >= fence:
                out.results.append(flagged(Level.process, ocid, value, **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.process, ocid, value, **evidence))
        return out
