"""Ephemeral container and pod-create validation: the API server's exact cause strings and Status."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from tui.demo.api.status import ApiError
from tui.demo.api.validation import (
    apply_ephemeral_containers,
    invalid_status,
    validate_ephemeral_update,
    validate_pod_create,
)

LABEL_MSG = (
    "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start "
    "and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is "
    "'[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
)


def base_pod() -> dict[str, Any]:
    return {
        "metadata": {"name": "web", "namespace": "default"},
        "spec": {
            "containers": [{"name": "app", "image": "nginx"}],
            "initContainers": [{"name": "init", "image": "busybox"}],
            "volumes": [{"name": "data", "emptyDir": {}}],
        },
    }


def with_ephemeral(pod: dict[str, Any], *containers: dict[str, Any]) -> dict[str, Any]:
    new = copy.deepcopy(pod)
    new["spec"].setdefault("ephemeralContainers", []).extend(copy.deepcopy(list(containers)))
    return new


def debugger(**extra: Any) -> dict[str, Any]:
    return {"name": "debugger", "image": "busybox", "stdin": True, "tty": True, "terminationMessagePolicy": "File", **extra}


def test_a_kubectl_debug_container_is_valid() -> None:
    old = base_pod()
    assert validate_ephemeral_update(old, with_ephemeral(old, debugger(targetContainerName="app", resources={}))) == []


@pytest.mark.parametrize(
    "field",
    ["ports", "resources", "lifecycle", "livenessProbe", "readinessProbe", "startupProbe", "resizePolicy", "restartPolicy"],
)
def test_forbidden_fields(field: str) -> None:
    values: dict[str, Any] = {
        "ports": [{"containerPort": 80}],
        "resources": {"limits": {"cpu": "1"}},
        "lifecycle": {"preStop": {"exec": {"command": ["x"]}}},
        "livenessProbe": {"exec": {"command": ["x"]}},
        "readinessProbe": {"exec": {"command": ["x"]}},
        "startupProbe": {"exec": {"command": ["x"]}},
        "resizePolicy": [{"resourceName": "cpu", "restartPolicy": "NotRequired"}],
        "restartPolicy": "Always",
    }
    old = base_pod()
    causes = validate_ephemeral_update(old, with_ephemeral(old, debugger(**{field: values[field]})))
    assert causes == [f"spec.ephemeralContainers[0].{field}: Forbidden: cannot be set for an Ephemeral Container"]


def test_required_name_and_image_and_name_format() -> None:
    old = base_pod()
    assert validate_ephemeral_update(old, with_ephemeral(old, {"name": "", "image": ""})) == [
        "spec.ephemeralContainers[0].name: Required value",
        "spec.ephemeralContainers[0].image: Required value",
    ]
    assert validate_ephemeral_update(old, with_ephemeral(old, debugger(name="Debug_1"))) == [
        f'spec.ephemeralContainers[0].name: Invalid value: "Debug_1": {LABEL_MSG}'
    ]
    assert validate_ephemeral_update(old, with_ephemeral(old, debugger(name="a.b"))) == [
        'spec.ephemeralContainers[0].name: Invalid value: "a.b": must not contain dots'
    ]


@pytest.mark.parametrize("taken", ["app", "init", "debugger"])
def test_duplicate_names_across_all_container_kinds(taken: str) -> None:
    old = with_ephemeral(base_pod(), debugger()) if taken == "debugger" else base_pod()
    new = with_ephemeral(old, debugger(name=taken))
    index = len(new["spec"]["ephemeralContainers"]) - 1
    assert validate_ephemeral_update(old, new) == [f'spec.ephemeralContainers[{index}].name: Duplicate value: "{taken}"']


def test_target_container_must_be_regular_or_init() -> None:
    old = with_ephemeral(base_pod(), debugger())
    assert validate_ephemeral_update(old, with_ephemeral(old, debugger(name="d2", targetContainerName="init"))) == []
    assert validate_ephemeral_update(old, with_ephemeral(old, debugger(name="d2", targetContainerName="nope"))) == [
        'spec.ephemeralContainers[1].targetContainerName: Not found: "nope"'
    ]
    assert validate_ephemeral_update(old, with_ephemeral(old, debugger(name="d2", targetContainerName="debugger"))) == [
        'spec.ephemeralContainers[1].targetContainerName: Not found: "debugger"'
    ]


def test_volume_mounts() -> None:
    old = base_pod()
    ok = debugger(volumeMounts=[{"name": "data", "mountPath": "/data"}])
    assert validate_ephemeral_update(old, with_ephemeral(old, ok)) == []
    missing = debugger(volumeMounts=[{"name": "vol", "mountPath": "/vol"}])
    assert validate_ephemeral_update(old, with_ephemeral(old, missing)) == [
        'spec.ephemeralContainers[0].volumeMounts[0].name: Not found: "vol"'
    ]
    sub = debugger(volumeMounts=[{"name": "data", "mountPath": "/d", "subPath": "x", "subPathExpr": "$(Y)"}])
    causes = validate_ephemeral_update(old, with_ephemeral(old, sub))
    assert "spec.ephemeralContainers[0].volumeMounts[0].subPath: Forbidden: cannot be set for an Ephemeral Container" in causes
    assert "spec.ephemeralContainers[0].volumeMounts[0].subPathExpr: Forbidden: cannot be set for an Ephemeral Container" in causes


def test_existing_ephemeral_containers_may_not_be_removed_or_changed() -> None:
    old = with_ephemeral(base_pod(), debugger(), debugger(name="other"))
    removed = copy.deepcopy(old)
    removed["spec"]["ephemeralContainers"] = [debugger(name="other")]
    assert validate_ephemeral_update(old, removed) == [
        'spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be removed\n'
    ]
    changed = copy.deepcopy(old)
    changed["spec"]["ephemeralContainers"][0]["image"] = "alpine"
    (cause,) = validate_ephemeral_update(old, changed)
    assert cause.startswith('spec.ephemeralContainers: Forbidden: existing ephemeral containers "debugger" may not be changed\n')
    assert '"busybox"' in cause and '"alpine"' in cause


def test_static_pods_refuse_ephemeral_containers_with_that_error_only() -> None:
    old = base_pod()
    old["metadata"]["annotations"] = {"kubernetes.io/config.mirror": "abc"}
    new = with_ephemeral(old, debugger(ports=[{"containerPort": 1}]))
    assert validate_ephemeral_update(old, new) == ["[]: Forbidden: static pods do not support ephemeral containers"]


def test_pod_create() -> None:
    pod = base_pod()
    assert validate_pod_create(pod) == []
    assert validate_pod_create(with_ephemeral(pod, debugger())) == [
        "spec.ephemeralContainers: Forbidden: cannot be set on create"
    ]
    no_containers = copy.deepcopy(pod)
    no_containers["spec"]["containers"] = []
    assert validate_pod_create(no_containers) == ["spec.containers: Required value"]
    duplicate = copy.deepcopy(pod)
    duplicate["spec"]["containers"].append({"name": "app", "image": "x"})
    duplicate["spec"]["initContainers"][0]["name"] = "app"
    assert validate_pod_create(duplicate) == [
        'spec.containers[1].name: Duplicate value: "app"',
        'spec.initContainers[0].name: Duplicate value: "app"',
    ]
    unnamed = copy.deepcopy(pod)
    unnamed["metadata"] = {}
    assert validate_pod_create(unnamed) == ["metadata.name: Required value: name or generateName is required"]


def test_apply_ephemeral_containers_only_takes_that_list() -> None:
    old = base_pod()
    requested = with_ephemeral(old, debugger())
    requested["spec"]["containers"][0]["image"] = "evil"
    requested["metadata"]["labels"] = {"x": "y"}
    stored = apply_ephemeral_containers(old, requested)
    assert stored["spec"]["containers"][0]["image"] == "nginx"
    assert "labels" not in stored["metadata"]
    assert stored["spec"]["ephemeralContainers"][0]["name"] == "debugger"
    assert "ephemeralContainers" not in old["spec"]


def test_invalid_status_with_one_and_several_causes() -> None:
    one = invalid_status("Pod", "web", ["spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container"])
    assert one["code"] == 422 and one["reason"] == "Invalid" and one["status"] == "Failure"
    assert one["message"] == 'Pod "web" is invalid: spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container'
    assert one["details"] == {
        "name": "web",
        "kind": "Pod",
        "causes": [
            {
                "reason": "FieldValueForbidden",
                "message": "Forbidden: cannot be set for an Ephemeral Container",
                "field": "spec.ephemeralContainers[0].ports",
            }
        ],
    }
    causes = [
        'spec.ephemeralContainers[1].name: Duplicate value: "debugger"',
        'spec.ephemeralContainers[1].targetContainerName: Not found: "nope"',
        'spec.ephemeralContainers[1].targetContainerName: Not found: "nope"',
    ]
    several = invalid_status("Pod", "web", causes)
    assert several["message"] == (
        'Pod "web" is invalid: [spec.ephemeralContainers[1].name: Duplicate value: "debugger", '
        'spec.ephemeralContainers[1].targetContainerName: Not found: "nope"]'
    )
    assert [c["reason"] for c in several["details"]["causes"]] == [
        "FieldValueDuplicate",
        "FieldValueNotFound",
        "FieldValueNotFound",
    ]
    assert several["details"]["causes"][1]["message"] == 'Not found: "nope"'
    required = invalid_status("Pod", "web", ["spec.containers: Required value"])
    assert required["details"]["causes"][0] == {"reason": "FieldValueRequired", "message": "Required value", "field": "spec.containers"}


def test_invalid_status_round_trips_real_validation_output() -> None:
    old = base_pod()
    causes = validate_ephemeral_update(old, with_ephemeral(old, debugger(name="Bad", ports=[{"containerPort": 1}])))
    status = invalid_status("Pod", "web", causes)
    assert [c["reason"] for c in status["details"]["causes"]] == ["FieldValueInvalid", "FieldValueForbidden"]
    assert status["details"]["causes"][0]["message"].startswith('Invalid value: "Bad": a lowercase RFC 1123 label')


def test_a_wrong_json_type_is_refused_as_decoding_refuses_it() -> None:
    pod = {"metadata": {"name": "p"}, "spec": {"containers": [{"name": "app", "image": "x",
                                                               "securityContext": {"runAsUser": "root"}}]}}
    with pytest.raises(ApiError) as raised:
        validate_pod_create(pod)
    assert (raised.value.code, raised.value.reason) == (400, "BadRequest")
    assert raised.value.message == (
        'Pod in version "v1" cannot be handled as a Pod: json: cannot unmarshal string into Go struct field '
        "SecurityContext.spec.containers.securityContext.runAsUser of type int64"
    )
