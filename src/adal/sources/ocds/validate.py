"""Type checks that decide whether a release can be loaded, with the reason when it cannot.

The canonical tables need objects where the schema has objects, arrays where it has arrays and numbers
where it has numbers. A release that breaks one of these is quarantined with the path and what was
expected, rather than loaded with a guess. Fields the tables do not read are not checked here: the
compiled JSON keeps them as published.
"""

from __future__ import annotations

from typing import Any

# A small type spec of the paths the canonical tables read: "object", "array" (of objects, with a spec
# for each element), "number", "string", "integer".
Spec = dict[str, Any]

_VALUE: Spec = {"amount": "number", "currency": "string"}
_PERIOD: Spec = {}
_ORG_REF: Spec = {}
_ITEM: Spec = {
    "quantity": "number",
    "classification": ("object", {}),
    "unit": ("object", {"value": ("object", _VALUE)}),
}
_DOCS: tuple[str, Spec] = ("array", {})
_AMENDMENTS: tuple[str, Spec] = ("array", {})
_MILESTONES = ("array", {"documents": _DOCS})

RELEASE_SPEC: Spec = {
    "parties": (
        "array",
        {"identifier": ("object", {}), "address": ("object", {}), "contactPoint": ("object", {})},
    ),
    "buyer": ("object", _ORG_REF),
    "planning": (
        "object",
        {"budget": ("object", {"amount": ("object", _VALUE)}), "documents": _DOCS, "milestones": _MILESTONES},
    ),
    "tender": (
        "object",
        {
            "value": ("object", _VALUE),
            "minValue": ("object", _VALUE),
            "procuringEntity": ("object", _ORG_REF),
            "items": ("array", _ITEM),
            "lots": ("array", {"value": ("object", _VALUE)}),
            "tenderers": ("array", {}),
            "tenderPeriod": ("object", _PERIOD),
            "awardPeriod": ("object", _PERIOD),
            "numberOfTenderers": "integer",
            "documents": _DOCS,
            "milestones": _MILESTONES,
            "amendments": _AMENDMENTS,
        },
    ),
    "bids": ("object", {"details": ("array", {"value": ("object", _VALUE), "tenderers": ("array", {})})}),
    "awards": (
        "array",
        {
            "value": ("object", _VALUE),
            "suppliers": ("array", {}),
            "items": ("array", _ITEM),
            "contractPeriod": ("object", _PERIOD),
            "documents": _DOCS,
            "amendments": _AMENDMENTS,
        },
    ),
    "contracts": (
        "array",
        {
            "value": ("object", _VALUE),
            "items": ("array", _ITEM),
            "period": ("object", _PERIOD),
            "documents": _DOCS,
            "milestones": _MILESTONES,
            "amendments": _AMENDMENTS,
            "implementation": (
                "object",
                {
                    "transactions": ("array", {"value": ("object", _VALUE), "amount": ("object", _VALUE)}),
                    "milestones": _MILESTONES,
                    "documents": _DOCS,
                },
            ),
        },
    ),
}


def _describe(value: Any) -> str:
    if isinstance(value, str):
        shown = value if len(value) <= 40 else value[:37] + "..."
        return f"the string {shown!r}"
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, (int, float)):
        return f"the number {value}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, dict):
        return "an object"
    return type(value).__name__


# A failure is (path parts innermost first, what was expected and found); the path is only built on failure.
_Failure = tuple[list[str], str]


def _check(value: Any, spec: Any) -> _Failure | None:
    if value is None:
        return None
    if type(spec) is str:
        if spec == "number":
            ok = isinstance(value, (int, float)) and not isinstance(value, bool)
        elif spec == "integer":
            ok = isinstance(value, int) and not isinstance(value, bool)
        else:
            ok = isinstance(value, str)
        return None if ok else ([], f"expected a {spec}, found {_describe(value)}")
    kind, inner = spec
    if kind == "object":
        if type(value) is not dict:
            return [], f"expected an object, found {_describe(value)}"
        return _check_fields(value, inner) if inner else None
    if type(value) is not list:
        return [], f"expected an array, found {_describe(value)}"
    for index, element in enumerate(value):
        if type(element) is not dict:
            return [str(index)], f"expected an object, found {_describe(element)}"
        if inner:
            failure = _check_fields(element, inner)
            if failure:
                failure[0].append(str(index))
                return failure
    return None


def _check_fields(obj: dict[str, Any], spec: Spec) -> _Failure | None:
    for key, sub in spec.items():
        value = obj.get(key)
        if value is not None:
            failure = _check(value, sub)
            if failure:
                failure[0].append(key)
                return failure
    return None


def check_release(release: Any) -> str | None:
    """Return why the release cannot be loaded, or ``None`` when it can."""
    if not isinstance(release, dict):
        return f"a release must be an object, found {_describe(release)}"
    ocid = release.get("ocid")
    if not isinstance(ocid, str) or not ocid.strip():
        return (
            "the release has no `ocid`"
            if ocid is None
            else f"`ocid` must be a non-empty string, found {_describe(ocid)}"
        )
    if "id" not in release or release["id"] is None or release["id"] == "":
        return "the release has no `id`"
    if not isinstance(release["id"], (str, int)) or isinstance(release["id"], bool):
        return f"`id` must be a string, found {_describe(release['id'])}"
    date = release.get("date")
    if date is not None and not isinstance(date, str):
        return f"`date` must be a string, found {_describe(date)}"
    failure = _check_fields(release, RELEASE_SPEC)
    if failure is None:
        return None
    parts, message = failure
    return f"/{'/'.join(reversed(parts))}: {message}"
