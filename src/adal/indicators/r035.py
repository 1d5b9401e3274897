"""R035 All except winning bid disqualified: the winner was the only bidder left standing."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Outcome
from adal.indicators.facts import final_awards, why_not_final


@dataclass(frozen=True)
class R035Settings(Settings):
    threshold: int = 1  # at least this many other tenderers disqualified (1 at the least)


class R035(Indicator):
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

    def compute(self, ctx: Context, settings: Any) -> Outcome:
        out = Outcome(self.code)
        threshold = max(settings.threshold, 1)
        full = ctx.full
        for p in ctx.processes:
            active = final_awards(p)
            if active is None:
                if full:
                    out.results.append(not_computable(Level.process, p.ocid, why_not_final(p)))
                continue
            suppliers = {s for a in active for s in (a.suppliers or ())}
            valid = {t for b in p.bids or () if b.status == "valid" for t in (b.tenderers or ())}
            disqualified = {
                t for b in p.bids or () if b.status == "disqualified" for t in (b.tenderers or ())
            }
            others = len(disqualified - valid)
            if len(valid) == 1 and valid == suppliers and others >= threshold:
                (winner,) = valid
                out.results.append(
                    flagged(
                        Level.process,
                        p.ocid,
                        float(others),
                        winner=ctx.org(p, winner),
                        disqualified=sorted(disqualified - valid),
                    )
                )
                out.results.append(flagged(Level.tenderer, ctx.org(p, winner), 0.0, ocid=p.ocid))
                out.maps.setdefault("ocid_tenderer_r035", {})[p.ocid] = [winner]
            elif full:
                if not valid:
                    out.results.append(not_computable(Level.process, p.ocid, "no valid bid"))
                else:
                    out.results.append(not_flagged(Level.process, p.ocid, float(others)))
        return out
