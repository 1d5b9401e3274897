"""CRI-TAX-HAVEN Supplier registered in a secrecy jurisdiction: a winning supplier is registered in a tax haven,
as the Financial Secrecy Index lists them (a component of Fazekas's Corruption Risk Index)."""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from adal.indicators._law import both
from adal.indicators._winners import decided_awards, winners
from adal.indicators.base import Level, PerProcess, Settings
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Folding
from adal.indicators.facts import Process, get, objects, text

_SCHEME = re.compile(r"([A-Z]{2})-")


@dataclass(frozen=True)
class CriTaxHavenSettings(Settings):
    # ISO 3166 alpha-2 codes of the jurisdictions that count; empty: the list shipped with adal
    # (data/secrecy_jurisdictions.json, from the Tax Justice Network's Financial Secrecy Index).
    jurisdictions: frozenset[str] = frozenset()


@cache
def shipped() -> tuple[frozenset[str], dict[str, str]]:
    """The shipped jurisdictions: their codes, and every name they go by (lower-cased) -> code."""
    data = json.loads(
        (resources.files("adal.indicators") / "data" / "secrecy_jurisdictions.json").read_text("utf-8")
    )
    codes: set[str] = set()
    names: dict[str, str] = {}
    for j in data["jurisdictions"]:
        code = j["code"]
        codes.add(code)
        for name in (code, j["name_en"], j["name_ru"], *j.get("other_names", ())):
            names[_key(name)] = code
    return frozenset(codes), names


def _key(name: str) -> str:
    return " ".join(name.replace("ё", "е").casefold().split())


def country_of(
    p: Process, party_id: str, listed: frozenset[str]
) -> tuple[str | None, str | None, str | None]:
    """(listed jurisdiction or None, where it was read, the country as published or None when none is given)."""
    party = None
    for candidate in objects(p.release, "parties"):
        if candidate.get("id") == party_id:
            party = candidate  # a later entry with the same id replaces the earlier
    if party is None:
        return None, None, None
    _, names = shipped()
    published = None
    scheme = text(party, "identifier", "scheme")
    if scheme is not None and (m := _SCHEME.match(scheme)) is not None and not scheme.startswith("X"):
        code = m.group(1)
        if code in listed:
            return code, "identifier.scheme", scheme
        published = code
    country = text(get(party, "address"), "countryName")
    if country is not None and country.strip():
        code = names.get(_key(country))
        if code is None and country.strip().upper() in listed:
            code = country.strip().upper()
        if code is not None and code in listed:
            return code, "address.countryName", country
        published = published or country
    return None, None, published


class CriTaxHaven(PerProcess):
    code = "CRI-TAX-HAVEN"
    title = "Supplier registered in a secrecy jurisdiction"
    description = (
        "A winning supplier is registered in a tax haven, a jurisdiction that hides who owns companies."
    )
    phase = "award"
    scheme = "hidden ownership: an offshore company conceals the official or the insider who profits"
    legal_basis = both(
        "art. 6 (restrictions on participation: affiliated persons, conflicts of interest)",
        "art. 7 (restrictions on participation in public procurement)",
        "Who may not take part depends on who owns a supplier, which a secrecy jurisdiction hides.",
    )
    levels = (Level.process, Level.tenderer)
    fields = (
        "awards.status",
        "awards.suppliers.id",
        "parties.id",
        "parties.identifier.scheme",
        "parties.address.countryName",
    )
    settings = CriTaxHavenSettings

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        awards, why = decided_awards(p)
        if awards is None:
            return ([not_computable(Level.process, p.ocid, why)], None) if ctx.full else None
        pairs = winners(awards)
        if not pairs:
            return (
                ([not_computable(Level.process, p.ocid, "no active award names a supplier")], None)
                if ctx.full
                else None
            )
        listed = settings.jurisdictions or shipped()[0]
        havens: dict[str, dict[str, str]] = {}
        countries: dict[str, str] = {}
        unknown: list[str] = []
        for supplier, _ in pairs:
            code, where, published = country_of(p, supplier, listed)
            if code is not None:
                havens[supplier] = {
                    "jurisdiction": code,
                    "read_from": where or "",
                    "published": published or "",
                }
            elif published is None:
                unknown.append(supplier)
            else:
                countries[supplier] = published
        if havens:
            results = [flagged(Level.process, p.ocid, 1.0, suppliers=havens)]
            results += [
                flagged(Level.tenderer, ctx.org(p, s), 1.0, ocid=p.ocid, jurisdiction=h["jurisdiction"])
                for s, h in havens.items()
            ]
            return results, None
        if not ctx.full:
            return None
        if unknown:
            reason = (
                f"supplier {unknown[0]!r} has no country (no identifier scheme with a country prefix,"
                " no address.countryName)"
            )
            return [not_computable(Level.process, p.ocid, reason)], None
        return [not_flagged(Level.process, p.ocid, None, countries=countries)], None
