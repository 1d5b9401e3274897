"""R045 Bidder is not listed in business registries: a tenderer or supplier is not in the companies register,
or was registered only after it took part."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators._supply import registration, unregistered_reason
from adal.indicators.base import Indicator, Level, Result, Settings
from adal.indicators.common import day, flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process, objects, submitted


@dataclass(frozen=True)
class R045Settings(Settings):
    check_registration_date: bool = True  # also flag a company registered after the date it took part


# An operator as the fold keeps it: (subject, scheme-identifier, digits, role, first date YYYY-MM-DD or None).
Operator = tuple[str, str | None, str | None, str, str | None]


def operators(ctx: Folding, p: Process) -> list[Operator]:
    """The tenderers (of submitted bids, or parties with the role) and suppliers (of active awards, or parties
    with the role) of a process, each with the earliest date of its bids and awards."""
    roles: dict[str, str] = {}
    first: dict[str, str | None] = {}

    def seen(party: str, role: str, when: str | None) -> None:
        if party not in roles or role == "supplier":
            roles[party] = role
        d = day(when)
        iso = d.isoformat() if d is not None else None
        held = first.get(party)
        if party not in first or (iso is not None and (held is None or iso < held)):
            first[party] = iso

    for bid in submitted(p.bids or []):
        for t in bid.tenderers or ():
            seen(t, "tenderer", bid.date)
    for award in p.awards or ():
        if award.status == "active":
            for s in award.suppliers or ():
                seen(s, "supplier", award.date)
    for entry in objects(p.release, "parties"):
        pid, party_roles = entry.get("id"), entry.get("roles")
        if type(pid) is str and type(party_roles) is list:
            for role in ("supplier", "tenderer"):
                if role in party_roles:
                    seen(pid, role, None)
                    break
    out = []
    for party in sorted(roles):
        org, digits = registration(p, party)
        if org is not None and org.startswith("KZ-IIN"):
            digits = None  # a sole trader: not a legal entity of the companies register
        out.append((ctx.org(p, party), org, digits, roles[party], first[party]))
    return out


class R045(Indicator):
    code = "R045"
    title = "Bidder is not listed in business registries"
    description = (
        "A tenderer or supplier is not in the state register of legal entities, or was registered only "
        "after it took part."
    )
    phase = "award"
    scheme = "shell or fictitious company: a bidder that does not exist as a registered business"
    legal_basis = both(
        "art. 9 (qualification requirements: legal capacity of the potential supplier)",
        "qualification requirements of potential suppliers (article number not checked)",
        "A potential supplier must be a legal person (or a sole trader) entitled to do business.",
    )
    levels = (Level.process, Level.tenderer)
    fields = (
        "bids.details.status",
        "bids.details.tenderers.id",
        "bids.details.date",
        "awards.status",
        "awards.suppliers.id",
        "awards.date",
        "parties.id",
        "parties.roles",
        "parties.identifier",
    )
    settings = R045Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        found = operators(ctx, p)
        if not found and not ctx.full:
            return None
        return found

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        registers = ctx.registers
        missing = registers is None or not registers.has("companies")
        for ocid, found in pieces:
            if not found:
                out.results.append(not_computable(Level.process, ocid, "no tenderers or suppliers"))
                continue
            if missing:
                if ctx.full:
                    why = "no companies register given"
                    out.results.append(not_computable(Level.process, ocid, why))
                    out.results.extend(not_computable(Level.tenderer, o[0], why, ocid=ocid) for o in found)
                continue
            assert registers is not None
            results: list[Result] = []
            findings: dict[str, str] = {}
            reasons: list[str] = []
            checked = 0
            for subject, org, digits, role, first in found:
                if digits is None:
                    reason = unregistered_reason(org, role)
                    reasons.append(reason)
                    if ctx.full:
                        results.append(not_computable(Level.tenderer, subject, reason, ocid=ocid))
                    continue
                checked += 1
                company = registers.companies.get(digits)
                if company is None:
                    findings[subject] = "not in the companies register"
                    results.append(
                        flagged(
                            Level.tenderer, subject, 1.0, ocid=ocid, bin=digits, role=role, registered=None
                        )
                    )
                    continue
                registered = company.registered.isoformat() if company.registered else None
                if (
                    settings.check_registration_date
                    and registered is not None
                    and first is not None
                    and registered > first
                ):
                    findings[subject] = f"registered on {registered}, after it took part on {first}"
                    results.append(
                        flagged(
                            Level.tenderer,
                            subject,
                            1.0,
                            ocid=ocid,
                            bin=digits,
                            role=role,
                            registered=registered,
                            took_part=first,
                        )
                    )
                elif ctx.full:
                    results.append(
                        not_flagged(
                            Level.tenderer, subject, None, ocid=ocid, bin=digits, registered=registered
                        )
                    )
            if findings:
                results.insert(0, flagged(Level.process, ocid, 1.0, operators=findings))
            elif ctx.full:
                if checked:
                    results.insert(0, not_flagged(Level.process, ocid, None, checked=checked))
                else:
                    results.insert(0, not_computable(Level.process, ocid, reasons[0]))
            out.results.extend(results)
        return out
