"""What the Corruption Risk Index components (CRI-…) share: risk bands, score tables, method-details lookup.

The Government Transparency Institute (GTI) scores each CRI component on a few levels (0, 0.5, 1) from
bands of a measure, ``start-end`` inclusive, calibrated per country on the data. adal writes a band list
as text in the settings: ``0-2:1|3-6:0.5|7-365:0`` (pipe-separated ``start-end:score`` or ``value:score``).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from adal.errors import UsageError
from adal.indicators.settings import Configuration


@dataclass(frozen=True, slots=True)
class Band:
    start: float
    end: float
    score: float

    @property
    def label(self) -> str:
        return _number(self.start) if self.start == self.end else f"{_number(self.start)}-{_number(self.end)}"


def _number(value: float) -> str:
    return str(int(value)) if value == int(value) else str(value)


@functools.lru_cache(maxsize=64)
def bands(text: str) -> tuple[Band, ...]:
    """The bands of ``start-end:score|…`` (ValueError with the reason when the text is not such a list)."""
    out: list[Band] = []
    for part in text.split("|"):
        item = part.strip()
        if not item:
            continue
        span, colon, score = item.partition(":")
        if not colon:
            raise ValueError(f"band {item!r} has no ':score'")
        start, dash, end = span.strip().partition("-")
        lo, hi, risk = float(start), float(end if dash else start), float(score)
        if lo > hi:
            raise ValueError(f"band {item!r} starts after it ends")
        if risk < 0:
            raise ValueError(f"band {item!r} has a negative score")
        for other in out:
            if lo <= other.end and other.start <= hi:
                raise ValueError(f"bands {other.label} and {span.strip()} overlap")
        out.append(Band(lo, hi, risk))
    if not out:
        raise ValueError("no band given")
    return tuple(out)


def band_of(value: float, table: tuple[Band, ...]) -> Band | None:
    """The band ``value`` falls in (edges inclusive), or None."""
    for band in table:
        if band.start <= value <= band.end:
            return band
    return None


def checked_bands(text: str, where: str) -> str:
    """``text`` when it is a valid band list, else a UsageError naming ``where``."""
    try:
        bands(text)
    except ValueError as error:
        raise UsageError(
            f"{where} is {text!r}: {error} (expected bands such as '0-2:1|3-6:0.5|7-365:0')"
        ) from None
    return text


@functools.lru_cache(maxsize=64)
def scores(text: str) -> dict[str, float]:
    """``key:score|…`` as a mapping (ValueError when malformed)."""
    out: dict[str, float] = {}
    for part in text.split("|"):
        item = part.strip()
        if not item:
            continue
        key, colon, score = item.rpartition(":")
        if not colon or not key.strip():
            raise ValueError(f"item {item!r} is not 'name:score'")
        value = float(score)
        if value < 0:
            raise ValueError(f"item {item!r} has a negative score")
        out[key.strip()] = value
    return out


def checked_scores(text: str, where: str) -> str:
    try:
        scores(text)
    except ValueError as error:
        raise UsageError(
            f"{where} is {text!r}: {error} (expected e.g. 'open:0|selective:0.5|direct:1')"
        ) from None
    return text


def details_table(
    config: Configuration, code: str, defaults: tuple[tuple[str, str], ...]
) -> tuple[tuple[str, str], ...]:
    """The ``[CODE.procurement_method_details]`` section over the defaults: (details, value) pairs, the
    file's keys replacing the defaults' of the same details (compared case-insensitively)."""
    given = config.subsections.get(code, {}).get("procurement_method_details", {})
    if "procurement_method_details" in config.sections.get(code, {}):
        raise UsageError(
            f"{config.path}: [{code}]: unknown setting 'procurement_method_details' (it is a section)"
        )
    merged = {key.strip().casefold(): (key.strip(), value) for key, value in defaults}
    for key, value in given.items():
        merged[key.strip().casefold()] = (key.strip(), value.strip())
    return tuple(merged.values())


def match_details(details: str | None, table: tuple[tuple[str, str], ...]) -> tuple[str, str] | None:
    """The entry of ``table`` for a ``procurementMethodDetails`` value: the longest key that equals it or
    begins it, compared trimmed and case-insensitively ("Из одного источника по несостоявшимся закупкам"
    matches the key "из одного источника")."""
    if details is None:
        return None
    wanted = details.strip().casefold()
    best: tuple[str, str] | None = None
    for key, value in table:
        folded = key.casefold()
        if wanted.startswith(folded) and (best is None or len(folded) > len(best[0])):
            best = (key, value)
    return best


def matches_any(details: str | None, keys: frozenset[str]) -> str | None:
    """The key of ``keys`` that equals or begins ``details`` (trimmed, case-insensitive), longest first."""
    found = match_details(details, tuple((k.strip(), k) for k in keys if k.strip()))
    return found[1] if found is not None else None


def not_among(method: str | None, methods: frozenset[str]) -> str:
    return f"procurement method {method!r} is not among {sorted(methods)}"
