"""Read OCDS in every form publishers use, streaming, and say what each record is.

Forms: release packages, record packages (embedded or linked releases, ``compiledRelease``,
``versionedRelease``), single releases and records, JSON arrays of any of these, JSON Lines of any of
these, concatenated JSON; ``.gz`` and ``.zip``; directories walked recursively in sorted order.

Records of sources that are not OCDS (``adal.sources.adapters``: goszakup lots) are turned into releases
here, as they are read: with ``source="auto"`` a value that is not OCDS but that an adapter recognises,
with ``source=<adapter>`` every value (and a wrapper object ``{"items": [...]}`` or ``{"data": [...]}``).

The reader yields events: a :class:`Release` to load, a :class:`PublisherCompiled` release (kept beside
adal's own merge), or a :class:`Problem` to quarantine with its reason. A file whose bytes do not decode
in the chosen encoding raises :class:`UndecodableFile`: the caller quarantines the file whole. JSON Lines
stream line by line; a single large JSON document streams through ijson; smaller ones are parsed whole.
"""

from __future__ import annotations

import codecs
import gzip
import io
import json
import logging
import os
import sys
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import ijson
import orjson

from adal.errors import MappingError, UsageError
from adal.sources.adapters import ADAPTERS, Adapter, check_source
from adal.sources.ocds.upgrade import is_release_1_0, upgrade_release
from adal.sources.ocds.validate import check_release

log = logging.getLogger(__name__)

# Extensions that are never OCDS JSON: counted as skipped without being opened.
NOT_JSON_SUFFIXES = frozenset(
    {".xml", ".md", ".txt", ".csv", ".xlsx", ".xls", ".ods", ".pdf", ".html", ".htm", ".doc", ".docx", ".rst"}
)
# Documents larger than this (decompressed) stream through ijson instead of being parsed whole.
WHOLE_DOCUMENT_LIMIT = int(os.environ.get("ADAL_WHOLE_DOCUMENT_LIMIT", str(64 * 1024 * 1024)))
_CHUNK = 1 << 16  # small reads: a truncated gzip loses at most this much of what precedes the damage


@dataclass(slots=True)
class Release:
    """One release to load, with where it came from."""

    data: dict[str, Any]
    locator: str
    version: str  # "1.1", or "1.0" when it was upgraded
    stdlib: bool = False  # parsed by the standard library (big integers, NaN, lone surrogates)


@dataclass(slots=True)
class PublisherCompiled:
    """A publisher's ``compiledRelease`` from a record, kept for linked releases and the difference report."""

    data: dict[str, Any]
    locator: str
    linked_only: bool
    stdlib: bool = False


@dataclass(slots=True)
class Problem:
    """Something read that cannot be loaded, with the reason in one sentence."""

    locator: str
    reason: str
    ocid: str | None = None
    release_id: str | None = None
    raw: str | None = None


Event = Release | PublisherCompiled | Problem


class UndecodableFile(Exception):
    """The file's bytes are not valid in the chosen encoding; it is quarantined whole."""

    def __init__(self, locator: str, reason: str) -> None:
        super().__init__(reason)
        self.locator = locator
        self.reason = reason


@dataclass
class InputFile:
    """One file to read: a path on disk, or a member of a zip archive."""

    path: str
    open_raw: Callable[[], IO[bytes]]
    size: int | None = None
    mtime_ns: int | None = None  # of the file on disk (of the archive, for a zip member)
    # Filled in while reading.
    format: str = "unknown"
    encoding: str = ""
    skipped: str | None = None
    notes: list[str] = field(default_factory=list)


def _is_gzip(name: str) -> bool:
    return name.lower().endswith(".gz")


def discover(paths: list[str]) -> Iterator[InputFile]:
    """Walk the given paths (files, directories, zips) in a stable order."""
    for raw in paths:
        if raw == "-":
            # Read through, but never closed: closing a _Replay leaves the stream under it open.
            yield InputFile("<stdin>", lambda: _Replay(b"", sys.stdin.buffer))  # type: ignore[arg-type,return-value]
            continue
        path = Path(raw)
        if not path.exists():
            raise UsageError(f"{raw}: no such file or directory")
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs.sort()
                for name in sorted(files):
                    yield from _expand(Path(root) / name)
        else:
            yield from _expand(path)


def _expand(path: Path) -> Iterator[InputFile]:
    name = str(path)
    if name.lower().endswith(".zip"):
        try:
            archive = zipfile.ZipFile(path)
        except zipfile.BadZipFile as error:
            yield InputFile(name, lambda: io.BytesIO(b""), skipped=f"not a readable zip archive ({error})")
            return
        with archive:
            members = sorted(i.filename for i in archive.infolist() if not i.is_dir())
        mtime = path.stat().st_mtime_ns
        for member in members:
            yield InputFile(
                f"{name}/{member}",
                _zip_opener(path, member),
                size=archive.getinfo(member).file_size,
                mtime_ns=mtime,
            )
        return
    stat = path.stat()
    yield InputFile(name, lambda: open(path, "rb"), size=stat.st_size, mtime_ns=stat.st_mtime_ns)  # noqa: SIM115 -- the reader closes it


def _zip_opener(path: Path, member: str) -> Callable[[], IO[bytes]]:
    def opener() -> IO[bytes]:
        archive = zipfile.ZipFile(path)
        return archive.open(member)

    return opener


class _Opened:
    """The decompressed stream of a file, closing the file under it too."""

    def __init__(self, input_file: InputFile) -> None:
        self.raw = input_file.open_raw()
        self.stream: IO[bytes] = (
            gzip.GzipFile(fileobj=self.raw, mode="rb")  # type: ignore[assignment]
            if _is_gzip(input_file.path)
            else self.raw
        )

    def __enter__(self) -> IO[bytes]:
        return self.stream

    def __exit__(self, *exc: object) -> None:
        self.stream.close()
        self.raw.close()


def _loads(data: bytes | str) -> tuple[Any, bool]:
    """Parse with orjson; where it refuses what the reference accepts, parse with the standard library."""
    try:
        return orjson.loads(data), False
    except orjson.JSONDecodeError:
        return json.loads(data), True


def _json_error(error: ValueError) -> str:
    message = str(error)
    return message[0].lower() + message[1:] if message else "invalid JSON"


def read(input_file: InputFile, encoding: str | None = None, source: str = "auto") -> Iterator[Event]:
    """Yield the events of one file. Raise :class:`UndecodableFile` when its bytes do not decode."""
    for item in read_chunks(input_file, encoding, source=source):
        if isinstance(item, LineChunk):
            for _, event in line_events(item):
                yield event
        else:
            yield item


def read_chunks(
    input_file: InputFile, encoding: str | None = None, chunk_size: int = _CHUNK, source: str = "auto"
) -> Iterator[Event | LineChunk]:
    """Like :func:`read`, but JSON Lines come as unparsed :class:`LineChunk` blocks of about
    ``chunk_size`` bytes, so that they can be parsed in parallel."""
    check_source(source)
    if input_file.skipped:
        return
    lowered = input_file.path.lower()
    base = lowered[:-3] if lowered.endswith(".gz") else lowered
    if Path(base).suffix in NOT_JSON_SUFFIXES:
        input_file.skipped = f"not JSON ({Path(base).suffix} file)"
        return
    encoding = codecs.lookup(encoding).name if encoding else "utf-8"
    try:
        with _Opened(input_file) as stream:
            head = stream.read(_CHUNK)
            if head.startswith(codecs.BOM_UTF8) and encoding == "utf-8":
                head = head[len(codecs.BOM_UTF8) :]
                input_file.encoding = "utf-8-sig"
            else:
                input_file.encoding = encoding
            stripped = head.lstrip()
            if not stripped:
                input_file.skipped = "empty file"
                return
            if stripped[:1] not in (b"{", b"["):
                input_file.skipped = f"not JSON (starts with {stripped[:1]!r})"
                return
            if _first_line_is_value(head, encoding):
                input_file.format = "json-lines"
                yield from _read_lines(head, stream, encoding, chunk_size, source)
            else:
                yield from _read_document(head, stream, encoding, input_file, source)
    except (EOFError, gzip.BadGzipFile, zlib.error, zipfile.BadZipFile) as error:
        yield Problem("end of file", f"truncated or corrupt compressed data: {error}")
    except OSError as error:
        yield Problem("file", f"cannot be read: {error.strerror or error}")


def _first_line_is_value(head: bytes, encoding: str) -> bool:
    newline = head.find(b"\n")
    if newline < 0:
        return False
    line = head[:newline].strip()
    if not line:
        return False
    try:
        line.decode(encoding)
    except UnicodeDecodeError as error:
        raise _decode_error("line 1", encoding, error) from error
    try:
        _loads(line if encoding == "utf-8" else line.decode(encoding))
    except ValueError:
        return False
    # One value per line only if something follows; otherwise the file is one document.
    return bool(head[newline:].strip()) or len(head) == _CHUNK


def _decode_error(locator: str, encoding: str, error: UnicodeDecodeError) -> UndecodableFile:
    return UndecodableFile(
        locator,
        f"the bytes at {locator} are not valid {encoding} ({error.reason}); "
        "pass --encoding with the file's encoding (for example --encoding iso-8859-1 or --encoding cp1251)",
    )


@dataclass(slots=True)
class LineChunk:
    """Complete lines of a JSON Lines file, parsed by :func:`line_events` (possibly in another process)."""

    data: bytes
    first_line: int
    encoding: str
    source: str = "auto"  # as in explode(): worker processes need it too


def _read_lines(
    head: bytes, stream: IO[bytes], encoding: str, chunk_size: int = _CHUNK, source: str = "auto"
) -> Iterator[LineChunk]:
    """Blocks of complete lines of about ``chunk_size`` bytes (each byte is copied once)."""
    number = 1
    pieces = [head]
    size = len(head)
    while True:
        try:
            chunk = stream.read(max(_CHUNK, chunk_size - size))
        except (EOFError, OSError, zlib.error):
            # Damaged data ahead: hand on the complete lines read so far, then report the damage.
            pending = b"".join(pieces)
            cut = pending.rfind(b"\n") + 1
            if cut:
                yield LineChunk(pending[:cut], number, encoding, source)
            raise
        if chunk:
            pieces.append(chunk)
            size += len(chunk)
            if size < chunk_size:
                continue
        pending = b"".join(pieces)
        if not chunk:
            if pending:
                yield LineChunk(pending, number, encoding, source)
            return
        cut = pending.rfind(b"\n") + 1
        if not cut:  # one line longer than a block: keep reading
            pieces, size = [pending], len(pending)
            continue
        block = pending[:cut]
        pieces = [pending[cut:]]
        size = len(pieces[0])
        yield LineChunk(block, number, encoding, source)
        number += block.count(b"\n")


def line_events(chunk: LineChunk) -> Iterator[tuple[int, Event]]:
    """Parse a chunk of lines: ``(line number, event)``. Raise :class:`UndecodableFile` on bad bytes."""
    encoding, source = chunk.encoding, chunk.source
    for offset, line in enumerate(chunk.data.split(b"\n")):
        if not line.strip():
            continue
        number = chunk.first_line + offset
        locator = f"line {number}"
        try:
            text: bytes | str = line if encoding == "utf-8" else line.decode(encoding)
            value, stdlib = _loads(text)
        except UnicodeDecodeError as error:
            raise _decode_error(locator, encoding, error) from error
        except ValueError as error:
            if encoding == "utf-8":
                try:
                    line.decode("utf-8")
                except UnicodeDecodeError as decode_error:
                    raise _decode_error(locator, encoding, decode_error) from decode_error
            yield number, Problem(locator, f"invalid JSON: {_json_error(error)}", raw=_excerpt(line))
            continue
        for event in explode(value, locator, stdlib=stdlib, source=source):
            yield number, event


def _excerpt(line: bytes) -> str:
    return line[:2000].decode("utf-8", errors="backslashreplace")


def _read_document(
    head: bytes, stream: IO[bytes], encoding: str, input_file: InputFile, source: str
) -> Iterator[Event]:
    buffer = bytearray(head)
    while len(buffer) <= WHOLE_DOCUMENT_LIMIT:
        chunk = stream.read(_CHUNK)
        if not chunk:
            break
        buffer += chunk
    else:
        input_file.format = "json-streamed"
        yield from _stream_document(bytes(buffer), stream, encoding, input_file, source)
        return
    data = bytes(buffer)
    del buffer
    try:
        text: bytes | str = data if encoding == "utf-8" else data.decode(encoding)
    except UnicodeDecodeError as error:
        raise _decode_error(f"offset {error.start}", encoding, error) from error
    try:
        value, stdlib = _loads(text)
        input_file.format = "json"
        yield from explode(value, "", stdlib=stdlib, source=source)
        return
    except UnicodeDecodeError as error:
        raise _decode_error(f"offset {error.start}", encoding, error) from error
    except ValueError as error:
        if encoding == "utf-8":
            try:
                data.decode("utf-8")
            except UnicodeDecodeError as decode_error:
                raise _decode_error(f"offset {decode_error.start}", encoding, decode_error) from decode_error
        first_error = error
    # Concatenated JSON: values one after another, with or without whitespace between them.
    decoder = json.JSONDecoder()
    string = text if isinstance(text, str) else text.decode("utf-8")
    position = 0
    values: list[Any] = []
    damage: Problem | None = None
    try:
        while True:
            while position < len(string) and string[position].isspace():
                position += 1
            if position >= len(string):
                break
            value, position = decoder.raw_decode(string, position)
            values.append(value)
    except json.JSONDecodeError as error:
        if len(values) <= 1:  # not concatenated JSON, just invalid
            message = first_error if not values else error
            yield Problem("document", f"invalid JSON: {_json_error(message)}", raw=string[:2000])
            return
        line = string.count("\n", 0, error.pos) + 1
        damage = Problem(f"value {len(values) + 1} (line {line})", f"invalid JSON: {_json_error(error)}")
    input_file.format = "concatenated-json"
    for number, value in enumerate(values, 1):
        yield from explode(value, f"value {number}", stdlib=True, source=source)
    if damage is not None:
        yield damage


class _Replay(io.RawIOBase):
    """A stream that first gives back bytes already read, then the rest of the stream (left open)."""

    def __init__(self, head: bytes, rest: IO[bytes]) -> None:
        self._head = memoryview(head)
        self._rest = rest

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        if self._head:
            n = min(len(buffer), len(self._head))
            buffer[:n] = self._head[:n]
            self._head = self._head[n:]
            return n
        data = self._rest.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)


def _stream_document(
    head: bytes, stream: IO[bytes], encoding: str, input_file: InputFile, source: str
) -> Iterator[Event]:
    """A document too large to hold: stream the items of its ``releases``/``records`` arrays one by one.

    Works for a package, or an array of releases or packages (each element held whole), or, unless the
    source is ``ocds``, a wrapper object's ``items``/``data`` array of another source's records. A
    package's ``version`` usually precedes its releases; where it does not, releases are judged one by
    one, as bare releases are.
    """
    document: Any = io.BufferedReader(_Replay(head, stream), _CHUNK)
    if encoding != "utf-8":
        document = io.TextIOWrapper(document, encoding=encoding, errors="strict")
    array_top = head.lstrip()[:1] == b"["
    arrays = _STREAMED_ARRAYS.get(source, _WRAPPED_ARRAYS)
    version: str | None = None
    builder: Any = None
    building = ""
    counts: dict[str, int] = {}
    try:
        for prefix, event, value in ijson.parse(document, use_float=True):
            if builder is not None:
                builder.event(event, value)
                if prefix == building and event in ("end_map", "end_array"):
                    index = counts.get(building, 0)
                    counts[building] = index + 1
                    locator = "/" + building.replace(".item", "").replace(".", "/") + f"/{index}"
                    if building.endswith("records.item"):
                        yield from _record(builder.value, locator, version, stdlib=True)
                    elif building.endswith("releases.item"):
                        yield _release(builder.value, locator, version, stdlib=True)
                    else:
                        yield from explode(
                            builder.value, locator, stdlib=True, version=version, source=source
                        )
                    builder = None
                continue
            # In an array, each element is built whole (a release, or a package of moderate size).
            wanted = prefix == "item" if array_top else prefix in arrays
            if event in ("start_map", "start_array") and wanted:
                builder = ijson.ObjectBuilder()
                builder.event(event, value)
                building = prefix
            elif prefix == "version" and event == "string":
                version = value
    except UnicodeDecodeError as error:
        raise _decode_error("a streamed document", encoding, error) from error
    except ijson.JSONError as error:
        yield Problem("document", f"invalid JSON: {error}")
        return
    if not counts and not array_top and source not in _OCDS_SOURCES:
        wrappers = " or ".join(f"`{key}`" for key in _WRAPPER_KEYS)
        yield Problem("document", f"expected {ADAPTERS[source].record}: an object with no {wrappers} array")


def _org_shape_1_0(release: dict[str, Any]) -> bool:
    """Whether the release embeds whole organizations (1.0) rather than references."""
    candidates: list[Any] = [release.get("buyer")]
    tender = release.get("tender")
    if isinstance(tender, dict):
        candidates.append(tender.get("procuringEntity"))
        candidates.extend(tender.get("tenderers") or [])
    for award in release.get("awards") or []:
        if isinstance(award, dict):
            candidates.extend(award.get("suppliers") or [])
    return any(
        isinstance(org, dict) and ("id" not in org or "identifier" in org or "address" in org)
        for org in candidates
    )


def _release(value: Any, locator: str, version: str | None, *, stdlib: bool) -> Release | Problem:
    problem = check_release(value)
    if problem is not None:
        ocid = value.get("ocid") if isinstance(value, dict) and isinstance(value.get("ocid"), str) else None
        rid = value.get("id") if isinstance(value, dict) else None
        raw = _raw(value, stdlib)
        return Problem(locator, problem, ocid=ocid, release_id=None if rid is None else str(rid), raw=raw)
    if version is None:
        version = "1.0" if is_release_1_0(value) and _org_shape_1_0(value) else "1.1"
    if version == "1.0":
        upgrade_release(value)
    return Release(value, locator, "1.0" if version == "1.0" else "1.1", stdlib)


def _version(package: dict[str, Any]) -> str:
    version = package.get("version", "1.0")
    return version if isinstance(version, str) else "1.0"


def _path(locator: str, suffix: str) -> str:
    return f"{locator}{suffix}" if locator.startswith("/") or not locator else f"{locator} {suffix}"


# Modes of explode() in which values are read as OCDS; any other source is one adapter's records only.
_OCDS_SOURCES = frozenset({"auto", "ocds"})
# Arrays of records in an API-style wrapper object, for sources that are not OCDS.
_WRAPPER_KEYS = ("items", "data")
# The arrays whose elements a streamed document yields, by source (an adapter's: the wrapper's arrays).
_WRAPPED_ARRAYS = tuple(f"{key}.item" for key in _WRAPPER_KEYS)
_STREAMED_ARRAYS = {
    "ocds": ("releases.item", "records.item"),
    "auto": ("releases.item", "records.item", *_WRAPPED_ARRAYS),
}


def explode(
    value: Any, locator: str, *, stdlib: bool = False, version: str | None = None, source: str = "auto"
) -> Iterator[Event]:
    """Turn one parsed JSON value into releases, publisher compiled releases and problems.

    ``source`` is ``auto`` (OCDS, else a record an adapter recognises), ``ocds``, or an adapter's name
    (every value must be its record).
    """
    if isinstance(value, list):
        for index, item in enumerate(value):
            yield from explode(
                item, _path(locator, f"/{index}"), stdlib=stdlib, version=version, source=source
            )
        return
    if source not in _OCDS_SOURCES:
        yield from _adapted(value, locator, ADAPTERS[source], stdlib=stdlib)
        return
    if not isinstance(value, dict):
        yield Problem(
            locator or "document", f"expected an OCDS object or array, found {type(value).__name__}"
        )
        return
    if "records" in value:
        records = value["records"]
        if not isinstance(records, list):
            yield Problem(_path(locator, "/records"), "`records` is not an array")
            return
        for index, record in enumerate(records):
            yield from _record(record, _path(locator, f"/records/{index}"), _version(value), stdlib=stdlib)
        return
    if "releases" in value and "ocid" in value:
        yield from _record(value, locator, version, stdlib=stdlib)
        return
    if "releases" in value:
        releases = value["releases"]
        if not isinstance(releases, list):
            yield Problem(_path(locator, "/releases"), "`releases` is not an array")
            return
        package_version = _version(value)
        for index, release in enumerate(releases):
            yield _release(release, _path(locator, f"/releases/{index}"), package_version, stdlib=stdlib)
        return
    if "ocid" in value or "tag" in value or "date" in value or "tender" in value:
        yield _release(value, locator or "document", version, stdlib=stdlib)
        return
    if source == "auto":
        # Not OCDS: a record of another source, or a wrapper object whose first record is one.
        wrapped = _wrapped(value)
        first = wrapped[1][0] if wrapped is not None and wrapped[1] else None
        for adapter in ADAPTERS.values():
            if adapter.looks_like(value) or (first is not None and adapter.looks_like(first)):
                yield from _adapted(value, locator, adapter, stdlib=stdlib)
                return
    keys = ", ".join(list(value)[:5]) or "no keys"
    yield Problem(locator or "document", f"not OCDS: an object with {keys} but no releases, records or ocid")


def _wrapped(value: dict[str, Any]) -> tuple[str, list[Any]] | None:
    """The key and array of an API-style wrapper object (``{"items": [...]}``), if ``value`` is one."""
    for key in _WRAPPER_KEYS:
        array = value.get(key)
        if isinstance(array, list):
            return key, array
    return None


def _adapted(value: Any, locator: str, adapter: Adapter, *, stdlib: bool) -> Iterator[Event]:
    """A record of a source that is not OCDS (or a wrapper of them), as releases and problems."""
    if isinstance(value, dict) and not adapter.looks_like(value):
        wrapped = _wrapped(value)
        if wrapped is not None:
            key, records = wrapped
            for index, record in enumerate(records):
                yield from _adapted(record, _path(locator, f"/{key}/{index}"), adapter, stdlib=stdlib)
            return
    if isinstance(value, list):
        yield from explode(value, locator, stdlib=stdlib, source=adapter.name)
        return
    try:
        release = adapter.to_release(value)
    except MappingError as error:
        yield Problem(locator or "document", str(error), ocid=adapter.ocid_of(value), raw=_raw(value, stdlib))
        return
    yield _release(release, locator or "document", "1.1", stdlib=stdlib)


def _raw(value: Any, stdlib: bool) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode() if not stdlib else json.dumps(value)


def _is_linked(release: Any) -> bool:
    return isinstance(release, dict) and "url" in release and len(release) <= 3


def _record(record: Any, locator: str, version: str | None, *, stdlib: bool) -> Iterator[Event]:
    if not isinstance(record, dict):
        yield Problem(locator, f"a record must be an object, found {type(record).__name__}")
        return
    releases = record.get("releases")
    if releases is None:
        releases = []
    if not isinstance(releases, list):
        yield Problem(
            _path(locator, "/releases"), "a record's `releases` is not an array", ocid=record.get("ocid")
        )
        return
    embedded = [r for r in releases if not _is_linked(r)]
    if version is None:
        version = "1.1" if any(isinstance(r, dict) and "parties" in r for r in embedded) else None
    for index, release in enumerate(releases):
        if not _is_linked(release):
            yield _release(release, _path(locator, f"/releases/{index}"), version, stdlib=stdlib)
    compiled = record.get("compiledRelease")
    if isinstance(compiled, dict):
        yield PublisherCompiled(compiled, _path(locator, "/compiledRelease"), not embedded, stdlib)
    elif not embedded:
        yield Problem(
            locator,
            "a record with only linked releases and no compiledRelease has nothing to load",
            ocid=record.get("ocid") if isinstance(record.get("ocid"), str) else None,
        )
