"""CRI-SPEND-SHARE Supplier's share of a buyer's spending: one supplier wins a large share of what a buyer
awards in a year (a component of Fazekas's Corruption Risk Index)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators._winners import day
from adal.indicators.base import Indicator, Level, Result, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process


@dataclass(frozen=True)
class CriSpendShareSettings(Settings):
    threshold: float = 0.5  # flag a supplier holding at least this share of a buyer's awarded value in a year
    minimum_awards: int = 10  # buyer-years with fewer active awards (in the main currency) are not judged


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
                kept.append((supplier, value, awarded.year))
            usable.append((ocid, buyer, kept, None if kept else why))
        minimum, threshold = settings.minimum_awards, settings.threshold

        def judged(key: tuple[str, int]) -> bool:
            return counts[key] >= minimum and totals[key] > 0

        # Processes: the share of the buyer-year its winner holds.
        for ocid, buyer, kept, why in usable:
            if why is not None:
                if ctx.full:
                    out.results.append(not_computable(Level.process, ocid, why))
                continue
            best: tuple[float, str, int] | None = None
            small = None
            for supplier, _, year in kept:
                key = (buyer, year)
                if not judged(key):
                    small = small or f"buyer has {counts[key]} award(s) in {year}, fewer than {minimum}"
                    continue
                if supplier is None:
                    continue
                share = spent[key][supplier] / totals[key]
                if best is None or share > best[0]:
                    best = (share, supplier, year)
            if best is None:
                if ctx.full:
                    reason = small or "no active award to a single supplier"
                    out.results.append(not_computable(Level.process, ocid, reason))
                continue
            share, supplier, year = best
            evidence = self._evidence(buyer, year, supplier, totals, counts, spent, threshold)
            if share >= threshold:
                out.results.append(flagged(Level.process, ocid, share, **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.process, ocid, share, **evidence))
        # Buyers and suppliers: their largest share in any judged buyer-year.
        top: dict[tuple[Level, str], tuple[float, str, str, int]] = {}
        small_years: dict[tuple[Level, str], tuple[str, int]] = {}
        for key in sorted(totals):
            buyer, year = key
            for supplier, value in sorted(spent[key].items()):
                for subject in ((Level.buyer, buyer), (Level.tenderer, supplier)):
                    if not judged(key):
                        small_years.setdefault(subject, key)
                        continue
                    share = value / totals[key]
                    if subject not in top or share > top[subject][0]:
                        top[subject] = (share, buyer, supplier, year)
            if not spent[key] and not judged(key):
                small_years.setdefault((Level.buyer, buyer), key)
        results: list[Result] = []
        for subject, (share, buyer, supplier, year) in sorted(top.items()):
            evidence = self._evidence(buyer, year, supplier, totals, counts, spent, threshold)
            if share >= threshold:
                results.append(flagged(subject[0], subject[1], share, **evidence))
            elif ctx.full:
                results.append(not_flagged(subject[0], subject[1], share, **evidence))
        if ctx.full:
            for subject, (buyer, year) in sorted(small_years.items()):
                if subject not in top:
                    reason = f"fewer than {minimum} awards in every buyer-year (e.g. {counts[(buyer, year)]} in {year})"
                    results.append(not_computable(subject[0], subject[1], reason))
        out.results.extend(results)
        return out

    @staticmethod
    def _evidence(
        buyer: str,
        year: int,
        supplier: str,
        totals: dict[tuple[str, int], float],
        counts: dict[tuple[str, int], int],
        spent: dict[tuple[str, int], dict[str, float]],
        threshold: float,
    ) -> dict[str, Any]:
        return {
            "buyer": buyer,
            "year": year,
            "supplier": supplier,
            "supplier_year_total": spent[(buyer, year)][supplier],
            "buyer_year_total": totals[(buyer, year)],
            "buyer_year_awards": counts[(buyer, year)],
            "threshold": threshold,
        }
