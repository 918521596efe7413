"""Kubernetes' own ephemeral container validation cases, run against the demo's validation.

Source: kubernetes/kubernetes `pkg/apis/core/validation/validation_test.go` (Apache-2.0) at commit
000f26050b9be6fb3d79fae95e06b47fc96128cd: `TestValidateEphemeralContainers` (every success case,
under each pod restartPolicy the test uses, and every failure case with its expected field paths
and error types, in order) and `TestValidatePodEphemeralContainersUpdate` (every case: the
expected error is a substring of the aggregated error, as upstream checks it). Case names are
upstream's.

How the Go structs become v1 JSON: `TestValidateEphemeralContainers` calls
`validateEphemeralContainers` with containers `ctr`, init containers `ictr` and volumes `blk`
(a PVC) and `vol` (emptyDir); here they form a valid pod and the demo validates the update
that adds the case's ephemeral containers (`validate_ephemeral_update_errors`), so a case also
shows the rest of the pod raises nothing. The field paths gain the `spec.` prefix the API server
gives them. Go zero values that the server would default before validating (an empty
`terminationMessagePolicy` / `imagePullPolicy`) are written as explicit `""` so the validation
sees what the Go test passes; a pointer set to an empty value (`RestartPolicy: &""`) is the key
with `""`. `podtest.MakePod` / `MakeContainer` give the pods of the update test (a container
`ctr`, restartPolicy, dnsPolicy ClusterFirst, ...; the internal `SecurityContext.HostNetwork` is
v1's `spec.hostNetwork`).

Not ported: nothing of these two tests. Error messages (details / causes) are checked in
`test_status_of_*` against what a v1.32 API server returns.
"""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tui.demo.api.validation import (
    FieldError,
    invalid_status,
    validate_ephemeral_update,
    validate_ephemeral_update_errors,
)

UPSTREAM_COMMIT = "000f26050b9be6fb3d79fae95e06b47fc96128cd"

# field.ErrorType of the Go test -> the demo's FieldError.type
DUPLICATE, REQUIRED, INVALID, NOT_SUPPORTED, NOT_FOUND, FORBIDDEN = (
    "Duplicate", "Required", "Invalid", "NotSupported", "NotFound", "Forbidden",
)


def ec(name: str = "debug", image: str = "image", pull: str = "IfNotPresent", policy: str = "File", **extra: Any) -> dict[str, Any]:
    """core.EphemeralContainer{EphemeralContainerCommon: {Name, Image, ImagePullPolicy, TerminationMessagePolicy, ...}}"""
    container: dict[str, Any] = {"name": name, "image": image, "imagePullPolicy": pull, "terminationMessagePolicy": policy}
    container.update(extra)
    return container


def ephemeral_pod(ephemeral: list[dict[str, Any]] | None, restart_policy: str) -> dict[str, Any]:
    """The pod around TestValidateEphemeralContainers' containers, initContainers and vols."""
    spec: dict[str, Any] = {
        "containers": [{"name": "ctr", "image": "image", "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File"}],
        "initContainers": [{"name": "ictr", "image": "iimage", "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File"}],
        "volumes": [{"name": "blk", "persistentVolumeClaim": {"claimName": "pvc"}}, {"name": "vol", "emptyDir": {}}],
        "restartPolicy": restart_policy,
    }
    if ephemeral is not None:
        spec["ephemeralContainers"] = ephemeral
    return {"metadata": {"name": "pod", "namespace": "ns"}, "spec": spec}


def errors_of(ephemeral: list[dict[str, Any]], restart_policy: str) -> list[FieldError]:
    return validate_ephemeral_update_errors(ephemeral_pod(None, restart_policy), ephemeral_pod(ephemeral, restart_policy))


# ------------------------------------------------------------------ TestValidateEphemeralContainers

SUCCESS: dict[str, list[dict[str, Any]]] = {
    "Empty Ephemeral Containers": [],
    "Single Container": [ec("debug")],
    "Multiple Containers": [ec("debug1"), ec("debug2")],
    "Single Container with Target": [ec("debug", targetContainerName="ctr")],
    "All allowed fields": [
        {
            "name": "debug",
            "image": "image",
            "command": ["bash"],
            "args": ["bash"],
            "workingDir": "/",
            "envFrom": [{"configMapRef": {"name": "dummy", "optional": True}}],
            "env": [{"name": "TEST", "value": "TRUE"}],
            "volumeMounts": [{"name": "vol", "mountPath": "/vol"}],
            "volumeDevices": [{"name": "blk", "devicePath": "/dev/block"}],
            "terminationMessagePath": "/dev/termination-log",
            "terminationMessagePolicy": "File",
            "imagePullPolicy": "IfNotPresent",
            "securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}},
            "stdin": True,
            "stdinOnce": True,
            "tty": True,
        }
    ],
}

PROBE_TCP_80 = {"tcpSocket": {"port": 80}}

FAILURES: list[tuple[str, list[dict[str, Any]], list[tuple[str, str]]]] = [
    ("Name Collision with Container.Containers", [ec("ctr"), ec("debug1")],
     [(DUPLICATE, "ephemeralContainers[0].name")]),
    ("Name Collision with Container.InitContainers", [ec("ictr"), ec("debug1")],
     [(DUPLICATE, "ephemeralContainers[0].name")]),
    ("Name Collision with EphemeralContainers", [ec("debug1"), ec("debug1")],
     [(DUPLICATE, "ephemeralContainers[1].name")]),
    ("empty Container", [ec("", "", "", "")],
     [(REQUIRED, "ephemeralContainers[0].name"), (REQUIRED, "ephemeralContainers[0].image"),
      (REQUIRED, "ephemeralContainers[0].terminationMessagePolicy"), (REQUIRED, "ephemeralContainers[0].imagePullPolicy")]),
    ("empty Container Name", [ec("")], [(REQUIRED, "ephemeralContainers[0].name")]),
    ("whitespace padded image name", [ec("debug", " image")], [(INVALID, "ephemeralContainers[0].image")]),
    ("invalid image pull policy", [ec("debug", pull="PullThreeTimes")],
     [(NOT_SUPPORTED, "ephemeralContainers[0].imagePullPolicy")]),
    ("TargetContainerName doesn't exist", [ec("debug", targetContainerName="bogus")],
     [(NOT_FOUND, "ephemeralContainers[0].targetContainerName")]),
    ("Targets an ephemeral container", [ec("debug"), ec("debugception", targetContainerName="debug")],
     [(NOT_FOUND, "ephemeralContainers[1].targetContainerName")]),
    ("Container uses disallowed field: Lifecycle", [ec(lifecycle={"preStop": {"exec": {"command": ["ls", "-l"]}}})],
     [(FORBIDDEN, "ephemeralContainers[0].lifecycle")]),
    ("Container uses disallowed field: LivenessProbe", [ec(livenessProbe={**PROBE_TCP_80, "successThreshold": 1})],
     [(FORBIDDEN, "ephemeralContainers[0].livenessProbe")]),
    ("Container uses disallowed field: Ports", [ec(ports=[{"protocol": "TCP", "containerPort": 80}])],
     [(FORBIDDEN, "ephemeralContainers[0].ports")]),
    ("Container uses disallowed field: ReadinessProbe", [ec(readinessProbe=PROBE_TCP_80)],
     [(FORBIDDEN, "ephemeralContainers[0].readinessProbe")]),
    ("Container uses disallowed field: StartupProbe", [ec(startupProbe={**PROBE_TCP_80, "successThreshold": 1})],
     [(FORBIDDEN, "ephemeralContainers[0].startupProbe")]),
    ("Container uses disallowed field: Resources", [ec(resources={"limits": {"cpu": "10"}})],
     [(FORBIDDEN, "ephemeralContainers[0].resources")]),
    ("Container uses disallowed field: VolumeMount.SubPath",
     [ec(volumeMounts=[{"name": "vol", "mountPath": "/vol"}, {"name": "vol", "mountPath": "/volsub", "subPath": "foo"}])],
     [(FORBIDDEN, "ephemeralContainers[0].volumeMounts[1].subPath")]),
    ("Container uses disallowed field: VolumeMount.SubPathExpr",
     [ec(volumeMounts=[{"name": "vol", "mountPath": "/vol"},
                       {"name": "vol", "mountPath": "/volsub", "subPathExpr": "$(POD_NAME)"}])],
     [(FORBIDDEN, "ephemeralContainers[0].volumeMounts[1].subPathExpr")]),
    ("Disallowed field with other errors should only return a single Forbidden",
     [ec(lifecycle={"preStop": {"exec": {"command": []}}})],
     [(FORBIDDEN, "ephemeralContainers[0].lifecycle")]),
    ("Container uses disallowed field: ResizePolicy",
     [ec("resources-resize-policy", resizePolicy=[{"resourceName": "cpu", "restartPolicy": "NotRequired"}])],
     [(FORBIDDEN, "ephemeralContainers[0].resizePolicy")]),
    ("Forbidden RestartPolicy: Always", [ec("foo", restartPolicy="Always")], [(FORBIDDEN, "ephemeralContainers[0].restartPolicy")]),
    ("Forbidden RestartPolicy: OnFailure", [ec("foo", restartPolicy="OnFailure")],
     [(FORBIDDEN, "ephemeralContainers[0].restartPolicy")]),
    ("Forbidden RestartPolicy: Never", [ec("foo", restartPolicy="Never")], [(FORBIDDEN, "ephemeralContainers[0].restartPolicy")]),
    ("Forbidden RestartPolicy: invalid", [ec("foo", restartPolicy="invalid")],
     [(FORBIDDEN, "ephemeralContainers[0].restartPolicy")]),
    ("Forbidden RestartPolicy: empty", [ec("foo", restartPolicy="")], [(FORBIDDEN, "ephemeralContainers[0].restartPolicy")]),
]

RESTART_POLICIES = ("Never", "Always", "OnFailure")


@pytest.mark.parametrize("restart_policy", RESTART_POLICIES)
@pytest.mark.parametrize("title", list(SUCCESS))
def test_validate_ephemeral_containers_success(title: str, restart_policy: str) -> None:
    assert errors_of(copy.deepcopy(SUCCESS[title]), restart_policy) == []


@pytest.mark.parametrize(("title", "ephemeral", "expected"), FAILURES, ids=[case[0] for case in FAILURES])
def test_validate_ephemeral_containers_failure(title: str, ephemeral: list[dict[str, Any]], expected: list[tuple[str, str]]) -> None:
    for restart_policy in RESTART_POLICIES:
        got = [(error.type, error.field) for error in errors_of(copy.deepcopy(ephemeral), restart_policy)]
        assert got == [(kind, "spec." + path) for kind, path in expected], restart_policy


# ------------------------------------------------------------------ TestValidatePodEphemeralContainersUpdate


def make_container(name: str, **extra: Any) -> dict[str, Any]:
    """podtest.MakeContainer."""
    return {"name": name, "image": "image", "imagePullPolicy": "IfNotPresent", "terminationMessagePolicy": "File",
            "terminationMessagePath": "/dev/termination-log", **extra}


def make_pod(ephemeral: list[dict[str, Any]] | None) -> dict[str, Any]:
    """The test's makePod: podtest.MakePod with metadata pod/ns and restartPolicy OnFailure."""
    spec: dict[str, Any] = {
        "containers": [make_container("ctr")],
        "dnsPolicy": "ClusterFirst",
        "restartPolicy": "OnFailure",
        "terminationGracePeriodSeconds": 30,
        "schedulerName": "default-scheduler",
        "securityContext": {},
    }
    if ephemeral is not None:
        spec["ephemeralContainers"] = ephemeral
    return {"metadata": {"annotations": {}, "labels": {}, "name": "pod", "namespace": "ns", "resourceVersion": "1"}, "spec": spec}


def make_windows_host_pod(ephemeral: list[dict[str, Any]] | None) -> dict[str, Any]:
    pod = make_pod(ephemeral)
    pod["spec"]["containers"] = [make_container("cnt", securityContext={"windowsOptions": {"hostProcess": True}})]
    pod["spec"]["hostNetwork"] = True
    pod["spec"]["securityContext"] = {"windowsOptions": {"hostProcess": True}}
    return pod


def static_pod(ephemeral: list[dict[str, Any]] | None) -> dict[str, Any]:
    pod = make_pod(None)
    pod["spec"]["nodeName"] = "some-name"
    pod["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "foo"}
    if ephemeral is not None:
        pod["spec"]["ephemeralContainers"] = ephemeral
    return pod


def dbg(name: str, image: str = "busybox", **extra: Any) -> dict[str, Any]:
    return ec(name, image, **extra)


UPDATES: list[tuple[str, dict[str, Any], dict[str, Any], str]] = [
    ("no ephemeral containers", make_pod([]), make_pod([]), ""),
    ("No change in Ephemeral Containers", make_pod([dbg("debugger"), dbg("debugger2")]),
     make_pod([dbg("debugger"), dbg("debugger2")]), ""),
    ("Ephemeral Container list order changes", make_pod([dbg("debugger"), dbg("debugger2")]),
     make_pod([dbg("debugger2"), dbg("debugger")]), ""),
    ("Add an Ephemeral Container", make_pod([dbg("debugger")]), make_pod([]), ""),
    ("Add two Ephemeral Containers", make_pod([dbg("debugger1"), dbg("debugger2")]), make_pod([]), ""),
    ("Add to an existing Ephemeral Containers", make_pod([dbg("debugger"), dbg("debugger2")]), make_pod([dbg("debugger")]), ""),
    ("Add to an existing Ephemeral Containers, list order changes",
     make_pod([dbg("debugger3"), dbg("debugger2"), dbg("debugger")]), make_pod([dbg("debugger"), dbg("debugger2")]), ""),
    ("Remove an Ephemeral Container", make_pod([]), make_pod([dbg("debugger")]), "may not be removed"),
    ("Replace an Ephemeral Container", make_pod([dbg("firstone")]), make_pod([dbg("thentheother")]), "may not be removed"),
    ("Change an Ephemeral Containers", make_pod([dbg("debugger1"), dbg("debugger2")]),
     make_pod([dbg("debugger1", "debian"), dbg("debugger2")]), "may not be changed"),
    ("Ephemeral container with potential conflict with regular containers, but conflict not present",
     make_windows_host_pod([ec("debugger1", securityContext={"windowsOptions": {"hostProcess": True}})]),
     make_windows_host_pod(None), ""),
    ("Ephemeral container with potential conflict with regular containers, and conflict is present",
     make_windows_host_pod([ec("debugger1", securityContext={"windowsOptions": {"hostProcess": False}})]),
     make_windows_host_pod(None),
     "spec.ephemeralContainers[0].securityContext.windowsOptions.hostProcess: Invalid value: false: "
     "pod hostProcess value must be identical"),
    ("Add ephemeral container to static pod", static_pod([dbg("debugger1", "debian")]), static_pod(None),
     "Forbidden: static pods do not support ephemeral containers"),
]


def aggregate(errors: list[str]) -> str:
    """errs.ToAggregate().Error()."""
    unique = list(dict.fromkeys(errors))
    return unique[0] if len(unique) == 1 else "[" + ", ".join(unique) + "]"


@pytest.mark.parametrize(("name", "new", "old", "err"), UPDATES, ids=[case[0] for case in UPDATES])
def test_validate_pod_ephemeral_containers_update(name: str, new: dict[str, Any], old: dict[str, Any], err: str) -> None:
    errors = validate_ephemeral_update(old, new)
    if not err:
        assert errors == []
    else:
        assert errors, "unexpected valid"
        assert err in aggregate(errors)


def test_every_upstream_case_is_ported() -> None:
    assert (len(SUCCESS), len(FAILURES), len(UPDATES)) == (5, 24, 13)


# ------------------------------------------------------------------ the Status a v1.32 server returns


def test_status_of_a_forbidden_empty_restart_policy() -> None:
    pod = ephemeral_pod(None, "Always")
    new = ephemeral_pod([ec("dbg", restartPolicy="", lifecycle={}, readinessProbe={})], "Always")
    status = invalid_status("Pod", "pod", validate_ephemeral_update_errors(pod, new))
    message = "cannot be set for an Ephemeral Container"
    assert status["code"] == 422 and status["reason"] == "Invalid"
    assert status["message"] == (
        'Pod "pod" is invalid: [spec.ephemeralContainers[0].restartPolicy: Forbidden: ' + message
        + ", spec.ephemeralContainers[0].readinessProbe: Forbidden: " + message
        + ", spec.ephemeralContainers[0].lifecycle: Forbidden: " + message + "]"
    )
    assert status["details"]["causes"][0] == {
        "reason": "FieldValueForbidden", "message": "Forbidden: " + message, "field": "spec.ephemeralContainers[0].restartPolicy",
    }


def test_status_of_a_negative_run_as_user() -> None:
    pod = ephemeral_pod(None, "Always")
    new = ephemeral_pod([ec("dbg", securityContext={"runAsUser": -5})], "Always")
    status = invalid_status("Pod", "pod", validate_ephemeral_update_errors(pod, new))
    assert status["message"] == (
        'Pod "pod" is invalid: spec.ephemeralContainers[0].securityContext.runAsUser: '
        "Invalid value: -5: must be between 0 and 2147483647, inclusive"
    )
    assert status["details"]["causes"] == [{
        "reason": "FieldValueInvalid", "message": "Invalid value: -5: must be between 0 and 2147483647, inclusive",
        "field": "spec.ephemeralContainers[0].securityContext.runAsUser",
    }]


def test_empty_resources_and_null_fields_are_allowed() -> None:
    """`resources: {}` is the zero struct (the server's defaulting adds it); null is unset."""
    assert errors_of([ec("dbg", resources={}, ports=None, lifecycle=None, restartPolicy=None)], "Always") == []
    assert [e.field for e in errors_of([ec("dbg", ports=[], resources={"limits": {}})], "Always")] == [
        "spec.ephemeralContainers[0].ports", "spec.ephemeralContainers[0].resources",
    ]


def test_host_process_pod_needs_host_network_and_only_host_process_containers() -> None:
    pod = make_windows_host_pod(None)
    pod["spec"]["hostNetwork"] = False
    new = copy.deepcopy(pod)
    new["spec"]["ephemeralContainers"] = [ec("dbg", securityContext={"windowsOptions": {"hostProcess": False}})]
    new["spec"]["securityContext"] = {}
    assert validate_ephemeral_update(pod, new) == [
        'spec: Invalid value: "": If pod contains any hostProcess containers then all containers must be HostProcess containers',
        "spec.hostNetwork: Invalid value: false: hostNetwork must be true if pod contains any hostProcess containers",
    ]
