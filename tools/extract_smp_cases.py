"""Regenerate tests/data/smp/upstream_cases.json from apimachinery's pkg/util/strategicpatch/patch_test.go.

Usage: python tools/extract_smp_cases.py path/to/patch_test.go COMMIT > tests/data/smp/upstream_cases.json

The YAML documents (the test's []byte(`...`) literals and its YAML test-case tables) are turned into
JSON exactly as the Go test does (sigs.k8s.io/yaml: YAML 1.1 scalars); nothing is edited by hand.
"""

from __future__ import annotations

import json
import re
import sys
from typing import Any

import yaml

_RAW_FIELDS = ("Original", "TwoWay", "Modified", "Current", "ThreeWay", "Result", "TwoWayResult")


def _yaml_table(source: str, variable: str) -> list[dict[str, Any]]:
    match = re.search(rf"var {variable} = \[\]byte\(`(.*?)`\)", source, re.S)
    if match is None:
        raise SystemExit(f"{variable} not found")
    return list(yaml.safe_load(match.group(1))["testCases"])


def _go_string(literal: str) -> str:
    return str(json.loads(literal))


def _raw_table(source: str, variable: str) -> list[dict[str, Any]]:
    match = re.search(rf"var {variable} = \[\]StrategicMergePatchRawTestCase\{{(.*?)\n\}}\n", source, re.S)
    if match is None:
        raise SystemExit(f"{variable} not found")
    body = match.group(1)
    starts = [m.start() for m in re.finditer(r"\bDescription:", body)]
    cases: list[dict[str, Any]] = []
    for index, start in enumerate(starts):
        chunk = body[start: starts[index + 1] if index + 1 < len(starts) else len(body)]
        description = re.match(r'Description:\s*("(?:[^"\\]|\\.)*")', chunk)
        assert description is not None
        case: dict[str, Any] = {"description": _go_string(description.group(1))}
        for name, text in re.findall(r"\b(\w+):\s*\[\]byte\(`(.*?)`\)", chunk, re.S):
            if name not in _RAW_FIELDS:
                raise SystemExit(f"unexpected field {name}")
            case[name[0].lower() + name[1:]] = yaml.safe_load(text)
        error = re.search(r'ExpectedError:\s*("(?:[^"\\]|\\.)*")', chunk)
        if error is not None:
            case["expectedError"] = _go_string(error.group(1))
        cases.append(case)
    return cases


def _string_table(source: str, function: str, fields: tuple[str, ...]) -> dict[str, dict[str, str]]:
    """The `"name": {Field: `json`, ...}` map literal of a test function."""
    match = re.search(rf"func {function}\(t \*testing.T\) \{{(.*?)\n\}}\n", source, re.S)
    if match is None:
        raise SystemExit(f"{function} not found")
    body = match.group(1)
    table: dict[str, dict[str, str]] = {}
    for name, entry in re.findall(r'\n\t\t"([^"]+)": \{\n(.*?)\n\t\t\},', body, re.S):
        values = dict(re.findall(r"(\w+):\s*`([^`]*)`", entry))
        table[name] = {key: values[key] for key in fields if key in values}
    return table


def main() -> None:
    path, commit = sys.argv[1], sys.argv[2]
    with open(path, encoding="utf-8") as handle:
        source = handle.read()
    data = {
        "source": {
            "repository": "https://github.com/kubernetes/apimachinery",
            "path": "pkg/util/strategicpatch/patch_test.go",
            "commit": commit,
            "license": "Apache-2.0",
        },
        "customStrategicMergePatchTestCaseData": _yaml_table(source, "customStrategicMergePatchTestCaseData"),
        "customStrategicMergePatchRawTestCases": _raw_table(source, "customStrategicMergePatchRawTestCases"),
        "createStrategicMergePatchTestCaseData": _yaml_table(source, "createStrategicMergePatchTestCaseData"),
        "strategicMergePatchRawTestCases": _raw_table(source, "strategicMergePatchRawTestCases"),
        "replaceRawExtensionPatchTestCases": _raw_table(source, "replaceRawExtensionPatchTestCases"),
        "TestNumberConversion": _string_table(
            source, "TestNumberConversion", ("Old", "New", "ExpectedPatch", "ExpectedResult")
        ),
        "TestUnknownField": _string_table(
            source,
            "TestUnknownField",
            (
                "Original", "Current", "Modified", "ExpectedTwoWay", "ExpectedTwoWayErr", "ExpectedTwoWayResult",
                "ExpectedThreeWay", "ExpectedThreeWayErr", "ExpectedThreeWayResult",
            ),
        ),
    }
    json.dump(data, sys.stdout, indent=1, sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
