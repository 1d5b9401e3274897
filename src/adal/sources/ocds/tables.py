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

Row = dict[str, Any]
Rows = dict[str, list[Row]]


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
    ident = ident.strip()
    return f"{scheme.strip()}-{ident}" if ident else None


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

    def of(self, name: str, ident: Any) -> Row:
        origin = self.objects.get((name, str(ident)), self.default) if ident is not None else self.default
        return {"release_id": origin[0], "source_id": origin[1], "locator": origin[2]}


def _documents(rows: Rows, key: Row, parent_type: str, parent_id: str | None, docs: Any, prov: Row) -> None:
    for position, doc in enumerate(_arr(docs)):
        rows["documents"].append(
            {
                **key,
                "parent_type": parent_type,
                "parent_id": parent_id,
                "document_id": text(doc.get("id")),
                "position": position,
                "document_type": text(doc.get("documentType")),
                "title": text(doc.get("title")),
                "url": text(doc.get("url")),
                "date_published": text(doc.get("datePublished")),
                "format": text(doc.get("format")),
                "language": text(doc.get("language")),
                **prov,
            }
        )


def _milestones(rows: Rows, key: Row, parent_type: str, parent_id: str | None, items: Any, prov: Row) -> None:
    for position, m in enumerate(_arr(items)):
        rows["milestones"].append(
            {
                **key,
                "parent_type": parent_type,
                "parent_id": parent_id,
                "milestone_id": text(m.get("id")),
                "position": position,
                "title": text(m.get("title")),
                "type": text(m.get("type")),
                "status": text(m.get("status")),
                "due_date": text(m.get("dueDate")),
                "date_met": text(m.get("dateMet")),
                **prov,
            }
        )


def _amendments(rows: Rows, key: Row, parent_type: str, parent_id: str | None, items: Any, prov: Row) -> None:
    for position, a in enumerate(_arr(items)):
        rows["amendments"].append(
            {
                **key,
                "parent_type": parent_type,
                "parent_id": parent_id,
                "amendment_id": text(a.get("id")),
                "position": position,
                "date": text(a.get("date")),
                "rationale": text(a.get("rationale")),
                "description": text(a.get("description")),
                **prov,
            }
        )


def _items(rows: Rows, key: Row, parent_type: str, parent_id: str | None, items: Any, prov: Row) -> None:
    for position, item in enumerate(_arr(items)):
        classification = _obj(item.get("classification"))
        unit = _obj(item.get("unit"))
        amount, currency = _value(unit.get("value"))
        rows["items"].append(
            {
                **key,
                "parent_type": parent_type,
                "parent_id": parent_id,
                "item_id": text(item.get("id")),
                "position": position,
                "description": text(item.get("description")),
                "classification_scheme": text(classification.get("scheme")),
                "classification_id": text(classification.get("id")),
                "quantity": number(item.get("quantity")),
                "unit_name": text(unit.get("name")),
                "unit_value_amount": amount,
                "unit_value_currency": currency,
                "related_lot": text(item.get("relatedLot")),
                **prov,
            }
        )


def flatten_compiled(
    dataset: str, compiled: dict[str, Any], provenance: Provenance, n_releases: int, dates: list[str]
) -> Rows:
    """Rows for every canonical table from one compiled release."""
    rows: Rows = defaultdict(list)
    ocid = text(compiled.get("ocid"))
    key: Row = {"dataset": dataset, "ocid": ocid}
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
        {
            **key,
            "compiled_id": text(compiled.get("id")),
            "date": text(compiled.get("date")),
            "initiation_type": text(compiled.get("initiationType")),
            "title": text(tender.get("title")),
            "description": text(tender.get("description")),
            "status": text(tender.get("status")),
            "procurement_method": text(tender.get("procurementMethod")),
            "procurement_method_details": text(tender.get("procurementMethodDetails")),
            "main_procurement_category": text(tender.get("mainProcurementCategory")),
            "award_criteria": text(tender.get("awardCriteria")),
            "submission_method": ",".join(_texts(tender.get("submissionMethod")) or []) or None,
            "value_amount": amount,
            "value_currency": currency,
            "tender_period_start": tp_start,
            "tender_period_end": tp_end,
            "award_period_start": ap_start,
            "award_period_end": ap_end,
            "number_of_tenderers": integer(tender.get("numberOfTenderers")),
            "buyer_party_id": text(buyer.get("id")),
            "buyer_name": text(buyer.get("name")),
            "procuring_entity_party_id": text(entity.get("id")),
            "procuring_entity_name": text(entity.get("name")),
            "planning_budget_amount": budget_amount,
            "planning_budget_currency": budget_currency,
            "n_releases": n_releases,
            "first_release_date": min(dates) if dates else None,
            "last_release_date": max(dates) if dates else None,
            **base,
        }
    )
    _documents(rows, key, "planning", None, planning.get("documents"), base)
    _milestones(rows, key, "planning", None, planning.get("milestones"), base)
    _documents(rows, key, "tender", text(tender.get("id")), tender.get("documents"), base)
    _milestones(rows, key, "tender", text(tender.get("id")), tender.get("milestones"), base)
    _amendments(rows, key, "tender", text(tender.get("id")), tender.get("amendments"), base)
    _items(rows, key, "tender", text(tender.get("id")), tender.get("items"), base)

    for lot in _arr(tender.get("lots")):
        lot_amount, lot_currency = _value(lot.get("value"))
        rows["lots"].append(
            {
                **key,
                "lot_id": text(lot.get("id")),
                "title": text(lot.get("title")),
                "status": text(lot.get("status")),
                "value_amount": lot_amount,
                "value_currency": lot_currency,
                **provenance.of("lots", lot.get("id")),
            }
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
            {
                **key,
                "party_id": pid,
                "position": position,
                "name": text(party.get("name")),
                "identifier_scheme": text(ident.get("scheme")),
                "identifier_id": text(ident.get("id")),
                "org_key": okey,
                "roles": _texts(party.get("roles")),
                "street_address": text(address.get("streetAddress")),
                "locality": text(address.get("locality")),
                "region": text(address.get("region")),
                "postal_code": text(address.get("postalCode")),
                "country_name": text(address.get("countryName")),
                "contact_name": text(contact.get("name")),
                "contact_email": text(contact.get("email")),
                "contact_telephone": text(contact.get("telephone")),
                **prov,
            }
        )
        for primary, identifier in [
            (True, ident),
            *((False, i) for i in _arr(party.get("additionalIdentifiers"))),
        ]:
            if not identifier:
                continue
            rows["party_identifiers"].append(
                {
                    **key,
                    "party_id": pid,
                    "scheme": text(identifier.get("scheme")),
                    "identifier": text(identifier.get("id")),
                    "legal_name": text(identifier.get("legalName")),
                    "is_primary": primary,
                    "org_key": org_key(identifier),
                    **prov,
                }
            )

    def ref(org: dict[str, Any]) -> Row:
        pid = text(org.get("id"))
        okey = parties_by_id.get(pid) if pid is not None else None
        return {
            "party_id": pid,
            "name": text(org.get("name")),
            "org_key": okey or org_key(org.get("identifier")),
        }

    for position, bid in enumerate(_arr(_obj(compiled.get("bids")).get("details"))):
        bid_id = text(bid.get("id"))
        prov = provenance.of("bids", bid.get("id"))
        bid_amount, bid_currency = _value(bid.get("value"))
        rows["bids"].append(
            {
                **key,
                "bid_id": bid_id,
                "position": position,
                "date": text(bid.get("date")),
                "status": text(bid.get("status")),
                "value_amount": bid_amount,
                "value_currency": bid_currency,
                "related_lots": _texts(bid.get("relatedLots")),
                **prov,
            }
        )
        for tenderer in _arr(bid.get("tenderers")):
            rows["bid_tenderers"].append(
                {**key, "bid_id": bid_id, "bid_position": position, **ref(tenderer), **prov}
            )
        _documents(rows, key, "bid", bid_id, bid.get("documents"), prov)

    for position, award in enumerate(_arr(compiled.get("awards"))):
        award_id = text(award.get("id"))
        prov = provenance.of("awards", award.get("id"))
        award_amount, award_currency = _value(award.get("value"))
        cp_start, cp_end = _period(award.get("contractPeriod"))
        related_bids = _texts(award.get("relatedBids"))
        if related_bids is None and award.get("relatedBid") is not None:
            related_bids = _texts([award.get("relatedBid")])
        rows["awards"].append(
            {
                **key,
                "award_id": award_id,
                "position": position,
                "title": text(award.get("title")),
                "status": text(award.get("status")),
                "date": text(award.get("date")),
                "value_amount": award_amount,
                "value_currency": award_currency,
                "related_lots": _texts(award.get("relatedLots")),
                "related_bids": related_bids,
                "contract_period_start": cp_start,
                "contract_period_end": cp_end,
                **prov,
            }
        )
        for supplier in _arr(award.get("suppliers")):
            rows["award_suppliers"].append(
                {**key, "award_id": award_id, "award_position": position, **ref(supplier), **prov}
            )
        _items(rows, key, "award", award_id, award.get("items"), prov)
        _documents(rows, key, "award", award_id, award.get("documents"), prov)
        _amendments(rows, key, "award", award_id, award.get("amendments"), prov)

    for position, contract in enumerate(_arr(compiled.get("contracts"))):
        contract_id = text(contract.get("id"))
        prov = provenance.of("contracts", contract.get("id"))
        c_amount, c_currency = _value(contract.get("value"))
        p_start, p_end = _period(contract.get("period"))
        rows["contracts"].append(
            {
                **key,
                "contract_id": contract_id,
                "position": position,
                "award_id": text(contract.get("awardID")),
                "title": text(contract.get("title")),
                "status": text(contract.get("status")),
                "value_amount": c_amount,
                "value_currency": c_currency,
                "period_start": p_start,
                "period_end": p_end,
                "date_signed": text(contract.get("dateSigned")),
                **prov,
            }
        )
        _items(rows, key, "contract", contract_id, contract.get("items"), prov)
        _documents(rows, key, "contract", contract_id, contract.get("documents"), prov)
        _milestones(rows, key, "contract", contract_id, contract.get("milestones"), prov)
        _amendments(rows, key, "contract", contract_id, contract.get("amendments"), prov)
        implementation = _obj(contract.get("implementation"))
        for t_position, transaction in enumerate(_arr(implementation.get("transactions"))):
            t_amount, t_currency = _value(transaction.get("value") or transaction.get("amount"))
            rows["transactions"].append(
                {
                    **key,
                    "contract_id": contract_id,
                    "transaction_id": text(transaction.get("id")),
                    "position": t_position,
                    "date": text(transaction.get("date")),
                    "value_amount": t_amount,
                    "value_currency": t_currency,
                    "payer_party_id": text(_obj(transaction.get("payer")).get("id")),
                    "payee_party_id": text(_obj(transaction.get("payee")).get("id")),
                    **prov,
                }
            )
        _milestones(rows, key, "implementation", contract_id, implementation.get("milestones"), prov)
        _documents(rows, key, "implementation", contract_id, implementation.get("documents"), prov)
    return rows
