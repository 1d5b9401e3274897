"""What the Corruption Risk Index components (CRI-…) share: risk bands, score tables, method-details lookup.

The Government Transparency Institute (GTI) scores each CRI component on a few levels (0, 0.5, 1) from
bands of a measure, ``start-end`` inclusive, calibrated per country on the data. adal writes a band list
as text in the settings: ``0-2:1|3-6:0.5|7-365:0`` (pipe-separated ``start-end:score`` or ``value:score``).
"""

from __future__ import annotations

import bisect
import dataclasses
import functools
from dataclasses import dataclass
from typing import Any, ClassVar

from adal.errors import UsageError
from adal.indicators.base import Indicator, Level, Result
from adal.indicators.common import flagged, not_computable, not_flagged
from adal.indicators.engine import Context, Folding, Outcome
from adal.indicators.facts import Process
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
def bands(text: str, touching: bool = False) -> tuple[Band, ...]:
    """The bands of ``start-end:score|…`` (ValueError with the reason when the text is not such a list).
    ``touching``: bands may share an edge (quantile levels: ``0-0.1:1|0.1-0.3:0.5``)."""
    out: list[Band] = []
    for part in text.split("|"):
        item = part.strip()
        if not item:
            continue
        span, colon, score = item.partition(":")
        if not colon:
            raise ValueError(f"band {item!r} has no ':score'")
        start, dash, end = span.strip().partition("-")
        try:
            lo, hi, risk = float(start), float(end if dash else start), float(score)
        except ValueError:
            raise ValueError(f"band {item!r} is not 'start-end:score' in numbers") from None
        if lo > hi:
            raise ValueError(f"band {item!r} starts after it ends")
        if risk < 0:
            raise ValueError(f"band {item!r} has a negative score")
        for other in out:
            if (lo < other.end and other.start < hi) if touching else (lo <= other.end and other.start <= hi):
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


def checked_bands(text: str, where: str, touching: bool = False) -> str:
    """``text`` when it is a valid band list, else a UsageError naming ``where``."""
    try:
        bands(text, touching)
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
        try:
            value = float(score)
        except ValueError:
            raise ValueError(f"item {item!r} has a score that is not a number") from None
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


# -- banded periods (CRI-ADVERT, CRI-DECISION): fixed bands, or bands from the data's quantiles ------------

QUANTILES = "quantiles"


def checked_period_bands(text: str, where: str) -> str:
    """A band list of days, or the word ``quantiles`` (bands derived from the data)."""
    return text if text.strip() == QUANTILES else checked_bands(text, where)


def checked_quantile_bands(text: str, where: str) -> str:
    """Bands over quantile levels: ``from-to:score`` with levels between 0 and 1."""
    checked_bands(text, where, touching=True)
    for band in bands(text, True):
        if band.end > 1:
            raise UsageError(f"{where} is {text!r}: quantile levels go from 0 to 1")
    return text


def group_key(details: str | None, method: str | None) -> str:
    """The peers a period is compared with in quantile mode: the same method details, else the same method."""
    if details is not None and details.strip():
        return f"procurementMethodDetails {details.strip().casefold()!r}"
    return f"procurementMethod {method!r}"


@dataclass(frozen=True, slots=True)
class Measured:
    """A period measured in fold and scored in finalize (quantile mode)."""

    ocid: str
    group: str
    days: int
    evidence: dict[str, object]


def riskiest(value: float, table: tuple[Band, ...]) -> Band | None:
    """The band with the highest score among those ``value`` falls in (quantile bands share their edges)."""
    found = [b for b in table if b.start <= value <= b.end]
    return max(found, key=lambda b: b.score) if found else None


class BandedPeriod(Indicator):
    """A CRI period component: days measured per process, scored by fixed bands or by the quantiles of the
    days of the same method's processes. Subclasses say how to measure (:meth:`measure`)."""

    default_details: ClassVar[tuple[tuple[str, str], ...]] = ()
    period: ClassVar[str] = "period"  # what is measured, in reasons ("tender period")
    subsections = ("procurement_method_details",)

    def measure(self, p: Process, settings: Any) -> str | tuple[int, dict[str, object]]:
        """Whole days and their evidence, or why the period cannot be measured."""
        raise NotImplementedError

    def parse_settings(self, config: Configuration) -> Any:
        where = f"{config.path}: [{self.code}]"
        table = details_table(config, self.code, self.default_details)
        base = self.settings.parse(config.sections.get(self.code, {}), where)
        checked_period_bands(base.bands, f"{where} bands")
        checked_quantile_bands(base.quantile_bands, f"{where} quantile_bands")
        for key, value in table:
            checked_period_bands(value, f"{config.path}: [{self.code}.procurement_method_details] {key}")
        return dataclasses.replace(base, procurement_method_details=table)

    def fold(self, ctx: Folding, p: Process, settings: Any) -> Any:
        full = ctx.full
        if not p.has_tender:
            return [not_computable(Level.process, p.ocid, "no tender")] if full else None
        methods = settings.procurement_methods
        if methods and (p.method is None or p.method not in methods):
            return [not_computable(Level.process, p.ocid, not_among(p.method, methods))] if full else None
        measured = self.measure(p, settings)
        if isinstance(measured, str):
            return [not_computable(Level.process, p.ocid, measured)] if full else None
        days, evidence = measured
        if days > settings.max_days:
            reason = f"a {self.period} of {days} days is longer than {settings.max_days} (a data error)"
            return [not_computable(Level.process, p.ocid, reason)] if full else None
        rule = match_details(p.details, settings.procurement_method_details)
        text = rule[1] if rule is not None else settings.bands
        if rule is not None:
            evidence["procurement_method_details"] = rule[0]
        if text.strip() == QUANTILES:
            return Measured(p.ocid, group_key(p.details, p.method), days, evidence)
        band = band_of(days, bands(text))
        score = band.score if band is not None else 0.0
        if score <= 0 and not full:
            return None
        return [_scored(p.ocid, days, band, text, score, evidence)]

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        out = Outcome(self.code)
        groups: dict[str, list[Measured]] = {}
        for _, piece in pieces:
            if isinstance(piece, Measured):
                groups.setdefault(piece.group, []).append(piece)
            else:
                out.results.extend(piece)
        levels = bands(settings.quantile_bands, True)
        for group, items in groups.items():
            n = len(items)
            if n < settings.min_group:
                if ctx.full:
                    reason = f"only {n} processes with {group} to derive the bands from (min_group {settings.min_group})"
                    out.results.extend(not_computable(Level.process, m.ocid, reason) for m in items)
                continue
            ordered = sorted(m.days for m in items)
            for m in items:
                # The mid-rank percentile: ties share the middle of their run, so a common value is not a tail.
                below = bisect.bisect_left(ordered, m.days)
                equal = bisect.bisect_right(ordered, m.days) - below
                percentile = (below + equal / 2) / n
                band = riskiest(percentile, levels)
                score = band.score if band is not None else 0.0
                if score <= 0 and not ctx.full:
                    continue
                evidence = {
                    **m.evidence,
                    "percentile": round(percentile, 4),
                    "peers": n,
                    "peer_group": group,
                }
                out.results.append(_scored(m.ocid, m.days, band, settings.quantile_bands, score, evidence))
        return out


def _edge(value: float) -> str:
    rounded = round(value, 2)
    return str(int(rounded)) if rounded == int(rounded) else str(rounded)


def _scored(
    ocid: str, days: int, band: Band | None, text: str, score: float, extra: dict[str, object]
) -> Result:
    label = (
        None
        if band is None
        else (_edge(band.start) if band.start == band.end else f"{_edge(band.start)}-{_edge(band.end)}")
    )
    evidence: dict[str, object] = {"days": days, "band": label, "bands": text, **extra}
    if score > 0:
        return flagged(Level.process, ocid, score, **evidence)
    return not_flagged(Level.process, ocid, 0.0, **evidence)
