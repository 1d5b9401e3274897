"""Helpers the indicator modules share: RFC 3339 dates as Cardinal reads them, and result builders."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from adal.indicators.base import Level, Result, State

_RFC3339 = re.compile(
    r"(\d{4})-(\d{2})-(\d{2})[Tt ](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?(?:([Zz])|([+-])(\d{2}):(\d{2}))"
)
_NS = 1_000_000_000
_DAY_NS = 86_400 * _NS


_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)


def rfc3339_ns(text: str) -> int | None:
    """Nanoseconds since the epoch of an RFC 3339 timestamp (date, time and offset all required), or None."""
    # The common forms (…T12:00:00Z, …T12:00:00.123456+05:00) through the C parser; the rest by regex.
    n = len(text)
    zulu = n in {20, 27} and text[-1] == "Z"
    with_offset = n in {25, 32} and text[-3] == ":" and text[-6] in "+-"
    if (zulu or with_offset) and text[10] == "T":
        try:
            moment = dt.datetime.fromisoformat(text)
        except ValueError:
            pass
        else:
            if moment.tzinfo is not None:
                delta = moment - _EPOCH
                return (delta.days * 86_400 + delta.seconds) * _NS + delta.microseconds * 1000
    m = _RFC3339.fullmatch(text)
    if m is None:
        return None
    year, month, day, hour, minute, second = (int(m.group(i)) for i in range(1, 7))
    try:
        ordinal = dt.date(year, month, day).toordinal()
    except ValueError:
        return None
    if hour > 23 or minute > 59 or second > 60:
        return None
    fraction = (m.group(7) or "")[:9].ljust(9, "0")
    offset = 0
    if m.group(9):
        oh, om = int(m.group(10)), int(m.group(11))
        if oh > 23 or om > 59:
            return None
        offset = (oh * 3600 + om * 60) * (1 if m.group(9) == "+" else -1)
    seconds = (ordinal - 719_163) * 86_400 + hour * 3600 + minute * 60 + second - offset
    return seconds * _NS + int(fraction)


def day(value: str | None) -> dt.date | None:
    """The calendar day an OCDS date-time starts with (its first ten characters, as published), else None."""
    if value is None or len(value) < 10:
        return None
    try:
        return dt.date.fromisoformat(value[:10])
    except ValueError:
        return None


def window(settings: Any) -> tuple[dt.date, dt.date]:
    """The inclusive date window of ``start_date``/``end_date`` settings (empty: open at that end)."""
    start = dt.date.fromisoformat(settings.start_date) if settings.start_date else dt.date.min
    end = dt.date.fromisoformat(settings.end_date) if settings.end_date else dt.date.max
    return start, end


def whole_days(start_ns: int, end_ns: int) -> int:
    """Whole days between two instants, truncated toward zero (chrono's ``num_days``)."""
    delta = end_ns - start_ns
    days = abs(delta) // _DAY_NS
    return days if delta >= 0 else -days


def flagged(level: Level, subject: str, value: float, **evidence: object) -> Result:
    return Result(level, subject, State.flagged, value, None, dict(evidence))


def not_flagged(level: Level, subject: str, value: float | None = None, **evidence: object) -> Result:
    return Result(level, subject, State.not_flagged, value, None, dict(evidence))


def not_computable(level: Level, subject: str, reason: str, **evidence: object) -> Result:
    return Result(level, subject, State.not_computable, None, reason, dict(evidence))
