"""R055 Repeated direct awards above the open-procedure threshold: a buyer's direct awards to one supplier add
up to more than an open procedure's threshold.

Cardinal's R055 is unfinished (docs/indicators/cardinal-semantics.md, R055); adal implements the intent of
its methodology discussion: the sum, per buyer (and per procuring entity) and supplier, of the active
single-supplier awards of direct procedures in the window and the main currency, against the threshold
setting or else the smallest open procedure's value in the window.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import day as _day
from adal.indicators.common import flagged, not_flagged
from adal.indicators.common import window as _window
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process
from adal.indicators.settings import Configuration


@dataclass(frozen=True)
class R055Settings(Settings):
    threshold: float | None = None  # default: the smallest value of an open procedure in the window
    start_date: str = ""  # YYYY-MM-DD, inclusive; empty: no lower bound (Cardinal: a year before today)
    end_date: str = ""  # YYYY-MM-DD, inclusive; empty: no upper bound (Cardinal: today)


def currency_candidate(process: Process, settings: R055Settings) -> str | None:
    """The currency R055 meets first in a process (an open procedure's value, else a direct award's), for the
    main-currency rule."""
    start, end = _window(settings)
    if process.method == "open" and process.tender_amount is not None and process.tender_currency is not None:
        day = _day(process.period_start)
        if day is not None and start <= day <= end:
            return process.tender_currency
    if process.method != "direct":
        return None
    for a in process.awards or ():
        if a.status == "active" and a.amount is not None and a.currency is not None:
            day = _day(a.date)
            if day is not None and start <= day <= end and a.suppliers and a.n_suppliers == 1:
                return a.currency
    return None


class R055(Indicator):
    code = "R055"
    title = "Repeated direct awards above the open-procedure threshold"
    description = (
        "A buyer's direct awards to one supplier add up to more than an open procedure would have required."
    )
    phase = "award"
    scheme = "splitting: direct awards repeated to stay under the threshold of an open procedure"
    legal_basis = both(
        "art. 39 (single-source purchases)",
        "art. 16 (single-source purchases: the grounds)",
        "Purchases may not be split to avoid the method their total value requires.",
    )
    levels = (Level.buyer, Level.procuring_entity, Level.tenderer)
    fields = (
        "tender.procurementMethod",
        "tender.tenderPeriod.startDate",
        "tender.value",
        "buyer.id",
        "tender.procuringEntity.id",
        "awards.status",
        "awards.value",
        "awards.date",
        "awards.suppliers",
    )
    settings = R055Settings
    cardinal = True

    def parse_settings(self, config: Configuration) -> R055Settings:
        settings: R055Settings = super().parse_settings(config)
        for name in ("start_date", "end_date"):
            value = getattr(settings, name)
            if value:
                try:
                    dt.date.fromisoformat(value)
                except ValueError:
                    from adal.errors import UsageError

                    raise UsageError(
                        f"{config.path}: [R055] {name} is {value!r}, expected YYYY-MM-DD"
                    ) from None
        return settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        start, end = _window(settings)
        opened = None
        if p.method == "open" and p.tender_amount is not None and p.tender_currency is not None:
            day = _day(p.period_start)
            if day is not None and start <= day <= end:
                opened = (p.tender_amount, p.tender_currency, p.period_start)
        awards = []
        if p.method == "direct":
            for a in p.awards or ():
                if a.status != "active" or a.amount is None or a.currency is None:
                    continue
                if a.suppliers is None or a.n_suppliers != 1 or len(a.suppliers) != 1:
                    continue
                day = _day(a.date)
                if day is None or not start <= day <= end:
                    continue
                supplier = ctx.org(p, a.suppliers[0])
                buyer = ctx.org(p, p.buyer) if p.buyer is not None else None
                entity = ctx.org(p, p.procuring_entity) if p.procuring_entity is not None else None
                awards.append((buyer, entity, supplier, a.amount, a.currency, a.date))
        return (opened, awards) if opened or awards else None

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        open_amounts: list[float] = []
        sums: dict[Level, dict[tuple[str, str], float]] = {
            Level.buyer: defaultdict(float),
            Level.procuring_entity: defaultdict(float),
        }
        for _, (opened, awards) in pieces:
            if opened is not None and (opened_amount := ctx.money(*opened)) is not None:
                open_amounts.append(opened_amount)
            for buyer, entity, supplier, award_amount, currency, date in awards:
                amount = ctx.money(award_amount, currency, date)
                if amount is None:
                    continue
                for level, subject in ((Level.buyer, buyer), (Level.procuring_entity, entity)):
                    if subject is not None:
                        sums[level][(subject, supplier)] += amount
        limit = (
            settings.threshold
            if settings.threshold is not None
            else (min(open_amounts) if open_amounts else 0.0)
        )
        out.meta["lower_open_amount"] = limit
        # One result per subject: its largest buyer-supplier sum, flagged when it reaches the limit.
        best: dict[tuple[Level, str], tuple[float, str]] = {}
        for level, pairs in sums.items():
            for (subject, supplier), total in sorted(pairs.items()):
                for key, other in (((level, subject), supplier), ((Level.tenderer, supplier), subject)):
                    if total > best.get(key, (float("-inf"), ""))[0]:
                        best[key] = (total, other)
        for (level, who), (total, other) in sorted(best.items()):
            evidence = {"counterpart": other, "threshold": limit}
            if total >= limit:
                out.results.append(flagged(level, who, total, **evidence))
            elif ctx.full:
                out.results.append(not_flagged(level, who, total, **evidence))
        return out
