"""Upgrade OCDS 1.0 releases to 1.1, as ``ocdskit upgrade`` does.

1.0 embedded whole organizations where 1.1 uses references to a ``parties`` array: each buyer,
procuring entity, tenderer and supplier becomes ``{"id", "name"}`` and joins ``parties`` with its role
(an organization without ``id`` gets the MD5 of its identifying fields, as ocdskit computes it). A single
``amendment`` becomes the ``amendments`` array; transactions' ``amount``, ``providerOrganization`` and
``receiverOrganization`` become ``value``, ``payer`` and ``payee``. Deprecated fields are kept.
"""

from __future__ import annotations

import copy
import hashlib
from typing import Any

# The 1.0 fields that identify an organization, in the order ocdskit hashes them into an id.
_IDENTIFYING: tuple[tuple[str | None, tuple[str, ...]], ...] = (
    (None, ("name",)),
    ("identifier", ("scheme", "id", "legalName", "uri")),
    ("address", ("streetAddress", "locality", "region", "postalCode", "countryName")),
    ("contactPoint", ("name", "email", "telephone", "faxNumber", "url")),
)


def _present(obj: dict[str, Any], key: str) -> bool:
    return obj.get(key) is not None


def party_id(party: dict[str, Any]) -> str:
    """The id ocdskit gives a 1.0 organization that has none: MD5 of its identifying fields."""
    parts: list[bytes] = []
    for parent, fields in _IDENTIFYING:
        source = party if parent is None else party.get(parent)
        if parent is not None and parent not in party:
            continue
        for name in fields:
            value = source.get(name) if isinstance(source, dict) else None
            parts.append(str(value or "").encode("utf-8"))
    return hashlib.md5(b"-".join(parts), usedforsecurity=False).hexdigest()


def is_release_1_0(release: dict[str, Any]) -> bool:
    """A bare release is 1.0 when it has no ``parties`` (ocdskit's test for releases outside a package)."""
    return "parties" not in release


class _Parties:
    def __init__(self, release: dict[str, Any]) -> None:
        self.by_id: dict[Any, dict[str, Any]] = {}
        for party in release.get("parties") or []:
            if isinstance(party, dict):
                self.by_id[party["id"] if "id" in party else party_id(party)] = party

    def add(self, organization: dict[str, Any], role: str) -> dict[str, Any]:
        party = copy.deepcopy(organization)
        if "id" not in party:
            party = {"id": party_id(party), **party}
        key = party["id"]
        if key not in self.by_id:
            self.by_id[key] = party
        stored = self.by_id[key]
        if "roles" not in stored:
            stored["roles"] = []
        elif not isinstance(stored["roles"], list):
            stored["roles"] = [stored["roles"]]
        if role not in stored["roles"]:
            stored["roles"].append(role)
        reference: dict[str, Any] = {"id": key}
        if "name" in party:
            reference["name"] = party["name"]
        return reference

    def store(self, release: dict[str, Any]) -> None:
        if not self.by_id:
            return
        parties = release.setdefault("parties", [])
        for party in self.by_id.values():
            if party not in parties:
                parties.append(party)


def _upgrade_amendment(block: dict[str, Any]) -> None:
    if "amendment" in block:
        amendments = block.setdefault("amendments", [])
        if block["amendment"] not in amendments:
            amendments.append(block["amendment"])
        del block["amendment"]


def upgrade_release(release: dict[str, Any]) -> dict[str, Any]:
    """Upgrade one 1.0 release to 1.1 in place and return it."""
    parties = _Parties(release)
    if _present(release, "buyer"):
        release["buyer"] = parties.add(release["buyer"], "buyer")
    tender = release.get("tender")
    if isinstance(tender, dict):
        if _present(tender, "procuringEntity"):
            tender["procuringEntity"] = parties.add(tender["procuringEntity"], "procuringEntity")
        if _present(tender, "tenderers"):
            tender["tenderers"] = [parties.add(t, "tenderer") for t in tender["tenderers"]]
    for award in release.get("awards") or []:
        if isinstance(award, dict) and _present(award, "suppliers"):
            award["suppliers"] = [parties.add(s, "supplier") for s in award["suppliers"]]
    parties.store(release)

    if isinstance(tender, dict):
        _upgrade_amendment(tender)
    for field in ("awards", "contracts"):
        for block in release.get(field) or []:
            if isinstance(block, dict):
                _upgrade_amendment(block)

    # Transactions: new names, and their organizations as references into `parties`.
    parties = _Parties(release)
    for contract in release.get("contracts") or []:
        implementation = contract.get("implementation") if isinstance(contract, dict) else None
        if not isinstance(implementation, dict) or not _present(implementation, "transactions"):
            continue
        for transaction in implementation["transactions"]:
            if "value" not in transaction and "amount" in transaction:
                transaction["value"] = transaction.pop("amount")
            for old, new in (("providerOrganization", "payer"), ("receiverOrganization", "payee")):
                if old in transaction and new not in transaction:
                    organization: dict[str, Any] = {"identifier": transaction[old]}
                    if isinstance(transaction[old], dict) and "legalName" in transaction[old]:
                        organization["name"] = transaction[old]["legalName"]
                    transaction[new] = parties.add(organization, new)
                    del transaction[old]
    parties.store(release)
    return release
