"""Pods kept as their JSON text plus their row's facts (tui/pods/stored.py): a list answer split
into its items' text without a second encoding, and pods decoded when asked for."""

from __future__ import annotations

import json

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tui.pods.stored import PodView, list_items, stored_pod

scalars = st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False), st.text(max_size=8))
values = st.recursive(scalars, lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=3),
                      max_leaves=10)
items = st.lists(st.dictionaries(st.text(max_size=6), values, max_size=4), max_size=5)


@given(head=st.dictionaries(st.text(max_size=6).filter(lambda k: k != "items"), values, max_size=4), pods=items,
       indent=st.sampled_from([None, 0, 1, 3]), first=st.booleans())
def test_a_list_answer_splits_into_the_same_items_with_their_own_text(head: dict, pods: list, indent: int | None,
                                                                     first: bool) -> None:
    document = {"items": pods, **head} if first else {**head, "items": pods}
    text = json.dumps(document, indent=indent, ensure_ascii=False)
    rest, pairs = list_items(text)
    assert rest == head
    assert [item for item, _ in pairs] == pods
    assert [json.loads(raw) for _, raw in pairs] == pods


def test_a_watch_event_gives_its_object_and_the_objects_text() -> None:
    line = '{"type":"MODIFIED","object":{"metadata":{"name":"a","namespace":"n"}, "status": {}}}'
    event, objects = list_items(line, "object")
    assert event == {"type": "MODIFIED"}
    assert objects == [({"metadata": {"name": "a", "namespace": "n"}, "status": {}},
                        '{"metadata":{"name":"a","namespace":"n"}, "status": {}}')]


@pytest.mark.parametrize("text", ["", "[]", '{"items": [1,', '{"items": []} x', '{"a" 1}', '{"items": [{}] "b": 1}'])
def test_text_that_is_no_json_object_is_refused_like_json_loads(text: str) -> None:
    with pytest.raises(ValueError):
        list_items(text)


def test_the_view_decodes_a_pod_when_asked_and_again_only_after_it_changed() -> None:
    pod = {"metadata": {"name": "a", "namespace": "n", "resourceVersion": "1"}}
    stored = {("n", "a"): stored_pod(dict(pod))}
    view = PodView(stored)
    first = view[("n", "a")]
    assert first == pod and view[("n", "a")] is first  # the inspected pod is not decoded on every look
    stored[("n", "a")] = stored_pod({"metadata": {**pod["metadata"], "resourceVersion": "2"}})
    assert view[("n", "a")]["metadata"]["resourceVersion"] == "2"
    assert ("n", "a") in view and len(view) == 1 and list(view) == [("n", "a")]
    del stored[("n", "a")]
    assert view.get(("n", "a")) is None and not view


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-2, 2) | st.sampled_from(["a", "b", "", "\x1b[2J", "é"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from("xyz"), inner, max_size=3),
    max_leaves=12,
)
any_pods = st.fixed_dictionaries({"metadata": st.fixed_dictionaries({"name": st.just("p")}),
                                  "spec": json_values, "status": json_values})


def canonical(value: object) -> str:
    """JSON text that tells true from 1 (== does not)."""
    return json.dumps(value, sort_keys=True)


@given(any_pods, st.booleans())
def test_a_stored_pod_decodes_to_exactly_the_pod_received(pod: dict, with_text: bool) -> None:
    text = json.dumps(pod)
    kept = stored_pod(json.loads(text), text if with_text else None)
    assert canonical(kept.decode()) == canonical(pod)


def test_an_annotation_change_keeps_the_rows_facts_and_bulky_fields_are_dropped() -> None:
    """The table skips a pod whose facts did not change (an annotation touched in a storm)."""
    base = {"metadata": {"name": "web", "namespace": "shop", "annotations": {"touch": "1"}},
            "spec": {"containers": [{"name": "app"}]},
            "status": {"phase": "Running", "containerStatuses": [{"name": "app", "ready": True, "state": {"running": {}}}]}}
    first = stored_pod(json.loads(json.dumps(base)))
    touched = json.loads(json.dumps(base))
    touched["metadata"]["annotations"]["touch"] = "2"
    touched["metadata"]["managedFields"] = [{"manager": "kubectl"}]
    touched["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"] = "{}"
    text = json.dumps(touched)
    second = stored_pod(json.loads(text), text)
    assert second.facts == first.facts and second.raw != first.raw
    assert second.decode()["metadata"] == {"name": "web", "namespace": "shop", "annotations": {"touch": "2"}}


def test_pods_are_kept_in_a_fraction_of_their_text(shared_cluster) -> None:  # type: ignore[no-untyped-def]
    """Memory per pod (issue 15): a pod is kept compressed against a typical pod; the demo's pods
    (as the API server writes them) keep under a third of their JSON text, and decode exactly."""
    pods = [json.loads(json.dumps(pod)) for pod in shared_cluster.store.values("pods")]
    assert len(pods) >= 10
    texts = [json.dumps(pod, separators=(",", ":")) for pod in pods]
    kept = [stored_pod(json.loads(text), text) for text in texts]
    assert sum(len(pod.packed) for pod in kept) < sum(len(text) for text in texts) / 3
    assert [pod.decode() for pod in kept] == pods
