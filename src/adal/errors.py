"""One base error for adal; narrow subclasses say which part failed.

A CLI command catches :class:`AdalError` and prints its message as one sentence; anything else is a bug.
"""

from __future__ import annotations


class AdalError(Exception):
    """Base class for every error adal reports to a user."""


class UsageError(AdalError):
    """The invocation cannot be carried out (missing file, bad option value)."""


class WarehouseError(AdalError):
    """The warehouse cannot be opened, read or written."""


class MergeError(AdalError):
    """The releases of one ocid cannot be merged into a compiled release."""


class SynthDataError(AdalError):
    """The synthetic world's reference data is missing, unknown or has no entry for what was asked."""


class MappingError(AdalError):
    """A record of a source that is not OCDS cannot be turned into an OCDS release (the reason names the field)."""
