"""CRI-NEW-COMPANY Newly registered supplier: a winning supplier was registered in the companies register less
than a year before the award (a component of Fazekas's Corruption Risk Index)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators._winners import decided_awards, winners
from adal.indicators.base import Indicator, Level, Result, Settings
from adal.indicators.common import day, flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process
from adal.indicators.registers import bin_of


@dataclass(frozen=True)
class CriNewCompanySettings(Settings):
    max_age_days: int = 364  # flag a supplier at most this many days old on the award date (under a year)


class CriNewCompany(Indicator):
    code = "CRI-NEW-COMPANY"
    title = "Newly registered supplier"
    description = (
        "A winning supplier was registered less than a year before the award, as shell companies are."
    )
    phase = "award"
    scheme = "shell company set up to win a contract arranged in advance"
    legal_basis = both(
        "art. 9 (qualification requirements: experience, resources)",
        "art. 9 (qualification requirements)",
        "A supplier must show the experience and resources to deliver; a company weeks old has neither.",
    )
    levels = (Level.process, Level.tenderer)
    fields = ("awards.status", "awards.date", "awards.suppliers.id", "parties.identifier")
    settings = CriNewCompanySettings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        awards, why = decided_awards(p)
        if awards is None:
            return why if ctx.full else None
        pairs = winners(awards)
        if not pairs:
            return "no active award names a supplier" if ctx.full else None
        return [(s, ctx.org(p, s), bin_of(p.scheme_id(s)), a.date) for s, a in pairs]

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        registers = ctx.registers
        have = registers is not None and registers.has("companies")
        limit = settings.max_age_days
        for ocid, piece in pieces:
            if isinstance(piece, str):
                out.results.append(not_computable(Level.process, ocid, piece))
                continue
            if not have:
                if ctx.full:
                    out.results.append(not_computable(Level.process, ocid, "no companies register given"))
                continue
            assert registers is not None
            young: dict[str, dict[str, Any]] = {}
            checked: dict[str, int] = {}
            missing: str | None = None
            for raw, subject, number, date in piece:
                awarded = day(date)
                if number is None:
                    missing = missing or f"supplier {raw!r} has no KZ-BIN identifier"
                    continue
                company = registers.companies.get(number)
                if company is None:
                    missing = missing or f"supplier BIN {number} is not in the companies register"
                    continue
                if awarded is None:
                    missing = missing or f"the award to {raw!r} has no date"
                    continue
                if company.registered is None:
                    missing = missing or f"supplier BIN {number} has no registration date in the register"
                    continue
                age = (awarded - company.registered).days
                if age < 0:
                    missing = (
                        missing
                        or f"supplier BIN {number} was registered after the award ({company.registered})"
                    )
                    continue
                if age <= limit:
                    young[subject] = {
                        "bin": number,
                        "registered": company.registered.isoformat(),
                        "award_date": awarded.isoformat(),
                        "age_days": age,
                    }
                    out.results.append(
                        flagged(Level.tenderer, subject, float(age), ocid=ocid, **young[subject])
                    )
                else:
                    checked[subject] = age
            result: Result | None = None
            if young:
                value = float(min(v["age_days"] for v in young.values()))
                result = flagged(Level.process, ocid, value, suppliers=young, max_age_days=limit)
            elif ctx.full:
                if missing is not None:
                    result = not_computable(Level.process, ocid, missing)
                else:
                    value = float(min(checked.values()))
                    result = not_flagged(Level.process, ocid, value, ages=checked, max_age_days=limit)
            if result is not None:
                out.results.append(result)
        return out
