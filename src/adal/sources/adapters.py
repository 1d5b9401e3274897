"""Sources that are not OCDS, turned into OCDS releases as they are read: the one registry of them.

Each adapter says how to recognise one of its records, how to turn it into a release (or raise
:class:`~adal.errors.MappingError` with the reason), the ocid prefix of its releases and their dataset.
The reader, the dataset naming and the ``--source`` option read this registry; none of them names an
adapter. A new adapter is one sub-package of ``adal.sources``, one line here, its value in
:data:`SourceKind`, a page in ``docs/sources/`` and a fixture folder in ``tests/fixtures/``
(tests/test_goszakup.py keeps that list honest).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, get_args

from adal.errors import UsageError
from adal.sources import goszakup


@dataclass(frozen=True)
class Adapter:
    """One source that is not OCDS."""

    name: str  # the --source value
    record: str  # what one record is called, for "expected a goszakup lot: ..."
    ocid_prefix: str
    dataset: str  # the dataset of its releases when --dataset does not say
    looks_like: Callable[[Any], bool]
    to_release: Callable[[Any], dict[str, Any]]
    ocid_of: Callable[[Any], str | None]  # the ocid of a record that cannot be mapped, where it has one


ADAPTERS: dict[str, Adapter] = {
    "goszakup": Adapter(
        "goszakup",
        "a goszakup lot",
        goszakup.OCID_PREFIX,
        goszakup.DATASET,
        goszakup.looks_like_lot,
        goszakup.lot_to_release,
        goszakup.ocid_of,
    ),
}

# What --source accepts: auto (OCDS, else whichever adapter recognises the record; register files beside a
# datapackage.json), ocds, one adapter, or registers (docs/registers.md: known file names, anywhere).
SourceKind = Literal["auto", "ocds", "goszakup", "registers"]
SOURCE_KINDS: tuple[str, ...] = get_args(SourceKind)
OCID_PREFIXES = tuple(adapter.ocid_prefix for adapter in ADAPTERS.values())


def check_source(source: str) -> str:
    """``source`` if it is a known source kind, else a UsageError that lists them."""
    if source not in SOURCE_KINDS:
        raise UsageError(f"unknown source {source!r}: expected one of {', '.join(SOURCE_KINDS)}")
    return source


def dataset_of_prefixed(ocid: str) -> str | None:
    """The dataset of an adapter's ocid, or ``None`` for any other ocid."""
    if ocid.startswith(OCID_PREFIXES):
        for adapter in ADAPTERS.values():
            if ocid.startswith(adapter.ocid_prefix):
                return adapter.dataset
    return None
