"""CRI-SPEND-SHARE Supplier's share of a buyer's spending: one supplier wins a large share of what a buyer
awards in a year (a component of Fazekas's Corruption Risk Index)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Result, Settings
from adal.indicators.common import day, flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


@dataclass(frozen=True)
class CriSpendShareSettings(Settings):
    threshold: float = 0.5  # flag a supplier holding at least this share of a buyer's awarded value in a year
    minimum_awards: int = 5  # buyer-years with fewer active awards (in the main currency) are not judged
    minimum_supplier_awards: int = 2  # a supplier's share counts when it won at least this many of them


def main_currency(ctx: Context, pieces: list[tuple[str, Any]]) -> str | None:
    """The main currency: the setting (or what the Cardinal checks met), else the first one these awards use."""
    if ctx.currency is not None:
        return ctx.currency
    for _, piece in pieces:
        if isinstance(piece, str):
            continue
        for _, _, currency, _ in piece[1]:
            return str(currency)
    return None


def in_main(ctx: Context, main: str | None, amount: float, currency: str, date: str | None) -> float | None:
    """``amount`` in the main currency: as it is, converted at the rate of its date (adal's format), or None."""
    if currency == main:
        return amount
    if ctx.rates is None or ctx.cardinal or main is None:
        return None
    return ctx.rates.convert(amount, currency, main, date)


class CriSpendShare(Indicator):
    code = "CRI-SPEND-SHARE"
    title = "Supplier's share of a buyer's spending"
    description = "One supplier wins a large share of the value a buyer awards in a year."
    phase = "award"
    scheme = "captured buyer: contracts steered to a favoured supplier year after year"
    legal_basis = both(
        "art. 4 (principles: fair competition, equal treatment of potential suppliers)",
        "art. 4 (principles of public procurement)",
        "Public procurement must give potential suppliers equal chances; a buyer's spending concentrated on one supplier may mean they did not have them.",
    )
    levels = (Level.process, Level.buyer, Level.tenderer)
    fields = ("buyer.id", "awards.status", "awards.date", "awards.value", "awards.suppliers.id")
    settings = CriSpendShareSettings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        if p.buyer is None:
            return "no buyer" if ctx.full else None
        awards = []
        for a in p.awards or ():
            if a.status != "active" or a.amount is None or a.currency is None:
                continue
            one = a.suppliers[0] if a.suppliers is not None and a.n_suppliers == 1 and a.suppliers else None
            awards.append((ctx.org(p, one) if one is not None else None, a.amount, a.currency, a.date))
        if not awards:
            return "no active award with a value" if ctx.full else None
        return (ctx.org(p, p.buyer), awards)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        main = main_currency(ctx, pieces)
        totals: dict[tuple[str, int], float] = defaultdict(float)
        counts: dict[tuple[str, int], int] = defaultdict(int)
        spent: dict[tuple[str, int], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        won: dict[tuple[str, int], dict[str, int]] = defaultdict(lambda: defaultdict(int))
        usable: list[tuple[str, str, list[tuple[str | None, float, int]], str | None]] = []
        for ocid, piece in pieces:
            if isinstance(piece, str):
                usable.append((ocid, "", [], piece))
                continue
            buyer, awards = piece
            kept: list[tuple[str | None, float, int]] = []
            why = None
            for supplier, amount, currency, date in awards:
                awarded = day(date)
                if awarded is None:
                    why = why or "no award date"
                    continue
                value = in_main(ctx, main, amount, currency, date)
                if value is None:
                    why = why or f"award value in {currency}, not the main currency {main}"
                    continue
                key = (buyer, awarded.year)
                totals[key] += value
                counts[key] += 1
                if supplier is not None:
                    spent[key][supplier] += value
                    won[key][supplier] += 1
                kept.append((supplier, value, awarded.year))
            usable.append((ocid, buyer, kept, None if kept else why))
        minimum, threshold = settings.minimum_awards, settings.threshold
        repeated = settings.minimum_supplier_awards

        def judged(key: tuple[str, int]) -> bool:
            return counts[key] >= minimum and totals[key] > 0

        def rank(key: tuple[str, int], supplier: str) -> tuple[bool, float]:
            """(whether it flags, the share): the share must reach the threshold over repeated awards."""
            share = spent[key][supplier] / totals[key]
            return share >= threshold and won[key][supplier] >= repeated, share

        def evidence(key: tuple[str, int], supplier: str) -> dict[str, Any]:
            return {
                "buyer": key[0],
                "year": key[1],
                "supplier": supplier,
                "supplier_year_total": spent[key][supplier],
                "supplier_year_awards": won[key][supplier],
                "buyer_year_total": totals[key],
                "buyer_year_awards": counts[key],
                "threshold": threshold,
                "minimum_supplier_awards": repeated,
            }

        def decide(level: Level, subject: str, key: tuple[str, int], supplier: str) -> Result | None:
            hit, share = rank(key, supplier)
            if hit:
                return flagged(level, subject, share, **evidence(key, supplier))
            return not_flagged(level, subject, share, **evidence(key, supplier)) if ctx.full else None

        results: list[Result | None] = []
        # Processes: the share of the buyer-year its winners hold.
        for ocid, buyer, kept, why in usable:
            if why is not None:
                if ctx.full:
                    results.append(not_computable(Level.process, ocid, why))
                continue
            best: tuple[tuple[bool, float], tuple[str, int], str] | None = None
            small = None
            for supplier, _, year in kept:
                key = (buyer, year)
                if not judged(key):
                    small = small or f"buyer has {counts[key]} award(s) in {year}, fewer than {minimum}"
                    continue
                if supplier is not None and (best is None or rank(key, supplier) > best[0]):
                    best = (rank(key, supplier), key, supplier)
            if best is None:
                if ctx.full:
                    results.append(
                        not_computable(Level.process, ocid, small or "no active award to a single supplier")
                    )
                continue
            results.append(decide(Level.process, ocid, best[1], best[2]))
        # Buyers and suppliers: their largest share in any judged buyer-year (one that flags first).
        top: dict[tuple[Level, str], tuple[tuple[bool, float], tuple[str, int], str]] = {}
        small_years: dict[tuple[Level, str], tuple[str, int]] = {}
        for key in sorted(totals):
            for who in [(Level.buyer, key[0])] + [(Level.tenderer, s) for s in sorted(spent[key])]:
                if not judged(key):
                    small_years.setdefault(who, key)
                    continue
                suppliers = sorted(spent[key]) if who[0] is Level.buyer else [who[1]]
                for supplier in suppliers:
                    ranked = rank(key, supplier)
                    if who not in top or ranked > top[who][0]:
                        top[who] = (ranked, key, supplier)
        for (level, subject), (_, key, supplier) in sorted(top.items()):
            results.append(decide(level, subject, key, supplier))
        if ctx.full:
            for (level, subject), key in sorted(small_years.items()):
                if (level, subject) not in top:
                    reason = (
                        f"fewer than {minimum} awards in every buyer-year (e.g. {counts[key]} in {key[1]})"
                    )
                    results.append(not_computable(level, subject, reason))
        out.results.extend(r for r in results if r is not None)
        return out
