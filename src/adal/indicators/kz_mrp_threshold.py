"""KZ-MRP-THRESHOLD Method used above its limit: a purchase made by a method the law allows only up to a number
of MRP (the monthly calculation index) was worth more than that, and should have gone to a tender."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _kzlaw
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, number, text


@dataclass(frozen=True)
class KzMrpThresholdSettings(Settings):
    currency: str = "KZT"  # the currency the limits are in; other amounts are converted where rates allow


class KzMrpThreshold(Indicator):
    code = "KZ-MRP-THRESHOLD"
    title = "Method used above its limit"
    description = (
        "A purchase was made by a method the law allows only up to a number of MRP, for more than that limit."
    )
    phase = "tender"
    scheme = "competition avoided: a quick, lightly contested method used where a tender was required"
    legal_basis = both(
        "art. 13 p. 1 sp. 3 (request for price offers up to 4,000 MRP; figure not verified)",
        "art. 10 p. 4 (request for price offers up to 8,000 MRP a year)",
        "A request for price offers is allowed only up to the law's limit in MRP; above it the purchase goes "
        "to a tender or an auction.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethodDetails",
        "tender.value.amount",
        "tender.value.currency",
        "planning.budget.amount.amount",
        "planning.budget.amount.currency",
        "tender.tenderPeriod.startDate",
        "tender.datePublished",
        "buyer.id",
        "tender.procuringEntity.id",
        "parties.identifier",
    )
    settings = KzMrpThresholdSettings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        """(reason) when it cannot be judged, else (method, law, limit, amount, currency, day, where)."""
        if not _kzlaw.kazakh(p):
            return (_kzlaw.NOT_KAZAKH,) if ctx.full else None
        if p.details is None:
            return ("no procurement method details (tender.procurementMethodDetails)",) if ctx.full else None
        method = _kzlaw.method_of(p.details)
        if method is None:
            return (
                (f"procurement method details {p.details!r} are not a method of the law",)
                if ctx.full
                else None
            )
        _code, name, limits = method
        day, _ = _kzlaw.tender_day(p.release)
        if day is None:
            return (
                ("no tender date (tender.tenderPeriod.startDate or tender.datePublished)",)
                if ctx.full
                else None
            )
        law = _kzlaw.law_on(day)
        if law is None:
            reason = f"no procurement law known to adal was in force on {day.isoformat()}"
            return (reason,) if ctx.full else None
        limit = limits.get(law)
        if limit is None:
            return (f"method {name!r} has no upper limit under law {law}",) if ctx.full else None
        amount, currency, where = p.tender_amount, p.tender_currency, "tender.value"
        if amount is None or currency is None:
            amount = number(p.release, "planning", "budget", "amount", "amount")
            currency = text(p.release, "planning", "budget", "amount", "currency")
            where = "planning.budget.amount"
        if amount is None or currency is None:
            return ("no value (tender.value or planning.budget.amount)",) if ctx.full else None
        return (name, law, limit.max_mrp, limit.article, amount, currency, day.isoformat(), where)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        registers = ctx.registers
        table = registers.mrp if registers is not None and registers.has("mrp") else {}
        for ocid, piece in pieces:
            if len(piece) == 1:
                out.results.append(not_computable(Level.process, ocid, piece[0]))
                continue
            name, law, max_mrp, article, amount, currency, day, where = piece
            year = int(day[:4])
            mrp, source = table.get(year), "mrp register"
            if mrp is None:
                mrp, source = _kzlaw.mrp_of(year), "law.json"
            if mrp is None:
                if ctx.full:
                    reason = f"no MRP for {year} (mrp register or law.json)"
                    out.results.append(not_computable(Level.process, ocid, reason))
                continue
            value = amount
            if currency != settings.currency:
                converted = ctx.money(amount, currency, day) if ctx.currency == settings.currency else None
                if converted is None:
                    if ctx.full:
                        reason = f"value in {currency}, not {settings.currency}, and no rate converts it"
                        out.results.append(not_computable(Level.process, ocid, reason))
                    continue
                value = converted
            limit = max_mrp * mrp
            ratio = round(value / limit, 4)
            evidence = {
                "method": name,
                "law": law,
                "article": article,
                "limit_mrp": max_mrp,
                "mrp": mrp,
                "mrp_source": source,
                "limit": limit,
                "amount": round(value, 2),
                "currency": settings.currency,
                "amount_from": where,
                "date": day,
            }
            if value > limit:
                out.results.append(flagged(Level.process, ocid, ratio, **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.process, ocid, ratio, **evidence))
        return out
