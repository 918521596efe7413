"""Kubernetes' own pod printer cases, run through the pure columns and the demo server's Table.

Source: `pkg/printers/internalversion/printers_test.go` (Apache-2.0) as stored for the fork
helayoty/kubernetes at commit e7423261887cd706a877fa3928334827bdbc6829 (the kubernetes repository
itself was stored only at an old commit; this copy is of the v1.35 development line: it has
`TestPrintWorkload`). Every case of `TestPrintPod` (25), `TestPrintPodWithRestartableInitContainer`
(5), `TestPrintPodwide` (3), `TestPrintPodConditions` (3), `TestPrintPodList` (1) and
`TestPrintNonTerminatedPod` (5), and the `Pod` case of `TestTableRowDeepCopyShouldNotPanic` (an
empty pod prints one row): 43. Upstream's cases have no names; a case is named by its test, its
index and its pod's name (`TestPrintPod[6]-test6`); upstream's comment is kept above each case.

Each case checks both printers the project has: `tui.pods.status.pod_columns` (and `pod_ready`
/ `pod_status_reason` / `pod_restarts`, which must agree with it) and
`tui.demo.api.table.pods_table`, the server's Table (its cells and its row conditions:
`podSuccessConditions` / `podFailedConditions`, none otherwise). The server always sends the
wide cells (as the API server does); a case of a non-wide test checks the first five.

How the Go structs become v1 JSON: the internal `api.Pod` fields keep their v1 JSON names
(`LastTerminationState` is `lastState`, `PodIPs` `podIPs`); Go zero values are written as the
v1 serializer writes them (a status has `name: ""`, `ready`, `restartCount`, `image`, `imageID`
and `state: {}`; a zero `metav1.Time` is `null`, so the pods' `creationTimestamp` is null and
AGE is `<unknown>`). Upstream's `time.Now()` is a fixed NOW passed to the printers (`now=`), and
`time.Now().Add(-d)` is NOW - d.

Not ported: no other test of the file prints pods. Read for this: the file up to
`TestPrintHPA` and from `TestPrintPriorityLevelConfiguration` to the end (events, namespaces,
secrets, service accounts, nodes, ingresses, services before the pod tests; pod templates,
`TestTranslateTimestampSince/Until`, deployments, daemon sets, jobs after them); the part
between (HPA to priority levels, about 93 KB) was not read. The file has no
`TestPrintPodReadinessGates` (readiness gates are the last column of `TestPrintPodwide`) and no
ephemeral container case (the READY column's ignoring of ephemeral containers is covered in
tests/unit/test_podstatus.py); `TestTranslateTimestampSince` compares against the real clock
and is covered by test_podstatus.py's `human_duration` cases.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from tui.demo.api.table import pods_table
from tui.pods.status import pod_columns, pod_ready, pod_restarts, pod_status_reason

UPSTREAM_REPO = "helayoty/kubernetes"
UPSTREAM_COMMIT = "e7423261887cd706a877fa3928334827bdbc6829"

NOW = datetime(2025, 6, 1, 12, 0, 0, tzinfo=UTC)
SECOND = 1
MINUTE = 60
DAY = 24 * 3600

SUCCEEDED_CONDITIONS = [
    {"type": "Completed", "status": "True", "reason": "Succeeded", "message": "The pod has completed successfully."}
]
FAILED_CONDITIONS = [{"type": "Completed", "status": "True", "reason": "Failed", "message": "The pod failed."}]


def ago(seconds: float) -> str:
    """`metav1.NewTime(time.Now().Add(-seconds))` as the API serialises it."""
    return (NOW - timedelta(seconds=seconds)).strftime("%Y-%m-%dT%H:%M:%SZ")


# Container states as v1 JSON (zero metav1.Time fields are null).
def running(started_at: str | None = None) -> dict[str, Any]:
    return {"running": {"startedAt": started_at}}


def waiting(reason: str = "") -> dict[str, Any]:
    return {"waiting": {"reason": reason}} if reason else {"waiting": {}}


def terminated(reason: str = "", exit_code: int = 0, finished_at: str | None = None) -> dict[str, Any]:
    state: dict[str, Any] = {"exitCode": exit_code, "startedAt": None, "finishedAt": finished_at}
    if reason:
        state["reason"] = reason
    return {"terminated": state}


def status(
    ready: bool = False,
    restarts: int = 0,
    state: dict[str, Any] | None = None,
    last: dict[str, Any] | None = None,
    name: str = "",
    started: bool | None = None,
) -> dict[str, Any]:
    """One `api.ContainerStatus` literal: `last` is `LastTerminationState`."""
    result: dict[str, Any] = {
        "name": name,
        "state": state or {},
        "lastState": last or {},
        "ready": ready,
        "restartCount": restarts,
        "image": "",
        "imageID": "",
    }
    if started is not None:
        result["started"] = started
    return result


def unnamed(count: int) -> list[dict[str, Any]]:
    """Go's `make([]api.Container, count)`."""
    return [{"name": "", "resources": {}} for _ in range(count)]


def pod(
    name: str,
    containers: list[dict[str, Any]] | int,
    phase: str = "",
    *,
    init_containers: list[dict[str, Any]] | int = 0,
    container_statuses: list[dict[str, Any]] | None = None,
    init_statuses: list[dict[str, Any]] | None = None,
    conditions: list[dict[str, Any]] | None = None,
    reason: str = "",
    deleted: bool = False,
    spec: dict[str, Any] | None = None,
    extra_status: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """An `api.Pod` literal as v1 JSON (`deleted`: upstream's `deleteTime`, now - 10s)."""
    metadata: dict[str, Any] = {"name": name, "creationTimestamp": None}
    if deleted:
        metadata["deletionTimestamp"] = ago(10 * SECOND)
    pod_spec: dict[str, Any] = {"containers": unnamed(containers) if isinstance(containers, int) else containers}
    if init_containers:
        pod_spec["initContainers"] = unnamed(init_containers) if isinstance(init_containers, int) else init_containers
    pod_spec.update(spec or {})
    pod_status: dict[str, Any] = {}
    if phase:
        pod_status["phase"] = phase
    if conditions:
        pod_status["conditions"] = conditions
    if reason:
        pod_status["reason"] = reason
    if init_statuses:
        pod_status["initContainerStatuses"] = init_statuses
    if container_statuses:
        pod_status["containerStatuses"] = container_statuses
    pod_status.update(extra_status or {})
    return {"metadata": metadata, "spec": pod_spec, "status": pod_status}


def condition(kind: str, value: str, reason: str = "", probed: str | None = None) -> dict[str, Any]:
    result: dict[str, Any] = {"type": kind, "status": value, "lastProbeTime": probed, "lastTransitionTime": None}
    if reason:
        result["reason"] = reason
    return result


def restartable(name: str, image: str = "") -> dict[str, Any]:
    """An init container with `RestartPolicy: Always` (a sidecar)."""
    container: dict[str, Any] = {"name": name, "resources": {}, "restartPolicy": "Always"}
    if image:
        container["image"] = image
    return container


# ---------------------------------------------------------------------------------------------
# The cases: (case id, pods, expected rows, wide). An expected row is (cells, row conditions).

Row = tuple[list[str], list[dict[str, str]]]
Case = tuple[str, list[dict[str, Any]], list[Row], bool]

RUNNING_AND_NOTHING = [status(ready=True, restarts=3, state=running()), status(restarts=3)]
RUNNING_AND_READY = [status(ready=True, restarts=3, state=running()), status(ready=True, restarts=3)]
COMPLETED_AND_RUNNING = [
    status(ready=True, restarts=3, state=terminated("Completed")),
    status(ready=True, restarts=3, state=running()),
]

PRINT_POD: list[tuple[str, dict[str, Any], Row]] = [
    # Test name, num of containers, restarts, container ready status
    (
        "test1",
        pod("test1", 2, "podPhase", container_statuses=RUNNING_AND_NOTHING),
        (["test1", "1/2", "podPhase", "6", "<unknown>"], []),
    ),
    # Test container error overwrites pod phase
    (
        "test2",
        pod(
            "test2",
            2,
            "podPhase",
            container_statuses=[
                status(ready=True, restarts=3, state=running()),
                status(restarts=3, state=waiting("ContainerWaitingReason")),
            ],
        ),
        (["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>"], []),
    ),
    # Test the same as the above but with Terminated state and the first container overwrites the rest
    (
        "test3",
        pod(
            "test3",
            2,
            "podPhase",
            container_statuses=[
                status(restarts=3, state=waiting("ContainerWaitingReason")),
                status(restarts=3, state=terminated("ContainerTerminatedReason")),
            ],
        ),
        (["test3", "0/2", "ContainerWaitingReason", "6", "<unknown>"], []),
    ),
    # Test ready is not enough for reporting running
    (
        "test4",
        pod("test4", 2, "podPhase", container_statuses=RUNNING_AND_READY),
        (["test4", "1/2", "podPhase", "6", "<unknown>"], []),
    ),
    # Test ready is not enough for reporting running
    (
        "test5",
        pod("test5", 2, "podPhase", reason="podReason", container_statuses=RUNNING_AND_READY),
        (["test5", "1/2", "podReason", "6", "<unknown>"], []),
    ),
    # Test pod has 2 containers, one is running and the other is completed, w/o ready condition
    (
        "test6",
        pod("test6", 2, "Running", container_statuses=COMPLETED_AND_RUNNING),
        (["test6", "1/2", "NotReady", "6", "<unknown>"], []),
    ),
    # Test pod has 2 containers, one is running and the other is completed, with ready condition
    (
        "test6",
        pod(
            "test6",
            2,
            "Running",
            container_statuses=COMPLETED_AND_RUNNING,
            conditions=[condition("Ready", "True", probed=ago(0))],
        ),
        (["test6", "1/2", "Running", "6", "<unknown>"], []),
    ),
    # Test pod has 1 init container restarting and 1 container not running
    (
        "test7",
        pod(
            "test7",
            1,
            "podPhase",
            init_containers=1,
            init_statuses=[status(restarts=3, state=running(), last=terminated(finished_at=ago(10 * SECOND)))],
            container_statuses=[status(state=waiting())],
        ),
        (["test7", "0/1", "Init:0/1", "3 (10s ago)", "<unknown>"], []),
    ),
    # Test pod has 2 init containers, one restarting and the other not running, and 1 container not running
    (
        "test8",
        pod(
            "test8",
            1,
            "podPhase",
            init_containers=2,
            init_statuses=[
                status(restarts=3, state=running(), last=terminated(finished_at=ago(10 * SECOND))),
                status(state=waiting()),
            ],
            container_statuses=[status(state=waiting())],
        ),
        (["test8", "0/1", "Init:0/2", "3 (10s ago)", "<unknown>"], []),
    ),
    # Test pod has 2 init containers, one completed without restarts and the other restarting, and 1 container not running
    (
        "test9",
        pod(
            "test9",
            1,
            "podPhase",
            init_containers=2,
            init_statuses=[
                status(state=terminated()),
                status(restarts=3, state=running(), last=terminated(finished_at=ago(10 * SECOND))),
            ],
            container_statuses=[status(state=waiting())],
        ),
        (["test9", "0/1", "Init:1/2", "3 (10s ago)", "<unknown>"], []),
    ),
    # Test pod has 2 init containers, one completed with restarts and the other restarting, and 1 container not running
    (
        "test10",
        pod(
            "test10",
            1,
            "podPhase",
            init_containers=2,
            init_statuses=[
                status(restarts=2, state=terminated(), last=terminated(finished_at=ago(2 * MINUTE))),
                status(restarts=3, state=running(), last=terminated(finished_at=ago(10 * SECOND))),
            ],
            container_statuses=[status(state=waiting())],
        ),
        (["test10", "0/1", "Init:1/2", "5 (10s ago)", "<unknown>"], []),
    ),
    # Test pod has 1 init container completed with restarts and one container restarting
    (
        "test11",
        pod(
            "test11",
            1,
            "Running",
            init_containers=1,
            init_statuses=[status(restarts=2, state=terminated(), last=terminated(finished_at=ago(2 * MINUTE)))],
            container_statuses=[status(restarts=4, state=running(), last=terminated(finished_at=ago(20 * SECOND)))],
        ),
        (["test11", "0/1", "Running", "4 (20s ago)", "<unknown>"], []),
    ),
    # Test pod has 1 container that restarted 5d ago
    (
        "test12",
        pod(
            "test12",
            1,
            "Running",
            container_statuses=[
                status(ready=True, restarts=3, state=running(), last=terminated(finished_at=ago(5 * DAY)))
            ],
        ),
        (["test12", "1/1", "Running", "3 (5d ago)", "<unknown>"], []),
    ),
    # Test pod has 2 containers, one has never restarted and the other has restarted 10d ago
    (
        "test13",
        pod(
            "test13",
            2,
            "Running",
            container_statuses=[
                status(ready=True, state=running()),
                status(ready=True, restarts=3, state=running(), last=terminated(finished_at=ago(10 * DAY))),
            ],
        ),
        (["test13", "2/2", "Running", "3 (10d ago)", "<unknown>"], []),
    ),
    # Test pod has 2 containers, one restarted 5d ago and the other restarted 20d ago
    (
        "test14",
        pod(
            "test14",
            2,
            "Running",
            container_statuses=[
                status(ready=True, restarts=6, state=running(), last=terminated(finished_at=ago(5 * DAY))),
                status(ready=True, restarts=3, state=running(), last=terminated(finished_at=ago(20 * DAY))),
            ],
        ),
        (["test14", "2/2", "Running", "9 (5d ago)", "<unknown>"], []),
    ),
    # Test PodScheduled condition with reason SchedulingGated
    (
        "test15",
        pod("test15", 2, "podPhase", conditions=[condition("PodScheduled", "False", reason="SchedulingGated")]),
        (["test15", "0/2", "SchedulingGated", "0", "<unknown>"], []),
    ),
    # Test pod condition succeed
    (
        "test16",
        pod("test16", 1, "Succeeded", container_statuses=[status(state=terminated("Completed"))]),
        (["test16", "0/1", "Completed", "0", "<unknown>"], SUCCEEDED_CONDITIONS),
    ),
    # Test pod condition failed
    (
        "test17",
        pod("test17", 1, "Failed", container_statuses=[status(state=terminated("Error", 1))]),
        (["test17", "0/1", "Error", "0", "<unknown>"], FAILED_CONDITIONS),
    ),
    # Test pod condition succeed with deletion
    (
        "test18",
        pod("test18", 1, "Succeeded", deleted=True, container_statuses=[status(state=terminated("Completed"))]),
        (["test18", "0/1", "Completed", "0", "<unknown>"], SUCCEEDED_CONDITIONS),
    ),
    # Test pod condition running with deletion
    (
        "test19",
        pod("test19", 1, "Running", deleted=True, container_statuses=[status(state=running())]),
        (["test19", "0/1", "Terminating", "0", "<unknown>"], []),
    ),
    # Test pod condition pending with deletion
    ("test20", pod("test20", 1, "Pending", deleted=True), (["test20", "0/1", "Terminating", "0", "<unknown>"], [])),
    # Test the two containers. They are ready and State are Error/Running (kubernetes#107713)
    (
        "test21",
        pod(
            "test21",
            2,
            "Failed",
            container_statuses=[
                status(state=terminated("podCrash", 1, finished_at=ago(0))),
                status(ready=True, state=running(ago(0))),
            ],
        ),
        (["test21", "1/2", "podCrash", "0", "<unknown>"], FAILED_CONDITIONS),
    ),
    # Test the two containers. They are ready and State are Running/Error (kubernetes#107713)
    (
        "test22",
        pod(
            "test22",
            2,
            "Failed",
            container_statuses=[
                status(ready=True, state=running(ago(0))),
                status(state=terminated("podCrash", 1, finished_at=ago(0))),
            ],
        ),
        (["test22", "1/2", "podCrash", "0", "<unknown>"], FAILED_CONDITIONS),
    ),
    # Test the three containers. They are ready and State are Running/Error/Completed
    (
        "test23",
        pod(
            "test23",
            3,
            "Failed",
            container_statuses=[
                status(ready=True, state=running(ago(0))),
                status(ready=True, state=terminated("podCrash", 1, finished_at=ago(0))),
                status(ready=True, state=terminated(finished_at=ago(0))),
            ],
        ),
        (["test23", "1/3", "podCrash", "0", "<unknown>"], FAILED_CONDITIONS),
    ),
    # Test the three containers. They are notReady and State are Running/Error/Completed
    (
        "test24",
        pod(
            "test24",
            3,
            "Failed",
            container_statuses=[
                status(state=running(ago(0))),
                status(state=terminated("podCrash", 1, finished_at=ago(0))),
                status(state=terminated(finished_at=ago(0))),
            ],
        ),
        (["test24", "0/3", "podCrash", "0", "<unknown>"], FAILED_CONDITIONS),
    ),
]

SIDECARS = [restartable("restartable-init-1"), restartable("restartable-init-2")]

PRINT_POD_WITH_RESTARTABLE_INIT_CONTAINER: list[tuple[str, dict[str, Any], Row]] = [
    # Test pod has 2 restartable init containers, the first one running but not started.
    (
        "test1",
        pod(
            "test1",
            1,
            "Pending",
            init_containers=SIDECARS,
            init_statuses=[
                status(
                    name="restartable-init-1",
                    restarts=3,
                    state=running(),
                    started=False,
                    last=terminated(finished_at=ago(10 * SECOND)),
                ),
                status(name="restartable-init-2", state=waiting(), started=False),
            ],
            container_statuses=[status(state=waiting())],
            conditions=[condition("Initialized", "False")],
        ),
        (["test1", "0/3", "Init:0/2", "3 (10s ago)", "<unknown>"], []),
    ),
    # Test pod has 2 restartable init containers, the first one started and the second one running but not started.
    (
        "test1",
        pod(
            "test1",
            1,
            "Pending",
            init_containers=SIDECARS,
            init_statuses=[
                status(
                    name="restartable-init-1",
                    restarts=3,
                    state=running(),
                    started=True,
                    last=terminated(finished_at=ago(10 * SECOND)),
                ),
                status(name="restartable-init-2", state=running(), started=False),
            ],
            container_statuses=[status(state=waiting())],
            conditions=[condition("Initialized", "False")],
        ),
        (["test1", "0/3", "Init:1/2", "3 (10s ago)", "<unknown>"], []),
    ),
    # Test pod has 2 restartable init containers started and 1 container running
    (
        "test2",
        pod(
            "test2",
            1,
            "Running",
            init_containers=SIDECARS,
            init_statuses=[
                status(
                    name="restartable-init-1",
                    restarts=3,
                    state=running(),
                    started=True,
                    last=terminated(finished_at=ago(10 * SECOND)),
                ),
                status(name="restartable-init-2", state=running(), started=True),
            ],
            container_statuses=[
                status(ready=True, restarts=4, state=running(), last=terminated(finished_at=ago(20 * SECOND)))
            ],
            conditions=[condition("Initialized", "True")],
        ),
        (["test2", "1/3", "Running", "7 (10s ago)", "<unknown>"], []),
    ),
    # Test pod has 2 restartable init containers completed with non-zero and 1 container completed
    (
        "test3",
        pod(
            "test3",
            1,
            "Succeeded",
            init_containers=SIDECARS,
            init_statuses=[
                status(
                    name="restartable-init-1",
                    restarts=3,
                    state=terminated("Error", 137),
                    started=False,
                    last=terminated(finished_at=ago(10 * SECOND)),
                ),
                status(name="restartable-init-2", state=terminated("Error", 137), started=False),
            ],
            container_statuses=[
                status(restarts=4, state=terminated("Completed"), last=terminated(finished_at=ago(20 * SECOND)))
            ],
            conditions=[condition("Initialized", "True")],
        ),
        (["test3", "0/3", "Completed", "7 (10s ago)", "<unknown>"], SUCCEEDED_CONDITIONS),
    ),
    # Test pod has container statuses for non-existent initContainers and containers
    (
        "test4",
        pod(
            "test4",
            [{"name": "container1", "image": "containerimage", "resources": {}}],
            "Running",
            init_containers=[
                {"name": "init1", "image": "initimage", "resources": {}},
                restartable("sidecar1", "sidecarimage"),
            ],
            init_statuses=[status(name="initinvalid"), status(name="init1"), status(name="sidecar1")],
            container_statuses=[status(name="containerinvalid"), status(name="container1")],
        ),
        (["test4", "0/2", "Init:0/2", "0", "<unknown>"], []),
    ),
]

GATES = {
    "readinessGates": [
        {"conditionType": "condition1"},
        {"conditionType": "condition2"},
        {"conditionType": "condition3"},
    ]
}
GATE_CONDITIONS = [condition("condition1", "False"), condition("condition2", "True")]

PRINT_POD_WIDE: list[tuple[str, dict[str, Any], Row]] = [
    # Test when the NodeName and PodIP are not none
    (
        "test1",
        pod(
            "test1",
            2,
            "podPhase",
            spec={"nodeName": "test1", **GATES},
            conditions=GATE_CONDITIONS,
            container_statuses=RUNNING_AND_NOTHING,
            extra_status={"podIPs": [{"ip": "1.1.1.1"}], "nominatedNodeName": "node1"},
        ),
        (["test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"], []),
    ),
    # Test when the NodeName and PodIP are not none (two pod IPs: the first is shown)
    (
        "test1",
        pod(
            "test1",
            2,
            "podPhase",
            spec={"nodeName": "test1", **GATES},
            conditions=GATE_CONDITIONS,
            container_statuses=RUNNING_AND_NOTHING,
            extra_status={"podIPs": [{"ip": "1.1.1.1"}, {"ip": "2001:db8::"}], "nominatedNodeName": "node1"},
        ),
        (["test1", "1/2", "podPhase", "6", "<unknown>", "1.1.1.1", "test1", "node1", "1/3"], []),
    ),
    # Test when the NodeName and PodIP are none
    (
        "test2",
        pod(
            "test2",
            2,
            "podPhase",
            spec={"nodeName": ""},
            container_statuses=[
                status(ready=True, restarts=3, state=running()),
                status(restarts=3, state=waiting("ContainerWaitingReason")),
            ],
        ),
        (["test2", "1/2", "ContainerWaitingReason", "6", "<unknown>", "<none>", "<none>", "<none>", "<none>"], []),
    ),
]


def _labelled(name: str, phase: str, labels: dict[str, str]) -> dict[str, Any]:
    the_pod = pod(name, 2, phase, container_statuses=RUNNING_AND_NOTHING)
    the_pod["metadata"]["labels"] = labels
    return the_pod


PRINT_POD_CONDITIONS: list[tuple[str, dict[str, Any], Row]] = [
    # Should not have TableRowCondition
    ("test1", _labelled("test1", "Running", {"a": "1", "b": "2"}), (["test1", "1/2", "Running", "6", "<unknown>"], [])),
    # Should have TableRowCondition: podSuccessConditions
    (
        "test1",
        _labelled("test1", "Succeeded", {"a": "1", "b": "2"}),
        (["test1", "1/2", "Succeeded", "6", "<unknown>"], SUCCEEDED_CONDITIONS),
    ),
    # Should have TableRowCondition: podFailedCondition
    (
        "test2",
        _labelled("test2", "Failed", {"b": "2"}),
        (["test2", "1/2", "Failed", "6", "<unknown>"], FAILED_CONDITIONS),
    ),
]

PRINT_NON_TERMINATED_POD: list[tuple[str, dict[str, Any], Row]] = [
    # Test pod phase Running should be printed
    (
        "test1",
        pod("test1", 2, "Running", container_statuses=RUNNING_AND_NOTHING),
        (["test1", "1/2", "Running", "6", "<unknown>"], []),
    ),
    # Test pod phase Pending should be printed
    (
        "test2",
        pod("test2", 2, "Pending", container_statuses=RUNNING_AND_NOTHING),
        (["test2", "1/2", "Pending", "6", "<unknown>"], []),
    ),
    # Test pod phase Unknown should be printed
    (
        "test3",
        pod("test3", 2, "Unknown", container_statuses=RUNNING_AND_NOTHING),
        (["test3", "1/2", "Unknown", "6", "<unknown>"], []),
    ),
    # Test pod phase Succeeded should be printed
    (
        "test4",
        pod("test4", 2, "Succeeded", container_statuses=RUNNING_AND_NOTHING),
        (["test4", "1/2", "Succeeded", "6", "<unknown>"], SUCCEEDED_CONDITIONS),
    ),
    # Test pod phase Failed shouldn't be printed
    (
        "test5",
        pod("test5", 2, "Failed", container_statuses=RUNNING_AND_READY),
        (["test5", "1/2", "Failed", "6", "<unknown>"], FAILED_CONDITIONS),
    ),
]

PRINT_POD_LIST: list[tuple[list[dict[str, Any]], list[Row]]] = [
    # Test podList's pod: name, num of containers, restarts, container ready status
    (
        [
            pod(
                "test1",
                2,
                "podPhase",
                container_statuses=[
                    status(ready=True, restarts=3, state=running()),
                    status(ready=True, restarts=3, state=running()),
                ],
            ),
            pod("test2", 1, "podPhase", container_statuses=[status(ready=True, restarts=1, state=running())]),
        ],
        [(["test1", "2/2", "podPhase", "6", "<unknown>"], []), (["test2", "1/1", "podPhase", "1", "<unknown>"], [])],
    ),
]


def _single(test: str, cases: list[tuple[str, dict[str, Any], Row]], wide: bool = False) -> list[Case]:
    return [(f"{test}[{index}]-{name}", [the_pod], [row], wide) for index, (name, the_pod, row) in enumerate(cases)]


CASES: list[Case] = [
    *_single("TestPrintPod", PRINT_POD),
    *_single("TestPrintPodWithRestartableInitContainer", PRINT_POD_WITH_RESTARTABLE_INIT_CONTAINER),
    *_single("TestPrintPodwide", PRINT_POD_WIDE, wide=True),
    *_single("TestPrintPodConditions", PRINT_POD_CONDITIONS),
    *[(f"TestPrintPodList[{index}]", pods, rows, False) for index, (pods, rows) in enumerate(PRINT_POD_LIST)],
    *_single("TestPrintNonTerminatedPod", PRINT_NON_TERMINATED_POD),
]


def test_every_upstream_case_is_here() -> None:
    """42 row cases and the empty pod: 43, as the module's docstring and the README count them."""
    assert len(CASES) == 42
    assert len({case_id for case_id, *_ in CASES}) == len(CASES)


@pytest.mark.parametrize(("pods", "rows", "wide"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_pure_printer(pods: list[dict[str, Any]], rows: list[Row], wide: bool) -> None:
    """`pod_columns` (and the single-column functions) print upstream's cells."""
    assert len(pods) == len(rows)
    for the_pod, (cells, _conditions) in zip(pods, rows, strict=True):
        columns = pod_columns(the_pod, now=NOW)
        assert (columns.wide_cells if wide else columns.cells) == cells
        assert [pod_ready(the_pod), pod_status_reason(the_pod), pod_restarts(the_pod, now=NOW)] == cells[1:4]


@pytest.mark.parametrize(("pods", "rows", "wide"), [case[1:] for case in CASES], ids=[case[0] for case in CASES])
def test_server_table(pods: list[dict[str, Any]], rows: list[Row], wide: bool) -> None:
    """The demo server's Table rows have upstream's cells and row conditions."""
    table = pods_table(pods, now=NOW, include_object="None")
    assert len(table["rows"]) == len(rows)
    for row, (cells, conditions) in zip(table["rows"], rows, strict=True):
        assert len(row["cells"]) == 9  # the server always sends the wide columns
        assert (row["cells"] if wide else row["cells"][:5]) == cells
        assert row.get("conditions", []) == conditions


def test_table_row_deep_copy_should_not_panic_pod() -> None:
    """`TestTableRowDeepCopyShouldNotPanic/Pod`: an empty pod (`&api.Pod{}`) prints one row, no error."""
    assert len(pod_columns({}, now=NOW).wide_cells) == 9
    assert len(pods_table([{}], now=NOW, include_object="None")["rows"]) == 1
