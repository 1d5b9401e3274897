"""adal's merge against the reference (ocdsmerge): real data, and generated releases."""

from __future__ import annotations

import warnings
from collections import defaultdict
from pathlib import Path
from typing import Any

import ocdsmerge
import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adal.errors import MergeError
from adal.sources.ocds import merge
from adal.sources.ocds.merge import compile_release
from adal.sources.ocds.reader import Release, UndecodableFile, discover, read
from adal.sources.ocds.rules import default_rules, default_trie, schema_path


@pytest.fixture(scope="module")
def merger() -> ocdsmerge.Merger:
    return ocdsmerge.Merger(schema=schema_path())


def reference(merger: ocdsmerge.Merger, releases: list[dict[str, Any]]) -> dict[str, Any] | None:
    with warnings.catch_warnings():
        warnings.simplefilter(
            "ignore"
        )  # the reference warns about duplicate ids; adal reports them elsewhere
        try:
            return merger.create_compiled_release(releases)
        except (ocdsmerge.exceptions.OCDSMergeError, TypeError):
            return None


def ours(releases: list[dict[str, Any]]) -> dict[str, Any] | None:
    try:
        return compile_release(releases)
    except MergeError:
        return None


def test_rules_match_reference(merger: ocdsmerge.Merger) -> None:
    assert default_rules() == merger.merge_rules
    assert default_rules().get(("awards",), True)
    assert default_rules()[("id",)] == "omitWhenMerged"


def test_all_real_data_compiles_as_reference(shared_data: Path, merger: ocdsmerge.Merger) -> None:
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for input_file in discover([str(shared_data / "ocds")]):
        try:
            for event in read(input_file):
                if isinstance(event, Release):
                    groups[event.data["ocid"]].append(orjson.loads(orjson.dumps(event.data)))
        except UndecodableFile:
            continue
    assert len(groups) > 10_000
    compared = 0
    for ocid, releases in groups.items():
        expected = reference(merger, [dict(r) for r in releases])
        got = ours(releases)
        if expected is None:
            assert got is None, ocid
            continue
        if got is None:
            # adal refuses releases without a string date; the reference compiles a single one anyway.
            assert len(releases) == 1 and not isinstance(releases[0].get("date"), str), ocid
            continue
        assert orjson.dumps(got) == orjson.dumps(expected), ocid  # same content and key order
        compared += 1
    assert compared > 10_000


# Generated releases: OCDS-shaped, with the quirks that matter — ids as 1 and "1", missing ids,
# nulls, empty arrays and objects, whole-list arrays, duplicate ids, type changes between releases.
ids = st.one_of(st.integers(0, 3), st.sampled_from(["0", "1", "2", "a"]), st.none())
scalars = st.one_of(st.none(), st.integers(-5, 5), st.text(max_size=3), st.booleans())
leafish = st.one_of(scalars, st.lists(st.integers(0, 3), max_size=2), st.just({}), st.just([]))


@st.composite
def objects(draw: st.DrawFn, depth: int = 0) -> dict[str, Any]:
    keys = draw(
        st.lists(st.sampled_from(["id", "title", "status", "value", "items", "x"]), max_size=4, unique=True)
    )
    obj: dict[str, Any] = {}
    for key in keys:
        if key == "id":
            if draw(st.booleans()):
                obj["id"] = draw(ids)
        elif key in ("value",) and depth < 2:
            obj[key] = draw(st.one_of(leafish, objects(depth + 1)))
        elif key == "items" and depth < 2:
            obj[key] = draw(st.one_of(leafish, st.lists(objects(depth + 1), max_size=3)))
        else:
            obj[key] = draw(leafish)
    return obj


@st.composite
def releases(draw: st.DrawFn) -> list[dict[str, Any]]:
    count = draw(st.integers(1, 4))
    out = []
    for n in range(count):
        release: dict[str, Any] = {
            "ocid": "ocds-test00-1",
            "id": str(n),
            "date": draw(st.sampled_from(["2020", "2021", "2022"])),
        }
        for field in draw(
            st.lists(
                st.sampled_from(["tender", "awards", "parties", "tag", "planning", "extra"]),
                max_size=4,
                unique=True,
            )
        ):
            if field in ("awards", "parties"):
                release[field] = draw(st.one_of(st.lists(objects(), max_size=3), leafish, objects()))
            elif field == "tag":
                release["tag"] = ["tender"]
            elif field == "planning":
                release["planning"] = {"documents": draw(st.lists(objects(), max_size=2))}
            else:
                release[field] = draw(st.one_of(objects(), leafish))
        out.append(release)
    return out


@settings(deadline=None, max_examples=400)
@given(releases())
def test_generated_releases_compile_as_reference(generated: list[dict[str, Any]]) -> None:
    merger = ocdsmerge.Merger(schema=schema_path())
    expected = reference(merger, [dict(r) for r in generated])
    got = ours(generated)
    if expected is None:
        assert got is None
    else:
        assert got is not None
        assert orjson.dumps(got) == orjson.dumps(expected)
        # The reference algorithm on its own, which the fast paths fall back to.
        flat = merge._flat_compile(merge.sort_releases(generated), default_trie())
        assert orjson.dumps(flat) == orjson.dumps(expected)


def test_release_without_date_is_refused() -> None:
    with pytest.raises(MergeError, match="no `date`"):
        compile_release([{"ocid": "o", "id": "1", "date": "2020"}, {"ocid": "o", "id": "2"}])


def test_object_then_array_is_refused() -> None:
    with pytest.raises(MergeError, match="array"):
        compile_release(
            [
                {"ocid": "o", "id": "1", "date": "2020", "awards": {"a": 1}},
                {"ocid": "o", "id": "2", "date": "2021", "awards": [{"id": "1", "title": "t"}]},
            ]
        )


def test_ties_keep_input_order() -> None:
    first = {"ocid": "o", "id": "1", "date": "2020", "tender": {"status": "active"}}
    second = {"ocid": "o", "id": "2", "date": "2020", "tender": {"status": "complete"}}
    assert compile_release([first, second])["tender"]["status"] == "complete"
    assert compile_release([second, first])["tender"]["status"] == "active"
