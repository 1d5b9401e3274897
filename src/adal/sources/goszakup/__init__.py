"""goszakup.gov.kz, Kazakhstan's public procurement portal: its lots, read as OCDS releases.

The reader recognises a lot with :func:`looks_like_lot` and turns it into a release with
:func:`lot_to_release`; from there the OCDS pipeline (merge, flatten, quarantine, re-ingest) is the same.
"""

from __future__ import annotations

from adal.sources.goszakup.mapping import (
    DATASET,
    OCID_PREFIX,
    looks_like_lot,
    lot_to_release,
    ocid_of,
    restore_lot,
)

__all__ = ["DATASET", "OCID_PREFIX", "looks_like_lot", "lot_to_release", "ocid_of", "restore_lot"]
