"""The indicator contract: what every indicator declares, its settings, and the three-state result.

An indicator is one module named by its stable code (``r018.py`` for R018, ``kz_single_source.py`` for
KZ-…), holding one :class:`Indicator` subclass registered in ``registry.py``. It computes with SQL over
the canonical tables (through :class:`~adal.indicators.engine.Context`), the same SQL whether the tables
are the warehouse's or were built in memory from a file of compiled releases, and returns, for every
subject it looks at, one of three states with a value and the evidence.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum
from typing import TYPE_CHECKING, Any, ClassVar, get_type_hints

from adal.errors import UsageError

if TYPE_CHECKING:
    from adal.indicators.engine import Context, Folding, Outcome
    from adal.indicators.facts import Process
    from adal.indicators.settings import Configuration


class State(StrEnum):
    flagged = "flagged"
    not_flagged = "not_flagged"
    not_computable = "not_computable"


class Level(StrEnum):
    """What an indicator flags; the names of Cardinal's output groups are kept beside them."""

    process = "process"  # Cardinal: OCID
    lot = "lot"
    buyer = "buyer"  # Cardinal: Buyer
    procuring_entity = "procuring_entity"  # Cardinal: ProcuringEntity
    tenderer = "tenderer"  # Cardinal: Tenderer (tenderers and suppliers)
    region = "region"


# Plain strings of the members: reading ``member.value`` goes through a slow descriptor in Python 3.11.
LEVEL_NAMES: dict[Level, str] = {m: m._value_ for m in Level}
STATE_NAMES: dict[State, str] = {m: m._value_ for m in State}

CARDINAL_GROUPS = {
    Level.process: "OCID",
    Level.buyer: "Buyer",
    Level.procuring_entity: "ProcuringEntity",
    Level.tenderer: "Tenderer",
}


@dataclass(frozen=True)
class LegalBasis:
    """A rule a red flag relates to, with the dates it was in force (``valid_to`` None: still in force)."""

    law: str  # e.g. "Law of the Republic of Kazakhstan No. 106-VIII of 1 July 2024 «On public procurement»"
    article: str  # e.g. "art. 10 p. 4"
    summary: str
    valid_from: dt.date
    valid_to: dt.date | None = None


@dataclass(frozen=True, slots=True)
class Result:
    """One subject's outcome. ``value`` is the indicator's measure (Cardinal's value where there is one)."""

    level: Level
    subject: str
    state: State
    value: float | None = None
    reason: str | None = None  # why not computable
    evidence: dict[str, Any] = field(default_factory=dict)

    def __reduce__(self) -> tuple[Any, ...]:
        # A plain tuple through pickle: results travel from worker processes by the million.
        return (_result, (self.level, self.subject, self.state, self.value, self.reason, self.evidence))


def _result(*args: Any) -> Result:
    return Result(*args)


class Settings:
    """Base of an indicator's settings: a dataclass whose every field has a documented default.

    :meth:`parse` accepts a mapping of strings (an INI section) or of typed values, converts each to the
    field's type, and refuses unknown keys and values that do not convert, in one sentence.
    """

    @classmethod
    def parse(cls, values: dict[str, Any], where: str) -> Any:
        fields = {f.name: f for f in dataclasses.fields(cls)}  # type: ignore[arg-type]
        hints = _hints(cls)
        out: dict[str, Any] = {}
        for key, raw in values.items():
            if key not in fields:
                known = ", ".join(fields) or "none"
                raise UsageError(f"{where}: unknown setting {key!r} (known: {known})")
            out[key] = _convert(raw, hints[key], f"{where}: {key}")
        return cls(**out)


_HINTS: dict[type, dict[str, Any]] = {}


def _hints(cls: type) -> dict[str, Any]:
    """A settings class's field types, resolved once (resolving compiles every annotation again)."""
    found = _HINTS.get(cls)
    if found is None:
        found = _HINTS[cls] = get_type_hints(cls)
    return found


def _convert(raw: Any, kind: Any, where: str) -> Any:
    text = raw.strip() if isinstance(raw, str) else raw
    try:
        if kind is int or kind == "int":
            if isinstance(text, bool):
                raise ValueError
            return int(text)
        if kind is float or kind == "float":
            if isinstance(text, bool):
                raise ValueError
            return float(text)
        if kind is bool or kind == "bool":
            if isinstance(text, bool):
                return text
            lowered = str(text).lower()
            if lowered in {"true", "yes", "1", "on"}:
                return True
            if lowered in {"false", "no", "0", "off"}:
                return False
            raise ValueError
        if kind is str or kind == "str":
            return str(text)
        if getattr(kind, "__origin__", None) is frozenset or str(kind).startswith("frozenset"):
            from adal.indicators.settings import pipe_list

            if isinstance(text, (list, tuple, set, frozenset)):
                return frozenset(str(v) for v in text)
            return pipe_list(str(raw))  # Cardinal's pipe list: items are not trimmed
        if str(kind) in {"float | None", "typing.Optional[float]"}:
            return None if text == "" else float(text)
        if str(kind) in {"int | None", "typing.Optional[int]"}:
            if isinstance(text, bool):
                raise ValueError
            return None if text == "" else int(text)
    except (TypeError, ValueError):
        name = getattr(kind, "__name__", str(kind))
        raise UsageError(f"{where} is {raw!r}, expected {name}") from None
    return raw


@dataclass(frozen=True)
class NoSettings(Settings):
    pass


class Indicator:
    """Subclass per indicator: set the class attributes, implement :meth:`compute`."""

    code: ClassVar[str]
    title: ClassVar[str]
    description: ClassVar[str]  # one sentence
    phase: ClassVar[str]  # planning | tender | award | contract | implementation
    scheme: ClassVar[str]  # the corruption scheme it signals
    legal_basis: ClassVar[tuple[LegalBasis, ...]] = ()
    version: ClassVar[str] = "1"
    levels: ClassVar[tuple[Level, ...]]
    fields: ClassVar[tuple[str, ...]]  # OCDS paths it reads
    settings: ClassVar[type[Settings]] = NoSettings
    subsections: ClassVar[tuple[str, ...]] = ()  # INI sub-sections, e.g. R003.procurement_method_details
    cardinal: ClassVar[bool] = False  # follows Cardinal's methodology and output (``--format cardinal``)
    needs_parties: ClassVar[bool] = False  # reads parties (addresses, contact points)

    def parse_settings(self, config: Configuration) -> Any:
        """This indicator's settings from a configuration (its section's keys; defaults for the rest)."""
        return self.settings.parse(config.sections.get(self.code, {}), f"{config.path}: [{self.code}]")

    def fold(self, ctx: Folding, process: Process, settings: Any) -> Any:
        """What this indicator keeps from one process (None: nothing). Runs where the process was parsed."""
        raise NotImplementedError

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        """The outcome, from every process's piece in input order."""
        raise NotImplementedError


class PerProcess(Indicator):
    """An indicator that decides each process on its own: its fold returns the results themselves,
    ``(results, map entry or None)``, and finalize gathers them."""

    map_key: ClassVar[str | None] = None

    def finalize(self, ctx: Context, pieces: list[tuple[str, Any]], settings: Any) -> Outcome:
        from adal.indicators.engine import Outcome

        out = Outcome(self.code)
        for ocid, (results, mapped) in pieces:
            out.results.extend(results)
            if mapped is not None and self.map_key is not None:
                out.maps.setdefault(self.map_key, {})[ocid] = mapped
        return out
