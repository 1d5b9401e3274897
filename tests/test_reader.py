"""The reader: every form publishers use, and bad input quarantined with a reason."""

from __future__ import annotations

import gzip
import io
import json
import zipfile
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from adal.sources.ocds import reader
from adal.sources.ocds.reader import Problem, PublisherCompiled, Release, UndecodableFile, discover, read


def release(n: int, ocid: str = "ocds-abc123-1", **extra: Any) -> dict[str, Any]:
    return {
        "ocid": ocid,
        "id": f"r{n}",
        "date": f"2024-01-0{n % 9 + 1}",
        "tag": ["tender"],
        "parties": [],
        **extra,
    }


def events(path: Path, encoding: str | None = None) -> list[Any]:
    out: list[Any] = []
    for input_file in discover([str(path)]):
        out.extend(read(input_file, encoding))
    return out


def releases_of(found: list[Any]) -> list[dict[str, Any]]:
    return [e.data for e in found if isinstance(e, Release)]


FORMS = {
    "release-package.json": lambda: json.dumps({"version": "1.1", "releases": [release(1), release(2)]}),
    "record-package.json": lambda: json.dumps(
        {"version": "1.1", "records": [{"ocid": "ocds-abc123-1", "releases": [release(1), release(2)]}]}
    ),
    "release.json": lambda: json.dumps(release(1)) + "\n" + "",
    "array.json": lambda: json.dumps([release(1), {"version": "1.1", "releases": [release(2)]}], indent=2),
    "lines.jsonl": lambda: "\n".join(json.dumps(r) for r in [release(1), release(2)]) + "\n",
    "concatenated.json": lambda: json.dumps(release(1), indent=1) + json.dumps(release(2), indent=1),
}


@pytest.mark.parametrize("name", sorted(FORMS))
def test_forms(tmp_path: Path, name: str) -> None:
    (tmp_path / name).write_text(FORMS[name]())
    found = releases_of(events(tmp_path / name))
    assert [r["id"] for r in found] in (["r1", "r2"], ["r1"])
    assert all(not isinstance(e, Problem) for e in events(tmp_path / name))


def test_gzip_and_zip(tmp_path: Path) -> None:
    body = FORMS["lines.jsonl"]().encode()
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(body, mtime=0))
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as archive:
        archive.writestr("inner/c.json", FORMS["release-package.json"]())
        archive.writestr("inner/readme.md", "# not json")
    found = events(tmp_path)
    assert len(releases_of(found)) == 4
    files = list(discover([str(tmp_path)]))
    assert [f.path.rsplit("/", 2)[-1] for f in files] == ["a.jsonl.gz", "c.json", "readme.md"]


@pytest.mark.parametrize("chunk_size", [1 << 16, 4 << 20])
def test_truncated_gzip_keeps_what_was_read(tmp_path: Path, chunk_size: int) -> None:
    body = "\n".join(json.dumps(release(n, ocid=f"ocds-abc123-{n}")) for n in range(2000)).encode()
    packed = gzip.compress(body, mtime=0)
    (tmp_path / "t.jsonl.gz").write_bytes(packed[: len(packed) // 2])
    (input_file,) = discover([str(tmp_path / "t.jsonl.gz")])
    found = []
    for item in reader.read_chunks(input_file, None, chunk_size):
        if isinstance(item, reader.LineChunk):
            found.extend(event for _, event in reader.line_events(item))
        else:
            found.append(item)
    problems = [e for e in found if isinstance(e, Problem)]
    assert problems
    assert "truncated or corrupt" in problems[-1].reason
    assert 0 < len(releases_of(found)) < 2000


def test_bad_lines_are_problems_with_line_numbers(tmp_path: Path) -> None:
    lines = [
        json.dumps(release(1)),
        "{not json",
        json.dumps({"id": "x", "date": "2020"}),
        '"a string"',
        json.dumps({"hello": 1}),
    ]
    (tmp_path / "bad.jsonl").write_text("\n".join(lines) + "\n")
    found = events(tmp_path / "bad.jsonl")
    problems = {e.locator: e.reason for e in found if isinstance(e, Problem)}
    assert problems["line 2"].startswith("invalid JSON")
    assert problems["line 3"] == "the release has no `ocid`"
    assert "expected an OCDS object or array" in problems["line 4"]
    assert problems["line 5"].startswith("not OCDS")
    assert len(releases_of(found)) == 1


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("tender", "a string", "/tender: expected an object, found the string 'a string'"),
        (
            "tender",
            {"value": {"amount": "1000"}},
            "/tender/value/amount: expected a number, found the string '1000'",
        ),
        ("awards", {"id": 1}, "/awards: expected an array, found an object"),
        ("id", None, "the release has no `id`"),
    ],
)
def test_wrong_types_are_quarantined(tmp_path: Path, field: str, value: Any, message: str) -> None:
    data = release(1)
    data[field] = value
    (tmp_path / "r.json").write_text(json.dumps(data))
    (problem,) = events(tmp_path / "r.json")
    assert isinstance(problem, Problem)
    assert problem.reason == message


def test_encoding_is_never_guessed(tmp_path: Path) -> None:
    data = release(1, tender={"title": "Adquisición de vehículos"})
    (tmp_path / "latin.json").write_bytes(json.dumps(data, ensure_ascii=False).encode("iso-8859-1"))
    with pytest.raises(UndecodableFile, match="--encoding"):
        events(tmp_path / "latin.json")
    (found,) = releases_of(events(tmp_path / "latin.json", "iso-8859-1"))
    assert found["tender"]["title"] == "Adquisición de vehículos"


def test_cp1251_lines(tmp_path: Path) -> None:
    lines = [json.dumps(release(n, tender={"title": "Закуп угля"}), ensure_ascii=False) for n in range(3)]
    (tmp_path / "kz.jsonl").write_bytes("\n".join(lines).encode("cp1251"))
    with pytest.raises(UndecodableFile, match="line 1"):
        events(tmp_path / "kz.jsonl")
    assert [r["tender"]["title"] for r in releases_of(events(tmp_path / "kz.jsonl", "cp1251"))] == [
        "Закуп угля"
    ] * 3


def test_json_edges_are_loaded_faithfully(tmp_path: Path) -> None:
    text = '{"ocid": "ocds-abc123-1", "id": "1", "date": "2020", "parties": [], "big": 123456789012345678901234567890, "nan": NaN, "s": "\\ud800"}'
    (tmp_path / "edge.json").write_text(text)
    (event,) = events(tmp_path / "edge.json")
    assert isinstance(event, Release)
    assert event.stdlib
    assert event.data["big"] == 123456789012345678901234567890
    assert event.data["s"] == "\ud800"


def test_non_json_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "notice.xml").write_text("<xml/>")
    (tmp_path / "data.json").write_text("<html>")
    files = list(discover([str(tmp_path)]))
    for input_file in files:
        assert list(read(input_file)) == []
    assert all(f.skipped for f in files)


def test_records_with_linked_releases_keep_publisher_compiled(tmp_path: Path) -> None:
    record = {
        "ocid": "ocds-abc123-9",
        "releases": [{"url": "http://example.org/r1", "date": "2020", "tag": ["tender"]}],
        "compiledRelease": release(9, ocid="ocds-abc123-9"),
    }
    (tmp_path / "rec.json").write_text(json.dumps({"version": "1.1", "records": [record]}))
    (event,) = events(tmp_path / "rec.json")
    assert isinstance(event, PublisherCompiled)
    assert event.linked_only


def test_ocds_1_0_package_is_upgraded(tmp_path: Path) -> None:
    old = {
        "ocid": "ocds-abc123-1",
        "id": "1",
        "date": "2020",
        "buyer": {"name": "Akimat", "identifier": {"scheme": "KZ-BIN", "id": "1"}},
    }
    (tmp_path / "p.json").write_text(json.dumps({"releases": [old]}))
    (event,) = events(tmp_path / "p.json")
    assert isinstance(event, Release)
    assert event.version == "1.0"
    assert event.data["buyer"]["name"] == "Akimat"
    assert "identifier" not in event.data["buyer"]
    assert event.data["parties"][0]["roles"] == ["buyer"]


def test_large_documents_stream(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reader, "WHOLE_DOCUMENT_LIMIT", 1000)
    package = {
        "uri": "x",
        "version": "1.1",
        "releases": [release(n, ocid=f"ocds-abc123-{n}") for n in range(300)],
    }
    (tmp_path / "big.json").write_text(json.dumps(package, indent=1))
    files = list(discover([str(tmp_path / "big.json")]))
    found = list(read(files[0]))
    assert files[0].format == "json-streamed"
    assert [r["id"] for r in releases_of(found)] == [f"r{n}" for n in range(300)]
    assert found[5].locator == "/releases/5"


@settings(deadline=None, max_examples=60)
@given(
    st.lists(st.integers(0, 50), min_size=1, max_size=20),
    st.sampled_from(["lines", "package", "array", "concat"]),
)
def test_any_form_yields_the_same_releases(numbers: list[int], form: str) -> None:
    data = [release(n, ocid=f"ocds-abc123-{n}") for n in numbers]
    if form == "lines":
        body = "\n".join(json.dumps(r) for r in data) + "\n"
    elif form == "package":
        body = json.dumps({"version": "1.1", "releases": data})
    elif form == "array":
        body = json.dumps(data, indent=2)
    else:
        body = "".join(json.dumps(r, indent=1) for r in data)
    input_file = reader.InputFile("mem.json", lambda: io.BytesIO(body.encode()))
    assert releases_of(list(read(input_file))) == data
