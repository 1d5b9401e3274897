"""Kazakhstan's procurement law as the KZ- indicators apply it: which law was in force on a day, the methods
with an upper limit in MRP, the MRP of a year, and the lawful grounds for a single-source purchase.

The figures come from ``adal/synth/data/law.json`` (sources and what is verified are listed there), the same
file the synthetic world is drawn from, so that the law is written down once.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import cache
from typing import Any

from adal.indicators._law import LAW_2015, LAW_2024
from adal.indicators.facts import Process, text
from adal.indicators.registers import bin_of
from adal.synth import data as reference

TITLES = {"434-V": LAW_2015, "106-VIII": LAW_2024}


def day_of(value: Any) -> dt.date | None:
    """The date at the start of a date or timestamp text (``YYYY-MM-DD…``), else None."""
    if type(value) is not str or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


NOT_KAZAKH = "not a Kazakh procurement (no KZ-BIN buyer or procuring entity, no amount in KZT)"


def kazakh(p: Process) -> bool:
    """Whether a process is under Kazakh law: its buyer or procuring entity has a KZ-BIN (by identifier or
    by id), or its tender value or planned budget is in KZT."""
    for party in (p.buyer, p.procuring_entity):
        if party is not None and (bin_of(p.scheme_id(party)) or bin_of(party)):
            return True
    if p.tender_currency == "KZT":
        return True
    return text(p.release, "planning", "budget", "amount", "currency") == "KZT"


def tender_day(release: dict[str, Any]) -> tuple[dt.date | None, str | None]:
    """The tender's date (``tenderPeriod.startDate``, else ``datePublished``) and the field it came from."""
    for path in (("tender", "tenderPeriod", "startDate"), ("tender", "datePublished")):
        found = day_of(text(release, *path))
        if found is not None:
            return found, ".".join(path)
    return None, None


@cache
def _laws() -> tuple[tuple[str, dt.date, dt.date | None], ...]:
    return tuple(
        (
            law["id"],
            dt.date.fromisoformat(law["valid_from"]),
            dt.date.fromisoformat(law["valid_to"]) if law["valid_to"] else None,
        )
        for law in reference.load("law")["laws"]
    )


def law_on(day: dt.date) -> str | None:
    """The id of the procurement law in force on ``day`` ("434-V" or "106-VIII"), else None."""
    for law, start, end in _laws():
        if start <= day and (end is None or day <= end):
            return law
    return None


def _normal(value: str) -> str:
    return re.sub(r"\s+", " ", value.lower().replace("ё", "е")).strip()


@dataclass(frozen=True)
class Limit:
    method: str  # law.json code, e.g. price_offers
    name: str  # English name
    max_mrp: int
    article: str
    verified: bool


@cache
def _methods() -> dict[str, tuple[str, str, dict[str, Limit]]]:
    """Method names (normalised Russian, Kazakh and English) -> (code, English name, law id -> Limit)."""
    out: dict[str, tuple[str, str, dict[str, Limit]]] = {}
    for m in reference.load("law")["methods"]:
        limits = {
            p["law"]: Limit(m["code"], m["name_en"], int(p["max_mrp"]), p["article"], bool(p["verified"]))
            for p in m["periods"]
            if p["max_mrp"] is not None
        }
        entry = (m["code"], m["name_en"], limits)
        for key in ("name_ru", "name_kk", "name_en"):
            out[_normal(m[key])] = entry
    # The names the goszakup portal and adal's world write (procurementMethodDetails). The portal's
    # «Запрос ценовых предложений (не ГЗ)» is a purchase outside the procurement law: not a method of it.
    out[_normal("Открытый конкурс")] = out[_normal("Конкурс (открытый конкурс)")]
    return out


def method_of(details: str) -> tuple[str, str, dict[str, Limit]] | None:
    """The law's method a ``procurementMethodDetails`` text names: (code, English name, limits by law)."""
    return _methods().get(_normal(details))


@cache
def _mrp() -> dict[int, float]:
    """The MRP in force on 1 January of each year (law.json)."""
    entries = sorted(reference.load("law")["mrp"], key=lambda e: e["valid_from"])
    out: dict[int, float] = {}
    for e in entries:
        year = int(e["year"])
        if dt.date.fromisoformat(e["valid_from"]) <= dt.date(year, 1, 1):
            out[year] = float(e["value"])
    return out


def mrp_of(year: int) -> float | None:
    """The MRP (tenge) in force on 1 January of ``year``, from law.json, else None."""
    return _mrp().get(year)


# Words that name each lawful single-source ground (law.json ``single_source_grounds``), lower-case, in
# Russian, Kazakh and English. A stated ground matches when it contains one of them.
GROUND_WORDS: dict[str, tuple[str, ...]] = {
    "failed_price_offers": (),  # decided with failed_tender_or_auction below
    "failed_tender_or_auction": (
        "несостоявш",
        "не состоял",
        "өтпеді",
        "өтпеген",
        "өткізілмеді",
        "failed",
        "unsuccessful",
    ),
    "natural_monopoly_or_energy": (
        "естественн",
        "энергоснабж",
        "электроэнерг",
        "электрической энерг",
        "табиғи монопол",
        "энергиямен жабдықта",
        "natural monopol",
        "energy supply",
        "electricity",
    ),
    "exclusive_rights": ("исключительн", "айрықша құқ", "exclusive right"),
    "emergency": ("чрезвычайн", "кризисн", "эпизоот", "төтенше", "emergency", "crisis"),
    "state_monopoly": (
        "государственной монопол",
        "государственная монопол",
        "мемлекеттік монопол",
        "state monopol",
    ),
    "disabled_persons_organisations": ("инвалид", "мүгедек", "disabilit"),
    "penitentiary_enterprises": ("уголовно-исполнительн", "пенитенциар", "қылмыстық-атқару", "penitentiar"),
    "offtake_contract": ("офтейк", "offtake"),
    "mobilisation_and_secret": (
        "мобилизацион",
        "государственные секреты",
        "государственную тайну",
        "мемлекеттік құпия",
        "жұмылдыру",
        "mobilisation",
        "mobilization",
        "state secret",
    ),
}
_PRICE_OFFERS = ("ценов", "баға ұсыныс", "price offer", "price quotation")
# Method names a procurementMethodDetails text may hold alone: no ground stated.
METHOD_WORDS = ("из одного источника", "бір көзден алу", "single source", "direct")


@cache
def grounds() -> dict[str, dict[str, Any]]:
    """The lawful single-source grounds by code (law.json)."""
    return {g["code"]: g for g in reference.load("law")["single_source_grounds"]}


def stated_ground(rationale: str | None, details: str | None) -> str | None:
    """The ground a single-source purchase states: ``procurementMethodRationale``, else
    ``procurementMethodDetails`` when it says more than the method's name; None when neither does."""
    if rationale is not None and rationale.strip():
        return rationale.strip()
    if details is not None:
        rest = _normal(details)
        for words in METHOD_WORDS:
            rest = rest.replace(words, " ")
        if re.sub(r"[\W_]+", "", rest):
            return details.strip()
    return None


def ground_of(stated: str, extra: frozenset[str]) -> str | None:
    """The code of the lawful ground a stated text names (``extra``: further accepted phrases), else None."""
    found = _normal(stated)
    for code, words in GROUND_WORDS.items():
        if any(w in found for w in words):
            if code == "failed_tender_or_auction" and any(w in found for w in _PRICE_OFFERS):
                return "failed_price_offers"
            return code
    for phrase in extra:
        if phrase and _normal(phrase) in found:
            return "accepted_by_settings"
    return None


def article_for(code: str, law: str) -> str:
    """The article a ground's code is in, under the law ``law`` (the 2015 law: art. 39, not checked)."""
    if code == "accepted_by_settings":
        return "accepted by the settings"
    if law == "434-V":
        return "art. 39 (the 2015 law; paragraph not checked)"
    return str(grounds()[code]["article"]).removeprefix("106-VIII ")
