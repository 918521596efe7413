"""Pod Security Admission: each kubectl debug profile against each level, and the real messages."""

from __future__ import annotations

import copy
import random
from typing import Any

import pytest

from helpers.debug_pods import slim_pod
from tui.debug import DebugRequest, Profile, plan
from tui.debug.preflight import PreflightFacts, psa_server_version, run_checks
from tui.demo.api.podsecurity import admission_status, forbidden_status
from tui.demo.routes.discovery import VERSION
from tui.pods.security import (
    DEFAULT_SERVER_VERSION,
    Policy,
    check_pod,
    evaluate,
    forbidden_message,
    namespace_policy,
)


def restricted_pod() -> dict[str, Any]:
    """A pod that itself complies with `restricted` (like a well-hardened Deployment pod)."""
    return {
        "metadata": {"name": "web", "namespace": "prod"},
        "spec": {
            "securityContext": {"runAsNonRoot": True, "seccompProfile": {"type": "RuntimeDefault"}},
            "containers": [
                {
                    "name": "app",
                    "image": "nginx",
                    "securityContext": {"allowPrivilegeEscalation": False, "capabilities": {"drop": ["ALL"]}},
                }
            ],
            "volumes": [{"name": "tmp", "emptyDir": {}}],
        },
    }


def plain_pod() -> dict[str, Any]:
    """A pod with no security settings at all: fine for baseline, not for restricted."""
    return {"metadata": {"name": "web"}, "spec": {"containers": [{"name": "app", "image": "nginx"}]}}


# kubectl debug's ephemeral container securityContext per profile (kubectl pkg/cmd/debug/profiles.go).
PROFILES: dict[str, dict[str, Any] | None] = {
    "legacy": None,
    "general": {"capabilities": {"add": ["SYS_PTRACE"]}},
    "baseline": None,
    "restricted": {
        "runAsNonRoot": True,
        "capabilities": {"drop": ["ALL"]},
        "allowPrivilegeEscalation": False,
        "seccompProfile": {"type": "RuntimeDefault"},
    },
    "netadmin": {"capabilities": {"add": ["NET_ADMIN", "NET_RAW"]}},
    "sysadmin": {"privileged": True},
}


def debug(pod: dict[str, Any], profile: str, name: str = "debugger") -> dict[str, Any]:
    new = copy.deepcopy(pod)
    container: dict[str, Any] = {"name": name, "image": "busybox", "stdin": True, "tty": True}
    if PROFILES[profile] is not None:
        container["securityContext"] = copy.deepcopy(PROFILES[profile])
    new["spec"].setdefault("ephemeralContainers", []).append(container)
    return new


APE = 'allowPrivilegeEscalation != false (container "debugger" must set securityContext.allowPrivilegeEscalation=false)'
DROP = 'unrestricted capabilities (container "debugger" must set securityContext.capabilities.drop=["ALL"])'

# (profile, level) -> expected violations on the restricted-compliant pod
EXPECTED: dict[tuple[str, str], list[str]] = {
    ("legacy", "baseline"): [],
    ("legacy", "restricted"): [APE, DROP],
    ("baseline", "baseline"): [],
    ("baseline", "restricted"): [APE, DROP],
    ("general", "baseline"): [
        'non-default capabilities (container "debugger" must not include "SYS_PTRACE" in securityContext.capabilities.add)'
    ],
    ("general", "restricted"): [
        APE,
        'unrestricted capabilities (container "debugger" must set securityContext.capabilities.drop=["ALL"]; '
        'container "debugger" must not include "SYS_PTRACE" in securityContext.capabilities.add)',
    ],
    ("restricted", "baseline"): [],
    ("restricted", "restricted"): [],
    ("netadmin", "baseline"): [
        'non-default capabilities (container "debugger" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add)'
    ],
    ("netadmin", "restricted"): [
        APE,
        'unrestricted capabilities (container "debugger" must set securityContext.capabilities.drop=["ALL"]; '
        'container "debugger" must not include "NET_ADMIN", "NET_RAW" in securityContext.capabilities.add)',
    ],
    ("sysadmin", "baseline"): ['privileged (container "debugger" must not set securityContext.privileged=true)'],
    ("sysadmin", "restricted"): [
        'privileged (container "debugger" must not set securityContext.privileged=true)',
        APE,
        DROP,
    ],
}


@pytest.mark.parametrize(("profile", "level"), sorted(EXPECTED))
def test_each_debug_profile_against_each_level(profile: str, level: str) -> None:
    assert evaluate(debug(restricted_pod(), profile), level) == EXPECTED[(profile, level)]


@pytest.mark.parametrize("profile", sorted(PROFILES))
def test_privileged_level_checks_nothing(profile: str) -> None:
    assert evaluate(debug(restricted_pod(), profile), "privileged") == []


def test_restricted_profile_passes_only_if_the_pod_itself_complies() -> None:
    assert evaluate(debug(restricted_pod(), "restricted"), "restricted") == []
    violations = evaluate(debug(plain_pod(), "restricted"), "restricted")
    assert violations == [
        'allowPrivilegeEscalation != false (container "app" must set securityContext.allowPrivilegeEscalation=false)',
        'unrestricted capabilities (container "app" must set securityContext.capabilities.drop=["ALL"])',
        'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)',
        'seccompProfile (pod or container "app" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]


def test_legacy_debug_container_on_a_plain_pod_in_restricted() -> None:
    violations = evaluate(debug(plain_pod(), "legacy"), "restricted")
    assert violations == [
        'allowPrivilegeEscalation != false (containers "app", "debugger" must set securityContext.allowPrivilegeEscalation=false)',
        'unrestricted capabilities (containers "app", "debugger" must set securityContext.capabilities.drop=["ALL"])',
        'runAsNonRoot != true (pod or containers "app", "debugger" must set securityContext.runAsNonRoot=true)',
        'seccompProfile (pod or containers "app", "debugger" must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost")',
    ]


def test_one_bad_debug_container_poisons_later_additions() -> None:
    poisoned = debug(restricted_pod(), "sysadmin", name="old")
    later = debug(poisoned, "restricted", name="new")
    violations = evaluate(later, "baseline")
    assert violations == ['privileged (container "old" must not set securityContext.privileged=true)']


def test_baseline_host_settings() -> None:
    pod = plain_pod()
    pod["spec"].update(hostNetwork=True, hostPID=True)
    pod["spec"]["volumes"] = [{"name": "root", "hostPath": {"path": "/"}}]
    pod["spec"]["containers"][0]["ports"] = [{"containerPort": 80, "hostPort": 8080}]
    pod["spec"]["securityContext"] = {"sysctls": [{"name": "kernel.msgmax", "value": "1"}]}
    assert evaluate(pod, "baseline") == [
        "host namespaces (hostNetwork=true, hostPID=true)",
        'hostPath volumes (volume "root")',
        'hostPort (container "app" uses hostPort 8080)',
        "forbidden sysctls (kernel.msgmax)",
    ]
    restricted = evaluate(pod, "restricted")
    assert 'restricted volume types (volume "root" uses restricted volume type "hostPath")' in restricted
    assert not any(v.startswith("hostPath volumes") for v in restricted), "restrictedVolumes overrides hostPathVolumes"


def test_explicit_bad_values() -> None:
    pod = plain_pod()
    pod["spec"]["securityContext"] = {"runAsNonRoot": False, "runAsUser": 0, "seccompProfile": {"type": "Unconfined"}}
    pod["spec"]["containers"][0]["securityContext"] = {
        "procMount": "Unmasked",
        "seLinuxOptions": {"type": "spc_t"},
        "appArmorProfile": {"type": "Unconfined"},
    }
    assert evaluate(pod, "baseline") == [
        'forbidden AppArmor profile (container "app" must not set AppArmor profile type to "Unconfined")',
        'procMount (container "app" must not set securityContext.procMount to "Unmasked")',
        'seLinuxOptions (container "app" set forbidden securityContext.seLinuxOptions: type "spc_t")',
        'seccompProfile (pod must not set securityContext.seccompProfile.type to "Unconfined")',
    ]
    restricted = evaluate(pod, "restricted")
    assert "runAsNonRoot != true (pod must not set securityContext.runAsNonRoot=false)" in restricted
    assert "runAsUser=0 (pod must not set runAsUser=0)" in restricted


def test_versioned_policies_pick_the_check_versions() -> None:
    pod = plain_pod()
    pod["spec"]["containers"][0]["livenessProbe"] = {"httpGet": {"host": "10.0.0.1", "port": 80}}
    probe = ['probe or lifecycle host (container "app" uses probe or lifecycle host "10.0.0.1")']
    # a v1.32 server (the demo's, the default) has no probe-host check: latest is v1.32, and a
    # label pinned to a newer version is clamped to it
    assert evaluate(pod, "baseline") == []
    assert evaluate(pod, "baseline:v1.34") == []
    # a v1.34 server has it from v1.34 on
    assert evaluate(pod, "baseline", server_version="v1.34") == probe
    assert evaluate(pod, "baseline", "v1.33", server_version="v1.34") == []
    assert evaluate(pod, "baseline:v1.34", server_version="v1.35") == probe
    assert evaluate(pod, "baseline", server_version="latest") == probe


def test_latest_is_the_servers_version() -> None:
    pod = restricted_pod()
    pod["spec"]["containers"][0]["securityContext"]["procMount"] = "Unmasked"
    unmasked = 'procMount (container "app" must not set securityContext.procMount to "Unmasked")'
    # procMount is a baseline check up to v1.34, restricted's own (procMount_restricted) from v1.35
    assert [v.check for v in check_pod(pod, "restricted")] == ["procMount"]
    assert [v.check for v in check_pod(pod, "restricted", server_version="v1.35")] == ["procMount_restricted"]
    assert evaluate(pod, "restricted:v1.40") == evaluate(pod, "restricted:v1.32") == [unmasked]
    # from v1.35 a pod in its own user namespace may unmask /proc under baseline, not restricted
    pod["spec"]["hostUsers"] = False
    assert evaluate(pod, "baseline", server_version="v1.35") == []
    assert evaluate(pod, "baseline") == [unmasked]
    assert evaluate(pod, "restricted", server_version="v1.35") == [unmasked]


def test_host_namespaces_in_kubernetes_order() -> None:
    pod = plain_pod()
    pod["spec"].update(hostIPC=True, hostPID=True, hostNetwork=True)
    assert evaluate(pod, "baseline") == ["host namespaces (hostNetwork=true, hostPID=true, hostIPC=true)"]


def test_a_volume_without_a_source_is_an_empty_dir() -> None:
    pod = restricted_pod()
    pod["spec"]["volumes"] = [{"name": "scratch"}, {"name": "nulls", "hostPath": None}]
    assert evaluate(pod, "restricted") == []
    assert pod["spec"]["volumes"] == [{"name": "scratch"}, {"name": "nulls", "hostPath": None}]  # not changed
    pod["spec"]["volumes"].append({"name": "root", "hostPath": {"path": "/"}})
    assert evaluate(pod, "restricted") == [
        'restricted volume types (volume "root" uses restricted volume type "hostPath")'
    ]


def test_windows_exemptions_start_at_v1_25() -> None:
    pod = plain_pod()
    pod["spec"]["os"] = {"name": "windows"}
    non_root = 'runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)'
    assert evaluate(pod, "restricted:v1.25") == [non_root]
    assert [v.check for v in check_pod(pod, "restricted:v1.24")] == [
        "allowPrivilegeEscalation", "capabilities_restricted", "runAsNonRoot", "seccompProfile_restricted",
    ]


def test_the_demo_server_reports_the_default_version() -> None:
    assert f"v{VERSION['major']}.{VERSION['minor']}" == DEFAULT_SERVER_VERSION


def test_windows_pods_skip_the_linux_only_restricted_checks() -> None:
    pod = plain_pod()
    pod["spec"]["os"] = {"name": "windows"}
    assert evaluate(pod, "restricted") == ['runAsNonRoot != true (pod or container "app" must set securityContext.runAsNonRoot=true)']


@pytest.mark.parametrize(
    ("labels", "expected"),
    [
        (None, Policy("privileged", "latest")),
        ({}, Policy("privileged", "latest")),
        ({"pod-security.kubernetes.io/enforce": "baseline"}, Policy("baseline", "latest")),
        (
            {"pod-security.kubernetes.io/enforce": "restricted", "pod-security.kubernetes.io/enforce-version": "v1.30"},
            Policy("restricted", "v1.30"),
        ),
        ({"pod-security.kubernetes.io/enforce": "bogus"}, Policy("restricted", "latest")),
        ({"pod-security.kubernetes.io/warn": "restricted"}, Policy("privileged", "latest")),
    ],
)
def test_namespace_policy(labels: dict[str, str] | None, expected: Policy) -> None:
    assert namespace_policy(labels) == expected


def test_forbidden_message_and_status() -> None:
    violations = check_pod(debug(restricted_pod(), "legacy"), "restricted")
    message = forbidden_message("web", "restricted", violations)
    assert message == f'pods "web" is forbidden: violates PodSecurity "restricted:latest": {APE}, {DROP}'
    status = forbidden_status("web", Policy("restricted", "v1.30"), violations)
    assert status["code"] == 403 and status["reason"] == "Forbidden" and status["status"] == "Failure"
    assert status["details"] == {"name": "web", "kind": "pods"}
    assert 'violates PodSecurity "restricted:v1.30"' in status["message"]


def test_admission_status_from_namespace_labels() -> None:
    labels = {"pod-security.kubernetes.io/enforce": "baseline"}
    assert admission_status(debug(restricted_pod(), "restricted"), labels) is None
    refused = admission_status(debug(restricted_pod(), "sysadmin"), labels)
    assert refused is not None
    assert refused["message"] == (
        'pods "web" is forbidden: violates PodSecurity "baseline:latest": '
        'privileged (container "debugger" must not set securityContext.privileged=true)'
    )
    assert admission_status(debug(restricted_pod(), "sysadmin"), {}) is None


def test_a_label_pinned_past_the_server_is_named_in_the_message() -> None:
    labels = {"pod-security.kubernetes.io/enforce": "baseline", "pod-security.kubernetes.io/enforce-version": "v1.35"}
    refused = admission_status(debug(restricted_pod(), "sysadmin"), labels)
    assert refused is not None
    assert 'violates PodSecurity "baseline:v1.35": privileged (' in refused["message"]


def _probe_host_facts(minor: str) -> PreflightFacts:
    pod = slim_pod()
    pod["spec"]["containers"][0]["livenessProbe"] = {"httpGet": {"host": "127.0.0.1", "port": 8080}}
    request = DebugRequest(namespace="default", pod="slim-x", profile=Profile.BASELINE)
    facts = PreflightFacts(request=request, pod=pod, version={"major": "1", "minor": minor},
                           namespace_labels={"pod-security.kubernetes.io/enforce": "baseline"})
    facts.plan = plan(request, pod, rng=random.Random(1))
    return facts


def test_the_preflight_predicts_for_the_servers_version() -> None:
    """A probe with a host is refused from v1.34 on: the pre-flight says so for a v1.34 server only."""
    assert psa_server_version({"major": "1", "minor": "34+"}) == "v1.34"
    assert psa_server_version(None) is None
    older = next(c for c in run_checks(_probe_host_facts("32")) if c.name == "Pod Security")
    assert older.verdict == "ok"
    newer = next(c for c in run_checks(_probe_host_facts("34")) if c.name == "Pod Security")
    assert newer.verdict == "fail" and "probe or lifecycle host" in newer.found
