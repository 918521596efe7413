"""Pod Security Admission (`k8s.io/pod-security-admission`) over a whole pod.

A port of the policy checks in `policy/check_*.go`: every container kind is visited (init
containers, containers, then ephemeral containers), so one earlier non-compliant debug container
makes every later update of the pod fail. Messages are the real ones:

    pods "web" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false
    (container "debugger" must set securityContext.allowPrivilegeEscalation=false), unrestricted
    capabilities (container "debugger" must set securityContext.capabilities.drop=["ALL"])

Checks run in the registry's order (baseline IDs sorted, then restricted IDs sorted; a restricted
check replaces the baseline check it overrides). Versioned policies (`enforce-version: v1.N`)
pick the newest check implementation whose minimum version is <= N; `latest` takes the newest.
Not modelled: exemptions, the user-namespace relaxation, audit/warn modes.

Pure (no I/O, no aiohttp): the demo server (`tui.demo.api.podsecurity` adds the 403 Status) and the
debug pre-flight (`tui.debug.preflight`, which predicts the verdict) share it.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

__all__ = [
    "ENFORCE_LABEL",
    "ENFORCE_VERSION_LABEL",
    "LATEST",
    "LEVELS",
    "Policy",
    "Violation",
    "check_pod",
    "evaluate",
    "forbidden_message",
    "namespace_policy",
]

LEVELS = ("privileged", "baseline", "restricted")
ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version"
LATEST = "latest"

Pod = dict[str, Any]
Spec = dict[str, Any]
Meta = dict[str, Any]


@dataclass(frozen=True)
class Policy:
    """An enforce level and version, printed as the server does: `restricted:latest`."""

    level: str = "privileged"
    version: str = LATEST

    def __str__(self) -> str:
        return f"{self.level}:{self.version}"


@dataclass(frozen=True)
class Violation:
    """One failed check: `reason (detail)` in messages."""

    check: str
    reason: str
    detail: str

    def __str__(self) -> str:
        return f"{self.reason} ({self.detail})" if self.detail else self.reason


_VERSION_RE = re.compile(r"^v1\.(0|[1-9][0-9]*)$")


def namespace_policy(labels: dict[str, str] | None) -> Policy:
    """The enforce policy a namespace's labels select (no label: privileged; a bad level: restricted)."""
    labels = labels or {}
    level = "privileged"
    if ENFORCE_LABEL in labels:
        value = labels[ENFORCE_LABEL]
        level = value if value in LEVELS else "restricted"
    version = LATEST
    raw_version = labels.get(ENFORCE_VERSION_LABEL)
    if raw_version is not None and _VERSION_RE.match(raw_version):
        version = raw_version
    return Policy(level, version)


def _minor(version: str) -> int | None:
    """v1.N -> N; latest -> None (newer than everything)."""
    match = _VERSION_RE.match(version)
    return int(match.group(1)) if match else None


# --------------------------------------------------------------------------- helpers


def _join_quote(items: list[str]) -> str:
    return '"' + '", "'.join(items) + '"' if items else ""


def _plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _go_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _get(node: Any, *path: str) -> Any:
    for key in path:
        if not isinstance(node, dict):
            return None
        node = node.get(key)
    return node


def _containers(spec: Spec) -> list[dict[str, Any]]:
    return [*(spec.get("initContainers") or []), *(spec.get("containers") or []), *(spec.get("ephemeralContainers") or [])]


def _name(container: dict[str, Any]) -> str:
    return str(container.get("name") or "")


def _setters(setters: list[str], containers: list[str]) -> str:
    parts = list(setters)
    if containers:
        parts.append(f"{_plural('container', 'containers', len(containers))} {_join_quote(containers)}")
    return " and ".join(parts)


def _windows(spec: Spec) -> bool:
    return _get(spec, "os", "name") == "windows"


CheckFn = Callable[[Meta, Spec], tuple[str, str] | None]


# --------------------------------------------------------------------------- baseline checks


def _app_armor(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    allowed = ("RuntimeDefault", "Localhost")
    setters: list[str] = []
    values: set[str] = set()
    pod_profile = _get(spec, "securityContext", "appArmorProfile")
    if isinstance(pod_profile, dict) and pod_profile.get("type") not in allowed:
        setters.append("pod")
        values.add(str(pod_profile.get("type") or ""))
    bad: list[str] = []
    for container in _containers(spec):
        profile = _get(container, "securityContext", "appArmorProfile")
        if isinstance(profile, dict) and profile.get("type") not in allowed:
            bad.append(_name(container))
            values.add(str(profile.get("type") or ""))
    if bad:
        setters.append(f"{_plural('container', 'containers', len(bad))} {_join_quote(bad)}")
    annotations = []
    for key, value in (meta.get("annotations") or {}).items():
        if key.startswith("container.apparmor.security.beta.kubernetes.io/"):
            text = str(value)
            if text and text != "runtime/default" and not text.startswith("localhost/"):
                annotations.append(f"{key}={_go_quote(text)}")
    value_list = sorted(values)
    if annotations:
        value_list += sorted(annotations)
        setters.append(_plural("annotation", "annotations", len(annotations)))
    if not setters:
        return None
    return (
        _plural("forbidden AppArmor profile", "forbidden AppArmor profiles", len(value_list)),
        f"{' and '.join(setters)} must not set AppArmor profile type to {_join_quote(value_list)}",
    )


BASELINE_CAPABILITIES = frozenset(
    {"AUDIT_WRITE", "CHOWN", "DAC_OVERRIDE", "FOWNER", "FSETID", "KILL", "MKNOD", "NET_BIND_SERVICE",
     "SETFCAP", "SETGID", "SETPCAP", "SETUID", "SYS_CHROOT"}
)


def _capabilities_baseline(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    bad: list[str] = []
    forbidden: set[str] = set()
    for container in _containers(spec):
        capabilities = _get(container, "securityContext", "capabilities")
        if not isinstance(capabilities, dict):
            continue
        extra = [str(c) for c in capabilities.get("add") or [] if str(c) not in BASELINE_CAPABILITIES]
        if extra:
            bad.append(_name(container))
            forbidden.update(extra)
    if not bad:
        return None
    return (
        "non-default capabilities",
        f"{_plural('container', 'containers', len(bad))} {_join_quote(bad)} must not include "
        f"{_join_quote(sorted(forbidden))} in securityContext.capabilities.add",
    )


def _host_namespaces(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    found = [f"{key}=true" for key in ("hostIPC", "hostNetwork", "hostPID") if spec.get(key) is True]
    return ("host namespaces", ", ".join(found)) if found else None


def _host_path_volumes(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    names = [str(v.get("name") or "") for v in spec.get("volumes") or [] if v.get("hostPath") is not None]
    if not names:
        return None
    return "hostPath volumes", f"{_plural('volume', 'volumes', len(names))} {_join_quote(names)}"


def _host_ports(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    bad: list[str] = []
    ports: set[str] = set()
    for container in _containers(spec):
        used = [str(p.get("hostPort")) for p in container.get("ports") or [] if p.get("hostPort")]
        if used:
            bad.append(_name(container))
            ports.update(used)
    if not bad:
        return None
    return (
        "hostPort",
        f"{_plural('container', 'containers', len(bad))} {_join_quote(bad)} {_plural('uses', 'use', len(bad))} "
        f"{_plural('hostPort', 'hostPorts', len(ports))} {', '.join(sorted(ports))}",
    )


def _handler_hosts(handler: Any) -> list[str]:
    hosts = []
    for kind in ("httpGet", "tcpSocket"):
        host = _get(handler, kind, "host")
        if host:
            hosts.append(str(host))
    return hosts


def _host_probes(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    bad: set[str] = set()
    hosts: set[str] = set()
    for container in _containers(spec):
        found = [h for probe in ("livenessProbe", "readinessProbe", "startupProbe") for h in _handler_hosts(container.get(probe))]
        found += [h for hook in ("postStart", "preStop") for h in _handler_hosts(_get(container, "lifecycle", hook))]
        if found:
            bad.add(_name(container))
            hosts.update(found)
    if not bad:
        return None
    return (
        "probe or lifecycle host",
        f"{_plural('container', 'containers', len(bad))} {_join_quote(sorted(bad))} {_plural('uses', 'use', len(bad))} "
        f"{_plural('probe or lifecycle host', 'probe or lifecycle hosts', len(hosts))} {_join_quote(sorted(hosts))}",
    )


def _privileged(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    bad = [_name(c) for c in _containers(spec) if _get(c, "securityContext", "privileged") is True]
    if not bad:
        return None
    return "privileged", f"{_plural('container', 'containers', len(bad))} {_join_quote(bad)} must not set securityContext.privileged=true"


def _proc_mount(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    bad: list[str] = []
    kinds: set[str] = set()
    for container in _containers(spec):
        mount = _get(container, "securityContext", "procMount")
        if mount is not None and mount != "Default":
            bad.append(_name(container))
            kinds.add(str(mount))
    if not bad:
        return None
    return (
        "procMount",
        f"{_plural('container', 'containers', len(bad))} {_join_quote(bad)} must not set securityContext.procMount to "
        f"{_join_quote(sorted(kinds))}",
    )


def _se_linux(allowed_types: frozenset[str]) -> CheckFn:
    def check(meta: Meta, spec: Spec) -> tuple[str, str] | None:
        bad_types: set[str] = set()
        flags = {"user": False, "role": False}

        def valid(options: dict[str, Any]) -> bool:
            ok = True
            kind = str(options.get("type") or "")
            if kind not in allowed_types:
                ok = False
                bad_types.add(kind)
            for key in ("user", "role"):
                if options.get(key):
                    ok = False
                    flags[key] = True
            return ok

        setters: list[str] = []
        pod_options = _get(spec, "securityContext", "seLinuxOptions")
        if isinstance(pod_options, dict) and not valid(pod_options):
            setters.append("pod")
        bad: list[str] = []
        for container in _containers(spec):
            options = _get(container, "securityContext", "seLinuxOptions")
            if isinstance(options, dict) and not valid(options):
                bad.append(_name(container))
        if not setters and not bad:
            return None
        data: list[str] = []
        if bad_types:
            data.append(f"{_plural('type', 'types', len(bad_types))} {_join_quote(sorted(bad_types))}")
        if flags["user"]:
            data.append("user may not be set")
        if flags["role"]:
            data.append("role may not be set")
        return "seLinuxOptions", f"{_setters(setters, bad)} set forbidden securityContext.seLinuxOptions: {'; '.join(data)}"

    return check


_SELINUX_1_0 = frozenset({"", "container_t", "container_init_t", "container_kvm_t"})
_SELINUX_1_31 = _SELINUX_1_0 | {"container_engine_t"}


def _seccomp_valid(kind: Any) -> bool:
    return kind in ("RuntimeDefault", "Localhost")


def _seccomp_annotations(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    annotations = meta.get("annotations") or {}

    def valid(text: str) -> bool:
        return text in ("runtime/default", "docker/default") or text.startswith("localhost/")

    forbidden: set[str] = set()
    pod_key = "seccomp.security.alpha.kubernetes.io/pod"
    if pod_key in annotations and not valid(str(annotations[pod_key])):
        forbidden.add(f"{pod_key}={_go_quote(str(annotations[pod_key]))}")
    for container in _containers(spec):
        key = "container.seccomp.security.alpha.kubernetes.io/" + _name(container)
        if key in annotations and not valid(str(annotations[key])):
            forbidden.add(f"{key}={_go_quote(str(annotations[key]))}")
    if not forbidden:
        return None
    return "seccompProfile", f"forbidden {_plural('annotation', 'annotations', len(forbidden))} {', '.join(sorted(forbidden))}"


def _seccomp(restricted: bool) -> CheckFn:
    def check(meta: Meta, spec: Spec) -> tuple[str, str] | None:
        if restricted and _windows(spec):
            return None
        setters: list[str] = []
        values: set[str] = set()
        pod_set = False
        pod_profile = _get(spec, "securityContext", "seccompProfile")
        if isinstance(pod_profile, dict):
            if _seccomp_valid(pod_profile.get("type")):
                pod_set = True
            else:
                setters.append("pod")
                values.add(str(pod_profile.get("type") or ""))
        explicit: list[str] = []
        implicit: list[str] = []
        for container in _containers(spec):
            profile = _get(container, "securityContext", "seccompProfile")
            if isinstance(profile, dict):
                if not _seccomp_valid(profile.get("type")):
                    explicit.append(_name(container))
                    values.add(str(profile.get("type") or ""))
            elif restricted and not pod_set:
                implicit.append(_name(container))
        if setters or explicit:
            return (
                "seccompProfile",
                f"{_setters(setters, explicit)} must not set securityContext.seccompProfile.type to {_join_quote(sorted(values))}",
            )
        if implicit:
            return (
                "seccompProfile",
                f"pod or {_plural('container', 'containers', len(implicit))} {_join_quote(implicit)} must set "
                'securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"',
            )
        return None

    return check


_SYSCTLS_1_0 = frozenset(
    {"kernel.shm_rmid_forced", "net.ipv4.ip_local_port_range", "net.ipv4.tcp_syncookies",
     "net.ipv4.ping_group_range", "net.ipv4.ip_unprivileged_port_start"}
)
_SYSCTLS_1_27 = _SYSCTLS_1_0 | {"net.ipv4.ip_local_reserved_ports"}
_SYSCTLS_1_29 = _SYSCTLS_1_27 | {"net.ipv4.tcp_keepalive_time", "net.ipv4.tcp_fin_timeout",
                                 "net.ipv4.tcp_keepalive_intvl", "net.ipv4.tcp_keepalive_probes"}
_SYSCTLS_1_32 = _SYSCTLS_1_29 | {"net.ipv4.tcp_rmem", "net.ipv4.tcp_wmem"}


def _sysctls(allowed: frozenset[str]) -> CheckFn:
    def check(meta: Meta, spec: Spec) -> tuple[str, str] | None:
        forbidden = [str(s.get("name") or "") for s in _get(spec, "securityContext", "sysctls") or []
                     if str(s.get("name") or "") not in allowed]
        return ("forbidden sysctls", ", ".join(forbidden)) if forbidden else None

    return check


def _windows_host_process(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    bad = [_name(c) for c in _containers(spec) if _get(c, "securityContext", "windowsOptions", "hostProcess") is True]
    setters = ["pod"] if _get(spec, "securityContext", "windowsOptions", "hostProcess") is True else []
    if not bad and not setters:
        return None
    return "hostProcess", f"{_setters(setters, bad)} must not set securityContext.windowsOptions.hostProcess=true"


# --------------------------------------------------------------------------- restricted checks


def _allow_privilege_escalation(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    if _windows(spec):
        return None
    bad = [_name(c) for c in _containers(spec) if _get(c, "securityContext", "allowPrivilegeEscalation") is not False]
    if not bad:
        return None
    return (
        "allowPrivilegeEscalation != false",
        f"{_plural('container', 'containers', len(bad))} {_join_quote(bad)} must set securityContext.allowPrivilegeEscalation=false",
    )


def _capabilities_restricted(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    if _windows(spec):
        return None
    missing_drop: list[str] = []
    adding: list[str] = []
    forbidden: set[str] = set()
    for container in _containers(spec):
        capabilities = _get(container, "securityContext", "capabilities")
        if not isinstance(capabilities, dict):
            missing_drop.append(_name(container))
            continue
        if "ALL" not in (capabilities.get("drop") or []):
            missing_drop.append(_name(container))
        extra = [str(c) for c in capabilities.get("add") or [] if c != "NET_BIND_SERVICE"]
        if extra:
            adding.append(_name(container))
            forbidden.update(extra)
    details: list[str] = []
    if missing_drop:
        details.append(
            f"{_plural('container', 'containers', len(missing_drop))} {_join_quote(missing_drop)} "
            'must set securityContext.capabilities.drop=["ALL"]'
        )
    if adding:
        details.append(
            f"{_plural('container', 'containers', len(adding))} {_join_quote(adding)} must not include "
            f"{_join_quote(sorted(forbidden))} in securityContext.capabilities.add"
        )
    return ("unrestricted capabilities", "; ".join(details)) if details else None


_ALLOWED_VOLUME_SOURCES = ("configMap", "csi", "downwardAPI", "emptyDir", "ephemeral", "image",
                           "persistentVolumeClaim", "projected", "secret")
_RESTRICTED_VOLUME_TYPES = ("hostPath", "gcePersistentDisk", "awsElasticBlockStore", "gitRepo", "nfs", "iscsi",
                            "glusterfs", "rbd", "flexVolume", "cinder", "cephfs", "flocker", "fc", "azureFile",
                            "vsphereVolume", "quobyte", "azureDisk", "photonPersistentDisk", "portworxVolume",
                            "scaleIO", "storageos")


def _restricted_volumes(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    bad: list[str] = []
    kinds: set[str] = set()
    for volume in spec.get("volumes") or []:
        if any(volume.get(source) is not None for source in _ALLOWED_VOLUME_SOURCES):
            continue
        bad.append(str(volume.get("name") or ""))
        kinds.add(next((kind for kind in _RESTRICTED_VOLUME_TYPES if volume.get(kind) is not None), "unknown"))
    if not bad:
        return None
    return (
        "restricted volume types",
        f"{_plural('volume', 'volumes', len(bad))} {_join_quote(bad)} {_plural('uses', 'use', len(bad))} "
        f"{_plural('restricted volume type', 'restricted volume types', len(kinds))} {_join_quote(sorted(kinds))}",
    )


def _run_as_non_root(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    setters: list[str] = []
    pod_non_root = False
    pod_value = _get(spec, "securityContext", "runAsNonRoot")
    if pod_value is not None:
        if pod_value is False:
            setters.append("pod")
        else:
            pod_non_root = True
    explicit: list[str] = []
    implicit: list[str] = []
    for container in _containers(spec):
        own = _get(container, "securityContext", "runAsNonRoot")
        if own is not None:
            if own is False:
                explicit.append(_name(container))
        elif not pod_non_root:
            implicit.append(_name(container))
    if setters or explicit:
        return "runAsNonRoot != true", f"{_setters(setters, explicit)} must not set securityContext.runAsNonRoot=false"
    if implicit:
        return (
            "runAsNonRoot != true",
            f"pod or {_plural('container', 'containers', len(implicit))} {_join_quote(implicit)} "
            "must set securityContext.runAsNonRoot=true",
        )
    return None


def _run_as_user(meta: Meta, spec: Spec) -> tuple[str, str] | None:
    setters = ["pod"] if _get(spec, "securityContext", "runAsUser") == 0 else []
    explicit = [_name(c) for c in _containers(spec) if _get(c, "securityContext", "runAsUser") == 0]
    if not setters and not explicit:
        return None
    return "runAsUser=0", f"{_setters(setters, explicit)} must not set runAsUser=0"


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class _Check:
    id: str
    level: str
    versions: tuple[tuple[int, CheckFn], ...]  # (minimum minor version, implementation), ascending
    overrides: tuple[str, ...] = ()

    def for_version(self, minor: int | None) -> CheckFn | None:
        chosen: CheckFn | None = None
        for minimum, fn in self.versions:
            if minor is None or minimum <= minor:
                chosen = fn
        return chosen


_CHECKS: tuple[_Check, ...] = (
    _Check("allowPrivilegeEscalation", "restricted", ((8, _allow_privilege_escalation),)),
    _Check("appArmorProfile", "baseline", ((0, _app_armor),)),
    _Check("capabilities_baseline", "baseline", ((0, _capabilities_baseline),)),
    _Check("capabilities_restricted", "restricted", ((22, _capabilities_restricted),), ("capabilities_baseline",)),
    _Check("hostNamespaces", "baseline", ((0, _host_namespaces),)),
    _Check("hostPathVolumes", "baseline", ((0, _host_path_volumes),)),
    _Check("hostPorts", "baseline", ((0, _host_ports),)),
    _Check("hostProbesAndHostLifecycle", "baseline", ((34, _host_probes),)),
    _Check("privileged", "baseline", ((0, _privileged),)),
    _Check("procMount", "baseline", ((0, _proc_mount),)),
    _Check("procMount_restricted", "restricted", ((35, _proc_mount),), ("procMount",)),
    _Check("restrictedVolumes", "restricted", ((0, _restricted_volumes),), ("hostPathVolumes",)),
    _Check("runAsNonRoot", "restricted", ((0, _run_as_non_root),)),
    _Check("runAsUser", "restricted", ((23, _run_as_user),)),
    _Check("seLinuxOptions", "baseline", ((0, _se_linux(_SELINUX_1_0)), (31, _se_linux(_SELINUX_1_31)))),
    _Check("seccompProfile_baseline", "baseline", ((0, _seccomp_annotations), (19, _seccomp(restricted=False)))),
    _Check("seccompProfile_restricted", "restricted", ((19, _seccomp(restricted=True)),), ("seccompProfile_baseline",)),
    _Check("sysctls", "baseline", ((0, _sysctls(_SYSCTLS_1_0)), (27, _sysctls(_SYSCTLS_1_27)),
                                   (29, _sysctls(_SYSCTLS_1_29)), (32, _sysctls(_SYSCTLS_1_32)))),
    _Check("windowsHostProcess", "baseline", ((0, _windows_host_process),)),
)


def _checks_for(level: str, version: str) -> list[tuple[str, CheckFn]]:
    minor = _minor(version)
    baseline = sorted((c for c in _CHECKS if c.level == "baseline"), key=lambda c: c.id)
    restricted = sorted((c for c in _CHECKS if c.level == "restricted"), key=lambda c: c.id)
    chosen: list[tuple[str, CheckFn]] = []
    overridden: set[str] = set()
    if level == "restricted":
        for check in restricted:
            if check.for_version(minor) is not None:
                overridden.update(check.overrides)
    for check in baseline:
        fn = check.for_version(minor)
        if fn is not None and check.id not in overridden:
            chosen.append((check.id, fn))
    if level == "restricted":
        for check in restricted:
            fn = check.for_version(minor)
            if fn is not None:
                chosen.append((check.id, fn))
    return chosen


def _policy(level: str | Policy, version: str | None = None) -> Policy:
    if isinstance(level, Policy):
        return level
    if ":" in level:
        name, _, ver = level.partition(":")
        return Policy(name, ver)
    return Policy(level, version or LATEST)


def check_pod(pod: Pod, level: str | Policy, version: str | None = None) -> list[Violation]:
    """Every failed check for the whole pod (init, regular and ephemeral containers)."""
    policy = _policy(level, version)
    if policy.level not in ("baseline", "restricted"):
        return []
    meta = pod.get("metadata") or {}
    spec = pod.get("spec") or {}
    violations: list[Violation] = []
    for check_id, fn in _checks_for(policy.level, policy.version):
        result = fn(meta, spec)
        if result is not None:
            reason, detail = result
            violations.append(Violation(check_id, reason or "unknown forbidden reason", detail))
    return violations


def evaluate(pod: Pod, level: str | Policy, version: str | None = None) -> list[str]:
    """The failed checks as `reason (detail)` strings, in the server's order; empty when allowed."""
    return [str(v) for v in check_pod(pod, level, version)]


def forbidden_message(pod_name: str, level: str | Policy, violations: list[str] | list[Violation], version: str | None = None) -> str:
    """`pods "NAME" is forbidden: violates PodSecurity "restricted:latest": v1, v2`."""
    policy = _policy(level, version)
    joined = ", ".join(str(v) for v in violations)
    return f"pods {_go_quote(pod_name)} is forbidden: violates PodSecurity {_go_quote(str(policy))}: {joined}"
