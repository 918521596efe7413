"""The walkthrough's lesson where it applies (issue 12 item 9): why not just turn on
shareProcessNamespace where the pod comes from."""

from __future__ import annotations

import pytest

from tui.pods.facts import share_pid_lesson, workload_of


def _pod(kind: str | None, name: str = "", *, hash_label: str | None = None, shared: bool = False) -> dict:
    metadata: dict = {"name": "p", "namespace": "default"}
    if kind is not None:
        metadata["ownerReferences"] = [{"kind": kind, "name": name, "controller": True}]
    if hash_label is not None:
        metadata["labels"] = {"pod-template-hash": hash_label}
    return {"metadata": metadata, "spec": {"shareProcessNamespace": shared, "containers": [{"name": "app"}]}}


@pytest.mark.parametrize(("pod", "workload"), [
    (_pod("ReplicaSet", "slim-79487d6484", hash_label="79487d6484"), ("Deployment", "slim")),
    (_pod("ReplicaSet", "slim-79487d6484", hash_label="other"), ("ReplicaSet", "slim-79487d6484")),
    (_pod("StatefulSet", "redis"), ("StatefulSet", "redis")),
    (_pod("Node", "demo-node-1"), None),  # a static pod
    (_pod(None), None),
])
def test_the_workload_behind_a_pod(pod: dict, workload: tuple[str, str] | None) -> None:
    assert workload_of(pod) == workload


def test_a_deployment_pod_is_told_that_the_template_change_rolls_every_pod() -> None:
    lesson = share_pid_lesson(_pod("ReplicaSet", "slim-79487d6484", hash_label="79487d6484"))
    assert lesson.startswith("turning shareProcessNamespace on in Deployment slim rolls all its pods")
    assert "Copy and share (d)" in lesson


def test_a_bare_replicaset_pod_is_told_only_new_pods_get_it() -> None:
    assert "reaches only new pods" in share_pid_lesson(_pod("ReplicaSet", "legacy", hash_label=None))


@pytest.mark.parametrize("pod", [
    _pod("ReplicaSet", "slim-79487d6484", shared=True),  # it already shares
    _pod(None),  # a bare pod: nothing rolls
    _pod("Job", "backup-28761234"),  # a Job's template cannot be changed
    _pod("Node", "demo-node-1"),
])
def test_no_lesson_where_it_does_not_apply(pod: dict) -> None:
    assert share_pid_lesson(pod) == ""
