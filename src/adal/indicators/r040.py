"""R040 High share of buyer's contracts: one supplier wins a high share of a buyer's awards."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators._supply import check_window
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import day, flagged, not_computable, not_flagged, window
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process
from adal.indicators.settings import Configuration


@dataclass(frozen=True)
class R040Settings(Settings):
    threshold: float = 0.5  # share of the buyer's awards won by one supplier, inclusive
    min_awards: int = 10  # a buyer with fewer active awards is not judged
    start_date: str = ""  # YYYY-MM-DD, inclusive, on the award date; empty: no lower bound
    end_date: str = ""  # YYYY-MM-DD, inclusive; empty: no upper bound


class R040(Indicator):
    code = "R040"
    title = "High share of buyer's contracts"
    description = "One supplier wins a high share of the awards a buyer makes."
    phase = "award"
    scheme = "captured buyer: contracts steered to a favoured supplier"
    legal_basis = both(
        "principles of public procurement: fair competition (article number not checked)",
        "art. 7 (fair competition); Entrepreneurial Code art. 169",
        "Procurement must give potential suppliers equal access and fair competition.",
    )
    levels = (Level.buyer, Level.tenderer)
    fields = ("buyer.id", "awards.status", "awards.date", "awards.suppliers.id")
    settings = R040Settings

    def parse_settings(self, config: Configuration) -> R040Settings:
        settings: R040Settings = super().parse_settings(config)
        check_window(settings, f"{config.path}: [{self.code}]")
        return settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        if p.buyer is None or not p.awards:
            return None
        start, end = window(settings)
        bounded = bool(settings.start_date or settings.end_date)
        won = []
        for award in p.awards:
            if award.status != "active" or not award.suppliers:
                continue
            if bounded:
                d = day(award.date)
                if d is None or not start <= d <= end:
                    continue
            won.append(tuple(sorted({ctx.org(p, s) for s in award.suppliers})))
        return (ctx.org(p, p.buyer), won) if won else None

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        totals: Counter[str] = Counter()
        wins: dict[str, Counter[str]] = defaultdict(Counter)
        for _, (buyer, won) in pieces:
            totals[buyer] += len(won)
            for suppliers in won:
                for s in suppliers:
                    wins[buyer][s] += 1
        best: dict[str, tuple[float, str, int, int]] = {}  # supplier -> (share, buyer, wins, awards)
        small: set[str] = set()
        for buyer in sorted(totals):
            total = totals[buyer]
            if total < settings.min_awards:
                small.update(wins[buyer])
                if ctx.full:
                    why = f"fewer than {settings.min_awards} active awards ({total})"
                    out.results.append(not_computable(Level.buyer, buyer, why, awards=total))
                continue
            top, count = min(wins[buyer].items(), key=lambda kv: (-kv[1], kv[0]))
            share = count / total
            evidence = {
                "supplier": top,
                "supplier_awards": count,
                "awards": total,
                "threshold": settings.threshold,
            }
            if share >= settings.threshold:
                out.results.append(flagged(Level.buyer, buyer, share, **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.buyer, buyer, share, **evidence))
            for supplier, n in wins[buyer].items():
                candidate = (n / total, buyer, n, total)
                held = best.get(supplier)
                if held is None or (candidate[0], held[1]) > (held[0], candidate[1]):
                    best[supplier] = candidate
        for supplier in sorted(best):
            share, buyer, n, total = best[supplier]
            evidence = {
                "buyer": buyer,
                "supplier_awards": n,
                "awards": total,
                "threshold": settings.threshold,
            }
            if share >= settings.threshold:
                out.results.append(flagged(Level.tenderer, supplier, share, **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.tenderer, supplier, share, **evidence))
        if ctx.full:
            for supplier in sorted(small - set(best)):
                why = f"its buyers have fewer than {settings.min_awards} active awards each"
                out.results.append(not_computable(Level.tenderer, supplier, why))
        return out
