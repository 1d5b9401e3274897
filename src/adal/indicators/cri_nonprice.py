"""CRI-NONPRICE Non-price evaluation criteria: bids are judged on more than price, scored by the weight."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from adal.indicators import _cri
from adal.indicators._law import both
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process, objects, text
from adal.indicators.settings import Configuration

# The price's weight in percent, next to a word for price (English, Russian, Kazakh): "price 70%",
# "цена – 70 %", "бағасы 70%", "70% — цена".
_PRICE = r"(?:price|cost|цен|стоимост|баға)"
_PERCENT = r"(\d{1,3}(?:[.,]\d+)?)\s*%"
_AFTER = re.compile(_PRICE + r"[^\d%;,]{0,25}?" + _PERCENT)  # "цена – 70 %": no comma between
_BEFORE = re.compile(_PERCENT + r"[^\d%;,]{0,5}?" + _PRICE)  # "70% — цена"


def price_weight(details: str) -> float | None:
    """The weight of price in percent that ``awardCriteriaDetails`` states, or None."""
    folded = details.casefold()
    for pattern in (_AFTER, _BEFORE):
        m = pattern.search(folded)
        if m is not None:
            value = float(m.group(1).replace(",", "."))
            if value <= 100:
                return value
    return None


def lot_criteria_types(release: dict[str, Any]) -> set[str] | None:
    """The ``type`` of every criterion of ``tender.lots[].awardCriteria.criteria[]`` that is price, cost or
    quality, or None when no lot says."""
    found = {
        kind
        for lot in objects(release, "tender", "lots")
        for criterion in objects(lot, "awardCriteria", "criteria")
        if (kind := criterion.get("type")) in ("price", "cost", "quality")
    }
    return found or None


@dataclass(frozen=True)
class CriNonpriceSettings(Settings):
    bands: str = "0:0|1-49:0.5|50-100:1"  # non-price weight, whole percent -> risk score, edges inclusive
    price_criteria: frozenset[str] = frozenset({"priceOnly", "costOnly", "lowestCost", "lowestPrice"})
    non_price_criteria: frozenset[str] = frozenset(
        {"ratedCriteria", "qualityOnly", "bestProposal", "bestValueToGovernment", "bestValueToGoverment"}
    )
    unweighted_score: float = 1.0  # non-price criteria used and no weight stated (GTI's yes/no component)


class CriNonprice(PerProcess):
    code = "CRI-NONPRICE"
    title = "Non-price evaluation criteria"
    description = (
        "Bids are evaluated on criteria other than price, which leave room for judgement, scored by the "
        "weight of those criteria as the Corruption Risk Index does."
    )
    phase = "tender"
    scheme = "rigged evaluation: subjective criteria that let the evaluators pick a favoured bidder"
    legal_basis = both(
        "art. 13 (methods); Rules of public procurement, order of the Minister of Finance No. 648 of 11 December 2015 (criteria affecting the conditional price)",
        "art. 10 p. 4 (price offers: price decides); Rules of public procurement, order of the Minister of Finance No. 687 of 9 October 2024 (evaluation criteria)",
        "Price decides in price offers; in tenders, criteria other than price adjust the bid price by set shares.",
    )
    levels = (Level.process,)
    fields = (
        "tender.awardCriteria",
        "tender.awardCriteriaDetails",
        "tender.lots.awardCriteria.criteria.type",
    )
    settings = CriNonpriceSettings

    def parse_settings(self, config: Configuration) -> CriNonpriceSettings:
        where = f"{config.path}: [{self.code}]"
        base: CriNonpriceSettings = CriNonpriceSettings.parse(config.sections.get(self.code, {}), where)
        _cri.checked_bands(base.bands, f"{where} bands")
        return base

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        if not p.has_tender:
            return ([not_computable(Level.process, p.ocid, "no tender")], None) if full else None
        criteria = p.award_criteria
        details = text(p.release, "tender", "awardCriteriaDetails")
        price = price_weight(details) if details is not None else None
        evidence: dict[str, Any] = {"award_criteria": criteria}
        if price is not None:
            weight = round(100 - price)
            evidence["price_weight"] = price
        elif criteria is not None and criteria in settings.price_criteria:
            weight = 0
        elif criteria is not None and criteria in settings.non_price_criteria:
            weight = None
        elif (types := lot_criteria_types(p.release)) is not None:
            # The lots' structured criteria (OCDS for eForms): a quality criterion means non-price.
            evidence["lot_criteria_types"] = sorted(types)
            weight = None if "quality" in types else 0
        else:
            reason = (
                "no award criteria"
                if criteria is None
                else f"award criteria {criteria!r} are in neither price_criteria nor non_price_criteria"
            )
            return ([not_computable(Level.process, p.ocid, reason)], None) if full else None
        if weight is None:
            score = settings.unweighted_score
            evidence.update(non_price_weight=None, band=None)
        else:
            band = _cri.band_of(weight, _cri.bands(settings.bands))
            score = band.score if band is not None else 0.0
            evidence.update(non_price_weight=weight, band=band.label if band else None, bands=settings.bands)
        if score > 0:
            return [flagged(Level.process, p.ocid, score, **evidence)], None
        return ([not_flagged(Level.process, p.ocid, 0.0, **evidence)], None) if full else None
