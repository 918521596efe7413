"""The one confirmation rule (`tui.debug.confirmation`) as the planner applies it: every way to
root on the node asks, kubectl's profile defaults do not."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest

from helpers.debug_pods import slim_pod
from tui.debug import CopyOptions, DebugRequest, Mode, Profile, SecurityOverrides, VolumeMount, plan
from tui.debug.confirmation import (
    ROOT_EQUIVALENT_CAPABILITIES,
    normalize_capability,
    root_equivalent_capabilities,
    root_equivalent_reasons,
)
from tui.debug.custom import parse_custom
from tui.debug.profiles import apply_profile


def _request(**kwargs: Any) -> DebugRequest:
    return DebugRequest(namespace="default", pod="slim-x", container_name="dbg", **kwargs)


def _reasons(pod: dict[str, Any] | None = None, **kwargs: Any) -> list[str]:
    return plan(_request(**kwargs), pod if pod is not None else slim_pod()).confirmation_reasons


def _copy(**kwargs: Any) -> list[str]:
    kwargs.setdefault("copy", CopyOptions(name="slim-copy"))
    return _reasons(mode=Mode.COPY, **kwargs)


def _host_pod(**spec: Any) -> dict[str, Any]:
    pod = slim_pod()
    pod["spec"].update(spec)
    return pod


# --- what does not ask ---------------------------------------------------------------------------

@pytest.mark.parametrize("profile", [p for p in Profile if p is not Profile.SYSADMIN])
@pytest.mark.parametrize("mode", [Mode.SHARED_NETWORK, Mode.TARGET, Mode.COPY])
def test_profile_defaults_do_not_ask(profile: Profile, mode: Mode) -> None:
    """general's SYS_PTRACE, netadmin's NET_ADMIN/NET_RAW... stay as kubectl has them."""
    target = "app" if mode is Mode.TARGET else None
    extra: dict[str, Any] = {"copy": CopyOptions(name="c")} if mode is Mode.COPY else {}
    assert _reasons(profile=profile, mode=mode, target=target, **extra) == []


def test_no_profile_default_is_on_the_list() -> None:
    for profile in Profile:
        pod = {"spec": {"ephemeralContainers": [{"name": "d"}]}}
        apply_profile(profile, pod, "d", "ephemeral")
        assert root_equivalent_capabilities(pod["spec"]["ephemeralContainers"][0]) == []


@pytest.mark.parametrize("capability", ["SYS_PTRACE", "NET_ADMIN", "NET_RAW", "DAC_OVERRIDE", "SYS_TIME",
                                        "CHOWN", "SYSLOG"])
def test_capabilities_that_are_not_root_on_the_node_do_not_ask(capability: str) -> None:
    assert _reasons(overrides=SecurityOverrides(capabilities_add=(capability,))) == []


def test_root_inside_the_container_and_unconfined_profiles_do_not_ask() -> None:
    custom = parse_custom('{"securityContext": {"runAsUser": 0, "allowPrivilegeEscalation": true,'
                          ' "seccompProfile": {"type": "Unconfined"}, "appArmorProfile": {"type": "Unconfined"}}}')
    assert _reasons(custom=custom) == []


def test_emptydir_mount_does_not_ask() -> None:
    assert _reasons(mounts=(VolumeMount("data", "/data"),)) == []


# --- what asks -----------------------------------------------------------------------------------

def test_privileged_asks_in_every_way() -> None:
    for reasons in (_reasons(overrides=SecurityOverrides(privileged=True)),
                    _reasons(profile=Profile.SYSADMIN),
                    _reasons(custom=parse_custom("securityContext: {privileged: true}")),
                    _copy(profile=Profile.SYSADMIN)):
        assert reasons == ["the debug container is privileged: it has full access to the node"]


# Written out, not read from the code's table: removing one from ROOT_EQUIVALENT_CAPABILITIES fails here.
ROOT_CAPABILITIES = ["ALL", "SYS_ADMIN", "SYS_MODULE", "SYS_RAWIO", "SYS_BOOT", "BPF", "PERFMON", "DAC_READ_SEARCH"]


def test_the_list_of_root_equivalent_capabilities() -> None:
    assert sorted(ROOT_EQUIVALENT_CAPABILITIES) == sorted(ROOT_CAPABILITIES)


@pytest.mark.parametrize("capability", ROOT_CAPABILITIES)
def test_each_root_equivalent_capability_asks_from_the_overrides(capability: str) -> None:
    reasons = _reasons(overrides=SecurityOverrides(capabilities_add=(capability,)))
    assert reasons == [f"the debug container adds capability {capability}: "
                       f"{ROOT_EQUIVALENT_CAPABILITIES[capability]}"]


def test_sys_admin_sentence() -> None:
    (reason,) = _reasons(overrides=SecurityOverrides(capabilities_add=("SYS_ADMIN",)))
    assert reason == "the debug container adds capability SYS_ADMIN: root on the node (mount, namespaces, cgroups)"


@pytest.mark.parametrize("spelling", ["sys_module", "CAP_SYS_MODULE", "cap_sys_module", " Sys_Module "])
def test_capability_spellings_are_normalised_as_the_runtime_reads_them(spelling: str) -> None:
    assert normalize_capability(spelling) == "SYS_MODULE"
    custom = parse_custom(json.dumps({"securityContext": {"capabilities": {"add": [spelling]}}}))
    assert _reasons(custom=custom) == ["the debug container adds capability SYS_MODULE: "
                                       "loads kernel modules, code in the node's kernel"]


def test_custom_all_asks_once_even_with_the_profile_and_a_duplicate() -> None:
    custom = parse_custom('{"securityContext": {"capabilities": {"add": ["SYS_PTRACE", "ALL", "all"]}}}')
    assert _reasons(custom=custom) == ["the debug container adds capability ALL: every capability, root on the node"]


def test_a_dropped_capability_still_asks() -> None:
    """Add and drop of the same name: asking once too often is safe, missing a grant is not."""
    reasons = _reasons(overrides=SecurityOverrides(capabilities_add=("SYS_ADMIN",), capabilities_drop=("ALL",)))
    assert len(reasons) == 1 and "SYS_ADMIN" in reasons[0]


def test_proc_mount_unmasked_and_host_process_ask() -> None:
    unmasked = _reasons(custom=parse_custom("securityContext: {procMount: Unmasked}"))
    assert len(unmasked) == 1 and "procMount Unmasked" in unmasked[0] and "core_pattern" in unmasked[0]
    host_process = _reasons(custom=parse_custom("securityContext: {windowsOptions: {hostProcess: true}}"))
    assert len(host_process) == 1 and "HostProcess" in host_process[0]


@pytest.mark.parametrize("field, words", [("hostPID", "PID namespace"), ("hostNetwork", "network"),
                                          ("hostIPC", "IPC namespace")])
def test_host_namespaces_ask_for_an_ephemeral_container_and_a_copy(field: str, words: str) -> None:
    (ephemeral,) = _reasons(_host_pod(**{field: True}))
    assert ephemeral.startswith(f"the pod uses the node's {words} ({field}), so the debug container does too")
    (copied,) = _reasons(_host_pod(**{field: True}), mode=Mode.COPY, copy=CopyOptions(name="c"))
    assert copied.startswith(f"the copy uses the node's {words} ({field})")


def test_mounting_a_host_path_volume_asks() -> None:
    pod = slim_pod()
    pod["spec"]["volumes"].append({"name": "root", "hostPath": {"path": "/"}})
    assert _reasons(pod) == []  # the pod has it; the debugger does not mount it
    (reason,) = _reasons(pod, mounts=(VolumeMount("root", "/host", read_only=True),))
    assert reason == ("the debug container mounts the node's path '/' (hostPath volume 'root') at '/host': "
                      "it reads the node's files there")
    (reason,) = _reasons(pod, custom=parse_custom('{"volumeMounts": [{"name": "root", "mountPath": "/h"}]}'))
    assert "reads and writes" in reason
    (copied,) = _reasons(pod, mode=Mode.COPY, copy=CopyOptions(name="c"))
    assert copied.startswith("the copy has hostPath volume 'root': the node's path '/'")


def test_a_copy_asks_for_the_power_its_other_containers_carry() -> None:
    pod = slim_pod()
    pod["spec"]["containers"][1]["securityContext"] = {"privileged": True,
                                                       "capabilities": {"add": ["CAP_BPF"]}}
    reasons = _reasons(pod, mode=Mode.COPY, copy=CopyOptions(name="c"))
    assert reasons == [
        "container 'sidecar' of the copy is privileged: it has full access to the node",
        "container 'sidecar' of the copy adds capability BPF: loads eBPF programs into the node's kernel",
    ]
    assert _reasons(pod) == []  # an ephemeral container does not inherit the sidecar's settings


def test_copy_that_only_changes_images_still_checks_the_copy() -> None:
    pod = _host_pod(hostPID=True)
    reasons = _reasons(pod, mode=Mode.COPY, image=None, copy=CopyOptions(name="c", set_images={"*": "busybox"}))
    assert len(reasons) == 1 and "hostPID" in reasons[0]


def test_replace_is_still_confirmed_after_root_reasons() -> None:
    reasons = _copy(overrides=SecurityOverrides(privileged=True), copy=CopyOptions(name="c", replace=True))
    assert reasons[0].startswith("the debug container is privileged") and "will be deleted" in reasons[1]


def test_the_rule_reads_the_container_as_sent_and_never_changes_the_pod() -> None:
    pod = _host_pod(hostIPC=True)
    debugger = {"name": "d", "securityContext": {"capabilities": {"add": ["sys_rawio"]}}}
    before = copy.deepcopy(pod)
    reasons = root_equivalent_reasons(pod, debugger, copy=False)
    assert [r.split(":")[0] for r in reasons] == ["the debug container adds capability SYS_RAWIO",
                                                  "the pod uses the node's IPC namespace (hostIPC), so the debug "
                                                  "container does too"]
    assert pod == before
    assert root_equivalent_reasons(slim_pod(), None, copy=False) == []


# --- a PID namespace shared with a powerful container ---------------------------------------------

TARGET_POWERS = [
    ({"securityContext": {"privileged": True}}, "container 'app' is privileged"),
    ({"securityContext": {"capabilities": {"add": ["SYS_ADMIN"]}}}, "container 'app' adds capability SYS_ADMIN"),
    ({"volumeMounts": [{"name": "root", "mountPath": "/host"}]},
     "container 'app' mounts the node's path '/' (hostPath volume 'root') at '/host'"),
]


def _powerful_app(power: dict[str, Any], **spec: Any) -> dict[str, Any]:
    pod = _host_pod(**spec)
    pod["spec"]["volumes"].append({"name": "root", "hostPath": {"path": "/"}})
    pod["spec"]["containers"][0].update(copy.deepcopy(power))
    return pod


@pytest.mark.parametrize("power, words", TARGET_POWERS)
@pytest.mark.parametrize("profile", [Profile.GENERAL, Profile.LEGACY, Profile.RESTRICTED])
def test_targeting_a_privileged_or_host_path_container_asks(power: dict[str, Any], words: str,
                                                            profile: Profile) -> None:
    pod = _powerful_app(power)
    (reason,) = _reasons(pod, mode=Mode.TARGET, target="app", profile=profile)
    assert reason.startswith(f"the debug container shares the process namespace of its target, and {words}")
    assert "/proc/PID/root" in reason
    assert _reasons(pod, mode=Mode.TARGET, target="sidecar") == []  # a plain target does not ask
    assert _reasons(pod) == []  # nor a debugger that shares only the network


@pytest.mark.parametrize("power, words", TARGET_POWERS)
def test_a_shared_process_namespace_with_a_powerful_sibling_asks(power: dict[str, Any], words: str) -> None:
    pod = _powerful_app(power, shareProcessNamespace=True)
    for kwargs in ({}, {"mode": Mode.TARGET, "target": "sidecar"}):
        (reason,) = _reasons(pod, **kwargs)
        assert reason.startswith(f"the debug container shares the process namespace of the pod, and {words}")
    # a copy (always shareProcessNamespace) asks for the sibling itself
    assert any("container 'app' of the copy" in r or "hostPath volume 'root'" in r
               for r in _reasons(pod, mode=Mode.COPY, copy=CopyOptions(name="c")))


def test_a_privileged_earlier_debugger_in_a_shared_namespace_asks() -> None:
    pod = _host_pod(shareProcessNamespace=True)
    pod["spec"]["ephemeralContainers"][0]["securityContext"] = {"privileged": True}
    (reason,) = _reasons(pod)
    assert "container 'debugger-old' is privileged" in reason


def test_an_earlier_privileged_debugger_on_the_same_target_asks() -> None:
    """An earlier debugger `--target app` lives in app's PID namespace: a new one on `app` joins it."""
    pod = _host_pod()
    pod["spec"]["ephemeralContainers"][0].update(targetContainerName="app", securityContext={"privileged": True})
    (reason,) = _reasons(pod, mode=Mode.TARGET, target="app")
    assert reason.startswith("the debug container shares the process namespace of its target, and "
                             "container 'debugger-old' is privileged")
    # another target, or none: another PID namespace, nothing to ask
    assert _reasons(pod, mode=Mode.TARGET, target="sidecar") == []
    assert _reasons(pod) == []


def test_an_earlier_debugger_through_a_chain_of_targets_asks() -> None:
    pod = _host_pod()
    pod["spec"]["ephemeralContainers"] = [
        {"name": "priv", "image": "busybox", "targetContainerName": "mid", "securityContext": {"privileged": True}},
        {"name": "mid", "image": "busybox", "targetContainerName": "app"},
    ]
    assert any("container 'priv' is privileged" in r for r in _reasons(pod, mode=Mode.TARGET, target="app"))


def test_an_earlier_untargeted_privileged_debugger_does_not_ask() -> None:
    """Without a target (and without shareProcessNamespace) it has its own PID namespace."""
    pod = _host_pod()
    pod["spec"]["ephemeralContainers"][0]["securityContext"] = {"privileged": True}
    assert _reasons(pod, mode=Mode.TARGET, target="app") == []
    assert _reasons(pod) == []
