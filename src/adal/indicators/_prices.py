"""Shared by the price indicators (R016, R017; R022 and R031 for money): unit prices of item lines, the main
currency of a finalize, and the comparison of a line's unit price with its peers (Tukey fences) and with the classifier
register's reference unit price.

A *line* is one item of a process with a classification id and a positive unit price: ``unit.value``
where the publisher gives it, else the parent's value divided by the quantity when the parent has that
one item. Peers are the lines of the same classification (its first ``digits`` characters, or the whole
code) across the dataset, in the main currency. Reference unit prices are in tenge (KZT), by exact code.
"""

from __future__ import annotations

import math
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from adal.indicators.base import Level, Result, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context
from adal.indicators.facts import get, number, text
from adal.indicators.stats import lower_fence, quantile, upper_fence

REFERENCE_CURRENCY = "KZT"


@dataclass(frozen=True)
class UnitPriceSettings(Settings):
    digits: int = 0  # classification prefix that makes peers; 0: the whole code
    minimum_peers: int = 10  # priced lines a classification needs (this one included) for its fences
    log_scale: bool = True  # fences on the logarithm of unit prices (prices are skewed)
    reference_high: float = 1.5  # flag a unit price at least this multiple of the reference price
    reference_low: float = 0.5  # flag a unit price at most this share of the reference price (0: never)


@dataclass(frozen=True, slots=True)
class Line:
    item: str  # the item's id, else its position (1-based)
    code: str  # classification id
    price: float  # unit price in ``currency``
    currency: str | None
    date: str | None  # what a conversion uses
    derived: bool = False  # value ÷ quantity, not a published unit price


def _item_id(item: dict[str, Any], position: int) -> str:
    raw = item.get("id")
    if type(raw) is str and raw:
        return raw
    if type(raw) is int:
        return str(raw)
    return f"#{position}"


def lines_of(
    items: list[dict[str, Any]], parent_value: Any, date: str | None
) -> tuple[list[Line], str | None]:
    """The priced lines of ``items`` (``parent_value``: the tender's, award's or contract's ``value``), or
    no lines and why."""
    if not items:
        return [], "no items"
    parent_amount = number(parent_value, "amount")
    parent_currency = text(parent_value, "currency")
    out: list[Line] = []
    classified = 0
    for position, item in enumerate(items, 1):
        code = text(item, "classification", "id")
        if not code:
            continue
        classified += 1
        value = get(item, "unit", "value")
        amount = number(value, "amount")
        currency = text(value, "currency") or parent_currency
        derived = False
        if amount is None and len(items) == 1 and parent_amount is not None:
            quantity = number(item, "quantity")
            if quantity is not None and quantity > 0:
                amount, currency, derived = parent_amount / quantity, parent_currency, True
        if amount is None or not amount > 0 or not math.isfinite(amount):
            continue
        out.append(Line(_item_id(item, position), code, amount, currency, date, derived))
    if out:
        return out, None
    if not classified:
        return [], "no item has a classification id"
    return [], "no classified item has a unit price (unit.value.amount, or a value and a quantity)"


def main_currency(ctx: Context, currencies: Iterable[str | None]) -> str | None:
    """The main currency: the ``currency`` setting (or the one the run found), else the first met here."""
    if ctx.currency is not None:
        return ctx.currency
    return next((c for c in currencies if c is not None), None)


def convert(
    ctx: Context, amount: float, currency: str | None, target: str | None, date: str | None
) -> float | None:
    """``amount`` in ``target``: as it is when the currency is the same, converted at the rate of its date
    (adal's format, with a rate table), else None."""
    if currency is None or target is None:
        return None
    if currency == target:
        return amount
    if ctx.rates is None or ctx.cardinal:
        return None
    return ctx.rates.convert(amount, currency, target, date)


@dataclass(frozen=True, slots=True)
class Fences:
    count: int
    q1: float
    median: float
    q3: float
    lower: float
    upper: float
    log: bool

    def shown(self, x: float) -> float:
        return round(math.exp(x) if self.log else x, 2)

    def evidence(self) -> dict[str, Any]:
        return {
            "count": self.count,
            "q1": self.shown(self.q1),
            "median": self.shown(self.median),
            "q3": self.shown(self.q3),
            "lower_fence": self.shown(self.lower),
            "upper_fence": self.shown(self.upper),
        }


def fences(values: list[float], log: bool) -> Fences:
    q1, q3 = quantile(values, 0.25), quantile(values, 0.75)
    return Fences(len(values), q1, quantile(values, 0.5), q3, lower_fence(q1, q3), upper_fence(q1, q3), log)


def _key(code: str, digits: int) -> str:
    return code[:digits] if digits > 0 else code


def _far(ratio: float) -> float:
    """How far a price ratio is from 1, either way (a zero or negative ratio: as far as can be)."""
    return abs(math.log(ratio)) if ratio > 0 else math.inf


def judge_lines(
    ctx: Context,
    pieces: list[tuple[str, Any]],
    settings: UnitPriceSettings,
    what: str,
) -> list[Result]:
    """R016 and R017: each process's lines against their peers and the reference prices.

    ``pieces`` are ``(ocid, (lines, reason))`` from the folds; ``what`` names the lines in reasons."""
    main = main_currency(ctx, (line.currency for _, (lines, _) in pieces for line in lines))
    log = settings.log_scale
    converted: dict[str, list[tuple[Line, float | None]]] = {}
    peers: dict[str, list[float]] = defaultdict(list)
    for ocid, (lines, _) in pieces:
        rows = []
        for line in lines:
            amount = convert(ctx, line.price, line.currency, main, line.date)
            rows.append((line, amount))
            if amount is not None:
                peers[_key(line.code, settings.digits)].append(math.log(amount) if log else amount)
        converted[ocid] = rows
    known = {
        key: fences(values, log) for key, values in peers.items() if len(values) >= settings.minimum_peers
    }
    registers = ctx.registers
    references = registers.reference_prices if registers is not None else {}
    high, low = settings.reference_high, settings.reference_low
    out: list[Result] = []
    for ocid, (lines, reason) in pieces:
        if not lines:
            if ctx.full:
                out.append(not_computable(Level.process, ocid, reason or f"no priced {what}"))
            continue
        hits: list[dict[str, Any]] = []
        ratios: list[float] = []
        why: list[str] = []
        for line, amount in converted[ocid]:
            found: dict[str, Any] = {}
            flags: list[str] = []
            line_ratios: list[float] = []
            key = _key(line.code, settings.digits)
            peer = known.get(key)
            if amount is None:
                why.append(f"item {line.item}: unit price in {line.currency or 'no currency'} not in {main}")
            elif peer is None:
                why.append(
                    f"classification {key!r} has {len(peers.get(key, ()))} priced {what}, fewer than {settings.minimum_peers}"
                )
            else:
                x = math.log(amount) if log else amount
                ratio = amount / (math.exp(peer.median) if log else peer.median)
                line_ratios.append(ratio)
                found["ratio_to_median"] = round(ratio, 4)
                found["peers"] = peer.evidence()
                if peer.q3 > peer.q1 and (x <= peer.lower or x >= peer.upper):
                    flags.append("peers")
            reference = references.get(line.code)
            if registers is None:
                why.append("no classifier register given")
            elif reference is None:
                why.append(f"no reference price for {line.code!r} in the classifier register")
            else:
                in_kzt = convert(ctx, line.price, line.currency, REFERENCE_CURRENCY, line.date)
                if in_kzt is None:
                    why.append(f"item {line.item}: unit price in {line.currency or 'no currency'} not in KZT")
                else:
                    ratio = in_kzt / reference[1]
                    line_ratios.append(ratio)
                    found["reference_price"] = reference[1]
                    found["ratio_to_reference"] = round(ratio, 4)
                    if ratio >= high or (low > 0 and ratio <= low):
                        flags.append("reference")
            if not line_ratios:
                continue
            ratios.extend(line_ratios)
            if flags:
                hits.append(
                    {
                        "item": line.item,
                        "classification": line.code,
                        "unit_price": round(line.price, 2),
                        "currency": line.currency,
                        **found,
                        "flagged_by": flags,
                    }
                )
        if hits:
            flagging = [
                r
                for hit in hits
                for name, r in (
                    ("peers", hit.get("ratio_to_median")),
                    ("reference", hit.get("ratio_to_reference")),
                )
                if name in hit["flagged_by"] and r is not None
            ]
            value = max(flagging, key=_far)
            out.append(flagged(Level.process, ocid, round(value, 4), lines=hits))
        elif not ctx.full:
            continue
        elif ratios:
            value = max(ratios, key=_far)
            out.append(not_flagged(Level.process, ocid, round(value, 4), lines=len(lines)))
        else:
            out.append(not_computable(Level.process, ocid, "; ".join(dict.fromkeys(why))))
    return out
