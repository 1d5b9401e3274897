"""adal prepare: Cardinal's corrections, and its quality report."""

from __future__ import annotations

import io
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from adal.indicators import settings as ini
from adal.indicators.prepare import prepare, swap_remove
from adal.indicators.registry import REGISTRY

SETTINGS = """
[defaults]
currency = DOP
bid_status = valid
party_roles = true

[redactions]
amount = 0|999999|not-a-number
organization_id = placeholder

[corrections]
award_status_by_contract_status = true

[modifications]
prefix_tenderer_or_supplier_id = DO-RPE-
split_procurement_method_details = -

[codelists.bid_status]
Qualified = valid
"""


def run(lines: list[object], text: str = SETTINGS) -> tuple[list[dict[str, object]], list[str], list[str]]:
    config = ini.parse(text, REGISTRY)
    source = io.BytesIO(
        b"".join((json.dumps(x) if not isinstance(x, str) else x).encode() + b"\n" for x in lines)
    )
    out, errors = io.BytesIO(), io.StringIO()
    warnings = list(prepare(source, out, errors, config))
    return (
        [json.loads(line) for line in out.getvalue().splitlines()],
        errors.getvalue().splitlines(),
        warnings,
    )


def test_corrections_follow_the_settings() -> None:
    release = {
        "ocid": "a",
        "tender": {"procurementMethodDetails": "Compras menores - bienes"},
        "parties": [{"id": "DO-RPE-1", "roles": ["tenderer"]}, {"id": "placeholder"}],
        "bids": {
            "details": [
                {"status": "Qualified", "value": {"amount": 999999}, "tenderers": [{"id": "1"}]},
                {"value": {"amount": 5, "currency": "DOP"}, "tenderers": {"id": 2}},
                {
                    "status": "Bogus",
                    "value": {"amount": 7, "currency": "DOP"},
                    "tenderers": [{"id": "placeholder"}],
                },
            ]
        },
        "awards": [
            {
                "id": 7,
                "status": "active",
                "suppliers": [{"id": "1"}],
                "items": [{"classification": {"id": 123}}],
            }
        ],
        "contracts": [{"awardID": 7, "status": "cancelled"}],
    }
    (out,), report, warnings = run([release, "not json", [1]])
    assert out["tender"]["procurementMethodDetails"] == "Compras menores"
    bids = out["bids"]["details"]
    assert bids[0] == {"status": "valid", "value": {"currency": "DOP"}, "tenderers": [{"id": "DO-RPE-1"}]}
    assert bids[1]["status"] == "valid" and bids[1]["tenderers"] == [{"id": "DO-RPE-2"}]
    assert bids[2]["tenderers"] == [{}]  # a placeholder id is redacted
    assert out["awards"][0] == {
        "id": "7",
        "status": "cancelled",
        "suppliers": [{"id": "DO-RPE-1"}],
        "items": [{"classification": {"id": "123"}}],
    }
    assert out["parties"] == [{"id": "DO-RPE-1", "roles": ["supplier", "tenderer"]}, {}]
    assert report == [
        "1,a,/bids/details[]/status,2,Bogus,invalid",
        "1,a,/awards[]/items[]/classification/scheme,0.0,,not set",
    ]
    assert (
        warnings[0].startswith("line 2 is invalid JSON")
        and warnings[1] == "line 3 is not a JSON object, skipped"
    )


def test_without_defaults_missing_values_are_reported() -> None:
    (out,), report, _ = run(
        [{"ocid": "b", "bids": {"details": [{"value": {"amount": 0}}]}, "awards": [{}]}], ""
    )
    assert out == {"ocid": "b", "bids": {"details": [{"value": {"amount": 0}}]}, "awards": [{}]}
    assert report == [
        "1,b,/bids/details[]/value/amount,0,,is zero",
        "1,b,/bids/details[]/value/currency,0,,not set",
        "1,b,/bids/details[]/status,0,,not set",
        "1,b,/awards[]/status,0,,not set",
    ]


@settings(deadline=None)
@given(st.lists(st.sampled_from("abcdefg"), unique=True, min_size=1), st.data())
def test_swap_remove_moves_the_last_key_into_the_gap(keys: list[str], data: st.DataObject) -> None:
    obj = {k: i for i, k in enumerate(keys)}
    gone = data.draw(st.sampled_from(keys))
    swap_remove(obj, gone)
    expected = list(keys)
    at = expected.index(gone)
    last = expected.pop()
    if last != gone:
        expected[at] = last
    assert list(obj) == expected and all(obj[k] == keys.index(k) for k in obj)
