"""What the indicators read from a compiled release, taken once, with JSON types kept exact.

Cardinal's rules depend on JSON types (a status must be a string, an amount a number, ``1.0`` is not the
integer ``1``), so extraction checks types exactly as its methodology does and keeps only what the
indicators need. A :class:`Process` is the same whether the compiled release came from a file or from
the warehouse's ``compiled_releases``: that is what lets one implementation serve both modes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


def _str(value: Any) -> str | None:
    return value if type(value) is str else None


def _num(value: Any) -> float | None:
    t = type(value)
    if t is float:
        return value  # type: ignore[no-any-return]
    if t is int:
        try:
            return float(value)
        except OverflowError:
            return float("inf") if value > 0 else float("-inf")
    return None


def text_id(value: Any) -> str | None:
    """An id as text: a string as it is, an integer written out (publishers mix 1 and \"1\"), else None."""
    t = type(value)
    if t is str:
        return value  # type: ignore[no-any-return]
    if t is int:
        return str(value)
    return None


def _refs(value: Any) -> tuple[list[str] | None, int]:
    """The string ids of an array of organisation references, and the array's length (None, 0: not an array)."""
    if type(value) is not list:
        return None, 0
    return [i for r in value if (i := _id(r)) is not None], len(value)


def _texts(value: Any) -> list[str] | None:
    if type(value) is not list:
        return None
    return [t for v in value if (t := text_id(v)) is not None]


def get(value: Any, *path: str) -> Any:
    """``value[path[0]][path[1]]…``, or None as soon as a step is not an object or lacks the key."""
    for key in path:
        if type(value) is not dict:
            return None
        value = value.get(key)
    return value


def objects(value: Any, *path: str) -> list[dict[str, Any]]:
    """The objects of the array at ``path`` (entries that are not objects are left out; [] if no array)."""
    found = get(value, *path) if path else value
    if type(found) is not list:
        return []
    return [v for v in found if type(v) is dict]


def text(value: Any, *path: str) -> str | None:
    """The string at ``path``, else None."""
    return _str(get(value, *path))


def number(value: Any, *path: str) -> float | None:
    """The number at ``path`` (an integer or a float, not a string or a boolean), else None."""
    return _num(get(value, *path))


def _id(ref: Any) -> str | None:
    return _str(ref.get("id")) if type(ref) is dict else None


@dataclass(slots=True)
class Bid:
    status: str | None  # a string status, else None
    amount: float | None  # value.amount when value is an object and amount a number
    currency: str | None
    has_value: bool  # value is an object
    tenderers: list[str] | None  # string ids, or None when `tenderers` is not an array
    n_tenderers: int  # length of the `tenderers` array, whatever its entries
    date: str | None
    id: str | None = None  # as text (publishers mix 1 and "1")
    lots: list[str] | None = None  # relatedLots, as text


@dataclass(slots=True)
class Award:
    status: str | None
    suppliers: list[str] | None
    n_suppliers: int
    amount: float | None
    currency: str | None
    date: str | None
    classifications: list[str] | None  # string item classification ids; None when `items` is not an array
    related_bids: list[str] | None = None  # as text
    lots: list[str] | None = None  # relatedLots, as text


@dataclass(slots=True)
class Party:
    id: str
    tenderer: bool  # roles include "tenderer"
    address_key: str | None
    contact: dict[str, Any] | None


@dataclass(slots=True)
class Process:
    """One contracting process (one compiled release) as the indicators see it."""

    index: int  # position in the input: file order decides "first" where Cardinal's rules say first
    ocid: str
    locator: str
    tender_status: str | None
    method: str | None  # tender.procurementMethod
    details: str | None  # tender.procurementMethodDetails
    has_tender: bool
    period_start: str | None
    period_end: str | None
    number_of_tenderers: int | None  # only an integer literal
    tender_amount: float | None
    tender_currency: str | None
    buyer: str | None
    procuring_entity: str | None
    bids: list[Bid] | None  # None when bids.details is not an array
    awards: list[Award] | None  # None when awards is not an array
    parties: list[Party] = field(default_factory=list)
    orgs: dict[str, str] = field(default_factory=dict)  # party id -> scheme-identifier, where known
    award_criteria: str | None = None
    final: list[Award] | bool | None = False  # final_awards(), once computed (False: not yet)
    ratio: Any = None  # the second-lowest-bid piece, shared by R024 and R058, once computed
    release: dict[str, Any] = field(
        default_factory=dict
    )  # the compiled release: read it with get()/objects()
    identifiers: dict[str, str] | None = (
        None  # party id -> scheme-identifier, built by scheme_id() when asked
    )

    def scheme_id(self, party: str | None) -> str | None:
        """The ``scheme-identifier`` of a party (by its id in this release), e.g. ``KZ-BIN-…``, or None."""
        if party is None:
            return None
        if self.identifiers is None:
            self.identifiers = {}
            for p in objects(self.release, "parties"):
                pid, identifier = p.get("id"), p.get("identifier")
                if type(pid) is str and type(identifier) is dict:
                    scheme, ident = identifier.get("scheme"), identifier.get("id")
                    if type(scheme) is str and scheme and ident is not None and ident != "":
                        self.identifiers[pid] = f"{scheme}-{ident}"
        return self.identifiers.get(party)

    @property
    def cancelled(self) -> bool:
        return self.tender_status == "cancelled"


_ADDRESS = ("streetAddress", "locality", "region", "postalCode", "countryName")


def _address_key(address: Any) -> str | None:
    if type(address) is not dict or "streetAddress" not in address:
        return None
    return "".join(v.strip().lower() + " " for f in _ADDRESS if type(v := address.get(f)) is str)


def extract(
    release: dict[str, Any], index: int, locator: str, *, parties: bool, orgs: bool
) -> Process | None:
    """The process of a compiled release, or None when it has no string ``ocid`` (Cardinal skips it)."""
    ocid = release.get("ocid")
    if type(ocid) is not str:
        return None
    tender = release.get("tender")
    has_tender = type(tender) is dict
    t: dict[str, Any] = tender if has_tender else {}  # type: ignore[assignment]
    period = t.get("tenderPeriod")
    period = period if type(period) is dict else {}
    value = t.get("value")
    value = value if type(value) is dict else {}
    n = t.get("numberOfTenderers")
    bids_obj = release.get("bids")
    details = bids_obj.get("details") if type(bids_obj) is dict else None
    bids: list[Bid] | None = None
    if type(details) is list:
        bids = []
        for b in details:
            if type(b) is not dict:
                continue
            v = b.get("value")
            has_value = type(v) is dict
            ids, count = _refs(b.get("tenderers"))
            bids.append(
                Bid(
                    _str(b.get("status")),
                    _num(v.get("amount")) if has_value else None,  # type: ignore[union-attr]
                    _str(v.get("currency")) if has_value else None,  # type: ignore[union-attr]
                    has_value,
                    ids,
                    count,
                    _str(b.get("date")),
                    text_id(b.get("id")),
                    _texts(b.get("relatedLots")),
                )
            )
    awards_raw = release.get("awards")
    awards: list[Award] | None = None
    if type(awards_raw) is list:
        awards = []
        for a in awards_raw:
            if type(a) is not dict:
                continue
            sids, scount = _refs(a.get("suppliers"))
            av = a.get("value")
            av = av if type(av) is dict else {}
            items = a.get("items")
            classifications = None
            if type(items) is list:
                classifications = [
                    c
                    for item in items
                    if type(item) is dict and (c := _id(item.get("classification"))) is not None
                ]
            awards.append(
                Award(
                    _str(a.get("status")),
                    sids,
                    scount,
                    _num(av.get("amount")),
                    _str(av.get("currency")),
                    _str(a.get("date")),
                    classifications,
                    [rid for r in related if (rid := text_id(r)) is not None]
                    if type(related := a.get("relatedBids")) is list
                    else None,
                    _texts(a.get("relatedLots")),
                )
            )
    process = Process(
        index,
        ocid,
        locator,
        _str(t.get("status")),
        _str(t.get("procurementMethod")),
        _str(t.get("procurementMethodDetails")),
        has_tender,
        _str(period.get("startDate")),
        _str(period.get("endDate")),
        n if type(n) is int else None,
        _num(value.get("amount")),
        _str(value.get("currency")),
        _id(release.get("buyer")),
        _id(t.get("procuringEntity")),
        bids,
        awards,
    )
    process.award_criteria = _str(t.get("awardCriteria"))
    process.release = release
    raw_parties = release.get("parties")
    if (parties or orgs) and type(raw_parties) is list:
        for p in raw_parties:
            if type(p) is not dict or type(pid := p.get("id")) is not str:
                continue
            if parties:
                roles = p.get("roles")
                tenderer = type(roles) is list and "tenderer" in roles
                contact = p.get("contactPoint")
                process.parties.append(
                    Party(
                        pid,
                        tenderer,
                        _address_key(p.get("address")),
                        contact if type(contact) is dict else None,
                    )
                )
            if orgs:
                identifier = p.get("identifier")
                if type(identifier) is dict:
                    scheme, ident = identifier.get("scheme"), identifier.get("id")
                    if type(scheme) is str and scheme and ident is not None and ident != "":
                        process.orgs[pid] = f"{scheme}-{ident}"
    return process


# -- Cardinal's shared predicates -------------------------------------------------------------------------

BID_NOT_SUBMITTED = frozenset({"invited", "withdrawn"})


def submitted(bids: list[Bid]) -> list[Bid]:
    """Bids with a string status other than invited or withdrawn: pending, valid, disqualified (and codes
    outside the codelist, as Cardinal counts them)."""
    return [b for b in bids if b.status is not None and b.status not in BID_NOT_SUBMITTED]


def final_awards(process: Process) -> list[Award] | None:
    """The active awards when every award is final, else None (Cardinal: all awards final).

    Needs ``awards`` and ``bids.details`` to be arrays; an award with a string status other than
    active, cancelled or unsuccessful (pending, or a code outside the codelist) makes the process wait."""
    cached = process.final
    if cached is not False:
        return cached  # type: ignore[return-value]
    result: list[Award] | None = None
    if process.awards is not None and process.bids is not None:
        result = []
        for award in process.awards:
            status = award.status
            if status is None or status in ("cancelled", "unsuccessful"):
                continue
            if status == "active":
                result.append(award)
            else:
                result = None
                break
    process.final = result
    return result


def why_not_final(process: Process) -> str:
    if process.awards is None:
        return "no awards"
    if process.bids is None:
        return "no bids"
    pending = next(
        (a.status for a in process.awards if a.status not in (None, "active", "cancelled", "unsuccessful")),
        None,
    )
    return f"an award is not final (status {pending!r})"
