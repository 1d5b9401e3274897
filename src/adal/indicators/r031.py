"""R031 Winning bid price very close to or higher than estimated price: the awarded value reaches a set
share of the buyer's estimate (the lot's or tender's value, else the reference prices of the items)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators._prices import REFERENCE_CURRENCY, convert, main_currency
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, number, objects, text
from adal.indicators.facts import text_id as _text_id

FINAL = ("active", "cancelled", "unsuccessful")


@dataclass(frozen=True)
class R031Settings(Settings):
    threshold: float = 0.97  # flag when the awarded value is at least this share of the estimate
    procurement_methods: frozenset[str] = frozenset({"open", "selective"})  # empty: every method


@dataclass(frozen=True, slots=True)
class Comparison:
    awards: tuple[tuple[str, float, str | None, str | None], ...]  # (award id, amount, currency, date)
    estimate: tuple[float, str | None, str | None] | None  # (amount, currency, date); None: reference prices
    source: str  # "lot 1", "tender", "reference prices"
    items: tuple[tuple[str, float], ...] = ()  # (classification, quantity), for reference prices


def _money(value: Any, date: str | None) -> tuple[float, str | None, str | None] | None:
    amount = number(value, "amount")
    if amount is None:
        return None
    return amount, text(value, "currency"), date


def _comparisons(p: Process, active: list[dict[str, Any]]) -> list[Comparison] | str:
    """What to compare: each award with its one lot's value, else all awards with the tender's value, else
    with the reference prices of the items; or why nothing can be."""
    release = p.release
    tender = release["tender"]
    awarded = []
    for position, award in enumerate(active, 1):
        value = _money(award.get("value"), text(award, "date"))
        if value is None:
            return "an active award has no value amount"
        awarded.append((_text_id(award.get("id")) or f"#{position}", *value))
    lots = {}
    for lot in objects(tender, "lots"):
        ident, value = _text_id(lot.get("id")), _money(lot.get("value"), p.period_start)
        if ident is not None and value is not None:
            lots[ident] = value
    per_lot = []
    for award, row in zip(active, awarded, strict=True):
        related = award.get("relatedLots")
        ids = [i for r in related if (i := _text_id(r)) is not None] if type(related) is list else []
        if len(ids) != 1 or ids[0] not in lots:
            break
        per_lot.append(Comparison((row,), lots[ids[0]], f"lot {ids[0]}"))
    else:
        return per_lot
    estimate = _money(tender.get("value"), p.period_start)
    if estimate is not None:
        return [Comparison(tuple(awarded), estimate, "tender")]
    items = [i for a in active for i in objects(a, "items")] or objects(tender, "items")
    pairs = []
    for item in items:
        code, quantity = text(item, "classification", "id"), number(item, "quantity")
        if not code or quantity is None or not quantity > 0:
            return "no lot or tender value, and not every item has a classification and a quantity"
        pairs.append((code, quantity))
    if not pairs:
        return "no lot or tender value, and no items"
    return [Comparison(tuple(awarded), None, "reference prices", tuple(pairs))]


class R031(Indicator):
    code = "R031"
    title = "Winning bid price very close to or higher than estimated price"
    description = "The awarded value is at or just below the buyer's estimate, or above it."
    phase = "award"
    scheme = "leaked estimate or collusion: the winner bids up to the budget instead of competing on price"
    legal_basis = both(
        "art. 4 (principles: optimal and efficient spending of money); art. 12 (prohibited collusion)",
        "art. 5 (principles: efficient spending of budget money); art. 7 (principles: fair competition)",
        "Competition is to lower the price below the amount allocated; collusion is prohibited.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethod",
        "tender.value",
        "tender.lots.id",
        "tender.lots.value",
        "tender.items.classification.id",
        "tender.items.quantity",
        "awards.status",
        "awards.value",
        "awards.date",
        "awards.relatedLots",
        "awards.items.classification.id",
        "awards.items.quantity",
    )
    settings = R031Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        methods = settings.procurement_methods
        if not p.has_tender:
            return "no tender" if ctx.full else None
        if methods and (p.method is None or p.method not in methods):
            return f"procurement method {p.method!r} is not among {sorted(methods)}" if ctx.full else None
        awards = objects(p.release, "awards")
        pending = next((s for a in awards if type(s := a.get("status")) is str and s not in FINAL), None)
        if pending is not None:
            return f"an award is not final (status {pending!r})" if ctx.full else None
        active = [a for a in awards if a.get("status") == "active"]
        if not active:
            return "no active award" if ctx.full else None
        found = _comparisons(p, active)
        if isinstance(found, str) and not ctx.full:
            return None
        return found

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        main = main_currency(
            ctx,
            (row[2] for _, piece in pieces if not isinstance(piece, str) for c in piece for row in c.awards),
        )
        registers = ctx.registers
        threshold = settings.threshold
        for ocid, piece in pieces:
            if isinstance(piece, str):
                out.results.append(not_computable(Level.process, ocid, piece))
                continue
            shown: list[dict[str, Any]] = []
            ratios: list[float] = []
            why = None
            for c in piece:
                target = main if c.estimate is not None else REFERENCE_CURRENCY
                total = 0.0
                for ident, amount, currency, date in c.awards:
                    converted = convert(ctx, amount, currency, target, date)
                    if converted is None:
                        why = f"award {ident}: value in {currency or 'no currency'} not in {target}"
                        break
                    total += converted
                if why is not None:
                    break
                if c.estimate is not None:
                    amount, currency, date = c.estimate
                    estimate = convert(ctx, amount, currency, target, date)
                    if estimate is None:
                        why = f"{c.source} value in {c.estimate[1] or 'no currency'} not in {target}"
                        break
                elif registers is None:
                    why = "no lot or tender value, and no classifier register given"
                    break
                else:
                    missing = next(
                        (code for code, _ in c.items if code not in registers.reference_prices), None
                    )
                    if missing is not None:
                        why = f"no lot or tender value, and no reference price for {missing!r} in the classifier register"
                        break
                    estimate = sum(q * registers.reference_prices[code][1] for code, q in c.items)
                if not estimate > 0:
                    why = f"{c.source} value is not positive"
                    break
                ratios.append(total / estimate)
                shown.append(
                    {
                        "awards": [a[0] for a in c.awards],
                        "awarded": round(total, 2),
                        "estimate": round(estimate, 2),
                        "estimate_from": c.source,
                        "ratio": round(total / estimate, 4),
                    }
                )
            if why is not None:
                if ctx.full:
                    out.results.append(not_computable(Level.process, ocid, why))
                continue
            value = max(ratios)
            if value >= threshold:
                hits = [s for s, r in zip(shown, ratios, strict=True) if r >= threshold]
                out.results.append(
                    flagged(Level.process, ocid, round(value, 4), threshold=threshold, comparisons=hits)
                )
            elif ctx.full:
                out.results.append(
                    not_flagged(Level.process, ocid, round(value, 4), threshold=threshold, comparisons=shown)
                )
        return out
