"""What deleting a pod does, in words (tui/pods/deletion.py), and the request that does it
(tui/kube/pod_delete.py: kubectl's DELETE plus a uid precondition)."""

from __future__ import annotations

from typing import Any

import pytest

from tui.debug import planner
from tui.kube.pod_delete import delete_request
from tui.pods.deletion import COPY_LABEL, COPY_SOURCE_ANNOTATION, deletion_preview


def pod(*owners: dict[str, Any], node: str | None = "node-1", grace: int | None = None, phase: str = "Running",
        labels: dict[str, str] | None = None, annotations: dict[str, str] | None = None,
        deleting: bool = False, ephemeral: int = 0) -> dict[str, Any]:
    metadata: dict[str, Any] = {"name": "web-5d9c7b8f4-m4k8p", "namespace": "shop", "uid": "u-1"}
    if owners:
        metadata["ownerReferences"] = list(owners)
    if labels:
        metadata["labels"] = labels
    if annotations:
        metadata["annotations"] = annotations
    if deleting:
        metadata["deletionTimestamp"] = "2025-06-01T12:00:30Z"
    spec: dict[str, Any] = {"containers": [{"name": "app"}]}
    if node:
        spec["nodeName"] = node
    if grace is not None:
        spec["terminationGracePeriodSeconds"] = grace
    if ephemeral:
        spec["ephemeralContainers"] = [{"name": f"debugger-{i}"} for i in range(ephemeral)]
    return {"metadata": metadata, "spec": spec, "status": {"phase": phase}}


def owner(kind: str, name: str, *, controller: bool = True) -> dict[str, Any]:
    return {"apiVersion": "apps/v1", "kind": kind, "name": name, "uid": "o-1", "controller": controller}


@pytest.mark.parametrize(("owners", "phase", "expected", "replaced"), [
    ([owner("ReplicaSet", "web-5d9c7b8f4")], "Running",
     "its ReplicaSet web-5d9c7b8f4 (Deployment web) will create a replacement (a new pod with another name)", True),
    ([owner("StatefulSet", "db")], "Running", "its StatefulSet db will create a replacement with the same name", True),
    ([owner("DaemonSet", "node-exporter")], "Running",
     "its DaemonSet node-exporter will create a replacement on node node-1", True),
    ([owner("Job", "backup-29012345")], "Running",
     "its Job backup-29012345 (CronJob backup) will create a replacement while the job is not complete", True),
    ([owner("Job", "migrate")], "Succeeded",
     "nothing will replace it: it has finished, and its Job migrate does not run it again", False),
    ([], "Running", "nothing will replace it: it is a bare pod (no controller), gone for good", False),
    ([owner("ConfigMap", "holder", controller=False)], "Running",
     "nothing will replace it, probably: its owner ConfigMap holder is not its controller", False),
    ([owner("Rollout", "canary")], "Running", "its controller Rollout canary will probably create a replacement", True),
    ([{"apiVersion": "v1", "kind": "Node", "name": "node-1", "controller": True}], "Running",
     "the kubelet on node node-1 recreates it: it is the mirror of a static pod, which runs from a file on the node "
     "(deleting the mirror does not stop it)", True),
])
def test_what_replaces_the_pod(owners: list[dict[str, Any]], phase: str, expected: str, replaced: bool) -> None:
    preview = deletion_preview(pod(*owners, phase=phase))
    assert (preview.replacement, preview.replaced) == (expected, replaced)
    assert preview.title == "shop/web-5d9c7b8f4-m4k8p"


def test_a_debug_copy_is_not_replaced_and_its_source_is_named() -> None:
    copy = pod(labels={COPY_LABEL[0]: COPY_LABEL[1]}, annotations={COPY_SOURCE_ANNOTATION: "shop/web-1"})
    preview = deletion_preview(copy)
    assert preview.replacement == ("nothing will replace it: it is a debug copy Ephemera made of shop/web-1 "
                                   "(the source pod is not touched)")
    assert not preview.replaced
    assert preview.debug_copy and not deletion_preview(pod()).debug_copy
    # tui.pods may not import tui.debug: the marks are spelled twice, kept equal here
    assert COPY_LABEL == (planner.MANAGED_BY_LABEL, planner.MANAGED_BY_VALUE)
    assert planner.SOURCE_POD_ANNOTATION == COPY_SOURCE_ANNOTATION


def test_grace_period_terminating_and_debuggers() -> None:
    assert deletion_preview(pod()).grace_seconds == 30
    assert deletion_preview(pod()).grace == ("grace period 30 s: its containers get that long to stop; the table "
                                             "shows it as Terminating meanwhile")
    assert deletion_preview(pod(grace=5)).grace.startswith("grace period 5 s: ")
    assert deletion_preview(pod(grace=0)).grace == "its grace period is 0 s: its containers are killed at once"
    unscheduled = deletion_preview(pod(node=None))
    assert (unscheduled.grace, unscheduled.grace_seconds) == ("it is not scheduled to a node: it goes at once", None)
    assert deletion_preview(pod(deleting=True)).terminating
    assert not deletion_preview(pod()).terminating
    assert deletion_preview(pod(ephemeral=2)).notes == ["its 2 debug containers and their shells go with it"]


def test_the_delete_request_is_kubectls_with_a_uid_precondition() -> None:
    request = delete_request("shop", "web-1", "u-1")
    assert (request.method, request.path) == ("DELETE", "/api/v1/namespaces/shop/pods/web-1")
    assert request.body == {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background",
                            "preconditions": {"uid": "u-1"}}
    assert request.dry_run().query == {"dryRun": "All"}
    assert "preconditions" not in (delete_request("shop", "web-1").body or {})
