"""Pod Security Admission (`k8s.io/pod-security-admission`) over a whole pod.

A port of the policy checks in `policy/check_*.go` and of their registry (`policy/registry.go`):
every container kind is visited (init containers, containers, then ephemeral containers), so one
earlier non-compliant debug container makes every later update of the pod fail. Messages are the
real ones:

    pods "web" is forbidden: violates PodSecurity "restricted:latest": allowPrivilegeEscalation != false
    (container "debugger" must set securityContext.allowPrivilegeEscalation=false), unrestricted
    capabilities (container "debugger" must set securityContext.capabilities.drop=["ALL"])

Checks run in the registry's order (baseline IDs sorted, then restricted IDs sorted; a restricted
check's version replaces the baseline checks it overrides). A policy version `v1.N` picks, per
check, the newest implementation whose minimum version is <= N. The server's own version bounds
that (the evaluator's emulation version, as kube-apiserver builds it): `latest` and any label
pinned to a newer version evaluate as the server's version, while messages still name the label's
policy (`restricted:latest`). `check_pod` emulates `DEFAULT_SERVER_VERSION` (v1.32: the demo
cluster's `/version` and the kubectl Ephemera matches) unless given the server's `server_version=`.
As the API server does before admission, a volume with no source is defaulted to `emptyDir`.
Not modelled: exemptions (users, namespaces, runtime classes), audit/warn modes.

Pure (no I/O, no aiohttp): the demo server (`tui.demo.api.podsecurity` adds the 403 Status) and the
debug pre-flight (`tui.debug.preflight`, which predicts the verdict) share it. Its test cases are
upstream's (tests/unit/test_podsecurity_upstream_*.py, fixtures in tests/data/psa/).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from typing import Any

from tui.pods.json_path import dig

__all__ = [
    "DEFAULT_CHECKS",
    "DEFAULT_SERVER_VERSION",
    "ENFORCE_LABEL",
    "ENFORCE_VERSION_LABEL",
    "LATEST",
    "LEVELS",
    "Check",
    "Evaluator",
    "Policy",
    "VersionedCheck",
    "Violation",
    "check_pod",
    "default_volumes",
    "evaluate",
    "forbidden_message",
    "implementation",
    "namespace_policy",
]

LEVELS = ("privileged", "baseline", "restricted")
ENFORCE_LABEL = "pod-security.kubernetes.io/enforce"
ENFORCE_VERSION_LABEL = "pod-security.kubernetes.io/enforce-version"
LATEST = "latest"
DEFAULT_SERVER_VERSION = "v1.32"
UNKNOWN_FORBIDDEN_REASON = "unknown forbidden reason"

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
    """v1.N -> N; latest (or anything else) -> None (newer than everything)."""
    match = _VERSION_RE.match(version)
    return int(match.group(1)) if match else None


# --------------------------------------------------------------------------- helpers


def _join_quote(items: list[str]) -> str:
    return '"' + '", "'.join(items) + '"' if items else ""


def _plural(singular: str, plural: str, count: int) -> str:
    return singular if count == 1 else plural


def _go_quote(text: str) -> str:
    return json.dumps(text, ensure_ascii=False)


def _containers(spec: Spec) -> list[dict[str, Any]]:
    return [c for kind in ("initContainers", "containers", "ephemeralContainers")
            for c in spec.get(kind) or [] if isinstance(c, dict)]


def _name(container: dict[str, Any]) -> str:
    return str(container.get("name") or "")


def _setters(setters: list[str], containers: list[str]) -> str:
    parts = list(setters)
    if containers:
        parts.append(f"{_plural('container', 'containers', len(containers))} {_join_quote(containers)}")
    return " and ".join(parts)


def _windows(spec: Spec) -> bool:
    return dig(spec, "os", "name") == "windows"


def _user_namespace(spec: Spec) -> bool:
    """`hostUsers: false`: the pod runs in its own user namespace (relaxes some checks from v1.35)."""
    return spec.get("hostUsers") is False


def _is_zero(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value == 0


CheckResult = tuple[str, str] | None  # None: allowed; else (forbidden reason, forbidden detail)
CheckFn = Callable[[Meta, Spec], CheckResult]


def _unless_windows(fn: CheckFn) -> CheckFn:
    """The v1.25 form of a Linux-only restricted check: a pod with `spec.os.name: windows` passes."""

    def check(meta: Meta, spec: Spec) -> CheckResult:
        return None if _windows(spec) else fn(meta, spec)

    return check


def _unless_user_namespace(fn: CheckFn) -> CheckFn:
    """The v1.35 form of a check relaxed for pods in their own user namespace (`hostUsers: false`)."""

    def check(meta: Meta, spec: Spec) -> CheckResult:
        return None if _user_namespace(spec) else fn(meta, spec)

    return check


# --------------------------------------------------------------------------- baseline checks


def _app_armor(meta: Meta, spec: Spec) -> CheckResult:
    allowed = ("RuntimeDefault", "Localhost")
    setters: list[str] = []
    values: set[str] = set()
    pod_profile = dig(spec, "securityContext", "appArmorProfile")
    if isinstance(pod_profile, dict) and pod_profile.get("type") not in allowed:
        setters.append("pod")
        values.add(str(pod_profile.get("type") or ""))
    bad: list[str] = []
    for container in _containers(spec):
        profile = dig(container, "securityContext", "appArmorProfile")
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


def _capabilities_baseline(meta: Meta, spec: Spec) -> CheckResult:
    bad: list[str] = []
    forbidden: set[str] = set()
    for container in _containers(spec):
        capabilities = dig(container, "securityContext", "capabilities")
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


def _host_namespaces(meta: Meta, spec: Spec) -> CheckResult:
    found = [f"{key}=true" for key in ("hostNetwork", "hostPID", "hostIPC") if spec.get(key) is True]
    return ("host namespaces", ", ".join(found)) if found else None


def _host_path_volumes(meta: Meta, spec: Spec) -> CheckResult:
    names = [str(v.get("name") or "") for v in _volumes(spec) if v.get("hostPath") is not None]
    if not names:
        return None
    return "hostPath volumes", f"{_plural('volume', 'volumes', len(names))} {_join_quote(names)}"


def _host_ports(meta: Meta, spec: Spec) -> CheckResult:
    bad: list[str] = []
    ports: set[str] = set()
    for container in _containers(spec):
        used = [str(p.get("hostPort")) for p in container.get("ports") or [] if isinstance(p, dict) and p.get("hostPort")]
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
        host = dig(handler, kind, "host")
        if host:
            hosts.append(str(host))
    return hosts


def _host_probes(meta: Meta, spec: Spec) -> CheckResult:
    bad: set[str] = set()
    hosts: set[str] = set()
    for container in _containers(spec):
        found = [h for probe in ("livenessProbe", "readinessProbe", "startupProbe") for h in _handler_hosts(container.get(probe))]
        found += [h for hook in ("postStart", "preStop") for h in _handler_hosts(dig(container, "lifecycle", hook))]
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


def _privileged(meta: Meta, spec: Spec) -> CheckResult:
    bad = [_name(c) for c in _containers(spec) if dig(c, "securityContext", "privileged") is True]
    if not bad:
        return None
    return "privileged", f"{_plural('container', 'containers', len(bad))} {_join_quote(bad)} must not set securityContext.privileged=true"


def _proc_mount(meta: Meta, spec: Spec) -> CheckResult:
    bad: list[str] = []
    kinds: set[str] = set()
    for container in _containers(spec):
        mount = dig(container, "securityContext", "procMount")
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
    def check(meta: Meta, spec: Spec) -> CheckResult:
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
        pod_options = dig(spec, "securityContext", "seLinuxOptions")
        if isinstance(pod_options, dict) and not valid(pod_options):
            setters.append("pod")
        bad: list[str] = []
        for container in _containers(spec):
            options = dig(container, "securityContext", "seLinuxOptions")
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


def _seccomp_annotations(meta: Meta, spec: Spec) -> CheckResult:
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
    def check(meta: Meta, spec: Spec) -> CheckResult:
        setters: list[str] = []
        values: set[str] = set()
        pod_set = False
        pod_profile = dig(spec, "securityContext", "seccompProfile")
        if isinstance(pod_profile, dict):
            if _seccomp_valid(pod_profile.get("type")):
                pod_set = True
            else:
                setters.append("pod")
                values.add(str(pod_profile.get("type") or ""))
        explicit: list[str] = []
        implicit: list[str] = []
        for container in _containers(spec):
            profile = dig(container, "securityContext", "seccompProfile")
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
_SYSCTLS_1_37 = _SYSCTLS_1_32 | {"net.ipv4.tcp_slow_start_after_idle", "net.ipv4.tcp_notsent_lowat"}


def _sysctls(allowed: frozenset[str]) -> CheckFn:
    def check(meta: Meta, spec: Spec) -> CheckResult:
        forbidden = [str(s.get("name") or "") for s in dig(spec, "securityContext", "sysctls") or []
                     if isinstance(s, dict) and str(s.get("name") or "") not in allowed]
        return ("forbidden sysctls", ", ".join(forbidden)) if forbidden else None

    return check


def _windows_host_process(meta: Meta, spec: Spec) -> CheckResult:
    bad = [_name(c) for c in _containers(spec) if dig(c, "securityContext", "windowsOptions", "hostProcess") is True]
    setters = ["pod"] if dig(spec, "securityContext", "windowsOptions", "hostProcess") is True else []
    if not bad and not setters:
        return None
    return "hostProcess", f"{_setters(setters, bad)} must not set securityContext.windowsOptions.hostProcess=true"


# --------------------------------------------------------------------------- restricted checks


def _allow_privilege_escalation(meta: Meta, spec: Spec) -> CheckResult:
    bad = [_name(c) for c in _containers(spec) if dig(c, "securityContext", "allowPrivilegeEscalation") is not False]
    if not bad:
        return None
    return (
        "allowPrivilegeEscalation != false",
        f"{_plural('container', 'containers', len(bad))} {_join_quote(bad)} must set securityContext.allowPrivilegeEscalation=false",
    )


def _capabilities_restricted(meta: Meta, spec: Spec) -> CheckResult:
    missing_drop: list[str] = []
    adding: list[str] = []
    forbidden: set[str] = set()
    for container in _containers(spec):
        capabilities = dig(container, "securityContext", "capabilities")
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
VOLUME_SOURCES = _ALLOWED_VOLUME_SOURCES + _RESTRICTED_VOLUME_TYPES  # every field of core/v1 VolumeSource


def _volumes(spec: Spec) -> list[dict[str, Any]]:
    return [v for v in spec.get("volumes") or [] if isinstance(v, dict)]


def _restricted_volumes(meta: Meta, spec: Spec) -> CheckResult:
    bad: list[str] = []
    kinds: set[str] = set()
    for volume in _volumes(spec):
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


def _run_as_non_root(meta: Meta, spec: Spec) -> CheckResult:
    setters: list[str] = []
    pod_non_root = False
    pod_value = dig(spec, "securityContext", "runAsNonRoot")
    if pod_value is not None:
        if pod_value is False:
            setters.append("pod")
        else:
            pod_non_root = True
    explicit: list[str] = []
    implicit: list[str] = []
    for container in _containers(spec):
        own = dig(container, "securityContext", "runAsNonRoot")
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


def _run_as_user(meta: Meta, spec: Spec) -> CheckResult:
    setters = ["pod"] if _is_zero(dig(spec, "securityContext", "runAsUser")) else []
    explicit = [_name(c) for c in _containers(spec) if _is_zero(dig(c, "securityContext", "runAsUser"))]
    if not setters and not explicit:
        return None
    return "runAsUser=0", f"{_setters(setters, explicit)} must not set runAsUser=0"


# --------------------------------------------------------------------------- registry


@dataclass(frozen=True)
class VersionedCheck:
    """One implementation of a check, used from `minimum_version` (v1.N) until the next one."""

    minimum_version: str
    check_pod: CheckFn
    override_check_ids: tuple[str, ...] = ()  # baseline checks this (restricted) one replaces


@dataclass(frozen=True)
class Check:
    """A check of one level and its implementations, oldest first (upstream `policy.Check`)."""

    id: str
    level: str
    versions: tuple[VersionedCheck, ...]


DEFAULT_CHECKS: tuple[Check, ...] = (
    Check("allowPrivilegeEscalation", "restricted", (
        VersionedCheck("v1.8", _allow_privilege_escalation),
        VersionedCheck("v1.25", _unless_windows(_allow_privilege_escalation)),
    )),
    Check("appArmorProfile", "baseline", (VersionedCheck("v1.0", _app_armor),)),
    Check("capabilities_baseline", "baseline", (VersionedCheck("v1.0", _capabilities_baseline),)),
    Check("capabilities_restricted", "restricted", (
        VersionedCheck("v1.22", _capabilities_restricted, ("capabilities_baseline",)),
        VersionedCheck("v1.25", _unless_windows(_capabilities_restricted), ("capabilities_baseline",)),
    )),
    Check("hostNamespaces", "baseline", (VersionedCheck("v1.0", _host_namespaces),)),
    Check("hostPathVolumes", "baseline", (VersionedCheck("v1.0", _host_path_volumes),)),
    Check("hostPorts", "baseline", (VersionedCheck("v1.0", _host_ports),)),
    Check("hostProbesAndHostLifecycle", "baseline", (VersionedCheck("v1.34", _host_probes),)),
    Check("privileged", "baseline", (VersionedCheck("v1.0", _privileged),)),
    Check("procMount", "baseline", (
        VersionedCheck("v1.0", _proc_mount),
        VersionedCheck("v1.35", _unless_user_namespace(_proc_mount)),
    )),
    Check("procMount_restricted", "restricted", (VersionedCheck("v1.35", _proc_mount, ("procMount",)),)),
    Check("restrictedVolumes", "restricted", (VersionedCheck("v1.0", _restricted_volumes, ("hostPathVolumes",)),)),
    Check("runAsNonRoot", "restricted", (
        VersionedCheck("v1.0", _run_as_non_root),
        VersionedCheck("v1.35", _unless_user_namespace(_run_as_non_root)),
    )),
    Check("runAsUser", "restricted", (
        VersionedCheck("v1.23", _run_as_user),
        VersionedCheck("v1.35", _unless_user_namespace(_run_as_user)),
    )),
    Check("seLinuxOptions", "baseline", (
        VersionedCheck("v1.0", _se_linux(_SELINUX_1_0)),
        VersionedCheck("v1.31", _se_linux(_SELINUX_1_31)),
    )),
    Check("seccompProfile_baseline", "baseline", (
        VersionedCheck("v1.0", _seccomp_annotations),
        VersionedCheck("v1.19", _seccomp(restricted=False)),
    )),
    Check("seccompProfile_restricted", "restricted", (
        VersionedCheck("v1.19", _seccomp(restricted=True), ("seccompProfile_baseline",)),
        VersionedCheck("v1.25", _unless_windows(_seccomp(restricted=True)), ("seccompProfile_baseline",)),
    )),
    Check("sysctls", "baseline", (
        VersionedCheck("v1.0", _sysctls(_SYSCTLS_1_0)),
        VersionedCheck("v1.27", _sysctls(_SYSCTLS_1_27)),
        VersionedCheck("v1.29", _sysctls(_SYSCTLS_1_29)),
        VersionedCheck("v1.32", _sysctls(_SYSCTLS_1_32)),
        VersionedCheck("v1.37", _sysctls(_SYSCTLS_1_37)),
    )),
    Check("windowsHostProcess", "baseline", (VersionedCheck("v1.0", _windows_host_process),)),
)


def implementation(check_id: str, minimum_version: str, checks: Iterable[Check] = DEFAULT_CHECKS) -> CheckFn:
    """The implementation of `check_id` registered at exactly `minimum_version` (upstream's
    `allowPrivilegeEscalation_1_25` is `implementation("allowPrivilegeEscalation", "v1.25")`)."""
    for check in checks:
        if check.id == check_id:
            for versioned in check.versions:
                if versioned.minimum_version == minimum_version:
                    return versioned.check_pod
    raise KeyError(f"no {check_id} check registered at {minimum_version}")


def _required_minor(version: str, what: str) -> int:
    minor = _minor(version)
    if minor is None:
        raise ValueError(f"{what}: version must be v1.N, not {version!r}")
    return minor


def _validate(checks: tuple[Check, ...]) -> None:
    """Upstream `validateChecks`: unique IDs, known levels, strictly increasing versions, overrides
    only from restricted checks and only of baseline ones."""
    levels: dict[str, str] = {}
    for check in checks:
        if check.id in levels:
            raise ValueError(f"multiple checks registered for ID {check.id}")
        levels[check.id] = check.level
        if check.level not in ("baseline", "restricted"):
            raise ValueError(f"check {check.id}: invalid level {check.level}")
        if not check.versions:
            raise ValueError(f"check {check.id}: empty")
        last = -1
        for versioned in check.versions:
            minor = _required_minor(versioned.minimum_version, f"check {check.id}")
            if minor <= last:
                raise ValueError(f"check {check.id}: versions must be strictly increasing")
            last = minor
    for check in checks:
        for versioned in check.versions:
            if versioned.override_check_ids and check.level != "restricted":
                raise ValueError(f"check {check.id}: only restricted checks may set overrides")
            for override in versioned.override_check_ids:
                if levels.get(override, "baseline") != "baseline":
                    raise ValueError(f"check {check.id}: overrides {levels[override]} check {override}")


class Evaluator:
    """Upstream `policy.NewEvaluator(checks, emulationVersion)`: the checks each level and version
    runs, newest implementations per version, and the newest version it evaluates (the newest
    check version, or the emulated server's when older); newer policy versions and `latest`
    evaluate as that one."""

    def __init__(self, checks: Iterable[Check] = DEFAULT_CHECKS, emulation_version: str | None = None) -> None:
        self.checks = tuple(checks)
        _validate(self.checks)
        newest = max((_required_minor(c.versions[-1].minimum_version, c.id) for c in self.checks), default=0)
        self.max_minor = newest
        if emulation_version is not None:
            emulated = _minor(emulation_version)
            if emulated is not None and emulated < newest:
                self.max_minor = emulated
        ordered = (sorted(c.id for c in self.checks if c.level == "baseline")
                   + sorted(c.id for c in self.checks if c.level == "restricted"))
        self._baseline: list[list[tuple[str, CheckFn]]] = []
        self._restricted: list[list[tuple[str, CheckFn]]] = []
        for minor in range(newest + 1):
            baseline = {c.id: v for c in self.checks if c.level == "baseline" and (v := _at(c, minor))}
            restricted = {c.id: v for c in self.checks if c.level == "restricted" and (v := _at(c, minor))}
            overridden = {o for v in restricted.values() for o in v.override_check_ids}
            restricted.update((i, v) for i, v in baseline.items() if i not in overridden)
            self._baseline.append([(i, baseline[i].check_pod) for i in ordered if i in baseline])
            self._restricted.append([(i, restricted[i].check_pod) for i in ordered if i in restricted])

    @property
    def max_version(self) -> str:
        return f"v1.{self.max_minor}"

    def effective_version(self, version: str) -> str:
        """The version a policy version evaluates as: `latest` and newer ones are the newest here."""
        minor = _minor(version)
        return self.max_version if minor is None or minor > self.max_minor else f"v1.{minor}"

    def checks_for(self, level: str, version: str) -> list[tuple[str, CheckFn]]:
        """(check ID, implementation) in the order the registry runs them; none for privileged."""
        if level == "privileged" or not self.checks:
            return []
        minor = _required_minor(self.effective_version(version), "policy")
        table = self._baseline if level == "baseline" else self._restricted
        return list(table[minor])

    def evaluate_pod(self, level: str, version: str, meta: Meta, spec: Spec) -> list[Violation]:
        """Every failed check (upstream `EvaluatePod` + `AggregateCheckResults`)."""
        violations: list[Violation] = []
        for check_id, fn in self.checks_for(level, version):
            result = fn(meta, spec)
            if result is not None:
                reason, detail = result
                violations.append(Violation(check_id, reason or UNKNOWN_FORBIDDEN_REASON, detail))
        return violations


def _at(check: Check, minor: int) -> VersionedCheck | None:
    chosen: VersionedCheck | None = None
    for versioned in check.versions:
        if _required_minor(versioned.minimum_version, check.id) <= minor:
            chosen = versioned
    return chosen


@cache
def _evaluator(server_version: str) -> Evaluator:
    return Evaluator(DEFAULT_CHECKS, None if server_version == LATEST else server_version)


def default_volumes(spec: Spec) -> Spec:
    """The spec as the API server stores it: a volume with no source is an `emptyDir` (core/v1
    `SetDefaults_Volume`); the spec itself is not changed."""
    volumes = spec.get("volumes")
    if not isinstance(volumes, list) or not any(
        isinstance(v, dict) and all(v.get(source) is None for source in VOLUME_SOURCES) for v in volumes
    ):
        return spec
    defaulted = [
        {**v, "emptyDir": {}} if isinstance(v, dict) and all(v.get(s) is None for s in VOLUME_SOURCES) else v
        for v in volumes
    ]
    return {**spec, "volumes": defaulted}


def _policy(level: str | Policy, version: str | None = None) -> Policy:
    if isinstance(level, Policy):
        return level
    if ":" in level:
        name, _, ver = level.partition(":")
        return Policy(name, ver)
    return Policy(level, version or LATEST)


def check_pod(pod: Pod, level: str | Policy, version: str | None = None, *,
              server_version: str | None = None) -> list[Violation]:
    """Every failed check for the whole pod (init, regular and ephemeral containers), as a server of
    `server_version` (v1.N, `latest` for the newest checks known here; default
    `DEFAULT_SERVER_VERSION`) enforcing `level` (`restricted`, `restricted:v1.30` or a `Policy`)."""
    policy = _policy(level, version)
    if policy.level not in ("baseline", "restricted"):
        return []
    meta = pod.get("metadata") or {}
    spec = default_volumes(pod.get("spec") or {})
    return _evaluator(server_version or DEFAULT_SERVER_VERSION).evaluate_pod(policy.level, policy.version, meta, spec)


def evaluate(pod: Pod, level: str | Policy, version: str | None = None, *,
             server_version: str | None = None) -> list[str]:
    """The failed checks as `reason (detail)` strings, in the server's order; empty when allowed."""
    return [str(v) for v in check_pod(pod, level, version, server_version=server_version)]


def forbidden_message(pod_name: str, level: str | Policy, violations: list[str] | list[Violation], version: str | None = None) -> str:
    """`pods "NAME" is forbidden: violates PodSecurity "restricted:latest": v1, v2` (the policy as
    labelled, even when the server evaluates an older version)."""
    policy = _policy(level, version)
    joined = ", ".join(str(v) for v in violations)
    return f"pods {_go_quote(pod_name)} is forbidden: violates PodSecurity {_go_quote(str(policy))}: {joined}"
