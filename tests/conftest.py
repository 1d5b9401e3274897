"""Shared fixtures. Tests that read ../shared/data skip when it is absent, except under CI=true."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def shared_data() -> Path:
    """The real publishers' data; its absence is a failure in CI, a skip elsewhere."""
    if not (SHARED / "ocds").is_dir():
        if os.environ.get("CI") == "true":
            pytest.fail(f"{SHARED} is missing, and CI must have it")
        pytest.skip(f"{SHARED} is absent")
    return SHARED


@pytest.fixture
def warehouse(tmp_path: Path) -> str:
    return str(tmp_path / "test.duckdb")
