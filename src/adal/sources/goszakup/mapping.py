"""One goszakup lot to one OCDS 1.1 release: a pure function, or a :class:`MappingError` naming the field.

A lot of Kazakhstan's procurement portal becomes one contracting process with one lot and one item,
``ocid = ocds-kz-goszakup-<lot_id>``. The release ``id`` is the lot id and a hash of the lot's content:
the same lot read twice is one release, and a changed lot (a new status) is a new release of the same
ocid. What OCDS has no field for goes into the release's ``goszakup`` extension object under the
lot's own field names, and :func:`restore_lot` gives the lot back from its release, so nothing is lost.
The field-by-field table is in docs/sources/goszakup.md.
"""

from __future__ import annotations

import hashlib
import json
import math
import re
from datetime import datetime, timedelta, timezone
from typing import Any, NoReturn

from adal.errors import MappingError

OCID_PREFIX = "ocds-kz-goszakup-"  # not an OCDS-registered prefix: Kazakhstan publishes no OCDS
DATASET = "goszakup"
EXTENSION = "goszakup"  # the release's extension object
CURRENCY = "KZT"
BIN_SCHEME = "KZ-BIN"
# Kazakhstan's unified nomenclature of goods, works and services (ЕНС ТРУ); not in OCDS's
# classificationScheme codelist, so named here. Its first six digits are the KPVED (CPA-based) code.
CLASSIFICATION_SCHEME = "ENS-TRU"
NO_CATEGORY = "0"  # category_code of lots without an ENS TRU code

# Times on the portal are Astana time: UTC+6 until Kazakhstan moved to one zone on 1 March 2024, UTC+5 since.
_UTC5 = timezone(timedelta(hours=5))
_UTC6 = timezone(timedelta(hours=6))
_ONE_ZONE_SINCE = datetime(2024, 3, 1)
_DATE = re.compile(r"\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(\.\d{1,6})?(Z|[+-]\d{2}:\d{2})?")
_EXPORT_DATE = "%Y-%m-%d %H:%M:%S"
_FIRST_YEAR, _LAST_YEAR = 2000, 2099  # a date outside these is a typo, not a procurement

# Lot status text to OCDS tenderStatus. Other texts keep no OCDS status; the text stays in the extension.
STATUSES = {
    "Опубликован": "active",
    "Опубликован (прием заявок)": "active",
    "Опубликован (прием ценовых предложений)": "active",
    "Закупка состоялась": "complete",
    "Закупка не состоялась": "unsuccessful",
}
_OVER = frozenset({"complete", "unsuccessful"})

# lot_id = digits, a hyphen, the method letters and a number: "85655739-ЗЦП1".
LOT_ID = re.compile(r"(\d+)-(\D+?)(\d+)")
# Method letters to (OCDS procurementMethod or None where the method is not known for sure,
# procurementMethodDetails). docs/sources/goszakup.md says what is known of each.
METHODS: dict[str, tuple[str | None, str]] = {
    "ЗЦП": ("open", "Запрос ценовых предложений"),
    "ЗЦПнеГЗ": ("open", "Запрос ценовых предложений (не ГЗ)"),
    "ОК": ("open", "Открытый конкурс"),
    "ОИ": ("direct", "Из одного источника"),
    "ГСЗ": (None, "Государственный социальный заказ"),
    "ГЗПОП": (None, "ГЗПОП"),
    "ЗЖ": (None, "ЗЖ"),
    "КППТСОПО": (None, "КППТСОПО"),
    "КпОПО": (None, "КпОПО"),
}

# The lot's fields by kind. Text fields read "" as absent; restore_lot gives "" back for them.
TEXT_FIELDS = (
    "name_ru",
    "desc_ru",
    "extra_desc_ru",
    "category_code",
    "category_name",
    "city",
    "customer_name",
    "unit",
    "financing_source",
    "incoterms",
    "dumping_status",
    "contact_person",
    "contact_position",
    "contact_phone",
    "contact_email",
    "url",
    "lot_status",
)
NUMBER_FIELDS = ("budget", "quantity", "unit_price", "advance_payment_pct")
COUNT_FIELDS = ("participants_count", "deadline_days")
DATE_FIELDS = ("publish_date", "deadline_date")
KNOWN_FIELDS = frozenset(
    {"lot_id", "customer_bin", "is_synthetic", *TEXT_FIELDS, *NUMBER_FIELDS, *COUNT_FIELDS, *DATE_FIELDS}
)
# Kept in the extension as they are: OCDS has no place for them.
EXTENSION_FIELDS = (
    "lot_id",
    "lot_status",
    "participants_count",
    "deadline_days",
    "city",
    "category_name",
    "extra_desc_ru",
    "advance_payment_pct",
    "financing_source",
    "incoterms",
    "dumping_status",
    "contact_position",
    "url",
    "is_synthetic",
)
OTHER = "other"  # the extension's object for fields this mapping does not know


def looks_like_lot(value: Any) -> bool:
    """Whether ``value`` is shaped like a goszakup lot (cheap: two key lookups at most)."""
    return type(value) is dict and "lot_id" in value and ("customer_bin" in value or "publish_date" in value)


def ocid_of(value: Any) -> str | None:
    """The ocid a lot would have, for a lot that cannot be mapped (its quarantine row names it)."""
    if isinstance(value, dict):
        lot_id = value.get("lot_id")
        if isinstance(lot_id, str) and lot_id.strip():
            return OCID_PREFIX + lot_id
    return None


def _printable(text: str) -> str:
    """Text that UTF-8 can hold: lone surrogates (from the standard library's parser) escaped."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _show(value: Any) -> str:
    """A value as JSON, shortened: what the lot says."""
    shown = _printable(json.dumps(value, ensure_ascii=False))
    return shown if len(shown) <= 60 else shown[:57] + "..."


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        keys = ", ".join(list(value)[:5])
        return f"an object with {keys}" if keys else "an empty object"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    if isinstance(value, str):
        return "a string"
    return "null"


class _Reader:
    """Checked access to a lot's fields; failures raise MappingError naming the lot, the field and what was expected."""

    def __init__(self, lot: dict[str, Any], where: str) -> None:
        self.lot = lot
        self.where = where

    def fail(self, field: str, expected: str) -> NoReturn:
        if field not in self.lot:
            raise MappingError(f"{self.where}: {field} is missing, expected {expected}")
        raise MappingError(f"{self.where}: {field} is {_show(self.lot[field])}, expected {expected}")

    def text(self, field: str) -> str | None:
        value = self.lot.get(field)
        if value is None or value == "":
            return None
        if not isinstance(value, str):
            self.fail(field, "text")
        return value

    def number(self, field: str, *, required: bool = False) -> int | float | None:
        value = self.lot.get(field)
        if value is None:
            if required:
                self.fail(field, "a number")
            return None
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            self.fail(field, "a number")
        if isinstance(value, float) and not math.isfinite(value):
            self.fail(field, "a finite number")
        if value < 0:
            self.fail(field, "a number of at least 0")
        return value

    def count(self, field: str) -> int | float | None:
        value = self.number(field)
        if isinstance(value, float) and not value.is_integer():
            self.fail(field, "a whole number")
        return value

    def date(self, field: str, *, required: bool = False) -> str | None:
        value = self.lot.get(field)
        if value is None or value == "":
            if required:
                self.fail(field, 'a date and time such as "2026-02-27 09:00:00" (Astana time)')
            return None
        if not isinstance(value, str) or not _DATE.fullmatch(value):
            self.fail(field, 'a date and time such as "2026-02-27 09:00:00" (Astana time)')
        try:
            moment = datetime.fromisoformat(value)
        except ValueError:
            self.fail(field, "a date and time that exists")
        if not _FIRST_YEAR <= moment.year <= _LAST_YEAR:
            self.fail(field, f"a date and time in {_FIRST_YEAR}–{_LAST_YEAR}")
        if moment.tzinfo is None:
            moment = moment.replace(tzinfo=_UTC6 if moment < _ONE_ZONE_SINCE else _UTC5)
        return moment.isoformat()

    def bin(self, field: str) -> str:
        value = self.lot.get(field)
        if not isinstance(value, str) or len(value) != 12 or not (value.isascii() and value.isdigit()):
            self.fail(field, "12 digits (a BIN)")
        return value

    def flag(self, field: str) -> bool | None:
        value = self.lot.get(field)
        if value is not None and not isinstance(value, bool):
            self.fail(field, "true or false")
        return value


def _content_hash(lot: dict[str, Any]) -> str:
    """A hash of the lot whatever its key order or parser: the release id's second half."""
    text = json.dumps(lot, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest()


def _drop_none(value: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in value.items() if v is not None}


def lot_to_release(lot: Any) -> dict[str, Any]:
    """The OCDS release of one goszakup lot. Raise :class:`MappingError` when the lot cannot be one."""
    if not isinstance(lot, dict):
        raise MappingError(f"expected a goszakup lot: found {_kind(lot)}")
    lot_id = lot.get("lot_id")
    if lot_id is None:
        raise MappingError(f"expected a goszakup lot: found {_kind(lot)} but no lot_id")
    if not isinstance(lot_id, str) or not lot_id.strip():
        raise MappingError(f'lot_id is {_show(lot_id)}, expected text such as "85655739-ЗЦП1"')
    shown = _printable(lot_id) if lot_id.isprintable() else _show(lot_id)  # a newline stays one sentence
    get = _Reader(lot, f"lot_id {shown}")
    customer_bin = get.bin("customer_bin")
    published = get.date("publish_date", required=True)
    deadline = get.date("deadline_date")
    budget = get.number("budget", required=True)
    quantity = get.number("quantity")
    unit_price = get.number("unit_price")
    get.number("advance_payment_pct")
    participants = get.count("participants_count")
    get.count("deadline_days")
    get.flag("is_synthetic")
    texts = {field: get.text(field) for field in TEXT_FIELDS}

    status_text = texts["lot_status"]
    status = STATUSES.get(status_text.strip()) if status_text else None
    number = LOT_ID.fullmatch(lot_id)
    method, method_details = METHODS.get(number.group(2), (None, number.group(2))) if number else (None, None)
    value = {"amount": budget, "currency": CURRENCY}
    party_id = f"{BIN_SCHEME}-{customer_bin}"
    contact = _drop_none(
        {
            "name": texts["contact_person"],
            "email": texts["contact_email"],
            "telephone": texts["contact_phone"],
        }
    )
    party = _drop_none(
        {
            "id": party_id,
            "name": texts["customer_name"],
            "identifier": _drop_none(
                {"scheme": BIN_SCHEME, "id": customer_bin, "legalName": texts["customer_name"]}
            ),
            "roles": ["buyer"],
            "contactPoint": contact or None,
        }
    )
    code = texts["category_code"]
    classification = (
        _drop_none({"scheme": CLASSIFICATION_SCHEME, "id": code, "description": texts["category_name"]})
        if code is not None and code != NO_CATEGORY
        else None
    )
    unit = _drop_none(
        {
            "name": texts["unit"],
            # A zero unit price means "not given" on goszakup (the budget is still there): no unit value.
            "value": {"amount": unit_price, "currency": CURRENCY} if unit_price else None,
        }
    )
    item = _drop_none(
        {
            "id": "1",
            "description": texts["name_ru"],
            "classification": classification,
            "quantity": quantity,
            "unit": unit or None,
            "relatedLot": lot_id,
        }
    )
    # participants_count is 0 on every lot of the export, also on lots whose procedure took place;
    # it is a count only once the procedure is over, and 0 tenderers cannot make a procedure that took place.
    counted = (
        status in _OVER and participants is not None and not (status == "complete" and participants == 0)
    )
    tender = _drop_none(
        {
            "id": lot_id,
            "title": texts["name_ru"],
            "description": texts["desc_ru"],
            "status": status,
            "procurementMethod": method,
            "procurementMethodDetails": method_details,
            "value": value,
            "tenderPeriod": _drop_none({"startDate": published, "endDate": deadline}),
            "numberOfTenderers": int(participants) if counted and participants is not None else None,
            "lots": [_drop_none({"id": lot_id, "title": texts["name_ru"], "status": status, "value": value})],
            "items": [item],
            "documents": (
                [{"id": "lot-page", "documentType": "tenderNotice", "url": texts["url"], "language": "ru"}]
                if texts["url"]
                else None
            ),
        }
    )
    extension: dict[str, Any] = {}
    for field in EXTENSION_FIELDS:
        kept = lot.get(field)
        if kept is not None and kept != "":
            extension[field] = kept
    if code == NO_CATEGORY:
        extension["category_code"] = code
    if unit_price == 0:
        extension["unit_price"] = unit_price
    other = {k: v for k, v in lot.items() if k not in KNOWN_FIELDS}
    if other:
        extension[OTHER] = other
    return _drop_none(
        {
            "ocid": OCID_PREFIX + lot_id,
            "id": f"{lot_id}-{_content_hash(lot)}",
            "date": published,
            "tag": ["tender"],
            "initiationType": "tender",
            "language": "ru",
            "parties": [party],
            "buyer": _drop_none({"id": party_id, "name": texts["customer_name"]}),
            "tender": tender,
            EXTENSION: extension,
        }
    )


def _export_date(value: str | None) -> str | None:
    if value is None:
        return None
    moment = datetime.fromisoformat(value)
    local = moment.astimezone(_UTC6 if moment < _ONE_ZONE_SINCE.replace(tzinfo=_UTC6) else _UTC5)
    return local.strftime(_EXPORT_DATE)


def restore_lot(release: dict[str, Any]) -> dict[str, Any]:
    """The lot a release was made from (the inverse of :func:`lot_to_release`).

    Exact for lots as goszakup exports them; a text field that was missing comes back as ``""``, and a
    date given with a time zone comes back in Astana time.
    """
    extension = dict(release[EXTENSION])
    other = extension.pop(OTHER, {})
    tender = release["tender"]
    (party,) = release["parties"]
    (item,) = tender["items"]
    contact = party.get("contactPoint", {})
    unit = item.get("unit", {})
    period = tender["tenderPeriod"]
    lot: dict[str, Any] = {
        "lot_id": tender["id"],
        "name_ru": tender.get("title"),
        "desc_ru": tender.get("description"),
        "category_code": item.get("classification", {}).get("id"),
        "budget": tender["value"]["amount"],
        "customer_bin": party["identifier"]["id"],
        "customer_name": party.get("name"),
        "publish_date": _export_date(period["startDate"]),
        "deadline_date": _export_date(period.get("endDate")),
        "unit": unit.get("name"),
        "quantity": item.get("quantity"),
        "unit_price": unit.get("value", {}).get("amount"),
        "contact_person": contact.get("name"),
        "contact_phone": contact.get("telephone"),
        "contact_email": contact.get("email"),
    }
    lot.update(extension)
    lot.update(other)
    for field in (*TEXT_FIELDS, "deadline_date"):
        if lot.get(field) is None:
            lot[field] = ""
    return {k: v for k, v in lot.items() if v is not None}
