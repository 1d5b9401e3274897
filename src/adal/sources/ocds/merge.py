"""Compile the releases of one ocid into a compiled release, as OCDS merging defines it.

The behaviour is that of the reference implementation (``ocdsmerge``), quirks included, because users
compare adal's compiled releases with the ones their other tools make:

* releases are sorted by ``date`` (a stable sort: ties keep input order); a single release is not sorted;
* fields the schema marks ``omitWhenMerged`` are dropped; ``tag`` is replaced by ``["compiled"]``, ``id``
  by ``"{ocid}-{date}"`` of the last release;
* arrays of objects merge by ``id``, compared as text (``1`` and ``"1"`` are one object), but an object
  first created under the ``id`` ``1`` and later extended under ``"1"`` splits into two, as in the reference;
* objects without ``id`` are never merged: each is appended;
* arrays of non-objects and ``wholeListMerge`` arrays are replaced whole; empty arrays and objects add
  nothing; ``null`` removes a field but leaves the objects on its path.

The reference algorithm flattens each release into ``{path: value}``, overlays the paths in date order,
and rebuilds the object (``_flat_compile``). Two faster paths give the same result where they can: one
release is copied once (``_single_compile``), and several are merged on nested objects
(``_direct_compile``); either raises ``_Conflict`` where it might differ (an id seen as 1 and as "1", a
value turning between leaf, object and array, duplicate ids in one array) and the reference algorithm
takes over. Merge rules come from a trie of the shipped schema, and objects without ``id`` get a counter
instead of a UUID. Tests compare all three with ocdsmerge on real data and generated releases.
"""

from __future__ import annotations

import itertools
from operator import itemgetter
from typing import Any

from adal.errors import MergeError
from adal.sources.ocds.rules import OMIT, WHOLE, RuleNode, default_trie

Flat = dict[tuple[str, ...], Any]

_unique = itertools.count()


class _ItemKey(str):
    """A path part for an object in an array: equal (as text) to its ``id``, remembering the original value."""

    __slots__ = ("has_id", "identifier")

    identifier: Any
    has_id: bool


def _item_key(item: dict[str, Any]) -> _ItemKey:
    if "id" in item:
        identifier = item["id"]
        key = _ItemKey(identifier)
        key.identifier = identifier
        key.has_id = identifier is not None
    else:
        # Unequal to every other key, so the object is appended, never merged.
        identifier = f"\x00{next(_unique)}"
        key = _ItemKey(identifier)
        key.identifier = identifier
        key.has_id = False
    return key


def _flatten_dict(obj: dict[str, Any], node: RuleNode | None, path: tuple[Any, ...], out: Flat) -> None:
    children = node.children if node is not None else None
    for key, value in obj.items():
        child = children.get(key) if children else None
        rule = child.rule if child is not None else None
        if rule == OMIT:
            continue
        here = (*path, key)
        if rule == WHOLE or not isinstance(value, (dict, list)):
            out[here] = value
        elif type(value) is list:
            if not all(isinstance(item, dict) for item in value):
                out[here] = value
            elif value:
                _flatten_list(value, child, here, out)
        elif value:
            _flatten_dict(value, child, here, out)  # type: ignore[arg-type]  # a dict: lists went above


def _flatten_list(
    items: list[dict[str, Any]], node: RuleNode | None, path: tuple[Any, ...], out: Flat
) -> None:
    # An array's items are looked up under the array's own rule node, as in the reference.
    for item in items:
        if item:
            _flatten_dict(item, node, (*path, _item_key(item)), out)


def flatten(release: dict[str, Any], trie: RuleNode | None = None) -> Flat:
    """Flatten one release into ``{path: value}`` following the merge rules."""
    out: Flat = {}
    _flatten_dict(release, trie if trie is not None else default_trie(), (), out)
    return out


def unflatten(flat: Flat) -> dict[str, Any]:
    """Rebuild an object from its flattened paths, dropping ``null`` leaves."""
    root: dict[str, Any] = {}
    identifiers: dict[tuple[Any, ...], dict[str, Any]] = {}
    for key, value in flat.items():
        current: Any = root
        last = len(key) - 1
        for end, part in enumerate(key):
            if type(part) is _ItemKey:
                id_path = (*key[:end], part.identifier)
                found = identifiers.get(id_path)
                if found is None:
                    found = {"id": part.identifier} if part.has_id else {}
                    identifiers[id_path] = found
                    if type(current) is not list:
                        where = "/".join(map(str, key[:end]))
                        raise MergeError(
                            f"an earlier release had an object for /{where}, but a later release has an array"
                        )
                    current.append(found)
                current = found
            elif type(current) is not dict:
                where = "/".join(map(str, key[:end]))
                raise MergeError(
                    f"an earlier release had {type(current).__name__} for /{where}, "
                    f"but a later release has an object with a {part!r} key"
                )
            elif part in current:
                current = current[part]
            elif end < last:
                current[part] = [] if type(key[end + 1]) is _ItemKey else {}
                current = current[part]
            elif value is not None:
                current[part] = value
    return root


def sort_releases(releases: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Sort by ``date`` (stable); explain in one sentence why releases cannot be sorted."""
    for index, release in enumerate(releases):
        if not isinstance(release, dict):
            raise MergeError(f"release {index} is a {type(release).__name__}, not an object")
        if "date" not in release:
            raise MergeError(f"release {release.get('id')!r} has no `date`, so releases cannot be ordered")
        if not isinstance(release["date"], str):
            raise MergeError(
                f"release {release.get('id')!r} has a `date` that is "
                f"{'null' if release['date'] is None else type(release['date']).__name__}, not a string"
            )
    if len(releases) == 1:
        return releases
    return sorted(releases, key=itemgetter("date"))


def compile_release(releases: list[dict[str, Any]], trie: RuleNode | None = None) -> dict[str, Any]:
    """Merge the releases of one ocid into its compiled release.

    Raises :class:`MergeError` when the releases cannot be merged (no ``date``, an object where an array
    was); the caller quarantines the ocid whole.
    """
    if not releases:
        raise MergeError("there are no releases to compile")
    trie = trie if trie is not None else default_trie()
    ordered = sort_releases(releases)
    try:
        if len(ordered) == 1:
            return _single_compile(ordered[0], trie)
        return _direct_compile(ordered, trie)
    except _Conflict:
        return _flat_compile(ordered, trie)


def _flat_compile(ordered: list[dict[str, Any]], trie: RuleNode) -> dict[str, Any]:
    """The reference algorithm: flatten every release, overlay the paths, rebuild."""
    data: Flat = {("tag",): ["compiled"]}
    for release in ordered:
        ocid = release.get("ocid")
        date = release.get("date")
        data[("id",)] = f"{ocid}-{date}"
        data[("date",)] = date
        data[("ocid",)] = ocid
        body = release
        if "tag" in release:  # before OCDS 1.1.4 `tag` was not marked omitWhenMerged
            body = {k: v for k, v in release.items() if k != "tag"}
        data.update(flatten(body, trie))
    return unflatten(data)


# The direct merge: the same result as flatten-overlay-rebuild, computed on nested objects. Where the two
# could differ (a value changes between leaf, object and array; one id seen as 1 and as "1"), it raises
# _Conflict and the caller falls back to the reference algorithm, so the fast path never guesses.


class _Conflict(Exception):
    """The direct merge cannot reproduce the reference here."""


class _Obj(dict[str, Any]):
    """An object being merged (a container), as opposed to an object that is a whole value."""

    __slots__ = ()


class _Arr(list[Any]):
    """An array of objects being merged by id, with an index from id text to (id, object)."""

    __slots__ = ("by_id",)

    by_id: dict[str, tuple[Any, _Obj]]


def _merge_dict(target: _Obj, obj: dict[str, Any], node: RuleNode | None) -> bool:
    """Merge ``obj`` into ``target``; return whether ``obj`` had any leaf (what makes objects exist)."""
    children = node.children if node is not None else None
    produced = False
    for key, value in obj.items():
        child = children.get(key) if children else None
        rule = child.rule if child is not None else None
        if rule == OMIT:
            continue
        if (
            rule == WHOLE
            or not isinstance(value, (dict, list))
            or (type(value) is list and not all(isinstance(item, dict) for item in value))
        ):
            existing = target.get(key, _MISSING)
            if type(existing) is _Obj or type(existing) is _Arr:
                raise _Conflict
            target[key] = value
            produced = True
        elif not value:
            continue
        elif type(value) is list:
            existing = target.get(key, _MISSING)
            if existing is _MISSING:
                array = _Arr()
                array.by_id = {}
                if _merge_list(array, value, child):
                    target[key] = array
                    produced = True
            elif type(existing) is _Arr:
                produced = _merge_list(existing, value, child) or produced
            else:
                raise _Conflict
        else:
            existing = target.get(key, _MISSING)
            if existing is _MISSING:
                sub = _Obj()
                if _merge_dict(sub, value, child):  # type: ignore[arg-type]  # a dict here
                    target[key] = sub
                    produced = True
            elif type(existing) is _Obj:
                produced = _merge_dict(existing, value, child) or produced  # type: ignore[arg-type]
            else:
                raise _Conflict
    return produced


def _merge_list(array: _Arr, items: list[dict[str, Any]], node: RuleNode | None) -> bool:
    produced = False
    by_id = array.by_id
    for item in items:
        if not item:
            continue
        if "id" not in item:
            sub = _Obj()
            if _merge_dict(sub, item, node):
                array.append(sub)
                produced = True
            continue
        identifier = item["id"]
        text = str(identifier)
        found = by_id.get(text)
        if found is None:
            sub = _Obj()
            if identifier is not None:
                sub["id"] = identifier
            if _merge_dict(sub, item, node):
                by_id[text] = (identifier, sub)
                array.append(sub)
                produced = True
        else:
            if found[0] != identifier or type(found[0]) is not type(identifier):
                raise _Conflict
            produced = _merge_dict(found[1], item, node) or produced
    return produced


_MISSING: Any = object()


def _plain(value: Any) -> Any:
    """Turn merged containers into plain objects, dropping null leaves."""
    if type(value) is _Obj:
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if type(value) is _Arr:
        return [_plain(v) for v in value]
    return value


def _direct_compile(ordered: list[dict[str, Any]], trie: RuleNode) -> dict[str, Any]:
    root = _Obj()
    root["tag"] = ["compiled"]
    for release in ordered:
        ocid = release.get("ocid")
        date = release.get("date")
        root["id"] = f"{ocid}-{date}"
        root["date"] = date
        root["ocid"] = ocid
        body = release
        if "tag" in release:
            body = {k: v for k, v in release.items() if k != "tag"}
        _merge_dict(root, body, trie)
    result: dict[str, Any] = _plain(root)
    return result


# One release (the common case: most publishers' compiled files, and every new process) needs no merge
# state: a single copy that drops omitted fields, nulls and empty containers. Duplicate ids inside one
# array are left to the merge above.


def _copy_dict(obj: dict[str, Any], node: RuleNode | None) -> dict[str, Any] | None:
    children = node.children if node is not None else None
    out: dict[str, Any] = {}
    produced = False
    for key, value in obj.items():
        child = children.get(key) if children else None
        if child is not None:
            rule = child.rule
            if rule == OMIT:
                continue
            if rule == WHOLE:
                produced = True
                if value is not None:
                    out[key] = value
                continue
        kind = type(value)
        if kind is dict:
            if value:
                sub = _copy_dict(value, child)
                if sub is not None:
                    out[key] = sub
                    produced = True
        elif kind is list:
            if not value:
                continue
            for item in value:
                if type(item) is not dict:
                    produced = True
                    out[key] = value
                    break
            else:
                items = _copy_list(value, child)
                if items:
                    out[key] = items
                    produced = True
        else:
            produced = True
            if value is not None:
                out[key] = value
    return out if produced else None


def _copy_list(items: list[dict[str, Any]], node: RuleNode | None) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for item in items:
        if not item:
            continue
        if "id" in item:
            identifier = item["id"]
            text = str(identifier)
            if text in seen:
                raise _Conflict
            seen.add(text)
            sub = _copy_dict(item, node)
            if sub is None:
                continue
            if identifier is not None and next(iter(sub)) != "id":
                sub = {"id": identifier, **sub}
        else:
            sub = _copy_dict(item, node)
            if sub is None:
                continue
        out.append(sub)
    return out


def _single_compile(release: dict[str, Any], trie: RuleNode) -> dict[str, Any]:
    ocid = release.get("ocid")
    date = release.get("date")
    result: dict[str, Any] = {"tag": ["compiled"], "id": f"{ocid}-{date}"}
    if date is not None:
        result["date"] = date
    if ocid is not None:
        result["ocid"] = ocid
    body = _copy_dict({k: v for k, v in release.items() if k != "tag"}, trie)
    if body:
        result.update(body)
    return result
