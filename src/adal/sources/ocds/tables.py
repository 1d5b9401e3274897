"""Flatten a compiled release into rows of the canonical tables.

Each row is a dict keyed by column name; the loader orders columns as the warehouse schema declares them.
Identifiers are kept as text (publishers mix ``1`` and ``"1"``); amounts become floats; organisations get
an ``org_key`` of scheme + identifier (``KZ-BIN-123456789012``) so they can be matched across releases
and publishers, beside the per-release reference ``party_id``.
"""

from __future__ import annotations

import math
from collections import defaultdict
from typing import Any

from adal.linkage.identifiers import KZ_SCHEMES, normalize, validity

Row = tuple[Any, ...]  # one row, in the column order of the table in warehouse/sql/schema.sql
Rows = dict[str, list[Row]]
Key = tuple[str, str | None]  # (dataset, ocid): the first two columns of every canonical table
Origin = tuple[str | None, int | None, str | None]  # (release_id, source_id, locator): the last three


def text(value: Any) -> str | None:
    """Text for a column: ``None`` stays ``None``; numbers and booleans become their JSON spelling."""
    if value is None:
        return None
    if type(value) is str:
        # orjson never yields lone surrogates; the standard library can (see scrub_surrogates).
        return value
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return str(value)
    return None


def scrub_surrogates(value: Any) -> Any:
    """Replace lone surrogates, which UTF-8 columns cannot hold; the release's JSON keeps them escaped."""
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            return value.encode("utf-8", "replace").decode("utf-8")
        return value
    if isinstance(value, dict):
        return {k: scrub_surrogates(v) for k, v in value.items()}
    if isinstance(value, list):
        return [scrub_surrogates(v) for v in value]
    return value


def number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    try:
        result = float(value)
    except OverflowError:
        return math.inf if value > 0 else -math.inf
    return result


def integer(value: Any) -> int | None:
    if isinstance(value, bool) or not isinstance(value, int) or not -(2**63) <= value < 2**63:
        return None
    return value


def _obj(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


def _arr(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _texts(value: Any) -> list[str] | None:
    if not isinstance(value, list):
        return None
    return [t for t in (text(v) for v in value) if t is not None]


def org_key(identifier: Any) -> str | None:
    """``scheme-id`` of an organisation identifier, the key that matches organisations across releases."""
    identifier = _obj(identifier)
    scheme, ident = text(identifier.get("scheme")), text(identifier.get("id"))
    if not scheme or not ident:
        return None
    scheme, ident = scheme.strip(), ident.strip()
    if scheme in KZ_SCHEMES:
        ident = normalize(ident)  # "0001 4000 1239" and "000140001239" are one organisation
    return f"{scheme}-{ident}" if ident else None


def _period(value: Any) -> tuple[str | None, str | None]:
    period = _obj(value)
    return text(period.get("startDate")), text(period.get("endDate"))


def _value(value: Any) -> tuple[float | None, str | None]:
    money = _obj(value)
    return number(money.get("amount")), text(money.get("currency"))


class Provenance:
    """Which release last set each object: ``(array, id)`` to (release_id, source_id, locator)."""

    def __init__(self, releases: list[tuple[dict[str, Any], tuple[str, int | None, str | None]]]) -> None:
        self.default: tuple[str | None, int | None, str | None] = (None, None, None)
        self.objects: dict[tuple[str, str], tuple[str, int | None, str | None]] = {}
        for release, origin in releases:
            self.default = origin
            # The tender's and the plan's own arrays (items, documents...) go with the release that last
            # carried that array.
            for section in ("tender", "planning"):
                block = release.get(section)
                if isinstance(block, dict):
                    for name in ("items", "documents", "milestones", "amendments"):
                        if block.get(name):
                            self.objects[(f"{section}/{name}", "")] = origin
            for name, array in (
                ("parties", release.get("parties")),
                ("awards", release.get("awards")),
                ("contracts", release.get("contracts")),
                ("lots", _obj(release.get("tender")).get("lots")),
                ("bids", _obj(release.get("bids")).get("details")),
            ):
                if isinstance(array, list):
                    for element in array:
                        if isinstance(element, dict) and "id" in element:
                            self.objects[(name, str(element["id"]))] = origin

    def of(self, name: str, ident: Any) -> Origin:
        """(release_id, source_id, locator) of the release that last set this object."""
        return self.objects.get((name, str(ident)), self.default) if ident is not None else self.default


# Objects that hang under a parent (planning, tender, award, contract, implementation): their table, and
# the fields it keeps after (dataset, ocid, parent_type, parent_id, id, position), in schema order.
_CHILD_FIELDS = {
    "documents": ("documentType", "title", "url", "datePublished", "format", "language"),
    "milestones": ("title", "type", "status", "dueDate", "dateMet"),
    "amendments": ("date", "rationale", "description"),
}


def _children(
    rows: Rows, table: str, key: Key, parent_type: str, parent_id: str | None, items: Any, prov: Origin
) -> None:
    fields = _CHILD_FIELDS[table]
    out = rows[table]
    for position, child in enumerate(_arr(items)):
        get = child.get
        out.append(
            (*key, parent_type, parent_id, text(get("id")), position, *[text(get(f)) for f in fields], *prov)
        )


def _items(rows: Rows, key: Key, parent_type: str, parent_id: str | None, items: Any, prov: Origin) -> None:
    for position, item in enumerate(_arr(items)):
        classification = _obj(item.get("classification"))
        unit = _obj(item.get("unit"))
        amount, currency = _value(unit.get("value"))
        rows["items"].append(
            (
                *key,
                parent_type,
                parent_id,
                text(item.get("id")),
                position,
                text(item.get("description")),
                text(classification.get("scheme")),
                text(classification.get("id")),
                number(item.get("quantity")),
                text(unit.get("name")),
                amount,
                currency,
                text(item.get("relatedLot")),
                *prov,
            )
        )


def flatten_compiled(
    dataset: str, compiled: dict[str, Any], provenance: Provenance, n_releases: int, dates: list[str]
) -> Rows:
    """Rows for every canonical table from one compiled release."""
    rows: Rows = defaultdict(list)
    ocid = text(compiled.get("ocid"))
    key = (dataset, ocid)
    base = provenance.of("", None)
    tender = _obj(compiled.get("tender"))
    planning = _obj(compiled.get("planning"))
    buyer = _obj(compiled.get("buyer"))
    entity = _obj(tender.get("procuringEntity"))
    amount, currency = _value(tender.get("value"))
    tp_start, tp_end = _period(tender.get("tenderPeriod"))
    ap_start, ap_end = _period(tender.get("awardPeriod"))
    budget_amount, budget_currency = _value(_obj(planning.get("budget")).get("amount"))
    rows["processes"].append(
        (
            *key,
            text(compiled.get("id")),
            text(compiled.get("date")),
            text(compiled.get("initiationType")),
            text(tender.get("title")),
            text(tender.get("description")),
            text(tender.get("status")),
            text(tender.get("procurementMethod")),
            text(tender.get("procurementMethodDetails")),
            text(tender.get("mainProcurementCategory")),
            text(tender.get("awardCriteria")),
            ",".join(_texts(tender.get("submissionMethod")) or []) or None,
            amount,
            currency,
            tp_start,
            tp_end,
            ap_start,
            ap_end,
            integer(tender.get("numberOfTenderers")),
            text(buyer.get("id")),
            text(buyer.get("name")),
            text(entity.get("id")),
            text(entity.get("name")),
            budget_amount,
            budget_currency,
            n_releases,
            min(dates) if dates else None,
            max(dates) if dates else None,
            *base,
        )
    )
    tender_id = text(tender.get("id"))
    of = provenance.of
    _children(
        rows, "documents", key, "planning", None, planning.get("documents"), of("planning/documents", "")
    )
    _children(
        rows, "milestones", key, "planning", None, planning.get("milestones"), of("planning/milestones", "")
    )
    _children(
        rows, "documents", key, "tender", tender_id, tender.get("documents"), of("tender/documents", "")
    )
    _children(
        rows, "milestones", key, "tender", tender_id, tender.get("milestones"), of("tender/milestones", "")
    )
    _children(
        rows, "amendments", key, "tender", tender_id, tender.get("amendments"), of("tender/amendments", "")
    )
    _items(rows, key, "tender", tender_id, tender.get("items"), of("tender/items", ""))

    for lot in _arr(tender.get("lots")):
        lot_amount, lot_currency = _value(lot.get("value"))
        rows["lots"].append(
            (
                *key,
                text(lot.get("id")),
                text(lot.get("title")),
                text(lot.get("status")),
                lot_amount,
                lot_currency,
                *provenance.of("lots", lot.get("id")),
            )
        )

    parties_by_id: dict[str, str | None] = {}
    for position, party in enumerate(_arr(compiled.get("parties"))):
        pid = text(party.get("id"))
        ident = _obj(party.get("identifier"))
        okey = org_key(ident)
        if pid is not None:
            parties_by_id[pid] = okey
        address = _obj(party.get("address"))
        contact = _obj(party.get("contactPoint"))
        prov = provenance.of("parties", party.get("id"))
        rows["parties"].append(
            (
                *key,
                pid,
                position,
                text(party.get("name")),
                text(ident.get("scheme")),
                text(ident.get("id")),
                okey,
                _texts(party.get("roles")),
                text(address.get("streetAddress")),
                text(address.get("locality")),
                text(address.get("region")),
                text(address.get("postalCode")),
                text(address.get("countryName")),
                text(contact.get("name")),
                text(contact.get("email")),
                text(contact.get("telephone")),
                *prov,
            )
        )
        for primary, identifier in [
            (True, ident),
            *((False, i) for i in _arr(party.get("additionalIdentifiers"))),
        ]:
            if not identifier:
                continue
            rows["party_identifiers"].append(
                (
                    *key,
                    pid,
                    text(identifier.get("scheme")),
                    text(identifier.get("id")),
                    text(identifier.get("legalName")),
                    primary,
                    org_key(identifier),
                    validity(text(identifier.get("scheme")), text(identifier.get("id"))),
                    *prov,
                )
            )

    def ref(org: dict[str, Any]) -> tuple[str | None, str | None, str | None]:
        """(party_id, name, org_key) of an organisation reference."""
        pid = text(org.get("id"))
        okey = parties_by_id.get(pid) if pid is not None else None
        return pid, text(org.get("name")), okey or org_key(org.get("identifier"))

    for position, bid in enumerate(_arr(_obj(compiled.get("bids")).get("details"))):
        bid_id = text(bid.get("id"))
        prov = provenance.of("bids", bid.get("id"))
        bid_amount, bid_currency = _value(bid.get("value"))
        rows["bids"].append(
            (
                *key,
                bid_id,
                position,
                text(bid.get("date")),
                text(bid.get("status")),
                bid_amount,
                bid_currency,
                _texts(bid.get("relatedLots")),
                *prov,
            )
        )
        for tenderer in _arr(bid.get("tenderers")):
            rows["bid_tenderers"].append(
                (
                    *key,
                    bid_id,
                    position,
                    *ref(tenderer),
                    *prov,
                )
            )
        _children(rows, "documents", key, "bid", bid_id, bid.get("documents"), prov)

    for position, award in enumerate(_arr(compiled.get("awards"))):
        award_id = text(award.get("id"))
        prov = provenance.of("awards", award.get("id"))
        award_amount, award_currency = _value(award.get("value"))
        cp_start, cp_end = _period(award.get("contractPeriod"))
        related_bids = _texts(award.get("relatedBids"))
        if related_bids is None and award.get("relatedBid") is not None:
            related_bids = _texts([award.get("relatedBid")])
        rows["awards"].append(
            (
                *key,
                award_id,
                position,
                text(award.get("title")),
                text(award.get("status")),
                text(award.get("date")),
                award_amount,
                award_currency,
                _texts(award.get("relatedLots")),
                related_bids,
                cp_start,
                cp_end,
                *prov,
            )
        )
        for supplier in _arr(award.get("suppliers")):
            rows["award_suppliers"].append(
                (
                    *key,
                    award_id,
                    position,
                    *ref(supplier),
                    *prov,
                )
            )
        _items(rows, key, "award", award_id, award.get("items"), prov)
        _children(rows, "documents", key, "award", award_id, award.get("documents"), prov)
        _children(rows, "amendments", key, "award", award_id, award.get("amendments"), prov)

    for position, contract in enumerate(_arr(compiled.get("contracts"))):
        contract_id = text(contract.get("id"))
        prov = provenance.of("contracts", contract.get("id"))
        c_amount, c_currency = _value(contract.get("value"))
        p_start, p_end = _period(contract.get("period"))
        rows["contracts"].append(
            (
                *key,
                contract_id,
                position,
                text(contract.get("awardID")),
                text(contract.get("title")),
                text(contract.get("status")),
                c_amount,
                c_currency,
                p_start,
                p_end,
                text(contract.get("dateSigned")),
                *prov,
            )
        )
        _items(rows, key, "contract", contract_id, contract.get("items"), prov)
        _children(rows, "documents", key, "contract", contract_id, contract.get("documents"), prov)
        _children(rows, "milestones", key, "contract", contract_id, contract.get("milestones"), prov)
        _children(rows, "amendments", key, "contract", contract_id, contract.get("amendments"), prov)
        implementation = _obj(contract.get("implementation"))
        for t_position, transaction in enumerate(_arr(implementation.get("transactions"))):
            t_amount, t_currency = _value(transaction.get("value") or transaction.get("amount"))
            rows["transactions"].append(
                (
                    *key,
                    contract_id,
                    text(transaction.get("id")),
                    t_position,
                    text(transaction.get("date")),
                    t_amount,
                    t_currency,
                    text(_obj(transaction.get("payer")).get("id")),
                    text(_obj(transaction.get("payee")).get("id")),
                    *prov,
                )
            )
        _children(
            rows, "milestones", key, "implementation", contract_id, implementation.get("milestones"), prov
        )
        _children(
            rows, "documents", key, "implementation", contract_id, implementation.get("documents"), prov
        )
    return rows
