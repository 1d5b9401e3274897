"""Procurement thresholds in tenge, and the readings the threshold and splitting indicators share (R002,
R011, R049): the day of a purchase, its amount in tenge, its item class.

Kazakh law sets method limits in MRP (the monthly calculation index, a number of tenge fixed each year by
the budget law). A request for price offers is allowed up to 4,000 MRP of homogeneous goods, works or
services a year under the 2015 law and up to 8,000 MRP under the 2024 law (art. 10 p. 4); above it, a tender
or an auction is required. That limit is the default threshold; the MRP of the purchase's day comes from
``adal/synth/data/law.json`` (``adal.synth.data.mrp``). Every number is a setting.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from adal.indicators.base import Settings
from adal.indicators.common import day
from adal.indicators.facts import Process, get, number, objects, text

day_of = day  # the calendar day of an OCDS date-time (common.day), as the threshold indicators call it

LAW_2024_FROM = dt.date(2025, 1, 1)


def _price_offers_mrp() -> dict[str, int]:
    """The request-for-price-offers limit in MRP under each law, from ``law.json`` (the settings' defaults)."""
    from adal.synth import data

    method = next(m for m in data.load("law")["methods"] if m["code"] == "price_offers")
    return {p["law"]: int(p["max_mrp"]) for p in method["periods"]}


_LIMITS = _price_offers_mrp()
PRICE_OFFERS_MRP_2015 = _LIMITS["434-V"]  # 4,000 MRP (the 2015 law as amended; not verified)
PRICE_OFFERS_MRP_2024 = _LIMITS["106-VIII"]  # 8,000 MRP (2024 law art. 10 p. 4)


@dataclass(frozen=True)
class ThresholdSettings(Settings):
    """The settings R002, R011 and R049 share: where the threshold lies."""

    threshold: float | None = None  # a fixed threshold in `currency`; default: MRP-based by law
    threshold_mrp_2015: int = PRICE_OFFERS_MRP_2015  # price-offers limit, 2015 law (until 2024-12-31)
    threshold_mrp_2024: int = PRICE_OFFERS_MRP_2024  # price-offers limit, 2024 law art. 10 p. 4 (from 2025)
    currency: str = "KZT"  # the currency of the threshold


def screen(p: Process, settings: Any, *, buyer: bool) -> str | None:
    """Why a process is out of a threshold indicator before any amount is read (None: it is in)."""
    if not p.has_tender:
        return "no tender"
    methods = settings.procurement_methods
    if methods and (p.method is None or p.method not in methods):
        return f"procurement method {p.method!r} is not among {sorted(methods)}"
    if buyer and p.buyer is None:
        return "no buyer.id"
    return None


@dataclass(frozen=True)
class Threshold:
    """The threshold in force on a day: tenge, and the MRP it was computed from (None: a fixed setting)."""

    kzt: float
    mrp_count: int | None
    mrp: float | None


def threshold_on(day: dt.date, settings: Any) -> Threshold | None:
    """The threshold on ``day`` from ``threshold`` (tenge) or ``threshold_mrp_2015``/``threshold_mrp_2024``
    times the MRP of the day; None when no MRP is known for the day."""
    if settings.threshold is not None:
        return Threshold(float(settings.threshold), None, None)
    count = settings.threshold_mrp_2024 if day >= LAW_2024_FROM else settings.threshold_mrp_2015
    mrp = mrp_on(day)
    if mrp is None:
        return None
    return Threshold(float(count * mrp), count, float(mrp))


_MRP: dict[dt.date, int | None] = {}


def mrp_on(day: dt.date) -> int | None:
    """The MRP in force on ``day`` (law.json), cached by day; None before the first value known."""
    if day in _MRP:
        return _MRP[day]
    from adal.errors import SynthDataError
    from adal.synth import data

    try:
        found: int | None = data.mrp(day)
    except SynthDataError:
        found = None
    _MRP[day] = found
    return found


def tender_day(p: Process) -> dt.date | None:
    """When the purchase was announced: ``tender.datePublished``, else ``tender.tenderPeriod.startDate``."""
    return day_of(text(p.release, "tender", "datePublished")) or day_of(p.period_start)


def item_class(items: list[dict[str, Any]], digits: int) -> str | None:
    """The classification id of the first item that has one (its first ``digits`` characters; 0: whole)."""
    for item in items:
        code = get(item, "classification", "id")
        if type(code) is int:
            code = str(code)
        if type(code) is str and code:
            return code[:digits] if digits > 0 else code
    return None


def tender_class(p: Process, digits: int) -> str | None:
    return item_class(objects(p.release, "tender", "items"), digits)


def tender_amount(p: Process) -> tuple[float, str] | None:
    """``tender.value`` as (amount, currency), else None."""
    amount = number(p.release, "tender", "value", "amount")
    currency = text(p.release, "tender", "value", "currency")
    if amount is None or currency is None:
        return None
    return amount, currency


def band(amount: float, limit: Threshold, margin: float) -> bool:
    """Whether ``amount`` is just under the threshold, which the law allows up to and including:
    ``(1 - margin) * threshold <= amount <= threshold``."""
    return limit.kzt * (1.0 - margin) <= amount <= limit.kzt


def in_currency(ctx: Any, amount: float, currency: str, target: str, date: str | None) -> float | None:
    """``amount`` in ``target`` (the currency the thresholds are in): as it is, or through the rate table
    (adal's format, ``--rates``); None when it cannot be converted."""
    if currency == target:
        return amount
    if ctx.rates is None or ctx.cardinal:
        return None
    converted: float | None = ctx.rates.convert(amount, currency, target, date)
    return converted


@dataclass
class Purchase:
    """One purchase just under its threshold, in a group (a buyer and an item class, ...)."""

    ocid: str
    day: dt.date
    amount: float
    limit: Threshold


@dataclass
class Split:
    """Purchases of one group within the window, each just under the threshold, that reach it together."""

    purchases: list[Purchase]
    total: float
    limit: float  # the largest threshold in force among them

    @property
    def ratio(self) -> float:
        return round(self.total / self.limit, 4) if self.limit else 0.0

    def evidence(self) -> dict[str, Any]:
        first, last = self.purchases[0].day, self.purchases[-1].day
        return {
            "ocids": [x.ocid for x in self.purchases],
            "amounts": [x.amount for x in self.purchases],
            "total": round(self.total, 2),
            "threshold": self.limit,
            "from": first.isoformat(),
            "to": last.isoformat(),
        }


def splits(purchases: list[Purchase], window_days: int, minimum: int) -> list[Split]:
    """Every maximal run of purchases whose days lie within ``window_days`` of the run's first, with at
    least ``minimum`` purchases, whose total exceeds the largest threshold among them (the law allows up to
    the threshold, inclusive)."""
    ordered = sorted(purchases, key=lambda x: (x.day, x.ocid))
    found: list[Split] = []
    end = 0
    last_end = -1
    for start, first in enumerate(ordered):
        end = max(end, start)
        while end + 1 < len(ordered) and (ordered[end + 1].day - first.day).days <= window_days:
            end += 1
        if end == last_end:  # the same run, shorter: not maximal
            continue
        run = ordered[start : end + 1]
        if len(run) < minimum:
            continue
        total = sum(x.amount for x in run)
        limit = max(x.limit.kzt for x in run)
        if total > limit:
            found.append(Split(run, total, limit))
            last_end = end
    return found
