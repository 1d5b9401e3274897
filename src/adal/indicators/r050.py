"""R050 High market share: a supplier wins a high share of the value awarded in a market (an item
classification)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators._supply import check_window, converter, markets
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import day, flagged, not_computable, not_flagged, window
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process
from adal.indicators.settings import Configuration


@dataclass(frozen=True)
class R050Settings(Settings):
    threshold: float = 0.5  # the supplier's share of the market's awarded value, inclusive
    min_awards: int = 10  # a market with fewer active awards is not judged
    min_suppliers: int = 2  # nor one with fewer suppliers (a single supplier is R051's concern)
    classification_length: int = 0  # compare the first N characters of the classification; 0: all of it
    start_date: str = ""  # YYYY-MM-DD, inclusive, on the award date; empty: no lower bound
    end_date: str = ""  # YYYY-MM-DD, inclusive; empty: no upper bound


# An award as the folds of R050 and R051 keep it: (suppliers, amount, currency, date, markets).
Sale = tuple[tuple[str, ...], float, str, str | None, tuple[str, ...]]


def sales(ctx: Folding, p: Process, settings: Any) -> list[Sale]:
    """The active awards of a process with suppliers, a value and item classifications, in the window."""
    start, end = window(settings)
    bounded = bool(settings.start_date or settings.end_date)
    out: list[Sale] = []
    for award in p.awards or ():
        if award.status != "active" or not award.suppliers or award.amount is None or award.currency is None:
            continue
        if award.amount < 0:
            continue
        if bounded:
            d = day(award.date)
            if d is None or not start <= d <= end:
                continue
        found = markets(p, award, settings.classification_length)
        if not found:
            continue
        suppliers = tuple(sorted({ctx.org(p, s) for s in award.suppliers}))
        out.append((suppliers, award.amount, award.currency, award.date, found))
    return out


@dataclass
class Market:
    total: float = 0.0
    awards: int = 0
    left_out: int = 0  # awards in another currency without a rate
    suppliers: dict[str, float] | None = None


def tally(ctx: Context, pieces: list[tuple[str, Any]]) -> dict[str, Market]:
    """Each market's awarded value by supplier in the main currency: an award's value is split equally over its
    markets, and a market's part equally over the award's suppliers."""
    found: dict[str, Market] = defaultdict(Market)
    convert = converter(ctx, (sale[2] for _, piece in pieces for sale in piece))
    for _, piece in pieces:
        for suppliers, amount, currency, date, codes in piece:
            value = convert(amount, currency, date)
            for code in codes:
                market = found[code]
                if value is None:
                    market.left_out += 1
                    continue
                market.awards += 1
                part = value / len(codes)
                market.total += part
                if market.suppliers is None:
                    market.suppliers = {}
                for s in suppliers:
                    market.suppliers[s] = market.suppliers.get(s, 0.0) + part / len(suppliers)
    return found


class R050(Indicator):
    code = "R050"
    title = "High market share"
    description = "A supplier wins a high share of the value awarded in a market (an item classification)."
    phase = "award"
    scheme = "market allocation or a captured market: one supplier dominates what the state buys there"
    legal_basis = both(
        "principles of public procurement: fair competition (article number not checked)",
        "art. 7 (fair competition); Entrepreneurial Code art. 172 (dominant position)",
        "Procurement must support fair competition; a dominant supplier calls for scrutiny of its awards.",
    )
    levels = (Level.tenderer,)
    fields = (
        "awards.status",
        "awards.suppliers.id",
        "awards.value",
        "awards.date",
        "awards.items.classification.id",
        "tender.items.classification.id",
    )
    settings = R050Settings

    def parse_settings(self, config: Configuration) -> R050Settings:
        settings: R050Settings = super().parse_settings(config)
        check_window(settings, f"{config.path}: [{self.code}]")
        return settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        return sales(ctx, p, settings) or None

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        best: dict[str, tuple[float, str, float, Market]] = {}
        small: set[str] = set()
        for code, market in sorted(tally(ctx, pieces).items()):
            shares = market.suppliers or {}
            if (
                market.awards < settings.min_awards
                or len(shares) < settings.min_suppliers
                or market.total <= 0
            ):
                small.update(shares)
                continue
            for supplier, value in shares.items():
                share = value / market.total
                held = best.get(supplier)
                if held is None or share > held[0]:
                    best[supplier] = (share, code, value, market)
        for supplier in sorted(best):
            share, code, value, market = best[supplier]
            evidence = {
                "market": code,
                "supplier_value": round(value, 2),
                "market_value": round(market.total, 2),
                "awards": market.awards,
                "suppliers": len(market.suppliers or {}),
                "threshold": settings.threshold,
            }
            if share >= settings.threshold:
                out.results.append(flagged(Level.tenderer, supplier, share, **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.tenderer, supplier, share, **evidence))
        if ctx.full:
            why = (
                f"its markets have fewer than {settings.min_awards} awards or {settings.min_suppliers} "
                "suppliers in the main currency"
            )
            for supplier in sorted(small - set(best)):
                out.results.append(not_computable(Level.tenderer, supplier, why))
        return out
