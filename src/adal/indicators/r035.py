"""R035 All except winning bid disqualified: the winner was the only bidder left standing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process, final_awards, why_not_final


@dataclass(frozen=True)
class R035Settings(Settings):
    threshold: int = 1  # at least this many other tenderers disqualified (1 at the least)


class R035(PerProcess):
    map_key = "ocid_tenderer_r035"
    code = "R035"
    title = "All except winning bid disqualified"
    description = "Every tenderer but the winner was disqualified, leaving a single valid bid."
    phase = "award"
    scheme = "captured buyer: rivals disqualified on pretexts"
    legal_basis = both(
        "art. 33 (grounds for rejecting bids)",
        "art. 10; Rules of public procurement (grounds for rejecting bids)",
        "Bids may be rejected only on the grounds the law lists.",
    )
    levels = (Level.process, Level.tenderer)
    fields = ("awards.status", "awards.suppliers", "bids.details.status", "bids.details.tenderers")
    settings = R035Settings
    cardinal = True

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        active = final_awards(p)
        if active is None:
            return ([not_computable(Level.process, p.ocid, why_not_final(p))], None) if ctx.full else None
        suppliers = {s for a in active for s in (a.suppliers or ())}
        valid: set[str] = set()
        disqualified: set[str] = set()
        for b in p.bids or ():
            if b.status == "valid":
                valid.update(b.tenderers or ())
            elif b.status == "disqualified":
                disqualified.update(b.tenderers or ())
        others = len(disqualified - valid)
        if len(valid) == 1 and valid == suppliers and others >= max(settings.threshold, 1):
            (winner,) = valid
            results = [
                flagged(
                    Level.process,
                    p.ocid,
                    float(others),
                    winner=ctx.org(p, winner),
                    disqualified=sorted(disqualified - valid),
                ),
                flagged(Level.tenderer, ctx.org(p, winner), 0.0, ocid=p.ocid),
            ]
            return results, [winner]
        if not ctx.full:
            return None
        if not valid:
            return [not_computable(Level.process, p.ocid, "no valid bid")], None
        return [not_flagged(Level.process, p.ocid, float(others))], None
