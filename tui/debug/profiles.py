"""kubectl debug's profiles (`--profile`), ported from kubectl's `profiles.go` onto plain dicts.

`apply_profile(profile, pod, container_name, style, keep)` changes `pod` in place, as kubectl
does after it has built the debug container:

| profile    | ephemeral container (style "ephemeral")          | copy of the pod (style "copy")            |
|------------|--------------------------------------------------|-------------------------------------------|
| legacy     | nothing                                          | drops labels (even with keep.labels)      |
| general    | capabilities.add += SYS_PTRACE                   | drops*; SYS_PTRACE; shareProcessNamespace |
| baseline   | securityContext removed                          | drops*; securityContext removed; share    |
| restricted | securityContext = runAsNonRoot, drop ALL,        | drops*; same securityContext; share       |
|            | allowPrivilegeEscalation false, seccomp default  |                                           |
| netadmin   | capabilities.add += NET_ADMIN, NET_RAW           | drops*; NET_ADMIN, NET_RAW; share         |
| sysadmin   | privileged true                                  | drops*; privileged; share                 |

drops*: labels, annotations, liveness/readiness/startup probes of the regular containers and the
init containers, each unless the matching `KeepFlags` field is set (init containers are kept by
default). "share" sets `shareProcessNamespace: true` only when the pod does not set it at all.
The container is looked up by name among init, regular and ephemeral containers (first match).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Literal

from tui.debug.request import KeepFlags, Profile

Style = Literal["ephemeral", "copy"]
Container = dict[str, Any]


def find_container(pod: dict[str, Any], name: str) -> Container | None:
    """The first container called `name`: init, then regular, then ephemeral containers."""
    spec = pod.get("spec") or {}
    for key in ("initContainers", "containers", "ephemeralContainers"):
        for container in spec.get(key) or ():
            if container.get("name") == name:
                return container
    return None


def _modify(pod: dict[str, Any], name: str, change: Callable[[Container], None]) -> None:
    container = find_container(pod, name)
    if container is not None:
        change(container)


def _security_context(container: Container) -> dict[str, Any]:
    context = container.get("securityContext")
    if context is None:
        context = container["securityContext"] = {}
    return context


def add_capability(container: Container, capability: str) -> None:
    """Append to securityContext.capabilities.add (kubectl appends, even a duplicate)."""
    capabilities = _security_context(container).setdefault("capabilities", {})
    capabilities.setdefault("add", []).append(capability)


def _clear_security_context(container: Container) -> None:
    container.pop("securityContext", None)


def _restricted(container: Container) -> None:
    _clear_security_context(container)
    context = _security_context(container)
    context["runAsNonRoot"] = True
    context["capabilities"] = {"drop": ["ALL"]}
    context["allowPrivilegeEscalation"] = False
    context["seccompProfile"] = {"type": "RuntimeDefault"}


def _privileged(container: Container) -> None:
    _security_context(container)["privileged"] = True


def _netadmin(container: Container) -> None:
    add_capability(container, "NET_ADMIN")
    add_capability(container, "NET_RAW")


def _sys_ptrace(container: Container) -> None:
    add_capability(container, "SYS_PTRACE")


def share_process_namespace(pod: dict[str, Any]) -> None:
    """kubectl's shareProcessNamespace(): only when the pod leaves it unset."""
    spec = pod.setdefault("spec", {})
    if spec.get("shareProcessNamespace") is None:
        spec["shareProcessNamespace"] = True


def remove_for_copy(pod: dict[str, Any], keep: KeepFlags) -> None:
    """Drop labels, annotations, probes and init containers unless kept."""
    metadata = pod.setdefault("metadata", {})
    if not keep.labels:
        metadata.pop("labels", None)
    if not keep.annotations:
        metadata.pop("annotations", None)
    spec = pod.setdefault("spec", {})
    for container in spec.get("containers") or ():
        if not keep.liveness:
            container.pop("livenessProbe", None)
        if not keep.readiness:
            container.pop("readinessProbe", None)
        if not keep.startup:
            container.pop("startupProbe", None)
    if not keep.init_containers:
        spec.pop("initContainers", None)


_CONTAINER_CHANGES: dict[Profile, Callable[[Container], None] | None] = {
    Profile.LEGACY: None,
    Profile.GENERAL: _sys_ptrace,
    Profile.BASELINE: _clear_security_context,
    Profile.RESTRICTED: _restricted,
    Profile.NETADMIN: _netadmin,
    Profile.SYSADMIN: _privileged,
}


def apply_profile(
    profile: Profile,
    pod: dict[str, Any],
    container_name: str,
    style: Style,
    keep: KeepFlags = KeepFlags(),
) -> None:
    """Apply `profile` to the container `container_name` of `pod` (in place)."""
    profile = Profile(profile)
    if style == "copy":
        if profile is Profile.LEGACY:
            # kubectl's legacy profile forces Labels=false: --keep-labels has no effect here.
            metadata = pod.setdefault("metadata", {})
            metadata.pop("labels", None)
            return
        remove_for_copy(pod, keep)
    change = _CONTAINER_CHANGES[profile]
    if change is not None:
        _modify(pod, container_name, change)
    if style == "copy":
        share_process_namespace(pod)
