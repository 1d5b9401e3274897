"""R051 High market concentration: the value awarded in a market (an item classification) is concentrated in
few suppliers, by the Herfindahl–Hirschman index; each process buying in such a market is flagged."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from adal.indicators._law import both
from adal.indicators._supply import check_window
from adal.indicators.base import Indicator, Level, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process
from adal.indicators.r050 import sales, tally
from adal.indicators.settings import Configuration


@dataclass(frozen=True)
class R051Settings(Settings):
    threshold: float = 0.25  # Herfindahl–Hirschman index (0..1, i.e. 2,500 points), inclusive
    min_awards: int = 10  # a market with fewer active awards is not judged
    classification_length: int = 0  # compare the first N characters of the classification; 0: all of it
    start_date: str = ""  # YYYY-MM-DD, inclusive, on the award date; empty: no lower bound
    end_date: str = ""  # YYYY-MM-DD, inclusive; empty: no upper bound


class R051(Indicator):
    code = "R051"
    title = "High market concentration"
    description = (
        "The value awarded in a market (an item classification) is concentrated in few suppliers, by the "
        "Herfindahl–Hirschman index."
    )
    phase = "award"
    scheme = "market allocation or cartel: a market shared among few suppliers"
    legal_basis = both(
        "principles of public procurement: fair competition (article number not checked)",
        "art. 7 (fair competition); Entrepreneurial Code art. 169 (anti-competitive agreements)",
        "Procurement must support fair competition; a concentrated market calls for scrutiny.",
    )
    levels = (Level.process,)
    fields = (
        "awards.status",
        "awards.suppliers.id",
        "awards.value",
        "awards.date",
        "awards.items.classification.id",
        "tender.items.classification.id",
    )
    settings = R051Settings

    def parse_settings(self, config: Configuration) -> R051Settings:
        settings: R051Settings = super().parse_settings(config)
        check_window(settings, f"{config.path}: [{self.code}]")
        return settings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        found = sales(ctx, p, settings)
        if not found and not ctx.full:
            return None
        return found

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        index: dict[str, tuple[float, int, int]] = {}  # market -> (HHI, awards, suppliers)
        for code, market in tally(ctx, pieces).items():
            shares = market.suppliers or {}
            if market.awards >= settings.min_awards and market.total > 0:
                hhi = sum((v / market.total) ** 2 for v in shares.values())
                index[code] = (hhi, market.awards, len(shares))
        for ocid, found in pieces:
            if not found:
                why = "no active award with a value and an item classification"
                out.results.append(not_computable(Level.process, ocid, why))
                continue
            codes = sorted({code for sale in found for code in sale[4]})
            judged = [(index[c][0], c) for c in codes if c in index]
            if not judged:
                if ctx.full:
                    why = f"its markets have fewer than {settings.min_awards} awards in the main currency"
                    out.results.append(not_computable(Level.process, ocid, why, markets=codes))
                continue
            hhi, code = min(judged, key=lambda hc: (-hc[0], hc[1]))
            evidence = {
                "market": code,
                "awards": index[code][1],
                "suppliers": index[code][2],
                "threshold": settings.threshold,
            }
            value = round(hhi, 6)
            if hhi >= settings.threshold:
                out.results.append(flagged(Level.process, ocid, value, **evidence))
            elif ctx.full:
                out.results.append(not_flagged(Level.process, ocid, value, **evidence))
        return out
