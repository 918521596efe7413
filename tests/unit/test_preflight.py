"""Pre-flight checks over facts: each situation gives the verdict and advice a user needs."""

from __future__ import annotations

import random
from dataclasses import replace
from typing import Any

import pytest

from helpers.debug_pods import slim_pod
from tui.debug import CopyOptions, DebugRequest, Mode, Profile, SecurityOverrides, plan
from tui.debug.preflight import (
    AccessQuestion,
    Check,
    DryRunVerdict,
    PreflightFacts,
    access_questions,
    api_flavor,
    failed,
    image_os,
    image_user,
    normalized_image,
    reusable_container,
    run_checks,
)

CURRENT = {"major": "1", "minor": "32", "gitVersion": "v1.32.4"}


def running(pod: dict[str, Any]) -> dict[str, Any]:
    pod["status"] = {
        "phase": "Running",
        "containerStatuses": [{"name": c["name"], "state": {"running": {}}} for c in pod["spec"]["containers"]],
    }
    return pod


def facts_for(request: DebugRequest, pod: dict[str, Any] | None = None, **changes: Any) -> PreflightFacts:
    pod = pod if pod is not None else running(slim_pod())
    facts = PreflightFacts(request=request, pod=pod, version=CURRENT, namespace_labels={})
    facts.plan = plan(request, pod, rng=random.Random(1))
    for key, value in changes.items():
        setattr(facts, key, value)
    return facts


def by_name(checks: list[Check], name: str) -> list[Check]:
    return [c for c in checks if c.name == name]


def the(checks: list[Check], name: str) -> Check:
    found = by_name(checks, name)
    assert len(found) == 1, checks
    return found[0]


SHARED = DebugRequest(namespace="default", pod="slim-x")
TARGET = DebugRequest(namespace="default", pod="slim-x", mode=Mode.TARGET, target="app")
COPY = DebugRequest(namespace="default", pod="slim-x", mode=Mode.COPY, copy=CopyOptions(name="slim-copy"))


def test_a_healthy_pod_passes_every_check() -> None:
    checks = run_checks(facts_for(TARGET, dry_run=DryRunVerdict(True)))
    assert failed(checks) == []
    assert the(checks, "server version").verdict == "ok"
    assert the(checks, "target").found == "container 'app' is running"
    assert the(checks, "server dry run").found.startswith("admitted")


@pytest.mark.parametrize(
    ("version", "flavor", "verdict"),
    [
        ({"major": "1", "minor": "32"}, "current", "ok"),
        ({"major": "1", "minor": "23+"}, "current", "ok"),
        ({"major": "1", "minor": "22"}, "current", "warn"),
        ({"major": "1", "minor": "21", "gitVersion": "v1.21.14"}, "legacy", "warn"),
        ({"major": "1", "minor": "16"}, "legacy", "warn"),
        ({"major": "1", "minor": "15"}, "unsupported", "fail"),
        ({"major": "", "minor": "", "gitVersion": "v1.19.3-eks"}, "legacy", "warn"),
    ],
)
def test_server_version_picks_the_api_and_explains(version: dict[str, str], flavor: str, verdict: str) -> None:
    assert api_flavor(version) == flavor
    check = the(run_checks(facts_for(SHARED, version=version)), "server version")
    assert check.verdict == verdict
    if flavor == "legacy":
        assert "legacy EphemeralContainers" in check.found
    if verdict == "fail":
        assert "--copy-to" in check.todo


def test_unknown_version_is_a_warning_not_a_failure() -> None:
    check = the(run_checks(facts_for(SHARED, version=None, version_error="403 Forbidden")), "server version")
    assert check.verdict == "warn" and "403 Forbidden" in check.found
    assert api_flavor(None) == "current"


def test_rbac_questions_follow_the_mode() -> None:
    ephemeral = [q.label for q in access_questions(SHARED)]
    assert ephemeral == ["patch pods/ephemeralcontainers", "get pods/attach", "create pods/attach", "get pods/log"]
    copy_replace = replace(COPY, copy=CopyOptions(name="c", replace=True))
    assert [q.label for q in access_questions(copy_replace)][:2] == ["create pods", "delete pods"]


def test_rbac_denial_fails_and_names_the_permission() -> None:
    access: dict[AccessQuestion, bool | None] = dict.fromkeys(access_questions(SHARED), True)
    patch = access_questions(SHARED)[0]
    access[patch] = False
    checks = run_checks(facts_for(SHARED, access=access))
    denied = [c for c in by_name(checks, "RBAC") if c.verdict == "fail"]
    assert len(denied) == 1
    assert "patch pods/ephemeralcontainers" in denied[0].found
    assert "kubectl auth can-i patch pods/ephemeralcontainers -n default" in denied[0].todo


def test_missing_log_permission_only_warns() -> None:
    access = {q: q.label != "get pods/log" for q in access_questions(SHARED)}
    checks = by_name(run_checks(facts_for(SHARED, access=access)), "RBAC")
    assert [c.verdict for c in checks] == ["warn"]


def test_attach_permissions_are_optional_without_attach() -> None:
    questions = access_questions(SHARED, attach=False)
    access = {q: q.verb == "patch" for q in questions}
    checks = by_name(run_checks(facts_for(SHARED, access=access)), "RBAC")
    assert {c.verdict for c in checks} == {"warn"}


def test_ssar_unavailable_is_a_warning() -> None:
    check = the(run_checks(facts_for(SHARED, access_error="the server could not find the requested resource")),
                "RBAC")
    assert check.verdict == "warn" and "dry run" in check.todo


def test_static_pod_fails_for_ephemeral_modes_only() -> None:
    pod = running(slim_pod())
    pod["metadata"]["annotations"]["kubernetes.io/config.mirror"] = "abc"
    check = the(run_checks(facts_for(SHARED, pod=pod)), "static pod")
    assert check.verdict == "fail" and "--copy-to" in check.todo
    assert the(run_checks(facts_for(COPY, pod=pod)), "static pod").verdict == "info"


def test_a_static_pods_refusal_says_what_is_wrong_and_what_to_do() -> None:
    """Issue 12 item 6: the server's refusal names no field, so the advice is not "fix the field":
    a static pod cannot get ephemeral containers; debug a copy or its node."""
    pod = running(slim_pod())
    pod["metadata"]["annotations"]["kubernetes.io/config.mirror"] = "abc"
    pod["spec"]["nodeName"] = "node-7"
    message = 'Pod "slim-x" is invalid: []: Forbidden: static pods do not support ephemeral containers'
    refused = DryRunVerdict(False, message, 422, hint="fix the fields named in the message")
    checks = run_checks(facts_for(SHARED, pod=pod, dry_run=refused))
    for name in ("static pod", "server dry run"):
        todo = the(checks, name).todo
        assert todo.startswith("a static pod cannot get ephemeral containers: debug a copy of it (--copy-to)"), todo
        assert "kubectl debug node/node-7 -it --image=busybox" in todo and "field" not in todo


def test_a_422_dry_run_says_what_its_error_says() -> None:
    hint = "fix spec.ephemeralContainers[0].ports (the message says what is wrong)"
    refused = DryRunVerdict(False, "Pod \"slim-x\" is invalid: spec.ephemeralContainers[0].ports: Forbidden: x",
                            422, hint=hint)
    assert the(run_checks(facts_for(SHARED, dry_run=refused)), "server dry run").todo == hint


@pytest.mark.parametrize(("phase", "verdict"), [("Pending", "warn"), ("Succeeded", "fail"), ("Failed", "fail")])
def test_pod_not_running(phase: str, verdict: str) -> None:
    pod = running(slim_pod())
    pod["status"]["phase"] = phase
    check = the(run_checks(facts_for(SHARED, pod=pod)), "pod state")
    assert check.verdict == verdict and phase in check.found
    assert the(run_checks(facts_for(COPY, pod=pod)), "pod state").verdict == "ok"


def test_target_missing_ephemeral_or_not_running() -> None:
    pod = running(slim_pod())
    missing = the(run_checks(facts_for(replace(TARGET, target="nope"), pod=pod)), "target")
    assert missing.verdict == "fail" and "app, sidecar" in missing.todo
    ephemeral = the(run_checks(facts_for(replace(TARGET, target="debugger-old"), pod=pod)), "target")
    assert ephemeral.verdict == "fail" and "ephemeral" in ephemeral.found
    pod["status"]["containerStatuses"][0]["state"] = {"waiting": {"reason": "CrashLoopBackOff"}}
    stopped = the(run_checks(facts_for(TARGET, pod=pod)), "target")
    assert stopped.verdict == "warn" and "waiting" in stopped.found


def test_windows_node_allows_only_shared_network() -> None:
    windows_image = replace(SHARED, image="mcr.microsoft.com/windows/nanoserver:ltsc2019")
    for request, verdict in ((windows_image, "ok"), (TARGET, "fail"), (COPY, "fail")):
        check = the(run_checks(facts_for(request, node_os="windows")), "Windows node")
        assert check.verdict == verdict
    assert "process namespaces" in the(run_checks(facts_for(TARGET, node_os="windows")), "Windows node").found
    assert by_name(run_checks(facts_for(TARGET, node_os="linux")), "Windows node") == []
    assert failed(run_checks(facts_for(windows_image, node_os="windows"))) == []


def test_a_linux_image_on_a_windows_node_fails_in_every_mode() -> None:
    """busybox (the default) has no windows/amd64 manifest: on a Windows node it ends in
    ErrImagePull, whatever the mode; the check says so and names a Windows image."""
    for request in (SHARED, TARGET, COPY, replace(SHARED, image="nicolaka/netshoot"),
                    replace(SHARED, image="gcr.io/distroless/base:debug")):
        check = the(run_checks(facts_for(request, node_os="windows")), "image OS")
        assert check.verdict == "fail", request
        assert "Linux-only" in check.found and "windows/amd64" in check.found
        assert "mcr.microsoft.com/windows/nanoserver" in check.todo and "Linux node" in check.todo


def test_the_node_os_comes_from_the_pod_when_the_node_cannot_be_read() -> None:
    pod = running(slim_pod())
    pod["spec"]["nodeSelector"] = {"kubernetes.io/os": "windows"}
    assert the(run_checks(facts_for(SHARED, pod=pod)), "image OS").verdict == "fail"
    pod["spec"].pop("nodeSelector")
    pod["spec"]["os"] = {"name": "windows"}
    assert the(run_checks(facts_for(SHARED, pod=pod)), "image OS").verdict == "fail"


def test_image_os_of_other_images_and_nodes() -> None:
    unknown = the(run_checks(facts_for(replace(SHARED, image="example.com/tools:1"), node_os="windows")),
                  "image OS")
    assert unknown.verdict == "warn" and "windows/amd64 variant" in unknown.todo
    windows_on_linux = the(run_checks(facts_for(replace(SHARED, image="mcr.microsoft.com/windows/servercore:ltsc2022"),
                                                node_os="linux")), "image OS")
    assert windows_on_linux.verdict == "fail" and "linux/amd64" in windows_on_linux.found
    assert by_name(run_checks(facts_for(SHARED, node_os="linux")), "image OS") == []  # the usual case: quiet
    assert by_name(run_checks(facts_for(SHARED)), "image OS") == []  # node unknown: nothing to say
    copy = replace(COPY, copy=CopyOptions(name="c", set_images={"app": "busybox"}),
                   image="mcr.microsoft.com/windows/nanoserver:ltsc2019")
    checks = by_name(run_checks(facts_for(copy, node_os="windows")), "image OS")
    assert [c.verdict for c in checks] == ["ok", "fail"] and "'busybox'" in checks[1].found


@pytest.mark.parametrize(("image", "os_name"), [
    ("busybox", "linux"), ("docker.io/library/alpine:3.20", "linux"), ("nicolaka/netshoot", "linux"),
    ("cgr.dev/chainguard/busybox:latest", "linux"), ("mcr.microsoft.com/windows/nanoserver:ltsc2022", "windows"),
    ("mcr.microsoft.com/windows/servercore/iis:windowsservercore-ltsc2019", "windows"),
    ("mcr.microsoft.com/powershell:lts-nanoserver-1809", "windows"), ("example.com/tools:1", None), (None, None),
])
def test_image_os(image: str | None, os_name: str | None) -> None:
    assert image_os(image) == os_name


def test_run_as_non_root_pod_with_a_root_image() -> None:
    pod = running(slim_pod())
    pod["spec"]["securityContext"] = {"runAsNonRoot": True}
    check = the(run_checks(facts_for(SHARED, pod=pod)), "runAsNonRoot")
    assert check.verdict == "fail"
    assert "likely runs as root" in check.found and "--run-as-user=65532" in check.todo
    fixed = replace(SHARED, overrides=SecurityOverrides(run_as_user=65532))
    assert the(run_checks(facts_for(fixed, pod=pod)), "runAsNonRoot").verdict == "ok"
    nonroot_image = replace(SHARED, image="gcr.io/distroless/base:debug-nonroot")
    assert the(run_checks(facts_for(nonroot_image, pod=pod)), "runAsNonRoot").verdict == "ok"
    unknown = replace(SHARED, image="example.com/tools:1")
    assert the(run_checks(facts_for(unknown, pod=pod)), "runAsNonRoot").verdict == "warn"


def test_restricted_profile_with_busybox_is_caught_too() -> None:
    request = replace(SHARED, profile=Profile.RESTRICTED)
    check = the(run_checks(facts_for(request)), "runAsNonRoot")
    assert check.verdict == "fail" and check.found.startswith("the profile sets runAsNonRoot")


@pytest.mark.parametrize(
    ("image", "user"),
    [("busybox", 0), ("busybox:1.36", 0), ("docker.io/library/alpine:3.20", 0), ("nicolaka/netshoot", 0),
     ("gcr.io/distroless/python3-debian11:nonroot", 65532), ("cgr.dev/chainguard/busybox", 65532),
     ("cgr.dev/chainguard/wolfi-base:latest-dev", 0), ("registry.k8s.io/pause:3.10", 65535),
     ("example.com/team/tool:2", None)],
)
def test_well_known_image_users(image: str, user: int | None) -> None:
    assert image_user(image) == user


def restricted_pod() -> dict[str, Any]:
    """The slim pod hardened to comply with Pod Security `restricted`, without old debuggers."""
    pod = running(slim_pod())
    pod["spec"]["securityContext"] = {"runAsNonRoot": True, "runAsUser": 1000,
                                      "seccompProfile": {"type": "RuntimeDefault"}}
    del pod["spec"]["ephemeralContainers"]
    for container in pod["spec"]["containers"] + pod["spec"]["initContainers"]:
        container["securityContext"] = {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}}
    return pod


def test_pod_security_restricted_namespace_suggests_the_restricted_profile() -> None:
    labels = {"pod-security.kubernetes.io/enforce": "restricted"}
    check = the(run_checks(facts_for(SHARED, pod=restricted_pod(), namespace_labels=labels)), "Pod Security")
    assert check.verdict == "fail"
    assert 'restricted:latest' in check.found and "allowPrivilegeEscalation != false" in check.found
    assert check.todo == "use --profile=restricted"
    restricted = replace(SHARED, profile=Profile.RESTRICTED)
    assert the(run_checks(facts_for(restricted, pod=restricted_pod(), namespace_labels=labels)),
               "Pod Security").verdict == "ok"


def test_pod_security_baseline_namespace() -> None:
    labels = {"pod-security.kubernetes.io/enforce": "baseline"}
    general = the(run_checks(facts_for(SHARED, namespace_labels=labels)), "Pod Security")
    assert general.verdict == "fail" and "SYS_PTRACE" in general.found
    assert general.todo == "use --profile=baseline"
    baseline = replace(SHARED, profile=Profile.BASELINE)
    assert the(run_checks(facts_for(baseline, namespace_labels=labels)), "Pod Security").verdict == "ok"
    privileged = replace(SHARED, profile=Profile.BASELINE, overrides=SecurityOverrides(privileged=True))
    check = the(run_checks(facts_for(privileged, namespace_labels=labels)), "Pod Security")
    assert check.verdict == "fail" and check.todo.startswith("drop --privileged")


def test_pod_security_of_a_copy_is_checked_on_the_copy() -> None:
    labels = {"pod-security.kubernetes.io/enforce": "baseline"}
    check = the(run_checks(facts_for(COPY, namespace_labels=labels)), "Pod Security")
    assert check.verdict == "fail" and "SYS_PTRACE" in check.found


def test_pod_already_violating_says_no_profile_helps() -> None:
    pod = running(slim_pod())
    pod["spec"]["ephemeralContainers"][0]["securityContext"] = {"privileged": True}
    labels = {"pod-security.kubernetes.io/enforce": "baseline"}
    check = the(run_checks(facts_for(replace(SHARED, profile=Profile.BASELINE), pod=pod,
                                     namespace_labels=labels)), "Pod Security")
    assert check.verdict == "fail" and "already violates" in check.todo


def test_unreadable_namespace_defers_to_the_dry_run() -> None:
    check = the(run_checks(facts_for(SHARED, namespace_labels=None, namespace_error="forbidden")), "Pod Security")
    assert check.verdict == "info" and "dry run" in check.todo


def test_name_collisions() -> None:
    taken = replace(SHARED, container_name="sidecar")
    check = the(run_checks(facts_for(taken)), "name")
    assert check.verdict == "fail" and "'sidecar'" in check.found
    copy_taken = the(run_checks(facts_for(COPY, copy_name_taken=True)), "name")
    assert copy_taken.verdict == "fail" and "'slim-copy'" in copy_taken.found
    assert "ephemera cleanup" in copy_taken.todo


def test_dry_run_refusal_shows_the_server_message() -> None:
    message = 'pods "slim-x" is forbidden: violates PodSecurity "restricted:latest": privileged'
    check = the(run_checks(facts_for(SHARED, dry_run=DryRunVerdict(False, message, 403))), "server dry run")
    assert check.verdict == "fail" and check.found == f"refused: 403: {message}"
    assert "profile" in check.todo
    not_run = the(run_checks(facts_for(SHARED, dry_run=DryRunVerdict(False, "unreachable", ran=False))),
                  "server dry run")
    assert not_run.verdict == "warn"


def test_reuse_offers_a_running_debugger_of_the_same_image_and_mode() -> None:
    pod = running(slim_pod())
    pod["status"]["ephemeralContainerStatuses"] = [{"name": "debugger-old", "state": {"running": {}}}]
    assert reusable_container(pod, SHARED) == "debugger-old"
    assert reusable_container(pod, replace(SHARED, image="alpine")) is None
    assert reusable_container(pod, TARGET) is None  # debugger-old targets nothing
    check = the(run_checks(facts_for(SHARED, pod=pod)), "reuse")
    assert check.verdict == "info" and "--reuse" in check.todo
    pod["status"]["ephemeralContainerStatuses"][0]["state"] = {"terminated": {"exitCode": 0}}
    assert reusable_container(pod, SHARED) is None


def test_reuse_sees_one_image_in_its_different_spellings() -> None:
    pod = running(slim_pod())
    pod["status"]["ephemeralContainerStatuses"] = [{"name": "debugger-old", "state": {"running": {}}}]
    image = pod["spec"]["ephemeralContainers"][0]["image"]
    assert normalized_image(image) == "docker.io/library/busybox:latest"
    for spelling in ("busybox:latest", "docker.io/busybox", "docker.io/library/busybox:latest"):
        assert reusable_container(pod, replace(SHARED, image=spelling)) == "debugger-old", spelling
    assert reusable_container(pod, replace(SHARED, image="busybox:1.36")) is None  # another tag
    assert reusable_container(pod, replace(SHARED, image="ghcr.io/library/busybox")) is None  # another registry
    assert normalized_image("localhost:5000/tools") == "localhost:5000/tools:latest"
    assert normalized_image("busybox@sha256:0123") == "docker.io/library/busybox@sha256:0123"


def test_no_pod_is_one_failure() -> None:
    checks = run_checks(PreflightFacts(request=SHARED, pod=None))
    assert [c.verdict for c in checks] == ["fail"]


def test_every_check_of_a_clean_pod_says_what_it_found() -> None:
    """Static pod, node OS, runAsNonRoot and name are listed as passed too, not silently left out."""
    checks = run_checks(facts_for(TARGET, node_os="linux"))
    found = {c.name: c for c in checks}
    assert {"static pod", "node", "runAsNonRoot", "name", "pod state", "target"} <= set(found)
    assert all(found[n].verdict == "ok" and found[n].found for n in ("static pod", "node", "runAsNonRoot", "name"))
    assert "PID namespaces can be shared" in found["node"].found
    copy = {c.name: c for c in run_checks(facts_for(COPY))}
    assert copy["name"].verdict == "ok" and "no pod named" in copy["name"].found


def test_the_form_words_for_the_command_line_fixes() -> None:
    from widgets.preflight_list import form_wording

    assert form_wording("use --profile=restricted") == "use profile restricted"
    assert form_wording("attach to it instead: pass --reuse (or kubectl attach -it p -c d -n ns)") == (
        "attach to it instead: press Ctrl+R (or kubectl attach -it p -c d -n ns)")
    assert form_wording("pick another --copy-to NAME, or remove the old copy (ephemera cleanup)") == (
        "pick another copy name, or remove the old copy (C: cleanup)")
    assert form_wording("add --run-as-user=65532 (or --custom with securityContext.runAsUser), or a non-root "
                        "image") == "add runAsUser 65532, or a non-root image"
