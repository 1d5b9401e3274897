"""R064 Late or failed delivery: a contract's delivery milestone was met long after its due date, or not met."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators._performance import contracts, deliveries
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process


@dataclass(frozen=True)
class R064Settings(Settings):
    threshold: int = 30  # calendar days after the due date from which a delivery counts as late (inclusive)
    milestone_types: frozenset[str] = frozenset({"delivery"})  # milestone types read; empty: every type


class R064(PerProcess):
    code = "R064"
    title = "Late or failed delivery"
    description = (
        "A contract's delivery milestone was met a month or more after its due date, or was not met at all."
    )
    phase = "implementation"
    scheme = "poor performance tolerated: a favoured supplier delivers late or not at all without consequence"
    legal_basis = both(
        "art. 12 (register of unscrupulous participants: suppliers that fail to perform a contract)",
        "register of unscrupulous participants (article not verified)",
        "A supplier that does not perform a public procurement contract, or performs it improperly, is "
        "liable under the contract and enters the register of unscrupulous participants.",
    )
    levels = (Level.process,)
    fields = (
        "contracts.id",
        "contracts.implementation.milestones.type",
        "contracts.implementation.milestones.status",
        "contracts.implementation.milestones.dueDate",
        "contracts.implementation.milestones.dateMet",
    )
    settings = R064Settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        found = contracts(p.release)
        if not found:
            return ([not_computable(Level.process, p.ocid, "no contracts")], None) if ctx.full else None
        read = [
            d for cid, c in found for d in deliveries(cid, c, settings.milestone_types, settings.threshold)
        ]
        bad = [d for d in read if d.state in ("late", "failed")]
        if bad:
            return [
                flagged(
                    Level.process,
                    p.ocid,
                    float(len(bad)),
                    threshold=settings.threshold,
                    milestones=[d.evidence() for d in bad],
                )
            ], None
        if not ctx.full:
            return None
        if not read:
            return [not_computable(Level.process, p.ocid, "no delivery milestones in the contracts")], None
        if any(d.state == "open" for d in read):
            reason = "a delivery milestone is not reported met or not met"
            return [not_computable(Level.process, p.ocid, reason)], None
        if any(d.state == "undated" for d in read):
            reason = "a met delivery milestone has no dueDate or dateMet"
            return [not_computable(Level.process, p.ocid, reason)], None
        return [
            not_flagged(
                Level.process,
                p.ocid,
                0.0,
                threshold=settings.threshold,
                milestones=[d.evidence() for d in read],
            )
        ], None
