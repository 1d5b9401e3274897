"""Merge rules read from the OCDS release schema shipped with the package.

The rules follow the standard's merging page: a field with ``omitWhenMerged`` (or the 1.0
``mergeStrategy: ocdsOmit``) is dropped; an array with ``wholeListMerge`` (or ``ocdsVersion``), an
array of non-objects, or an array of objects without an ``id`` property is replaced whole; any other
array of objects is merged by ``id``. Nothing is downloaded: the schema lives in ``adal/schema``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import orjson

OMIT = "omitWhenMerged"
WHOLE = "wholeListMerge"

RulePath = tuple[str, ...]


@dataclass(slots=True)
class RuleNode:
    """One node of the rules trie: the rule at this path (if any) and the rules below it."""

    rule: str | None = None
    children: dict[str, RuleNode] = field(default_factory=dict)


def _deref(node: Any, root: dict[str, Any], seen: tuple[str, ...] = ()) -> Any:
    """Resolve local ``#/definitions/...`` references (the only kind the release schema uses)."""
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            if ref in seen:  # a recursive definition: stop, as a dereferencer with a cache would
                return {}
            target: Any = root
            for part in ref[2:].split("/"):
                target = target[part]
            merged = {**target, **{k: v for k, v in node.items() if k != "$ref"}}
            return _deref(merged, root, (*seen, ref))
        return {k: _deref(v, root, seen) for k, v in node.items()}
    if isinstance(node, list):
        return [_deref(v, root, seen) for v in node]
    return node


def _types(prop: dict[str, Any]) -> list[str]:
    kind = prop.get("type")
    if kind is None:
        return []
    return [kind] if isinstance(kind, str) else list(kind)


def _walk(properties: dict[str, Any], path: RulePath) -> dict[RulePath, str]:
    rules: dict[RulePath, str] = {}
    for key, prop in properties.items():
        here = (*path, key)
        types = _types(prop)
        if prop.get("omitWhenMerged") or prop.get("mergeStrategy") == "ocdsOmit":
            rules[here] = OMIT
        elif "array" in types and (prop.get("wholeListMerge") or prop.get("mergeStrategy") == "ocdsVersion"):
            rules[here] = WHOLE
        elif "object" in types and "properties" in prop:
            rules.update(_walk(prop["properties"], here))
        elif "array" in types and "items" in prop:
            items = prop["items"]
            item_types = _types(items)
            if any(t != "object" for t in item_types):
                rules[here] = WHOLE
            elif "object" in item_types and "properties" in items:
                if "id" not in items["properties"]:
                    rules[here] = WHOLE
                else:
                    rules.update(_walk(items["properties"], here))
    return rules


def rules_from_schema(schema: dict[str, Any]) -> dict[RulePath, str]:
    """Return ``{path: rule}`` for a release schema (with local references)."""
    return _walk(_deref(schema, schema)["properties"], ())


def build_trie(rules: dict[RulePath, str]) -> RuleNode:
    """Turn flat rules into a trie so that merging looks rules up one key at a time."""
    root = RuleNode()
    for path, rule in rules.items():
        node = root
        for part in path:
            node = node.children.setdefault(part, RuleNode())
        node.rule = rule
    return root


def schema_path() -> str:
    """Path of the shipped OCDS 1.1.5 release schema (what reference tools are given in tests)."""
    return str(resources.files("adal") / "schema" / "release-schema.json")


@cache
def default_rules() -> dict[RulePath, str]:
    """Merge rules of the shipped OCDS 1.1.5 release schema."""
    return rules_from_schema(
        orjson.loads((resources.files("adal") / "schema" / "release-schema.json").read_bytes())
    )


@cache
def default_trie() -> RuleNode:
    return build_trie(default_rules())
