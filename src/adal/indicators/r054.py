"""R054 Direct award followed by change orders exceeding competitive threshold: a contract awarded without
competition, below the value that requires a competitive procedure, is amended to a value above it."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators import _contracts
from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process

# adal's judgement of "competitive" by value: the upper limit of the request for price offers.
_LIMIT_2024 = 8000.0  # Law No. 106-VIII art. 10 p. 4 (from 2025)
_LIMIT_2015 = 4000.0  # Law No. 434-V (until 2024): not verified


@dataclass(frozen=True)
class R054Settings(Settings):
    procurement_methods: frozenset[str] = frozenset({"direct"})
    threshold: float | None = None  # in the main currency; default: the MRP settings below, from the register
    threshold_mrp: float = _LIMIT_2024  # awards dated 2025 or later
    threshold_mrp_2015: float = _LIMIT_2015  # awards dated 2024 or earlier


class R054(Indicator):
    code = "R054"
    title = "Direct award followed by change orders exceeding competitive threshold"
    description = (
        "A contract awarded directly below the competitive threshold is amended to a value above it."
    )
    phase = "contract"
    scheme = "splitting in time: a small direct award grown by amendments past the competition it avoided"
    legal_basis = both(
        "art. 45 (amending the public procurement contract); art. 13 and 43 (price offers up to the limit)",
        "art. 10 p. 4 (price offers up to 8,000 MRP); contract amendment rules (article not verified)",
        "A purchase above the limit needs a competitive procedure, and a contract may be changed only "
        "in the cases the law lists.",
    )
    levels = (Level.process,)
    fields = (
        "tender.procurementMethod",
        "awards.id",
        "awards.value",
        "awards.date",
        "contracts.awardID",
        "contracts.status",
        "contracts.value",
        "contracts.dateSigned",
        "contracts.amendments",
    )
    settings = R054Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        methods = settings.procurement_methods
        if methods and (p.method is None or p.method not in methods):
            if not ctx.full:
                return None
            return ("no", f"procurement method {p.method!r} is not among {sorted(methods)}")
        found, why = _contracts.pairs(p)
        if why is not None:
            return ("no", why) if ctx.full else None
        rows = []
        for pair in found:
            if pair.award_amount is None or pair.contract_amount is None:
                continue
            if not ctx.full and pair.contract_amount <= pair.award_amount:
                continue  # not raised: cannot cross the threshold upward
            rows.append(pair)
        if not rows:
            return ("no", "no contract and award with a value.amount each") if ctx.full else None
        return ("ok", rows)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        registers = ctx.registers
        for ocid, piece in pieces:
            if piece[0] == "no":
                out.results.append(not_computable(Level.process, ocid, piece[1]))
                continue
            best: tuple[tuple[bool, float], dict[str, Any]] | None = None
            reason = None
            for pair in piece[1]:
                date = pair.award_date or pair.date_signed
                if settings.threshold is not None:
                    limit = settings.threshold
                    awarded = ctx.money(pair.award_amount, pair.award_currency or "", date)
                    final = ctx.money(pair.contract_amount, pair.contract_currency or "", date)
                    if awarded is None or final is None:
                        reason = "an amount is not in the main currency"
                        continue
                    basis: dict[str, Any] = {"threshold": limit}
                else:
                    if registers is None or not registers.has("mrp"):
                        reason = "no mrp register given"
                        continue
                    if date is None or len(date) < 4 or not date[:4].isdigit():
                        reason = "the award has no date (the MRP is the year's)"
                        continue
                    year = int(date[:4])
                    mrp = registers.mrp.get(year)
                    if mrp is None:
                        reason = f"no MRP for {year} in the mrp register"
                        continue
                    if any(c not in (None, "KZT") for c in (pair.award_currency, pair.contract_currency)):
                        reason = "an amount is not in KZT (the threshold is in MRP)"
                        continue
                    mrps = settings.threshold_mrp if year >= 2025 else settings.threshold_mrp_2015
                    limit = mrps * mrp
                    awarded, final = pair.award_amount, pair.contract_amount
                    basis = {"threshold": limit, "threshold_mrp": mrps, "mrp": mrp, "year": year}
                ratio = final / limit if limit > 0 else float("inf")
                evidence = {
                    "contract": pair.contract,
                    "award": pair.award,
                    "award_amount": awarded,
                    "contract_amount": final,
                    "amendments": pair.amendments,
                    **basis,
                }
                hit = awarded < limit <= final
                if best is None or (hit, ratio) > best[0]:
                    best = ((hit, ratio), evidence)
            if best is None:
                assert reason is not None
                out.results.append(not_computable(Level.process, ocid, reason))
                continue
            (hit, ratio), evidence = best
            ratio = round(ratio, 6)
            if hit:
                out.results.append(flagged(Level.process, ocid, ratio, **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.process, ocid, ratio, **evidence))
        return out
