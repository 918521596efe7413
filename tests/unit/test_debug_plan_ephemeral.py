"""Ephemeral debug containers (shared network and target modes) against kubectl's specs.

The expected dicts are written from kubectl's debug.go (generateDebugContainer, a two-way
strategic merge patch) and profiles.go, not from the planner.
"""

from __future__ import annotations

import random

import pytest

from helpers.debug_pods import KUBECTL_DEBUGGER, PROFILE_SECURITY, slim_pod
from tui.debug import DebugRequest, Mode, PlanError, Profile, plan

PATH = "/api/v1/namespaces/default/pods/slim-x/ephemeralcontainers"
BASE = KUBECTL_DEBUGGER
SECURITY = PROFILE_SECURITY


def _expected_container(mode: Mode, profile: Profile) -> dict:
    container = dict(BASE)
    if mode is Mode.TARGET:
        container["targetContainerName"] = "app"
    if SECURITY[profile] is not None:
        container["securityContext"] = SECURITY[profile]
    return container


@pytest.mark.parametrize("profile", list(Profile))
@pytest.mark.parametrize("mode", [Mode.SHARED_NETWORK, Mode.TARGET])
def test_every_mode_and_profile_sends_kubectls_patch(mode: Mode, profile: Profile) -> None:
    request = DebugRequest(
        namespace="default", pod="slim-x", mode=mode, profile=profile, container_name="dbg",
        target="app" if mode is Mode.TARGET else None,
    )
    result = plan(request, slim_pod())
    assert len(result.requests) == 1
    sent = result.requests[0]
    assert sent.method == "PATCH"
    assert sent.path == PATH
    assert sent.content_type == "application/strategic-merge-patch+json"
    assert sent.body == {
        "spec": {
            "$setElementOrder/ephemeralContainers": [{"name": "debugger-old"}, {"name": "dbg"}],
            "ephemeralContainers": [_expected_container(mode, profile)],
        }
    }
    assert result.container_name == "dbg" and result.pod_name == "slim-x"
    assert result.requires_confirmation is (profile is Profile.SYSADMIN)


def test_default_profile_is_general_and_image_busybox() -> None:
    result = plan(DebugRequest(namespace="default", pod="slim-x", container_name="dbg"), slim_pod())
    assert result.container == _expected_container(Mode.SHARED_NETWORK, Profile.GENERAL)
    assert "--profile=general" in result.kubectl_command


def test_generated_name_is_kubectls_and_announced() -> None:
    result = plan(DebugRequest(namespace="default", pod="slim-x"), slim_pod(), rng=random.Random(7))
    name = result.container_name
    assert name.startswith("debugger-") and len(name) == len("debugger-") + 5
    assert set(name[len("debugger-"):]) <= set("bcdfghjklmnpqrstvwxz2456789")
    assert result.messages == [f"Defaulting debug container name to {name}."]
    assert result.requests[0].body["spec"]["$setElementOrder/ephemeralContainers"][-1] == {"name": name}


def test_first_debugger_of_a_pod_is_a_plain_addition_as_kubectl_sends_it() -> None:
    """kubectl 1.32 (-v=9): no `$setElementOrder` when the pod has no ephemeral container yet."""
    pod = slim_pod()
    del pod["spec"]["ephemeralContainers"]
    result = plan(DebugRequest(namespace="default", pod="slim-x", container_name="dbg"), pod)
    assert result.requests[0].body == {"spec": {"ephemeralContainers": [result.container]}}


def test_command_env_pull_policy_and_no_tty() -> None:
    request = DebugRequest(
        namespace="default", pod="slim-x", container_name="dbg", profile=Profile.LEGACY,
        command=("sleep", "1d"), env=(("A", "1"), ("B", "x=y")), image_pull_policy="Always",
        stdin=True, tty=False, image="nicolaka/netshoot",
    )
    assert plan(request, slim_pod()).container == {
        "name": "dbg",
        "image": "nicolaka/netshoot",
        "resources": {},
        "terminationMessagePolicy": "File",
        "stdin": True,
        "command": ["sleep", "1d"],
        "env": [{"name": "A", "value": "1"}, {"name": "B", "value": "x=y"}],
        "imagePullPolicy": "Always",
    }


def test_arguments_only_puts_the_words_in_args() -> None:
    request = DebugRequest(namespace="default", pod="slim-x", container_name="dbg",
                           profile=Profile.LEGACY, command=("-c", "ps"), args_only=True)
    container = plan(request, slim_pod()).container
    assert container["args"] == ["-c", "ps"] and "command" not in container


def test_target_mode_prints_kubectls_targeting_message() -> None:
    request = DebugRequest(namespace="default", pod="slim-x", mode=Mode.TARGET, target="app",
                           container_name="dbg")
    assert plan(request, slim_pod()).messages == [
        'Targeting container "app". If you don\'t see processes from this container it may be '
        "because the container runtime doesn't support this feature."
    ]


def test_missing_target_and_duplicate_name_are_warned() -> None:
    request = DebugRequest(namespace="default", pod="slim-x", mode=Mode.TARGET, target="nope",
                           container_name="debugger-old")
    warnings = " ".join(plan(request, slim_pod()).warnings)
    assert "no container 'nope'" in warnings
    assert "already has a container named 'debugger-old'" in warnings


@pytest.mark.parametrize(
    ("request_kwargs", "message"),
    [
        ({"image": None}, "you must specify --image when not using --copy-to."),
        ({"tty": True, "stdin": False}, "-i/--stdin is required for containers with -t/--tty=true"),
        ({"image_pull_policy": "Sometimes"}, "invalid image pull policy: Sometimes"),
        ({"mode": Mode.TARGET}, "target mode needs a target container"),
    ],
)
def test_invalid_requests_are_refused(request_kwargs: dict, message: str) -> None:
    with pytest.raises(PlanError, match="^" + message.replace("(", r"\(").replace(")", r"\)").replace(".", r"\.")):
        plan(DebugRequest(namespace="default", pod="slim-x", **request_kwargs), slim_pod())


def test_non_root_pod_gets_kubectls_capability_warning() -> None:
    pod = slim_pod()
    pod["spec"]["securityContext"] = {"runAsUser": 1000}
    result = plan(DebugRequest(namespace="default", pod="slim-x", container_name="dbg"), pod)
    assert any(w.startswith("Non-root user is configured for the entire target Pod") for w in result.warnings)
    quiet = plan(DebugRequest(namespace="default", pod="slim-x", container_name="dbg",
                              profile=Profile.BASELINE), pod)
    assert quiet.warnings == []


def test_dry_run_requests_add_dry_run_all() -> None:
    result = plan(DebugRequest(namespace="default", pod="slim-x", container_name="dbg"), slim_pod())
    (dry,) = result.dry_run_requests()
    assert dry.query == {"dryRun": "All"} and dry.url == PATH + "?dryRun=All"
    assert dry.body == result.requests[0].body
    assert result.to_json() == [{
        "method": "PATCH", "path": PATH,
        "content_type": "application/strategic-merge-patch+json",
        "body": result.requests[0].body,
    }]


def test_pod_is_not_modified() -> None:
    pod = slim_pod()
    plan(DebugRequest(namespace="default", pod="slim-x", profile=Profile.SYSADMIN), pod)
    assert pod == slim_pod()
