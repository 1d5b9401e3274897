"""R044 Business similarities between suppliers: tenderers in one process share an address or contact details."""

from __future__ import annotations

from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Party, Process

_CONTACT = ("name", "email", "telephone", "faxNumber", "url")


def _same_contact(a: dict[str, Any] | None, b: dict[str, Any] | None) -> str | None:
    """The first contact field both give as text, when equal (Cardinal compares that field only)."""
    if a is None or b is None:
        return None
    for name in _CONTACT:
        x, y = a.get(name), b.get(name)
        if type(x) is str and type(y) is str:
            return name if x == y else None
    return None


class R044(PerProcess):
    code = "R044"
    title = "Business similarities between suppliers"
    description = (
        "Tenderers in the same process share an address or contact details, as companies of one owner do."
    )
    phase = "award"
    scheme = "bid rigging: cover bids from companies controlled by one owner"
    legal_basis = both(
        "art. 6 (restrictions on participation: affiliated persons)",
        "art. 7 (fair competition); Entrepreneurial Code art. 169",
        "Affiliated bidders in one procedure distort competition.",
    )
    levels = (Level.process, Level.tenderer)
    fields = ("parties.roles", "parties.address", "parties.contactPoint")
    cardinal = True
    needs_parties = True

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        tenderers: dict[str, Party] = {}
        for party in p.parties:
            if party.tenderer:
                tenderers[party.id] = party  # a later party with the same id replaces the earlier
        if len(tenderers) < 2:
            if not ctx.full:
                return None
            return [not_computable(Level.process, p.ocid, "fewer than two tenderers among the parties")], None
        shared: dict[str, list[str]] = {}
        items = list(tenderers.items())
        for a_id, a in items:
            for b_id, b in items:
                if a_id == b_id:
                    continue
                why = None
                if a.address_key is not None and a.address_key == b.address_key:
                    why = "address"
                else:
                    field = _same_contact(a.contact, b.contact)
                    if field is not None:
                        why = f"contactPoint.{field}"
                if why is not None:
                    shared.setdefault(a_id, []).append(f"{b_id} ({why})")
        if shared:
            results = [flagged(Level.process, p.ocid, 1.0, shared={k: sorted(v) for k, v in shared.items()})]
            results += [flagged(Level.tenderer, ctx.org(p, raw), 1.0, ocid=p.ocid) for raw in sorted(shared)]
            return results, None
        return ([not_flagged(Level.process, p.ocid)], None) if ctx.full else None
