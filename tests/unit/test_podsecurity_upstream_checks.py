"""Kubernetes' own Pod Security Admission check cases, ported from kubernetes/pod-security-admission
(commit in tests/data/psa/README.md): `policy/check_*_test.go` (each check implementation's pass and
fail cases with the exact forbidden reason and detail), `policy/registry_test.go` (which checks run
for each level and version, overrides, the newest version) and the emulation case of
`check_hostProbesAndhostLifecycle_test.go`. Go structs are written as the pod JSON they encode to;
upstream's `allowPrivilegeEscalation_1_25` is `implementation("allowPrivilegeEscalation", "v1.25")`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from tui.pods.security import DEFAULT_CHECKS, Check, Evaluator, VersionedCheck, check_pod, implementation

Json = dict[str, Any]


@dataclass(frozen=True)
class Case:
    test: str  # the upstream Go test function
    name: str  # the upstream case name
    check: str
    version: str  # the implementation's minimum version (the Go function's suffix)
    pod: Json
    reason: str = ""  # "" (and detail "") when the pod is allowed
    detail: str = ""

    @property
    def id(self) -> str:
        return f"{self.test}/{self.name}"


def pod(spec: Json | None = None, annotations: dict[str, str] | None = None) -> Json:
    return {"metadata": {"annotations": annotations} if annotations else {}, "spec": spec or {}}


def c(name: str, sc: Json | None = None, **fields: Any) -> Json:
    """A container; `sc` its securityContext (None: nil, {}: an empty one)."""
    container: Json = {"name": name, **fields}
    if sc is not None:
        container["securityContext"] = sc
    return container


WINDOWS = {"name": "windows"}
LINUX = {"name": "linux"}

CASES: list[Case] = []
_spec: Any  # the loops below build their cases from tables of mixed shapes
_containers: Any


def case(*args: Any, **kwargs: Any) -> None:
    CASES.append(Case(*args, **kwargs))


# ---------------------------------------------------------------- check_allowPrivilegeEscalation_test.go
_APE_CONTAINERS = [c("a"), c("b", {"allowPrivilegeEscalation": None}), c("c", {"allowPrivilegeEscalation": True}),
                   c("d", {"allowPrivilegeEscalation": False})]
_APE = "allowPrivilegeEscalation != false"
for _version, _test in (("v1.25", "TestAllowPrivilegeEscalation_1_25"), ("v1.8", "TestAllowPrivilegeEscalation_1_8")):
    case(_test, "multiple containers", "allowPrivilegeEscalation", _version, pod({"containers": _APE_CONTAINERS}),
         _APE, 'containers "a", "b", "c" must set securityContext.allowPrivilegeEscalation=false')
case("TestAllowPrivilegeEscalation_1_25", "windows pod, admit without checking privilegeEscalation",
     "allowPrivilegeEscalation", "v1.25", pod({"os": WINDOWS, "containers": [c("a")]}))
case("TestAllowPrivilegeEscalation_1_25", "linux pod, reject if security context is not set",
     "allowPrivilegeEscalation", "v1.25", pod({"os": LINUX, "containers": [c("a")]}),
     _APE, 'container "a" must set securityContext.allowPrivilegeEscalation=false')

# ---------------------------------------------------------------- check_appArmorProfile_test.go
_AA = "container.apparmor.security.beta.kubernetes.io/"
for _name, _meta, _spec in (
    ("container with default AppArmor + extra annotations", {_AA + "test": "runtime/default", "env": "prod"}, {}),
    ("container with local AppArmor + extra annotations", {_AA + "test": "localhost/sec-profile01", "env": "dev"}, {}),
    ("container with no AppArmor annotations", {"env": "dev"}, {}),
    ("container with no annotations", None, {}),
    ("pod with runtime default", None, {"securityContext": {"appArmorProfile": {"type": "RuntimeDefault"}}}),
    ("container with localhost profile", None,
     {"containers": [c("foo", {"appArmorProfile": {"type": "RuntimeDefault"}})]}),
):
    case("TestCheckAppArmor_Allowed", _name, "appArmorProfile", "v1.0", pod(_spec, _meta))
_RUNTIME_DEFAULT_POD = {"appArmorProfile": {"type": "RuntimeDefault"}}
case("TestCheckAppArmor_Forbidden", "unconfined pod", "appArmorProfile", "v1.0",
     pod({"securityContext": {"appArmorProfile": {"type": "Unconfined"}}}),
     "forbidden AppArmor profile", 'pod must not set AppArmor profile type to "Unconfined"')
case("TestCheckAppArmor_Forbidden", "unconfined container", "appArmorProfile", "v1.0",
     pod({"securityContext": _RUNTIME_DEFAULT_POD,
          "containers": [c("foo", {"appArmorProfile": {"type": "Unconfined"}})]}),
     "forbidden AppArmor profile", 'container "foo" must not set AppArmor profile type to "Unconfined"')
case("TestCheckAppArmor_Forbidden", "unconfined init container", "appArmorProfile", "v1.0",
     pod({"securityContext": _RUNTIME_DEFAULT_POD, "containers": [c("foo")],
          "initContainers": [c("bar", {"appArmorProfile": {"type": "Unconfined"}})]}),
     "forbidden AppArmor profile", 'container "bar" must not set AppArmor profile type to "Unconfined"')
case("TestCheckAppArmor_Forbidden", "multiple containers", "appArmorProfile", "v1.0",
     pod({}, {_AA: "bogus", _AA + "a": "", _AA + "b": "runtime/default", _AA + "c": "localhost/",
              _AA + "d": "localhost/foo", _AA + "e": "unconfined", _AA + "f": "unknown"}),
     "forbidden AppArmor profiles",
     "annotations must not set AppArmor profile type to "
     + ", ".join([f'"{_AA}="bogus""', f'"{_AA}e="unconfined""', f'"{_AA}f="unknown""']))

# ---------------------------------------------------------------- check_capabilities_baseline_test.go
case("TestCapabilitiesBaseline", "multiple containers", "capabilities_baseline", "v1.0",
     pod({"containers": [c("a", {"capabilities": {"add": ["FOO", "BAR"]}}),
                         c("b", {"capabilities": {"add": ["BAR", "BAZ"]}})]}),
     "non-default capabilities", 'containers "a", "b" must not include "BAR", "BAZ", "FOO" in securityContext.capabilities.add')

# ---------------------------------------------------------------- check_capabilities_restricted_test.go
_CAPS = [c("a", {"capabilities": {"add": ["FOO", "BAR"]}}), c("b", {"capabilities": {"add": ["BAR", "BAZ"]}}),
         c("c", {"capabilities": {"add": ["NET_BIND_SERVICE", "CHOWN"], "drop": ["ALL", "FOO"]}})]
_CAPS_DETAIL = ('containers "a", "b" must set securityContext.capabilities.drop=["ALL"]; containers "a", "b", "c" '
                'must not include "BAR", "BAZ", "CHOWN", "FOO" in securityContext.capabilities.add')
for _version, _test in (("v1.25", "TestCapabilitiesRestricted_1_25"), ("v1.22", "TestCapabilitiesRestricted_1_22")):
    case(_test, "multiple containers", "capabilities_restricted", _version, pod({"containers": _CAPS}),
         "unrestricted capabilities", _CAPS_DETAIL)
case("TestCapabilitiesRestricted_1_25", "windows pod, admit without checking capabilities", "capabilities_restricted",
     "v1.25", pod({"os": WINDOWS, "containers": [c("a")]}))
case("TestCapabilitiesRestricted_1_25", "linux pod, reject if security context is not set", "capabilities_restricted",
     "v1.25", pod({"os": LINUX, "containers": [c("a")]}),
     "unrestricted capabilities", 'container "a" must set securityContext.capabilities.drop=["ALL"]')

# ---------------------------------------------------------------- check_hostNamespaces_test.go
case("TestHostNamespaces", "multiple host namespaces", "hostNamespaces", "v1.0",
     pod({"hostNetwork": True, "hostIPC": True, "hostPID": True}),
     "host namespaces", "hostNetwork=true, hostPID=true, hostIPC=true")

# ---------------------------------------------------------------- check_hostPathVolumes_test.go
case("TestHostPathVolumes", "host path volumes", "hostPathVolumes", "v1.0",
     pod({"volumes": [{"name": "a", "hostPath": {}}, {"name": "b", "hostPath": {}}, {"name": "c", "emptyDir": {}}]}),
     "hostPath volumes", 'volumes "a", "b"')

# ---------------------------------------------------------------- check_hostPorts_test.go
case("TestHostPort", "one container, one host port", "hostPorts", "v1.0",
     pod({"containers": [c("a", ports=[{"hostPort": 0}]), c("b", ports=[{"hostPort": 0}, {"hostPort": 20}])]}),
     "hostPort", 'container "b" uses hostPort 20')
case("TestHostPort", "multiple containers, multiple host port", "hostPorts", "v1.0",
     pod({"containers": [c("a", ports=[{"hostPort": 0}]),
                         c("b", ports=[{"hostPort": 0}, {"hostPort": 10}, {"hostPort": 20}]),
                         c("c", ports=[{"hostPort": 0}, {"hostPort": 10}, {"hostPort": 30}])]}),
     "hostPort", 'containers "b", "c" use hostPorts 10, 20, 30')

# ---------------------------------------------------------------- check_hostProbesAndhostLifecycle_test.go
_PH = "probe or lifecycle host"
for _name, _containers, _reason, _detail in (
    ("valid pod with unset hosts",
     {"containers": [c("a", livenessProbe={"httpGet": {}}, readinessProbe={"tcpSocket": {}},
                       lifecycle={"postStart": {"httpGet": {}}})]}, "", ""),
    ("invalid pod with local host IP as probe host",
     {"containers": [c("a", livenessProbe={"httpGet": {"host": "127.0.0.1"}},
                       readinessProbe={"tcpSocket": {"host": "::1"}}, startupProbe={"httpGet": {"host": "localhost"}})]},
     _PH, 'container "a" uses probe or lifecycle hosts "127.0.0.1", "::1", "localhost"'),
    ("invalid httpget host in liveness probe",
     {"containers": [c("a", livenessProbe={"httpGet": {"host": "invalid.host"}})]},
     _PH, 'container "a" uses probe or lifecycle host "invalid.host"'),
    ("invalid tcpsocket host in readiness probe",
     {"containers": [c("b", readinessProbe={"tcpSocket": {"host": "invalid.host"}})]},
     _PH, 'container "b" uses probe or lifecycle host "invalid.host"'),
    ("invalid httpget host in startup probe",
     {"containers": [c("c", startupProbe={"httpGet": {"host": "invalid.host"}})]},
     _PH, 'container "c" uses probe or lifecycle host "invalid.host"'),
    ("invalid poststart tcpsocket host",
     {"containers": [c("d", lifecycle={"postStart": {"tcpSocket": {"host": "invalid.host"}}})]},
     _PH, 'container "d" uses probe or lifecycle host "invalid.host"'),
    ("invalid prestop httpget host",
     {"containers": [c("e", lifecycle={"preStop": {"httpGet": {"host": "another.invalid.host"}}})]},
     _PH, 'container "e" uses probe or lifecycle host "another.invalid.host"'),
    ("multiple containers with multiple invalid hosts",
     {"containers": [c("valid"), c("invalid1", livenessProbe={"httpGet": {"host": "a.com"}}),
                     c("invalid2", lifecycle={"preStop": {"tcpSocket": {"host": "b.com"}}},
                       startupProbe={"httpGet": {"host": "a.com"}})]},
     _PH, 'containers "invalid1", "invalid2" use probe or lifecycle hosts "a.com", "b.com"'),
    ("invalid ipv4 host in probe",
     {"containers": [c("a", livenessProbe={"httpGet": {"host": "8.8.8.8"}})]},
     _PH, 'container "a" uses probe or lifecycle host "8.8.8.8"'),
    ("invalid ipv6 host in probe",
     {"containers": [c("a", livenessProbe={"tcpSocket": {"host": "2001:4860:4860::8888"}})]},
     _PH, 'container "a" uses probe or lifecycle host "2001:4860:4860::8888"'),
    ("invalid host in initcontainer",
     {"initContainers": [c("init", livenessProbe={"httpGet": {"host": "invalid.init.host"}})]},
     _PH, 'container "init" uses probe or lifecycle host "invalid.init.host"'),
):
    case("TestHostProbesAndHostLifecycle", _name, "hostProbesAndHostLifecycle", "v1.34", pod(_containers),
         _reason, _detail)

# ---------------------------------------------------------------- check_privileged_test.go
case("TestPrivileged", "privileged", "privileged", "v1.0",
     pod({"containers": [c("a"), c("b", {}), c("c", {"privileged": False}), c("d", {"privileged": True}),
                         c("e", {"privileged": True})]}),
     "privileged", 'containers "d", "e" must not set securityContext.privileged=true')

# ---------------------------------------------------------------- check_procMount_baseline_test.go
_PROC = [c("a"), c("b", {}), c("c", {"procMount": "Default"}), c("d", {"procMount": "Unmasked"}),
         c("e", {"procMount": "other"})]
_PROC_DETAIL = 'containers "d", "e" must not set securityContext.procMount to "Unmasked", "other"'
case("TestProcMountBaseline", "procMount", "procMount", "v1.35", pod({"containers": _PROC, "hostUsers": True}),
     "procMount", _PROC_DETAIL)
case("TestProcMountBaseline", "procMount with userns", "procMount", "v1.35",
     pod({"containers": _PROC, "hostUsers": False}))

# ---------------------------------------------------------------- check_procMount_restricted_test.go
for _userns in (True, False):  # upstream runs the case with hostUsers true and false: no relaxation
    case("TestProcMountRestricted", f"procMount (hostUsers={str(_userns).lower()})", "procMount", "v1.0",
         pod({"containers": _PROC, "hostUsers": _userns}), "procMount", _PROC_DETAIL)

# ---------------------------------------------------------------- check_restrictedVolumes_test.go
_VOLUMES = [
    {"name": "a1", "emptyDir": {}}, {"name": "a2", "secret": {}}, {"name": "a3", "persistentVolumeClaim": {}},
    {"name": "a4", "downwardAPI": {}}, {"name": "a5", "configMap": {}}, {"name": "a6", "projected": {}},
    {"name": "a7", "csi": {}}, {"name": "a8", "ephemeral": {}}, {"name": "a9", "image": {}},
    {"name": "b1", "hostPath": {}}, {"name": "b2", "gcePersistentDisk": {}}, {"name": "b3", "awsElasticBlockStore": {}},
    {"name": "b4", "gitRepo": {}}, {"name": "b5", "nfs": {}}, {"name": "b6", "iscsi": {}},
    {"name": "b7", "glusterfs": {}}, {"name": "b8", "rbd": {}}, {"name": "b9", "flexVolume": {}},
    {"name": "b10", "cinder": {}}, {"name": "b11", "cephfs": {}}, {"name": "b12", "flocker": {}},
    {"name": "b13", "fc": {}}, {"name": "b14", "azureFile": {}}, {"name": "b15", "vsphereVolume": {}},
    {"name": "b16", "quobyte": {}}, {"name": "b17", "azureDisk": {}}, {"name": "b18", "photonPersistentDisk": {}},
    {"name": "b19", "portworxVolume": {}}, {"name": "b20", "scaleIO": {}}, {"name": "b21", "storageos": {}},
    {"name": "c1"},
]
case("TestRestrictedVolumes", "host path volumes", "restrictedVolumes", "v1.0", pod({"volumes": _VOLUMES}),
     "restricted volume types",
     'volumes "b1", "b2", "b3", "b4", "b5", "b6", "b7", "b8", "b9", "b10", "b11", "b12", "b13", "b14", "b15", '
     '"b16", "b17", "b18", "b19", "b20", "b21", "c1" use restricted volume types "awsElasticBlockStore", '
     '"azureDisk", "azureFile", "cephfs", "cinder", "fc", "flexVolume", "flocker", "gcePersistentDisk", "gitRepo", '
     '"glusterfs", "hostPath", "iscsi", "nfs", "photonPersistentDisk", "portworxVolume", "quobyte", "rbd", '
     '"scaleIO", "storageos", "unknown", "vsphereVolume"')

# ---------------------------------------------------------------- check_runAsNonRoot_test.go
_NR = "runAsNonRoot != true"
for _name, _spec, _reason, _detail in (
    ("no explicit runAsNonRoot", {"containers": [c("a")]},
     _NR, 'pod or container "a" must set securityContext.runAsNonRoot=true'),
    ("pod runAsNonRoot=false", {"securityContext": {"runAsNonRoot": False}, "containers": [c("a")]},
     _NR, "pod must not set securityContext.runAsNonRoot=false"),
    ("containers runAsNonRoot=false",
     {"securityContext": {"runAsNonRoot": True},
      "containers": [c("a"), c("b", {}), c("c", {"runAsNonRoot": False}), c("d", {"runAsNonRoot": False}),
                     c("e", {"runAsNonRoot": True}), c("f", {"runAsNonRoot": True})]},
     _NR, 'containers "c", "d" must not set securityContext.runAsNonRoot=false'),
    ("pod nil, container fallthrough",
     {"containers": [c("a"), c("b", {}), c("d", {"runAsNonRoot": True}), c("e", {"runAsNonRoot": True})]},
     _NR, 'pod or containers "a", "b" must set securityContext.runAsNonRoot=true'),
    ("host users false allowed", {"hostUsers": False}, "", ""),
):
    case("TestRunAsNonRoot", _name, "runAsNonRoot", "v1.35", pod(_spec), _reason, _detail)

# ---------------------------------------------------------------- check_runAsUser_test.go
for _name, _spec, _detail in (
    ("pod runAsUser=0", {"securityContext": {"runAsUser": 0}, "containers": [c("a")]}, "pod must not set runAsUser=0"),
    ("pod runAsUser=non-zero", {"securityContext": {"runAsUser": 1000}, "containers": [c("a")]}, ""),
    ("pod runAsUser=nil", {"securityContext": {"runAsUser": None}, "containers": [c("a")]}, ""),
    ("containers runAsUser=0",
     {"securityContext": {"runAsUser": 1000},
      "containers": [c("a"), c("b", {}), c("c", {"runAsUser": 0}), c("d", {"runAsUser": 0}),
                     c("e", {"runAsUser": 1}), c("f", {"runAsUser": 1})]},
     'containers "c", "d" must not set runAsUser=0'),
    ("containers runAsUser=non-zero",
     {"containers": [c("c", {"runAsUser": 1}), c("d", {"runAsUser": 2}), c("e", {"runAsUser": 3}),
                     c("f", {"runAsUser": 4})]}, ""),
    ("host users false allowed", {"hostUsers": False}, ""),
):
    case("TestRunAsUser", _name, "runAsUser", "v1.35", pod(_spec), "runAsUser=0" if _detail else "", _detail)

# ---------------------------------------------------------------- check_seLinuxOptions_test.go
_SE_OK = [c("a", {"seLinuxOptions": {"type": "container_t"}}), c("b", {"seLinuxOptions": {"type": "container_init_t"}}),
          c("c", {"seLinuxOptions": {"type": "container_kvm_t"}}), c("d", {"seLinuxOptions": {"type": "container_engine_t"}})]
_SE_BAD = [c("e", {"seLinuxOptions": {"type": "bar"}}), c("f", {"seLinuxOptions": {"user": "bar"}}),
           c("g", {"seLinuxOptions": {"role": "baz"}})]
_SE_POD = {"seLinuxOptions": {"type": "foo", "user": "bar", "role": "baz"}}
for _name, _spec, _detail in (
    ("invalid pod and containers", {"securityContext": _SE_POD, "containers": _SE_OK + _SE_BAD},
     'pod and containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: types "bar", "foo"; '
     "user may not be set; role may not be set"),
    ("invalid pod", {"securityContext": _SE_POD, "containers": _SE_OK},
     'pod set forbidden securityContext.seLinuxOptions: type "foo"; user may not be set; role may not be set'),
    ("invalid containers", {"securityContext": {"seLinuxOptions": {}}, "containers": _SE_OK + _SE_BAD},
     'containers "e", "f", "g" set forbidden securityContext.seLinuxOptions: type "bar"; user may not be set; '
     "role may not be set"),
    ("bad type", {"securityContext": {"seLinuxOptions": {"type": "bad"}}},
     'pod set forbidden securityContext.seLinuxOptions: type "bad"'),
    ("bad user", {"securityContext": {"seLinuxOptions": {"user": "bad"}}},
     "pod set forbidden securityContext.seLinuxOptions: user may not be set"),
    ("bad role", {"securityContext": {"seLinuxOptions": {"role": "bad"}}},
     "pod set forbidden securityContext.seLinuxOptions: role may not be set"),
):
    case("TestSELinuxOptions", _name, "seLinuxOptions", "v1.31", pod(_spec), "seLinuxOptions", _detail)

# ---------------------------------------------------------------- check_seccompProfile_baseline_test.go
_SP = "seccomp.security.alpha.kubernetes.io/pod"
_SC = "container.seccomp.security.alpha.kubernetes.io/"
_ABC = {"containers": [c("a"), c("b"), c("c")]}
for _name, _annotations, _spec, _detail in (
    ("pod seccomp invalid", {_SP: "unconfined"}, {}, f'forbidden annotation {_SP}="unconfined"'),
    ("containers seccomp invalid", {_SC + "a": "unconfined", _SC + "b": "unknown"}, _ABC,
     f'forbidden annotations {_SC}a="unconfined", {_SC}b="unknown"'),
    ("pod and containers seccomp invalid", {_SP: "unconfined", _SC + "a": "unconfined", _SC + "b": "unknown"}, _ABC,
     f'forbidden annotations {_SC}a="unconfined", {_SC}b="unknown", {_SP}="unconfined"'),
):
    case("TestSeccompProfileBaseline_1_0", _name, "seccompProfile_baseline", "v1.0", pod(_spec, _annotations),
         "seccompProfile", _detail)

_UNCONFINED = {"seccompProfile": {"type": "Unconfined"}}
_DEFAULT = {"seccompProfile": {"type": "RuntimeDefault"}}
_SECCOMP_MIXED = [c("a"), c("b", {}), c("c", _UNCONFINED), c("d", _UNCONFINED), c("e", _DEFAULT), c("f", _DEFAULT)]
_SECCOMP_CASES: list[tuple[str, Json, str]] = [
    ("pod seccomp invalid", {"securityContext": _UNCONFINED, "containers": [c("a")]},
     'pod must not set securityContext.seccompProfile.type to "Unconfined"'),
    ("containers seccomp invalid", {"securityContext": _DEFAULT, "containers": _SECCOMP_MIXED},
     'containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"'),
]
for _name, _spec, _detail in [
    *_SECCOMP_CASES,
    ("pod and containers seccomp invalid", {"securityContext": _UNCONFINED, "containers": _SECCOMP_MIXED},
     'pod and containers "c", "d" must not set securityContext.seccompProfile.type to "Unconfined"'),
]:
    case("TestSeccompProfileBaseline_1_19", _name, "seccompProfile_baseline", "v1.19", pod(_spec), "seccompProfile",
         _detail)

# ---------------------------------------------------------------- check_seccompProfile_restricted_test.go
_MUST = 'must set securityContext.seccompProfile.type to "RuntimeDefault" or "Localhost"'
_FALLTHROUGH = ("pod nil, container fallthrough",
                {"containers": [c("a"), c("b", {}), c("d", _DEFAULT), c("e", _DEFAULT)]},
                f'pod or containers "a", "b" {_MUST}')
_NO_EXPLICIT = ("no explicit seccomp", {"containers": [c("a")]}, f'pod or container "a" {_MUST}')
for _name, _spec, _detail in [
    _NO_EXPLICIT,
    ("no explicit seccomp, windows Pod", {"os": WINDOWS, "containers": [c("a")]}, ""),
    ("no explicit seccomp, linux pod", {"os": LINUX, "containers": [c("a")]}, f'pod or container "a" {_MUST}'),
    *_SECCOMP_CASES,
    _FALLTHROUGH,
]:
    case("TestSeccompProfileRestricted_1_25", _name, "seccompProfile_restricted", "v1.25", pod(_spec),
         "seccompProfile" if _detail else "", _detail)
for _name, _spec, _detail in [_NO_EXPLICIT, *_SECCOMP_CASES, _FALLTHROUGH]:
    case("TestSeccompProfileRestricted_1_19", _name, "seccompProfile_restricted", "v1.19", pod(_spec),
         "seccompProfile", _detail)

# ---------------------------------------------------------------- check_sysctls_test.go
def _sysctls(*pairs: tuple[str, str]) -> Json:
    return pod({"securityContext": {"sysctls": [{"name": n, "value": v} if v else {"name": n} for n, v in pairs]}})


_FORBIDDEN_AB = _sysctls(("a", ""), ("b", ""))
_NEW_1_27 = [("net.ipv4.ip_local_reserved_ports", "1024-4999")]
_NEW_1_29 = [("net.ipv4.tcp_keepalive_time", "7200"), ("net.ipv4.tcp_fin_timeout", "60"),
             ("net.ipv4.tcp_keepalive_intvl", "75"), ("net.ipv4.tcp_keepalive_probes", "9")]
_NEW_1_32 = [("net.ipv4.tcp_rmem", "4096 87380 16777216"), ("net.ipv4.tcp_wmem", "4096 87380 16777216")]
_NEW_1_37 = [("net.ipv4.tcp_slow_start_after_idle", "0"), ("net.ipv4.tcp_notsent_lowat", "16384")]
case("TestSysctls", "forbidden sysctls", "sysctls", "v1.0", _FORBIDDEN_AB, "forbidden sysctls", "a, b")
for _sysctl, _value in _NEW_1_27 + _NEW_1_29 + _NEW_1_32:
    case("TestSysctls", f"new supported sysctls not supported: {_sysctl}", "sysctls", "v1.0",
         _sysctls((_sysctl, _value)), "forbidden sysctls", _sysctl)
for _test, _version, _new in (("TestSysctls_1_27", "v1.27", _NEW_1_27), ("TestSysctls_1_29", "v1.29", _NEW_1_29),
                              ("TestSysctls_1_32", "v1.32", _NEW_1_32), ("TestSysctls_1_37", "v1.37", _NEW_1_37)):
    case(_test, "forbidden sysctls", "sysctls", _version, _FORBIDDEN_AB, "forbidden sysctls", "a, b")
    for _sysctl, _value in _new:
        _label = "new supported sysctls" if _version == "v1.27" else f"new supported sysctls: {_sysctl}"
        case(_test, _label, "sysctls", _version, _sysctls((_sysctl, _value)))

# ---------------------------------------------------------------- check_windowsHostProcess_test.go
_HP = {"windowsOptions": {"hostProcess": True}}
case("TestWindowsHostProcess", "host process", "windowsHostProcess", "v1.0",
     pod({"securityContext": _HP,
          "containers": [c("a"), c("b", {}), c("c", {"windowsOptions": {}}),
                         c("d", {"windowsOptions": {"hostProcess": False}}), c("e", _HP), c("f", _HP)]}),
     "hostProcess", 'pod and containers "e", "f" must not set securityContext.windowsOptions.hostProcess=true')


@pytest.mark.parametrize("tc", CASES, ids=[tc.id for tc in CASES])
def test_upstream_check_case(tc: Case) -> None:
    result = implementation(tc.check, tc.version)(tc.pod["metadata"], tc.pod["spec"])
    reason, detail = result or ("", "")
    assert (result is None) == (tc.reason == ""), f"expected {'allowed' if not tc.reason else 'disallowed'}"
    assert reason == tc.reason
    assert detail == tc.detail


# ---------------------------------------------------------------- registry_test.go


def generated(check_id: str, level: str, versions: list[str], overrides: tuple[str, ...] = ()) -> Check:
    """Upstream `generateCheck` (+ `withOverrides`): each implementation fails with reason `id:version`."""

    def failing(tag: str) -> Callable[[Json, Json], tuple[str, str]]:
        return lambda meta, spec: (tag, "")

    return Check(check_id, level, tuple(VersionedCheck(v, failing(f"{check_id}:{v}"), overrides) for v in versions))


def _multi_override() -> Check:
    check = generated("i", "restricted", ["v1.10", "v1.21"])
    first, second = check.versions
    return Check("i", "restricted", (VersionedCheck(first.minimum_version, first.check_pod, ("c",)),
                                     VersionedCheck(second.minimum_version, second.check_pod, ("d",))))


BASELINE_CHECKS = [
    generated("a", "baseline", ["v1.0"]),
    generated("b", "baseline", ["v1.10"]),
    generated("c", "baseline", ["v1.0", "v1.5", "v1.10"]),
    generated("d", "baseline", ["v1.11", "v1.15", "v1.20"]),
]
RESTRICTED_CHECKS = [
    generated("e", "restricted", ["v1.0"]),
    generated("f", "restricted", ["v1.12", "v1.16", "v1.21"]),
    generated("g", "restricted", ["v1.10"], ("a",)),
    generated("h", "restricted", ["v1.0"], ("b",)),
]

REGISTRIES: dict[str, list[Check]] = {
    "TestCheckRegistry": [*BASELINE_CHECKS, *RESTRICTED_CHECKS, _multi_override()],
    "TestCheckRegistry_NoBaseline": RESTRICTED_CHECKS,
    "TestCheckRegistry_NoRestricted": BASELINE_CHECKS,
    "TestCheckRegistry_Empty": [],
}

_BASELINE_ONLY = [
    ("baseline", "v1.0", ["a:v1.0", "c:v1.0"]),
    ("baseline", "v1.4", ["a:v1.0", "c:v1.0"]),
    ("baseline", "v1.5", ["a:v1.0", "c:v1.5"]),
    ("baseline", "v1.10", ["a:v1.0", "b:v1.10", "c:v1.10"]),
    ("baseline", "v1.11", ["a:v1.0", "b:v1.10", "c:v1.10", "d:v1.11"]),
    ("baseline", "latest", ["a:v1.0", "b:v1.10", "c:v1.10", "d:v1.20"]),
]
_EMPTY: list[tuple[str, str, list[str]]] = [("privileged", "latest", []), ("baseline", "latest", []), ("restricted", "latest", [])]
REGISTRY_CASES: list[tuple[str, str, str, list[str]]] = [
    *(("TestCheckRegistry", *case) for case in [
        ("privileged", "v1.0", []),
        ("privileged", "latest", []),
        *_BASELINE_ONLY,
        ("restricted", "v1.0", ["a:v1.0", "c:v1.0", "e:v1.0", "h:v1.0"]),
        ("restricted", "v1.4", ["a:v1.0", "c:v1.0", "e:v1.0", "h:v1.0"]),
        ("restricted", "v1.5", ["a:v1.0", "c:v1.5", "e:v1.0", "h:v1.0"]),
        ("restricted", "v1.10", ["e:v1.0", "g:v1.10", "h:v1.0", "i:v1.10"]),
        ("restricted", "v1.11", ["d:v1.11", "e:v1.0", "g:v1.10", "h:v1.0", "i:v1.10"]),
        ("restricted", "latest", ["c:v1.10", "e:v1.0", "f:v1.21", "g:v1.10", "h:v1.0", "i:v1.21"]),
        ("restricted", "v1.10000", ["c:v1.10", "e:v1.0", "f:v1.21", "g:v1.10", "h:v1.0", "i:v1.21"]),
    ]),
    *(("TestCheckRegistry_NoBaseline", *case) for case in [
        ("privileged", "v1.0", []),
        ("privileged", "latest", []),
        ("baseline", "v1.0", []),
        ("baseline", "v1.10", []),
        ("baseline", "latest", []),
        ("restricted", "v1.0", ["e:v1.0", "h:v1.0"]),
        ("restricted", "v1.10", ["e:v1.0", "g:v1.10", "h:v1.0"]),
        ("restricted", "latest", ["e:v1.0", "f:v1.21", "g:v1.10", "h:v1.0"]),
        ("restricted", "v1.10000", ["e:v1.0", "f:v1.21", "g:v1.10", "h:v1.0"]),
    ]),
    # restricted results are identical to baseline's when there are no restricted checks
    *(("TestCheckRegistry_NoRestricted", level, version, reasons)
      for base, version, reasons in _BASELINE_ONLY for level in (base, "restricted")),
    *(("TestCheckRegistry_Empty", level, version, reasons) for first, version, reasons in _EMPTY
      for level in (first, "restricted")),
]


@pytest.mark.parametrize(("test", "level", "version", "reasons"), REGISTRY_CASES,
                         ids=[f"{t}/{lv}:{v}" for t, lv, v, _ in REGISTRY_CASES])
def test_upstream_registry_case(test: str, level: str, version: str, reasons: list[str]) -> None:
    evaluator = Evaluator(REGISTRIES[test])
    assert [v.reason for v in evaluator.evaluate_pod(level, version, {}, {})] == reasons


# ---------------------------------------------------------------- checks_test.go, check_hostProbesAndhostLifecycle_test.go


def test_upstream_valid_checks() -> None:
    """TestValidChecks: the default checks validate, and every override names an existing check."""
    Evaluator(DEFAULT_CHECKS)
    ids = {check.id for check in DEFAULT_CHECKS}
    for check in DEFAULT_CHECKS:
        for versioned in check.versions:
            assert set(versioned.override_check_ids) <= ids, check.id


EMULATION_CASES = [("no emulation", None, True), ("emulate 1.34", "v1.34", True), ("emulate 1.33", "v1.33", False)]


@pytest.mark.parametrize(("name", "emulated", "active"), EMULATION_CASES, ids=[n for n, _, _ in EMULATION_CASES])
def test_upstream_host_probes_emulation(name: str, emulated: str | None, active: bool) -> None:
    """TestHostProbesAndHostLifecycleEmulation: a v1.33 server never runs the v1.34 check, even for
    `latest` or a label pinned to v1.34; the same through `check_pod(server_version=)`."""
    evaluator = Evaluator(DEFAULT_CHECKS, emulated)
    probe_pod = pod({"containers": [{"name": "", "startupProbe": {"httpGet": {"host": "localhost"}}}]})
    for version in ("latest", "v1.34"):
        assert (evaluator.evaluate_pod("baseline", version, probe_pod["metadata"], probe_pod["spec"]) == []) != active
        assert (check_pod(probe_pod, "baseline", version, server_version=emulated or "latest") == []) != active
    assert evaluator.evaluate_pod("baseline", "v1.33", probe_pod["metadata"], probe_pod["spec"]) == []
