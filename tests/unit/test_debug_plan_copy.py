"""Copy-and-share mode against what `kubectl debug --copy-to --share-processes` builds.

Expected pods written from kubectl's generatePodCopyWithDebugContainer and profiles.go
(KeepFlags), plus Ephemera's marks (label, source and creation-time annotations).
"""

from __future__ import annotations

import copy
import random
from datetime import UTC, datetime

import pytest

from helpers.debug_pods import KUBECTL_DEBUGGER, PROFILE_SECURITY, slim_pod
from tui.debug import CopyOptions, DebugRequest, KeepFlags, Mode, PlanError, Profile, plan
from tui.debug.names import ALPHABET

NOW = datetime(2025, 3, 4, 5, 6, 7, tzinfo=UTC)
OURS_LABELS = {"app.kubernetes.io/managed-by": "ephemera"}
OURS_ANNOTATIONS = {
    "ephemera.dev/source-pod": "default/slim-x",
    "ephemera.dev/created-at": "2025-03-04T05:06:07Z",
}
_SPEC = slim_pod()["spec"]
INIT = _SPEC["initContainers"][0]
APP_WITH_PROBES = _SPEC["containers"][0]
APP_NO_PROBES = {
    "name": "app",
    "image": "gcr.io/distroless/python3",
    "volumeMounts": [{"name": "data", "mountPath": "/data"}],
}
SIDECAR = _SPEC["containers"][1]
VOLUMES = _SPEC["volumes"]
DEBUGGER = KUBECTL_DEBUGGER
SECURITY = PROFILE_SECURITY


def _request(**kwargs: object) -> DebugRequest:
    options = kwargs.pop("copy", CopyOptions(name="slim-copy"))
    defaults: dict = {"namespace": "default", "pod": "slim-x", "mode": Mode.COPY,
                      "container_name": "dbg", "copy": options}
    defaults.update(kwargs)
    return DebugRequest(**defaults)


def _expected(profile: Profile) -> dict:
    debugger = dict(DEBUGGER)
    if SECURITY[profile] is not None:
        debugger["securityContext"] = SECURITY[profile]
    if profile is Profile.LEGACY:
        labels, annotations = OURS_LABELS, {"team": "web", **OURS_ANNOTATIONS}
        app = APP_WITH_PROBES
    else:
        labels, annotations = OURS_LABELS, OURS_ANNOTATIONS
        app = APP_NO_PROBES
    return {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {"name": "slim-copy", "namespace": "default", "labels": labels,
                     "annotations": annotations},
        "spec": {
            "initContainers": [INIT],
            "containers": [app, SIDECAR, debugger],
            "volumes": VOLUMES,
            "restartPolicy": "Always",
            "shareProcessNamespace": True,
        },
    }


@pytest.mark.parametrize("profile", list(Profile))
def test_every_profile_builds_kubectls_copy(profile: Profile) -> None:
    result = plan(_request(profile=profile), slim_pod(), now=NOW)
    (create,) = result.requests
    assert (create.method, create.path, create.content_type) == (
        "POST", "/api/v1/namespaces/default/pods", "application/json")
    assert create.body == _expected(profile)
    assert result.pod_name == "slim-copy" and result.container_name == "dbg"
    assert result.pod_copy == create.body


def test_share_process_namespace_is_forced_even_when_the_pod_says_false() -> None:
    pod = slim_pod()
    pod["spec"]["shareProcessNamespace"] = False
    for profile in Profile:
        body = plan(_request(profile=profile), pod, now=NOW).requests[0].body
        assert body["spec"]["shareProcessNamespace"] is True


def test_no_owner_references_uid_status_or_ephemeral_containers() -> None:
    body = plan(_request(), slim_pod(), now=NOW).requests[0].body
    assert set(body["metadata"]) == {"name", "namespace", "labels", "annotations"}
    assert "status" not in body and "ephemeralContainers" not in body["spec"]


@pytest.mark.parametrize("profile", [p for p in Profile if p is not Profile.LEGACY])
def test_keep_flags_keep_what_the_profile_drops(profile: Profile) -> None:
    keep = KeepFlags(labels=True, annotations=True, liveness=True, readiness=True, startup=True)
    body = plan(_request(profile=profile, copy=CopyOptions(name="slim-copy", keep=keep)),
                slim_pod(), now=NOW).requests[0].body
    assert body["metadata"]["labels"] == {"app": "slim", "pod-template-hash": "6d8c6578bc", **OURS_LABELS}
    assert body["metadata"]["annotations"] == {"team": "web", **OURS_ANNOTATIONS}
    assert body["spec"]["containers"][0] == APP_WITH_PROBES


def test_each_keep_flag_alone() -> None:
    only_readiness = KeepFlags(readiness=True)
    app = plan(_request(copy=CopyOptions(name="c", keep=only_readiness)), slim_pod(),
               now=NOW).requests[0].body["spec"]["containers"][0]
    assert "readinessProbe" in app and "livenessProbe" not in app and "startupProbe" not in app
    no_init = KeepFlags(init_containers=False)
    spec = plan(_request(copy=CopyOptions(name="c", keep=no_init)), slim_pod(),
                now=NOW).requests[0].body["spec"]
    assert "initContainers" not in spec


def test_legacy_profile_drops_labels_even_with_keep_labels() -> None:
    keep = KeepFlags(labels=True)
    body = plan(_request(profile=Profile.LEGACY, copy=CopyOptions(name="c", keep=keep)),
                slim_pod(), now=NOW).requests[0].body
    assert body["metadata"]["labels"] == OURS_LABELS


def test_same_node_keeps_node_name() -> None:
    spec = plan(_request(copy=CopyOptions(name="c", same_node=True)), slim_pod(),
                now=NOW).requests[0].body["spec"]
    assert spec["nodeName"] == "node-1"


def test_set_image_per_container_and_wildcard() -> None:
    options = CopyOptions(name="c", set_images={"*": "busybox:1.36", "app": "python:3.12"})
    containers = plan(_request(copy=options), slim_pod(), now=NOW).requests[0].body["spec"]["containers"]
    assert [c["image"] for c in containers] == ["python:3.12", "busybox:1.36", "busybox"]


def test_set_image_only_copy_has_no_debugger_and_no_profile() -> None:
    options = CopyOptions(name="c", set_images={"app": "python:3.12"})
    result = plan(_request(image=None, container_name=None, copy=options), slim_pod(), now=NOW)
    body = result.requests[0].body
    assert result.container_name == "" and result.container is None
    assert [c["name"] for c in body["spec"]["containers"]] == ["app", "sidecar"]
    assert body["spec"]["containers"][0]["livenessProbe"]  # the profile did not run
    assert body["metadata"]["labels"] == {"app": "slim", "pod-template-hash": "6d8c6578bc", **OURS_LABELS}


def test_naming_an_existing_container_changes_it_instead() -> None:
    result = plan(_request(container_name="app", image=None, command=("sh",)), slim_pod(), now=NOW)
    containers = result.requests[0].body["spec"]["containers"]
    assert [c["name"] for c in containers] == ["app", "sidecar"]
    assert containers[0] == {
        "name": "app",
        "image": "gcr.io/distroless/python3",
        "volumeMounts": [{"name": "data", "mountPath": "/data"}],
        "command": ["sh"],
        "stdin": True,
        "tty": True,
        "securityContext": {"capabilities": {"add": ["SYS_PTRACE"]}},
    }


def test_replace_deletes_the_original_after_creating_and_needs_confirmation() -> None:
    result = plan(_request(copy=CopyOptions(name="c", replace=True)), slim_pod(), now=NOW)
    create, delete = result.requests
    assert create.method == "POST"
    assert (delete.method, delete.path) == ("DELETE", "/api/v1/namespaces/default/pods/slim-x")
    assert delete.body == {"kind": "DeleteOptions", "apiVersion": "v1", "gracePeriodSeconds": 0}
    assert result.requires_confirmation
    assert any("slim-x" in reason and "deleted" in reason for reason in result.confirmation_reasons)
    assert "--replace" in result.kubectl_command


def test_generated_copy_name_format() -> None:
    result = plan(_request(copy=CopyOptions()), slim_pod(), now=NOW, rng=random.Random(3))
    name = result.pod_name
    assert name.startswith("slim-x-debug-") and len(name) == len("slim-x-debug-") + 5
    assert set(name[-5:]) <= set(ALPHABET)
    assert result.requests[0].body["metadata"]["name"] == name


def test_generated_copy_name_is_redrawn_on_collision() -> None:
    first = plan(_request(copy=CopyOptions()), slim_pod(), now=NOW, rng=random.Random(3)).pod_name
    second = plan(_request(copy=CopyOptions()), slim_pod(), now=NOW, rng=random.Random(3),
                  existing_pod_names={first}).pod_name
    assert second != first and second.startswith("slim-x-debug-")


def test_given_copy_name_that_exists_is_warned() -> None:
    result = plan(_request(copy=CopyOptions(name="taken")), slim_pod(), now=NOW,
                  existing_pod_names={"taken"})
    assert any("'taken' already exists" in w for w in result.warnings)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"image": None, "container_name": None}, "you must specify --image, --set-image or command arguments."),
        ({"image": None, "container_name": None, "command": ("sh",)},
         "you must specify an existing container or a new image when specifying args."),
        ({"target": "app"}, "--target is incompatible with --copy-to. Use --share-processes instead."),
    ],
)
def test_kubectls_copy_validation(kwargs: dict, message: str) -> None:
    with pytest.raises(PlanError) as error:
        plan(_request(**kwargs), slim_pod(), now=NOW)
    assert str(error.value) == message


def test_source_pod_untouched() -> None:
    pod = slim_pod()
    before = copy.deepcopy(pod)
    plan(_request(profile=Profile.SYSADMIN, copy=CopyOptions(name="c", set_images={"*": "x"})), pod, now=NOW)
    assert pod == before
