"""Settings: Cardinal's INI file, read strictly, and the defaults adal runs with when there is none.

The file ``ocdscardinal init`` writes is accepted as it is. An indicator runs when its section is present
(``[R024]``, or a sub-section such as ``[R003.procurement_method_details]``); an unknown section or key
is an error naming it. Values are text (INI has no types); each indicator's settings model converts them.
Sections that only ``prepare`` reads (``[defaults]``, ``[redactions]``, ``[corrections]``,
``[modifications]``, ``[codelists.*]``) are checked here too and handed to ``adal prepare``.
"""

from __future__ import annotations

import configparser
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from adal.errors import UsageError

TOP = "__top__"
_PREPARE = {
    "defaults": {"currency", "item_classification_scheme", "bid_status", "award_status", "party_roles"},
    "redactions": {"amount", "organization_id"},
    "corrections": {"award_status_by_contract_status"},
    "modifications": {
        "move_auctions",
        "prefix_buyer_or_procuring_entity_id",
        "prefix_tenderer_or_supplier_id",
        "split_procurement_method_details",
    },
}
_CODELISTS = {"codelists.bid_status", "codelists.award_status"}
_TOP_KEYS = {"currency", "no_price_comparison_procurement_methods", "price_comparison_procurement_methods"}
_OUTPUT_KEYS = {"map", "no_meta", "count"}  # the CLI options, settable in the file


def pipe_list(value: str | None) -> frozenset[str]:
    """Cardinal's pipe-separated list: split on ``|``, a trailing empty item dropped, nothing trimmed."""
    if not value:
        return frozenset()
    parts = value.split("|")
    if parts and parts[-1] == "":
        parts.pop()
    return frozenset(parts)


@dataclass
class Configuration:
    """Global settings, the indicators' sections, and prepare's sections."""

    currency: str | None = None
    no_price_comparison: frozenset[str] = frozenset()
    price_comparison: frozenset[str] = frozenset()
    excluded_details: frozenset[str] = frozenset()
    sections: dict[str, dict[str, str]] = field(default_factory=dict)  # indicator code -> raw keys
    subsections: dict[str, dict[str, dict[str, str]]] = field(default_factory=dict)  # code -> name -> keys
    prepare: dict[str, dict[str, str]] = field(default_factory=dict)
    output: dict[str, str] = field(default_factory=dict)
    path: str = "<defaults>"

    @property
    def enabled(self) -> list[str]:
        return list(dict.fromkeys([*self.sections, *self.subsections]))


def read(path: str, known: dict[str, Any]) -> Configuration:
    """Read a Cardinal settings file; ``known`` maps indicator codes to their indicator classes."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except OSError as error:
        raise UsageError(f"{path}: cannot read the settings file ({error.strerror or error})") from error
    except UnicodeDecodeError as error:
        raise UsageError(f"{path}: the settings file is not UTF-8 ({error.reason})") from error
    return parse(text, known, path)


def parse(text: str, known: dict[str, Any], path: str = "<settings>") -> Configuration:
    parser = configparser.ConfigParser(
        interpolation=None,
        strict=True,
        comment_prefixes=(";", "#"),
        inline_comment_prefixes=None,
        default_section="\0none",
        empty_lines_in_values=False,
    )
    parser.optionxform = str  # type: ignore[assignment,method-assign]  # keys keep their case
    try:
        parser.read_string(f"[{TOP}]\n" + text, source=path)
    except configparser.Error as error:
        message = str(error).replace(f"[{TOP}]\n", "").splitlines()[0]
        raise UsageError(f"{path}: not a valid settings file ({message})") from error
    config = Configuration(path=path)
    for section in parser.sections():
        keys = dict(parser.items(section))
        where = f"{path}: [{section}]" if section != TOP else f"{path}: (top level)"
        if section == TOP:
            _only(keys, _TOP_KEYS, where)
            config.currency = keys.get("currency") or None
            config.no_price_comparison = pipe_list(keys.get("no_price_comparison_procurement_methods"))
            config.price_comparison = pipe_list(keys.get("price_comparison_procurement_methods"))
        elif section in _PREPARE:
            _only(keys, _PREPARE[section], where)
            config.prepare[section] = keys
        elif section in _CODELISTS:
            config.prepare[section] = keys
        elif section == "exclusions":
            _only(keys, {"procurement_method_details"}, where)
            config.excluded_details = pipe_list(keys.get("procurement_method_details"))
        elif section == "output":
            _only(keys, _OUTPUT_KEYS, where)
            config.output = keys
        else:
            code, dot, sub = section.partition(".")
            if code not in known:
                raise UsageError(
                    f"{where}: unknown section; indicators are {', '.join(sorted(known))}, and the other sections "
                    "are defaults, redactions, corrections, modifications, codelists.bid_status, "
                    "codelists.award_status, exclusions and output"
                )
            if dot:
                allowed = getattr(known[code], "subsections", ())
                if sub not in allowed:
                    raise UsageError(f"{where}: unknown section for {code}")
                config.subsections.setdefault(code, {})[sub] = keys
            else:
                config.sections[code] = keys
    return config


def _only(keys: dict[str, str], allowed: set[str], where: str) -> None:
    for key in keys:
        if key not in allowed:
            raise UsageError(f"{where}: unknown setting {key!r} (known: {', '.join(sorted(allowed))})")


def defaults(codes: list[str]) -> Configuration:
    """Every indicator enabled with its default settings (warehouse mode without a settings file)."""
    return Configuration(sections={code: {} for code in codes})
