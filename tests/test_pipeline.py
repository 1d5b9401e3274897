"""The two-pass pipeline compiles exactly what a direct merge of each ocid's releases gives."""

from __future__ import annotations

import io
import itertools
import json
import tempfile
from pathlib import Path
from typing import Any

import orjson
from hypothesis import given, settings
from hypothesis import strategies as st

from adal.sources.ocds.merge import compile_release
from adal.sources.ocds.pipeline import compile_files

statuses = st.sampled_from(["planned", "active", "complete", "cancelled"])


@st.composite
def feeds(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[int]]:
    """Releases of a few ocids, and how they are cut into files (in input order)."""
    releases = []
    for n in range(draw(st.integers(1, 40))):
        ocid = f"ocds-abc123-{draw(st.integers(0, 5))}"
        release = {
            "ocid": ocid,
            "id": f"r{n}",
            "date": draw(st.sampled_from(["2024-01", "2024-02", "2024-03"])),
            "tag": ["tender"],
            "parties": [{"id": draw(st.sampled_from(["A", "B", "C"])), "name": draw(st.text(max_size=3))}],
            "tender": {
                "status": draw(statuses),
                "items": [{"id": str(draw(st.integers(0, 2))), "quantity": n}],
            },
        }
        releases.append(release)
        if draw(st.booleans()):
            releases.append(dict(release))  # the same release read twice
    cuts = sorted(draw(st.lists(st.integers(0, len(releases)), max_size=4)))
    return releases, cuts


@settings(deadline=None, max_examples=40)
@given(feeds())
def test_pipeline_equals_direct_merge(feed: tuple[list[dict[str, Any]], list[int]]) -> None:
    releases, cuts = feed
    with tempfile.TemporaryDirectory() as folder:
        bounds = [0, *cuts, len(releases)]
        for index, (start, end) in enumerate(itertools.pairwise(bounds)):
            lines = "".join(json.dumps(r) + "\n" for r in releases[start:end])
            Path(folder, f"part-{index:02d}.jsonl").write_text(lines or "\n")
        out = io.BytesIO()
        problems: list[str] = []
        compile_files([folder], out, problems.append)
    got = {c["ocid"]: c for c in map(orjson.loads, out.getvalue().splitlines())}
    expected: dict[str, list[dict[str, Any]]] = {}
    seen: set[bytes] = set()
    for release in releases:
        key = orjson.dumps(release, option=orjson.OPT_SORT_KEYS)
        if key not in seen:  # a release read twice is one release
            seen.add(key)
            expected.setdefault(release["ocid"], []).append(release)
    assert problems == []
    assert set(got) == set(expected)
    for ocid, group in expected.items():
        assert orjson.dumps(got[ocid]) == orjson.dumps(compile_release(group)), ocid
