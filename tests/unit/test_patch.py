"""Strategic merge patch, JSON patch (RFC 6902) and merge patch (RFC 7386) on pod JSON."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.demo.api.patch import (
    PatchError,
    _go_stable_sort,
    apply_json_patch,
    apply_merge_patch,
    apply_strategic_merge_patch,
    schema_for_resource,
)


def make_pod() -> dict[str, Any]:
    return {
        "metadata": {"name": "web", "labels": {"app": "web", "tier": "front"}, "finalizers": ["a"]},
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "nginx",
                    "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
                    "ports": [{"containerPort": 80, "protocol": "TCP"}],
                    "volumeMounts": [{"name": "data", "mountPath": "/data"}],
                    "args": ["--one"],
                },
                {"name": "sidecar", "image": "busybox"},
            ],
            "volumes": [{"name": "data", "emptyDir": {}}],
            "ephemeralContainers": [{"name": "debugger-aaaaa", "image": "busybox"}],
        },
    }


# ------------------------------------------------------------------ strategic merge


def test_kubectl_debug_patch_appends_an_ephemeral_container() -> None:
    pod = make_pod()
    before = copy.deepcopy(pod)
    patch = {
        "spec": {
            "$setElementOrder/ephemeralContainers": [{"name": "debugger-aaaaa"}, {"name": "debugger-bbbbb"}],
            "ephemeralContainers": [{"name": "debugger-bbbbb", "image": "alpine", "stdin": True, "tty": True}],
        }
    }
    result = apply_strategic_merge_patch(pod, patch)
    assert [c["name"] for c in result["spec"]["ephemeralContainers"]] == ["debugger-aaaaa", "debugger-bbbbb"]
    assert result["spec"]["ephemeralContainers"][1]["tty"] is True
    assert "$setElementOrder/ephemeralContainers" not in result["spec"]
    assert pod == before, "the input must not be mutated"


def test_lists_merge_by_their_patch_merge_key() -> None:
    patch = {
        "spec": {
            "containers": [
                {
                    "name": "app",
                    "image": "nginx:2",
                    "env": [{"name": "B", "value": "two"}, {"name": "C", "value": "3"}],
                    "ports": [{"containerPort": 80, "name": "http"}],
                    "volumeMounts": [{"mountPath": "/data", "readOnly": True}],
                    "args": ["--two"],
                }
            ]
        }
    }
    app = apply_strategic_merge_patch(make_pod(), patch)["spec"]["containers"][0]
    assert app["image"] == "nginx:2"
    assert app["env"] == [{"name": "A", "value": "1"}, {"name": "B", "value": "two"}, {"name": "C", "value": "3"}]
    assert app["ports"] == [{"containerPort": 80, "protocol": "TCP", "name": "http"}]
    assert app["volumeMounts"] == [{"name": "data", "mountPath": "/data", "readOnly": True}]
    assert app["args"] == ["--two"], "lists without a merge key replace"


def test_null_deletes_and_maps_merge() -> None:
    patch = {"metadata": {"labels": {"tier": None, "new": "x"}}, "spec": {"volumes": None}}
    result = apply_strategic_merge_patch(make_pod(), patch)
    assert result["metadata"]["labels"] == {"app": "web", "new": "x"}
    assert "volumes" not in result["spec"]


def test_patch_directives() -> None:
    pod = make_pod()
    delete = {"spec": {"containers": [{"name": "sidecar", "$patch": "delete"}]}}
    assert [c["name"] for c in apply_strategic_merge_patch(pod, delete)["spec"]["containers"]] == ["app"]
    replace_list = {"spec": {"containers": [{"$patch": "replace"}, {"name": "only", "image": "x"}]}}
    assert apply_strategic_merge_patch(pod, replace_list)["spec"]["containers"] == [{"name": "only", "image": "x"}]
    replace_map = {"metadata": {"labels": {"$patch": "replace", "z": "1"}}}
    assert apply_strategic_merge_patch(pod, replace_map)["metadata"]["labels"] == {"z": "1"}
    delete_map = {"metadata": {"labels": {"$patch": "delete"}}}
    # upstream's mergeMap leaves a deleted map that exists empty (handleDirectiveInMergeMap)
    assert apply_strategic_merge_patch(pod, delete_map)["metadata"]["labels"] == {}
    assert "annotations" not in apply_strategic_merge_patch(pod, {"metadata": {"annotations": {"$patch": "delete"}}})["metadata"]
    retain = {"spec": {"$retainKeys": ["containers"], "containers": []}}
    assert set(apply_strategic_merge_patch(pod, retain)["spec"]) == {"containers"}


def test_primitive_merge_lists_union_and_delete() -> None:
    pod = make_pod()
    # a union; the values the patch names come in the patch's order (upstream's mergeSlice)
    assert apply_strategic_merge_patch(pod, {"metadata": {"finalizers": ["b", "a"]}})["metadata"]["finalizers"] == ["b", "a"]
    # without $setElementOrder a new value comes before the server's (upstream's mergeSortedSlice)
    assert apply_strategic_merge_patch(pod, {"metadata": {"finalizers": ["b"]}})["metadata"]["finalizers"] == ["b", "a"]
    removed = apply_strategic_merge_patch(pod, {"metadata": {"$deleteFromPrimitiveList/finalizers": ["a"]}})
    assert removed["metadata"]["finalizers"] == []


def test_missing_merge_key_is_an_error() -> None:
    with pytest.raises(PatchError, match="does not contain declared merge key: name"):
        apply_strategic_merge_patch(make_pod(), {"spec": {"ephemeralContainers": [{"image": "busybox"}]}})


def test_custom_merge_keys() -> None:
    obj = {"items": [{"id": 1, "v": "a"}]}
    result = apply_strategic_merge_patch(obj, {"items": [{"id": 2, "v": "b"}]}, merge_keys={"items": "id"})
    # a new entry without $setElementOrder goes first, as `kubectl patch` on a real server does
    assert result == {"items": [{"id": 2, "v": "b"}, {"id": 1, "v": "a"}]}


# ------------------------------------------------------------------ JSON patch


def test_json_patch_appends_an_ephemeral_container() -> None:
    pod = make_pod()
    ops = [{"op": "add", "path": "/spec/ephemeralContainers/-", "value": {"name": "d2", "image": "alpine"}}]
    result = apply_json_patch(pod, ops)
    assert [c["name"] for c in result["spec"]["ephemeralContainers"]] == ["debugger-aaaaa", "d2"]
    assert len(pod["spec"]["ephemeralContainers"]) == 1


def test_json_patch_all_operations() -> None:
    doc = {"a": {"b~c": 1, "d/e": [1, 2, 3]}, "x": "y"}
    ops = [
        {"op": "test", "path": "/a/b~0c", "value": 1},
        {"op": "replace", "path": "/a/b~0c", "value": 5},
        {"op": "add", "path": "/a/d~1e/1", "value": 9},
        {"op": "remove", "path": "/a/d~1e/0"},
        {"op": "copy", "from": "/x", "path": "/z"},
        {"op": "move", "from": "/x", "path": "/w"},
    ]
    assert apply_json_patch(doc, ops) == {"a": {"b~c": 5, "d/e": [9, 2, 3]}, "z": "y", "w": "y"}


@pytest.mark.parametrize(
    ("ops", "message"),
    [
        ([{"op": "test", "path": "/x", "value": "other"}], "testing value /x failed: test failed"),
        ([{"op": "test", "path": "/flag", "value": 1}], "testing value /flag failed: test failed"),
        ([{"op": "add", "path": "/missing/deeper", "value": 1}], 'add operation does not apply: doc is missing path: "/missing/deeper"'),
        ([{"op": "remove", "path": "/nope"}], 'remove operation does not apply: doc is missing path: "/nope"'),
        ([{"op": "replace", "path": "/nope", "value": 1}], "replace operation does not apply: doc is missing key: /nope"),
        ([{"op": "add", "path": "/list/7", "value": 1}], "Unable to access invalid index: 7"),
        ([{"op": "copy", "from": "/nope", "path": "/x"}], 'copy operation does not apply: doc is missing from path: "/nope"'),
        ([{"op": "frobnicate", "path": "/x"}], "Unexpected kind: frobnicate"),
    ],
)
def test_json_patch_errors(ops: list[dict[str, Any]], message: str) -> None:
    with pytest.raises(PatchError) as caught:
        apply_json_patch({"x": "y", "flag": True, "list": [1]}, ops)
    assert message in caught.value.message


def test_failed_json_patch_leaves_input_untouched() -> None:
    doc = {"a": [1]}
    with pytest.raises(PatchError):
        apply_json_patch(doc, [{"op": "add", "path": "/a/-", "value": 2}, {"op": "test", "path": "/a/0", "value": 5}])
    assert doc == {"a": [1]}


# ------------------------------------------------------------------ merge patch


def test_merge_patch_replaces_lists() -> None:
    result = apply_merge_patch(make_pod(), {"spec": {"ephemeralContainers": [{"name": "new", "image": "x"}]}})
    assert result["spec"]["ephemeralContainers"] == [{"name": "new", "image": "x"}]
    assert apply_merge_patch({"a": {"b": 1, "c": 2}}, {"a": {"b": None}}) == {"a": {"c": 2}}
    assert apply_merge_patch({"a": 1}, ["x"]) == ["x"]


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.text(max_size=4),
    lambda children: st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=3), children, max_size=3),
    max_leaves=10,
)


@given(st.dictionaries(st.text(max_size=3), json_values, max_size=4), st.dictionaries(st.text(max_size=3), json_values, max_size=4))
def test_merge_patch_is_idempotent(target: dict[str, Any], patch: dict[str, Any]) -> None:
    once = apply_merge_patch(target, patch)
    assert apply_merge_patch(once, patch) == once


# ------------------------------------------------------------------ errors as the API server answers them


def test_set_element_order_mismatch_is_a_500_without_reason() -> None:
    patch = {"spec": {"$setElementOrder/containers": [{"name": "sidecar"}], "containers": [{"name": "app", "image": "x"}]}}
    with pytest.raises(PatchError) as raised:
        apply_strategic_merge_patch(make_pod(), patch)
    assert (raised.value.code, raised.value.reason) == (500, "")
    assert raised.value.message == (
        "The order in patch list:\n[map[image:x name:app]]\n doesn't match $setElementOrder list:\n[map[name:sidecar]]\n"
    )


def test_badly_formed_directives_are_400() -> None:
    with pytest.raises(PatchError) as raised:
        apply_strategic_merge_patch(make_pod(), {"spec": {"$retainKeys": "containers"}})
    assert (raised.value.code, raised.value.reason, raised.value.message) == (
        400, "BadRequest", "invalid patch format of retainKeys")


def test_a_wrong_json_type_is_refused_as_the_patched_object_is_converted() -> None:
    patch = {"spec": {"ephemeralContainers": [{"name": "dbg", "image": "busybox", "securityContext": {"runAsUser": "root"}}]}}
    with pytest.raises(PatchError) as raised:
        apply_strategic_merge_patch(make_pod(), patch)
    body = ('Invalid value: "map[spec:map[ephemeralContainers:[map[image:busybox name:dbg '
            'securityContext:map[runAsUser:root]]]]]": unrecognized type: int64')
    assert (raised.value.code, raised.value.reason) == (422, "Invalid")
    assert raised.value.message == ' "" is invalid: patch: ' + body
    assert raised.value.details == {"causes": [{"reason": "FieldValueInvalid", "message": body, "field": "patch"}]}


def test_a_workload_schema_keeps_the_pod_keys_under_its_template() -> None:
    deployment = {"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": 1}},
                           "template": {"spec": {"containers": [{"name": "app", "image": "a"}]}}}}
    patch = {"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"},
                      "template": {"spec": {"containers": [{"name": "app", "image": "b"}, {"name": "new", "image": "c"}],
                                            "$setElementOrder/containers": [{"name": "app"}, {"name": "new"}]}}}}
    result = apply_strategic_merge_patch(deployment, patch, schema=schema_for_resource("deployments"))
    assert result["spec"]["strategy"] == {"type": "Recreate"}
    assert result["spec"]["template"]["spec"]["containers"] == [{"name": "app", "image": "b"}, {"name": "new", "image": "c"}]


@given(st.lists(st.integers(min_value=0, max_value=9), max_size=120))
def test_the_go_stable_sort_port_is_a_stable_sort(keys: list[int]) -> None:
    """sort.SliceStable's blocks of 20 and SymMerge, ported step for step for upstream's non-strict
    `less`, sort like any stable sort when `less` is a strict order."""
    items = [(key, index) for index, key in enumerate(keys)]
    _go_stable_sort(items, lambda i, j: items[i][0] < items[j][0])
    assert items == sorted(((key, index) for index, key in enumerate(keys)), key=lambda item: item[0])
