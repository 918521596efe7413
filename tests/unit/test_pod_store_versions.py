"""slim_pod with the pod's previous version: unchanged parts are reused, changes are exact."""

from __future__ import annotations

import json

from hypothesis import given
from hypothesis import strategies as st

from tui.pods.store import slim_pod


def decoded(pod: dict) -> dict:
    """A fresh decode, as the watcher gets every event."""
    return json.loads(json.dumps(pod))


def canonical(value: object) -> str:
    """JSON text that tells true from 1 (== does not); key order is not meaningful."""
    return json.dumps(value, sort_keys=True)


BASE = {
    "metadata": {"name": "web", "namespace": "shop", "resourceVersion": "7", "labels": {"app": "web"},
                 "annotations": {"touch": "1"}},
    "spec": {"containers": [{"name": "app", "image": "nginx", "args": ["-g", "daemon off;"]}]},
    "status": {"phase": "Running", "containerStatuses": [{"name": "app", "ready": True, "restartCount": 0}]},
}


def test_an_annotation_change_reuses_spec_status_and_labels() -> None:
    first = slim_pod(decoded(BASE))
    changed = decoded(BASE)
    changed["metadata"]["annotations"]["touch"] = "2"
    changed["metadata"]["resourceVersion"] = "8"
    second = slim_pod(changed, first)
    assert second == changed
    assert second["spec"] is first["spec"] and second["status"] is first["status"]
    assert second["metadata"]["labels"] is first["metadata"]["labels"]
    assert second["metadata"] is not first["metadata"]
    assert first["metadata"]["annotations"] == {"touch": "1"}  # the old version is left as it was


def test_a_status_change_gives_a_new_status_and_keeps_the_spec() -> None:
    first = slim_pod(decoded(BASE))
    changed = decoded(BASE)
    changed["status"]["containerStatuses"][0]["restartCount"] = 1
    second = slim_pod(changed, first)
    assert second == changed
    assert second["status"] is not first["status"] and second["spec"] is first["spec"]
    assert first["status"]["containerStatuses"][0]["restartCount"] == 0


def test_an_unchanged_pod_is_the_previous_object() -> None:
    first = slim_pod(decoded(BASE))
    assert slim_pod(decoded(BASE), first) is first


def test_previous_version_without_managed_fields_still_drops_them() -> None:
    first = slim_pod(decoded(BASE))
    with_fields = decoded(BASE)
    with_fields["metadata"]["managedFields"] = [{"manager": "kubectl"}]
    assert "managedFields" not in slim_pod(with_fields, first)["metadata"]


# A field of a pod has one JSON type in every version (the API schema), so true never meets 1
# at the same place (Python's == would call them equal): booleans here, integers in BASE.
json_values = st.recursive(
    st.none() | st.booleans() | st.sampled_from(["a", "b", ""]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("xyz"), inner, max_size=3),
    max_leaves=12,
)
pods = st.fixed_dictionaries({"metadata": st.fixed_dictionaries({"name": st.just("p")}),
                              "spec": json_values, "status": json_values})


@given(pods, pods)
def test_the_new_version_always_equals_the_decoded_event(old: dict, new: dict) -> None:
    previous = slim_pod(decoded(old))
    assert canonical(slim_pod(decoded(new), previous)) == canonical(new)
    assert canonical(previous) == canonical(old)
