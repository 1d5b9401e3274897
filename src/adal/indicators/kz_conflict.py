"""KZ-CONFLICT Conflict of interest: the winning company's founders or directors include one of the buyer's
officials in post on the award date (head, deputy head, procurement officer), or a family member of one.

The registers are consulted in finalize only: fold keeps the buyer's and suppliers' BINs and the award dates.
Evidence names the post, the role in the company and the relation, never a person (no IIN, no name).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from adal.indicators._kzlaw import day_of
from adal.indicators._law import LAW_2015, LAW_2024
from adal.indicators.base import Indicator, LegalBasis, Level, Result, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process
from adal.indicators.registers import Registers, bin_of

LAW_CORRUPTION = "Law of the Republic of Kazakhstan No. 410-V of 18 November 2015 «On countering corruption»"
_SUMMARY = (
    "An official may not take part in a decision in which the official, a spouse or a close relative has a "
    "personal interest; a company of such persons may not supply the body the official serves."
)


@dataclass(frozen=True)
class KzConflictSettings(Settings):
    posts: frozenset[str] = frozenset(
        {"head", "deputy_head", "procurement_officer"}
    )  # head_posts posts checked
    roles: frozenset[str] = frozenset({"founder", "director"})  # company_people roles checked


class KzConflict(Indicator):
    code = "KZ-CONFLICT"
    title = "Conflict of interest"
    description = (
        "The winning company is founded or directed by an official of the buying body in post on the award "
        "date, or by a family member of one."
    )
    phase = "award"
    scheme = "conflict of interest: contracts steered to a company of an official or of the official's family"
    legal_basis = (
        LegalBasis(
            LAW_2015,
            "art. 6 p. 1 sp. 1 (restrictions on participation: relatives of the buyer's officials; not verified)",
            _SUMMARY,
            dt.date(2016, 1, 1),
            dt.date(2024, 12, 31),
        ),
        LegalBasis(
            LAW_2024,
            "restrictions on participation in public procurement: relatives of the buyer's officials "
            "(article not verified)",
            _SUMMARY,
            dt.date(2025, 1, 1),
        ),
        LegalBasis(
            LAW_CORRUPTION,
            "art. 1 (conflict of interest); settling conflicts of interest (article not verified)",
            _SUMMARY,
            dt.date(2016, 1, 1),
        ),
    )
    levels = (Level.process, Level.buyer, Level.tenderer)
    fields = (
        "buyer.id",
        "awards.status",
        "awards.date",
        "awards.suppliers.id",
        "parties.id",
        "parties.identifier.scheme",
        "parties.identifier.id",
    )
    settings = KzConflictSettings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        """(reason,) when the process cannot be looked at, else (buyer, buyer BIN, [(supplier, BIN, day)])."""
        if p.buyer is None:
            return ("no buyer",) if ctx.full else None
        active = [a for a in p.awards or () if a.status == "active"]
        if not active:
            return ("no active award",) if ctx.full else None
        entries = []
        for award in active:
            day = day_of(award.date)
            for raw in award.suppliers or ():
                entries.append(
                    (ctx.org(p, raw), bin_of(p.scheme_id(raw)), day.isoformat() if day is not None else None)
                )
        if not entries:
            return ("the active awards name no supplier",) if ctx.full else None
        return (ctx.org(p, p.buyer), bin_of(p.scheme_id(p.buyer)), entries)

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        registers = ctx.registers
        missing = _missing(registers)
        for ocid, piece in pieces:
            if len(piece) == 1:
                out.results.append(not_computable(Level.process, ocid, piece[0]))
                continue
            buyer, buyer_bin, entries = piece
            if missing is not None or buyer_bin is None:
                if ctx.full:
                    reason = missing or "buyer has no KZ-BIN identifier"
                    out.results.append(not_computable(Level.process, ocid, reason))
                    out.results.append(not_computable(Level.buyer, buyer, reason, ocid=ocid))
                    out.results.extend(
                        not_computable(Level.tenderer, supplier, reason, ocid=ocid)
                        for supplier, _, _ in entries
                    )
                continue
            assert registers is not None
            out.results.extend(self._judge(ctx, registers, settings, ocid, buyer, buyer_bin, entries))
        return out

    def _judge(
        self,
        ctx: Context,
        registers: Registers,
        settings: Any,
        ocid: str,
        buyer: str,
        buyer_bin: str,
        entries: list[tuple[str, str | None, str | None]],
    ) -> list[Result]:
        found: list[dict[str, Any]] = []
        reasons: list[str] = []
        results: list[Result] = []
        for supplier, supplier_bin, day_text in entries:
            reason = None
            links: list[dict[str, str]] = []
            if supplier_bin is None:
                reason = "supplier has no KZ-BIN identifier"
            elif day_text is None:
                reason = "award has no date"
            else:
                day = day_of(day_text)
                assert day is not None
                officials = [o for o in registers.heads_of(buyer_bin, day) if o.role in settings.posts]
                people = [c for c in registers.people_of(supplier_bin, day) if c.role in settings.roles]
                links = _links(registers, officials, people)
                if not links:
                    if not officials:
                        reason = f"no official of the buyer in the head_posts register on {day_text}"
                    elif not people:
                        reason = f"no founder or director of the supplier in the company_people register on {day_text}"
                    elif not registers.has("family_links"):
                        reason = "no family_links register given"
            if links:
                entry = {"supplier": supplier, "award_date": day_text, "links": links}
                found.append(entry)
                results.append(flagged(Level.tenderer, supplier, 1.0, ocid=ocid, buyer=buyer, links=links))
            elif reason is not None:
                reasons.append(reason)
                if ctx.full:
                    results.append(not_computable(Level.tenderer, supplier, reason, ocid=ocid))
            elif ctx.full:
                results.append(not_flagged(Level.tenderer, supplier, None, ocid=ocid, buyer=buyer))
        if found:
            results.append(flagged(Level.process, ocid, 1.0, buyer=buyer, awards=found))
            results.append(flagged(Level.buyer, buyer, 1.0, ocid=ocid, awards=found))
        elif ctx.full and reasons:
            results.append(not_computable(Level.process, ocid, reasons[0]))
            results.append(not_computable(Level.buyer, buyer, reasons[0], ocid=ocid))
        elif ctx.full:
            results.append(not_flagged(Level.process, ocid, None, buyer=buyer))
            results.append(not_flagged(Level.buyer, buyer, None, ocid=ocid))
        return results


def _missing(registers: Registers | None) -> str | None:
    """Why the registers this indicator needs are not there, or None."""
    if registers is None:
        return "no state registers given (company_people, head_posts, family_links)"
    for name in ("company_people", "head_posts"):
        if not registers.has(name):
            return f"no {name} register given"
    return None


def _relation(registers: Registers, official: str, person: str) -> str:
    """What ``person`` is to ``official``: the family_links relation where the registers keep it."""
    relations = getattr(registers, "relations", None)  # (IIN, relative) -> relation kind
    if isinstance(relations, dict):
        kind = relations.get((official, person))
        if isinstance(kind, str):
            return kind
    return "family member"


def _links(registers: Registers, officials: list[Any], people: list[Any]) -> list[dict[str, str]]:
    """Each (post, relation, role) that ties a company person to an official; no identifiers."""
    out = []
    for o in officials:
        relatives = registers.family.get(o.iin, set())
        for c in people:
            if c.iin == o.iin:
                relation = "self"
            elif c.iin in relatives:
                relation = _relation(registers, o.iin, c.iin)
            else:
                continue
            link = {"post": o.role, "relation": relation, "role": c.role}
            if link not in out:
                out.append(link)
    return sorted(out, key=lambda link: (link["post"], link["relation"], link["role"]))
