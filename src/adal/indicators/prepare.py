"""``adal prepare``: Cardinal's data corrections, from the ``prepare`` sections of its settings file.

Fills defaults (currency, classification scheme, bid and award status), redacts placeholder amounts and
organisation ids, maps status codelists, prefixes organisation ids, splits procurement method details,
moves auction bids, cancels awards whose contracts are all cancelled, and fills party roles — each step
as docs/indicators/cardinal-semantics.md (section 6) describes Cardinal's. Every line is written back
(corrected) or reported; a quality report lists what was missing or invalid, one CSV row each:
``line, ocid, path, indexes, value, description`` (``not set``, ``invalid``, ``is zero``).

Not reproduced byte for byte: numbers are re-written from their parsed values (Cardinal keeps their
original text), so ``1.50`` comes out as ``1.5``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from adal.errors import UsageError
from adal.indicators.settings import Configuration, pipe_list

BID_STATUSES = frozenset({"invited", "pending", "valid", "disqualified", "withdrawn"})
AWARD_STATUSES = frozenset({"pending", "active", "cancelled", "unsuccessful"})


def _bool(value: str | None, where: str) -> bool:
    if value is None or value.strip() == "":
        return False
    lowered = value.strip().lower()
    if lowered in {"true", "1", "yes", "on"}:
        return True
    if lowered in {"false", "0", "no", "off"}:
        return False
    raise UsageError(f"{where} is {value!r}, expected true or false")


@dataclass
class Rules:
    currency: str | None = None
    scheme: str | None = None
    bid_status: str | None = None
    award_status: str | None = None
    party_roles: bool = False
    amounts: frozenset[float] = frozenset()
    organisations: frozenset[str] = frozenset()
    award_status_by_contract_status: bool = False
    move_auctions: bool = False
    prefix_buyer: str | None = None
    prefix_tenderer: str | None = None
    split_details: str | None = None
    bid_codes: dict[str, str] = field(default_factory=dict)
    award_codes: dict[str, str] = field(default_factory=dict)

    @classmethod
    def from_config(cls, config: Configuration) -> Rules:
        p = config.prepare
        d, r, c, m = (p.get(k, {}) for k in ("defaults", "redactions", "corrections", "modifications"))
        amounts = set()
        for item in pipe_list(r.get("amount")):
            try:
                amounts.add(float(item))
            except ValueError:
                continue  # as Cardinal: an item that is not a number is dropped
        return cls(
            currency=d.get("currency") or None,
            scheme=d.get("item_classification_scheme") or None,
            bid_status=d.get("bid_status") or None,
            award_status=d.get("award_status") or None,
            party_roles=_bool(d.get("party_roles"), f"{config.path}: [defaults] party_roles"),
            amounts=frozenset(amounts),
            organisations=pipe_list(r.get("organization_id")),
            award_status_by_contract_status=_bool(
                c.get("award_status_by_contract_status"),
                f"{config.path}: [corrections] award_status_by_contract_status",
            ),
            move_auctions=_bool(m.get("move_auctions"), f"{config.path}: [modifications] move_auctions"),
            prefix_buyer=m.get("prefix_buyer_or_procuring_entity_id") or None,
            prefix_tenderer=m.get("prefix_tenderer_or_supplier_id") or None,
            split_details=m.get("split_procurement_method_details") or None,
            bid_codes=dict(p.get("codelists.bid_status", {})),
            award_codes=dict(p.get("codelists.award_status", {})),
        )


def swap_remove(obj: dict[str, Any], key: str) -> None:
    """Remove ``key`` as serde_json's ``preserve_order`` map does: the last key takes its place."""
    if key not in obj:
        return
    keys = list(obj)
    at = keys.index(key)
    last = keys[-1]
    items = list(obj.items())
    del obj[key]
    if last != key:
        value = obj.pop(last)
        rebuilt = [(k, v) for k, v in items if k not in (key, last)]
        rebuilt.insert(at, (last, value))
        obj.clear()
        obj.update(rebuilt)


def _id_text(value: Any) -> Any:
    if isinstance(value, bool):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return (
            repr(value) if not value.is_integer() else str(int(value)) if abs(value) < 1e16 else repr(value)
        )
    return value


class Preparer:
    def __init__(self, rules: Rules) -> None:
        self.rules = rules
        self.report: list[list[Any]] = []

    def _row(self, line: int, ocid: Any, path: str, index: str, value: Any, what: str) -> None:
        self.report.append(
            [line, "" if ocid is None else ocid, path, index, "" if value is None else value, what]
        )

    def _org(self, ref: Any, prefix: str | None, role: str, lookup: dict[str, set[str]]) -> None:
        if not isinstance(ref, dict) or "id" not in ref:
            return
        ref["id"] = _id_text(ref["id"])
        ident = ref["id"]
        if isinstance(ident, str) and ident in self.rules.organisations:
            swap_remove(ref, "id")
            return
        if isinstance(ident, str) and prefix and not ident.startswith(prefix):
            ref["id"] = ident = prefix + ident
        if isinstance(ident, str) and ident in lookup:
            lookup[ident].add(role)

    def release(self, release: dict[str, Any], line: int) -> dict[str, Any]:
        rules = self.rules
        ocid = release.get("ocid")
        parties = release.get("parties")
        if isinstance(parties, dict):
            release["parties"] = parties = [parties]
        lookup: dict[str, set[str]] = {}
        if isinstance(parties, list):
            for party in parties:
                if not isinstance(party, dict) or "id" not in party:
                    continue
                party["id"] = _id_text(party["id"])
                if isinstance(party["id"], str) and party["id"] in rules.organisations:
                    swap_remove(party, "id")
                elif rules.party_roles and isinstance(party["id"], str):
                    roles = party.get("roles")
                    lookup[party["id"]] = (
                        {r for r in roles if isinstance(r, str)} if isinstance(roles, list) else set()
                    )
        self._org(release.get("buyer"), rules.prefix_buyer, "buyer", lookup)
        tender = release.get("tender")
        if isinstance(tender, dict):
            self._org(tender.get("procuringEntity"), rules.prefix_buyer, "procuringEntity", lookup)
            details = tender.get("procurementMethodDetails")
            if rules.split_details and isinstance(details, str):
                tender["procurementMethodDetails"] = details.split(rules.split_details)[0].rstrip()
        if rules.move_auctions:
            auctions = release.get("auctions")
            if "auctions" in release and "bids" in release:
                pass  # Cardinal warns: /bids is occupied
            elif isinstance(auctions, list):
                moved = []
                for auction in auctions:
                    for stage in auction.get("stages", []) if isinstance(auction, dict) else []:
                        if isinstance(stage, dict) and isinstance(stage.get("bids"), list):
                            moved.extend(stage["bids"])
                            swap_remove(stage, "bids")
                release["bids"] = {"details": moved}
        bids = release.get("bids")
        details_list = bids.get("details") if isinstance(bids, dict) else None
        for j, bid in enumerate(details_list if isinstance(details_list, list) else []):
            if not isinstance(bid, dict):
                continue
            value = bid.get("value")
            if isinstance(value, dict):
                amount = value.get("amount")
                if isinstance(amount, (int, float)) and not isinstance(amount, bool):
                    if float(amount) in rules.amounts:
                        swap_remove(value, "amount")
                    elif amount == 0:
                        self._row(line, ocid, "/bids/details[]/value/amount", str(j), None, "is zero")
                if "currency" not in value:
                    if rules.currency:
                        value["currency"] = rules.currency
                    else:
                        self._row(line, ocid, "/bids/details[]/value/currency", str(j), None, "not set")
            for k, item in enumerate(bid.get("items", []) if isinstance(bid.get("items"), list) else []):
                classification = item.get("classification") if isinstance(item, dict) else None
                if isinstance(classification, dict) and "scheme" not in classification:
                    if rules.scheme:
                        classification["scheme"] = rules.scheme
                    else:
                        self._row(
                            line,
                            ocid,
                            "/bids/details[]/items[]/classification/scheme",
                            f"{j}.{k}",
                            None,
                            "not set",
                        )
            self._status(
                bid, rules.bid_status, rules.bid_codes, BID_STATUSES, "/bids/details[]/status", line, ocid, j
            )
            tenderers = bid.get("tenderers")
            if isinstance(tenderers, dict):
                bid["tenderers"] = tenderers = [tenderers]
            for ref in tenderers if isinstance(tenderers, list) else []:
                self._org(ref, rules.prefix_tenderer, "tenderer", lookup)
        cancelled: dict[str, bool] = {}
        if rules.award_status_by_contract_status:
            for contract in (
                release.get("contracts", []) if isinstance(release.get("contracts"), list) else []
            ):
                if isinstance(contract, dict) and "awardID" in contract:
                    contract["awardID"] = _id_text(contract["awardID"])
                    award_id = contract["awardID"]
                    if isinstance(award_id, str):
                        cancelled[award_id] = (
                            cancelled.get(award_id, True) and contract.get("status") == "cancelled"
                        )
        awards = release.get("awards")
        for j, award in enumerate(awards if isinstance(awards, list) else []):
            if not isinstance(award, dict):
                continue
            if "id" in award:
                award["id"] = _id_text(award["id"])
            for k, item in enumerate(award.get("items", []) if isinstance(award.get("items"), list) else []):
                classification = item.get("classification") if isinstance(item, dict) else None
                if isinstance(classification, dict):
                    if "id" in classification:
                        classification["id"] = _id_text(classification["id"])
                    if "scheme" not in classification:
                        if rules.scheme:
                            classification["scheme"] = rules.scheme
                        else:
                            self._row(
                                line,
                                ocid,
                                "/awards[]/items[]/classification/scheme",
                                f"{j}.{k}",
                                None,
                                "not set",
                            )
            self._status(
                award,
                rules.award_status,
                rules.award_codes,
                AWARD_STATUSES,
                "/awards[]/status",
                line,
                ocid,
                j,
            )
            if cancelled.get(award.get("id")):  # type: ignore[arg-type]
                award["status"] = "cancelled"
            suppliers = award.get("suppliers")
            if isinstance(suppliers, dict):
                award["suppliers"] = suppliers = [suppliers]
            for ref in suppliers if isinstance(suppliers, list) else []:
                self._org(ref, rules.prefix_tenderer, "supplier", lookup)
        if rules.party_roles and isinstance(parties, list):
            for party in parties:
                if isinstance(party, dict) and isinstance(party.get("id"), str) and lookup.get(party["id"]):
                    party["roles"] = sorted(lookup[party["id"]])
        return release

    def _status(
        self,
        obj: dict[str, Any],
        default: str | None,
        codes: dict[str, str],
        valid: frozenset[str],
        path: str,
        line: int,
        ocid: Any,
        j: int,
    ) -> None:
        if "status" not in obj:
            if default:
                obj["status"] = default
            else:
                self._row(line, ocid, path, str(j), None, "not set")
                return
        status = obj.get("status")
        if isinstance(status, str):
            status = codes.get(status, status)
            obj["status"] = status
            if status not in valid:
                self._row(line, ocid, path, str(j), status, "invalid")


def prepare(stream: IO[bytes], out: IO[bytes], errors: IO[str], config: Configuration) -> Iterator[str]:
    """Correct every line of ``stream`` into ``out``; report quality rows to ``errors``. Yields warnings."""
    preparer = Preparer(Rules.from_config(config))
    writer = csv.writer(errors, lineterminator="\n")
    for number, raw in enumerate(stream, 1):
        line = raw.rstrip(b"\r\n")
        if not line.strip():
            continue
        try:
            value = json.loads(line)
        except ValueError as error:
            yield f"line {number} is invalid JSON, skipped ({error})"
            continue
        if not isinstance(value, dict):
            yield f"line {number} is not a JSON object, skipped"
            continue
        preparer.report.clear()
        corrected = preparer.release(value, number)
        out.write(json.dumps(corrected, ensure_ascii=False, separators=(",", ":")).encode() + b"\n")
        writer.writerows(preparer.report)
