"""Kubernetes' own strategic merge patch cases, applied by the demo's patch engine.

Source: kubernetes/apimachinery `pkg/util/strategicpatch/patch_test.go` (Apache-2.0), the commit
named in tests/data/smp/upstream_cases.json (extracted by tools/extract_smp_cases.py).
Every case that applies a patch is ported, with the test's `MergeItem` schema (merge keys and patch
strategies from its struct tags) and the way the Go test feeds it:

- `TestStrategicMergePatch`: createStrategicMergePatchTestCaseData (the two-way patch applied to
  the original gives modified / twoWayResult; the three-way patch applied to current gives result;
  every document first sorted by `sortMergeListsByName`, ported below) and
  strategicMergePatchRawTestCases (as written; `expectedError` is a substring of the error).
- `TestCustomStrategicMergePatch`: customStrategicMergePatchTestCaseData (sorted) and
  customStrategicMergePatchRawTestCases (two-way only, as upstream runs them).
- `TestReplaceWithRawExtension`, `TestNumberConversion`, `TestUnknownField` (the patches and
  results they apply).

Not ported: the patch-creation side (CreateTwoWayMergePatch / CreateThreeWayMergePatch and their
conflict detection: the demo server only applies patches; kubectl makes them), TestSortMergeLists
(sorting is a test helper here), the OpenAPI v2/v3 schema variants of each case (the same cases
with the same merge keys read from swagger files; one schema is ported), and three-way cases whose
description says "conflict" and that have no result (upstream only checks that creating the patch
fails). Results are compared as Go's json.Marshal would print them (map keys sorted, 1.0 as 1).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tui.demo.api.patch import PatchError, PatchMeta, PatchSchema, strategic_merge_map_patch

DATA = json.loads((Path(__file__).parent.parent / "data" / "smp" / "upstream_cases.json").read_text())

# The test's MergeItem / RetainKeysMergeItem struct tags (one meaning per field name in both).
MERGE_ITEM = PatchSchema(
    "struct",
    {
        "mergingList": PatchMeta(("merge",), "name"),
        "mergingIntList": PatchMeta(("merge",)),
        "mergeItemPtr": PatchMeta(("merge",), "name"),
        "replacingItem": PatchMeta(("replace",)),
        "retainKeysMap": PatchMeta(("retainKeys",)),
        "retainKeysMergingList": PatchMeta(("merge", "retainKeys"), "name"),
    },
)


# ------------------------------------------------------------------ helpers ported from the Go test


def go_format(value: Any) -> str:
    """fmt's %v (the sort key of sortMapsBasedOnField / SortableSliceOfScalars)."""
    if value is None:
        return "<nil>"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def dedupe_scalars(items: list[Any]) -> list[Any]:
    values = list(items)
    length = len(values) - 1
    i = 0
    while i < length:
        j = i + 1
        while j <= length:
            if type(values[i]) is type(values[j]) and values[i] == values[j]:
                values[j] = values[length]
                values = values[:length]
                length -= 1
                j -= 1
            j += 1
        i += 1
    return values


def sort_merge_lists(obj: dict[str, Any], schema: PatchSchema) -> dict[str, Any]:
    """sortMergeListsByNameMap: merge lists sorted by merge key (scalars: deduplicated, sorted)."""
    result: dict[str, Any] = {}
    for key, value in obj.items():
        if key == "$retainKeys" or key.startswith("$deleteFromPrimitiveList"):
            value = sorted(value, key=go_format)
        elif not key.startswith("$setElementOrder") and key != "$patch":
            subschema, meta = schema.lookup(key)
            if isinstance(value, dict):
                value = sort_merge_lists(value, subschema)
            elif isinstance(value, list) and "merge" in meta.strategies and value:
                if isinstance(value[0], dict):
                    value = sorted(
                        (sort_merge_lists(item, subschema) for item in value),
                        key=lambda item: go_format(item.get(meta.merge_key)),
                    )
                else:
                    value = sorted(dedupe_scalars(value), key=go_format)
        result[key] = value
    return result


def go_json(value: Any) -> str:
    """json.Marshal of the decoded value: keys sorted, integral floats printed as integers."""

    def normal(item: Any) -> Any:
        if isinstance(item, dict):
            return {key: normal(child) for key, child in item.items()}
        if isinstance(item, list):
            return [normal(child) for child in item]
        if isinstance(item, float) and item.is_integer():
            return int(item)
        return item

    return json.dumps(normal(value), sort_keys=True, separators=(",", ":"))


def doc(value: Any) -> dict[str, Any]:
    """handleUnmarshal: a missing or null document is {}."""
    return value if isinstance(value, dict) else {}


def check_application(original: Any, patch: Any, expected: Any, expected_error: str = "") -> None:
    """testPatchApplication."""
    if expected_error:
        with pytest.raises(PatchError) as raised:
            strategic_merge_map_patch(doc(original), doc(patch), MERGE_ITEM)
        assert expected_error in raised.value.message
        return
    result = strategic_merge_map_patch(doc(original), doc(patch), MERGE_ITEM)
    assert go_json(result) == go_json(expected)


# ------------------------------------------------------------------ the cases


def _sorted_doc(value: Any) -> Any:
    return None if value is None else sort_merge_lists(value, MERGE_ITEM)


def _structured(table: str, three_way: bool) -> list[Any]:
    params = []
    for case in DATA[table]:
        name = case["description"]
        expected = case.get("twoWayResult", case.get("modified"))
        params.append(pytest.param(case.get("original"), case.get("twoWay"), expected, "", True, id=f"{table}/{name}/TwoWay"))
        if three_way and not ("conflict" in name and not case.get("result")):
            params.append(
                pytest.param(case.get("current"), case.get("threeWay"), case.get("result"), "", True,
                             id=f"{table}/{name}/ThreeWay")
            )
    return params


def _raw(table: str, three_way: bool) -> list[Any]:
    params = []
    for case in DATA[table]:
        name = case["description"]
        error = case.get("expectedError", "")
        expected = case.get("twoWayResult", case.get("modified"))
        params.append(pytest.param(case.get("original"), case.get("twoWay"), expected, error, False, id=f"{table}/{name}/TwoWay"))
        if three_way and not ("conflict" in name and not case.get("result")):
            params.append(
                pytest.param(case.get("current"), case.get("threeWay"), case.get("result"), error, False,
                             id=f"{table}/{name}/ThreeWay")
            )
    return params


CASES = [
    *_structured("createStrategicMergePatchTestCaseData", three_way=True),
    *_raw("strategicMergePatchRawTestCases", three_way=True),
    *_structured("customStrategicMergePatchTestCaseData", three_way=False),
    *_raw("customStrategicMergePatchRawTestCases", three_way=False),
    *_raw("replaceRawExtensionPatchTestCases", three_way=True),
]


@pytest.mark.parametrize(("original", "patch", "expected", "error", "sort"), CASES)
def test_upstream_patch_application(original: Any, patch: Any, expected: Any, error: str, sort: bool) -> None:
    if sort:
        original, patch, expected = _sorted_doc(original), _sorted_doc(patch), _sorted_doc(expected)
    check_application(original, patch, expected, error)


@pytest.mark.parametrize("name", sorted(DATA["TestNumberConversion"]))
def test_upstream_number_conversion(name: str) -> None:
    case = DATA["TestNumberConversion"][name]
    result = strategic_merge_map_patch(json.loads(case["Old"]), json.loads(case["ExpectedPatch"]), MERGE_ITEM)
    assert json.dumps(result, sort_keys=True, separators=(",", ":")) == case["ExpectedResult"]


UNKNOWN_FIELD = [
    pytest.param(case[source], case[patch], case[result], id=f"{name}/{way}")
    for name, case in sorted(DATA["TestUnknownField"].items())
    for way, source, patch, result in (
        ("TwoWay", "Original", "ExpectedTwoWay", "ExpectedTwoWayResult"),
        ("ThreeWay", "Current", "ExpectedThreeWay", "ExpectedThreeWayResult"),
    )
    # a case whose patch creation fails upstream ("unable to find api field") applies nothing
    if not case.get(f"Expected{way}Err")
]


@pytest.mark.parametrize(("original", "patch", "expected"), UNKNOWN_FIELD)
def test_upstream_unknown_field(original: str, patch: str, expected: str) -> None:
    result = strategic_merge_map_patch(json.loads(original), json.loads(patch), MERGE_ITEM)
    assert json.dumps(result, sort_keys=True, separators=(",", ":")) == expected


def test_every_upstream_case_is_collected() -> None:
    tables = ("createStrategicMergePatchTestCaseData", "strategicMergePatchRawTestCases",
              "customStrategicMergePatchTestCaseData", "customStrategicMergePatchRawTestCases",
              "replaceRawExtensionPatchTestCases")
    assert sum(len(DATA[table]) for table in tables) == 146
    assert len(DATA["TestNumberConversion"]) == 7
    assert len(DATA["TestUnknownField"]) == 15
