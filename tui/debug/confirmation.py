"""The one rule for what asks before a debug container (or copy) is created: root on the node.

`root_equivalent_reasons(pod, debugger, copy=...)` reads the planned pod (the pod with the new
ephemeral container appended, or the copy as it will be created) and returns one sentence for
each way it gives power over the node; no sentence, no question. The planner puts them in
`DebugPlan.confirmation_reasons` (with `--replace`'s deletion), and every way to create reads
them there: the debug form's ConfirmModal (focus on Cancel), `ephemera debug`'s y/N question and
its refusal without `--yes` when there is no terminal. The command palette's "Debug selected
pod…" opens the same form. kubectl asks nothing; this is Ephemera's own.

What asks, and why (each gives root on the node, or code in its kernel):

| setting | why |
|---------|-----|
| `privileged: true` | every capability, every device, no seccomp/AppArmor: the node's root |
| capability `ALL` | every capability below at once |
| `SYS_ADMIN` | mount, namespaces, cgroups (`release_agent`): the classic escape to the node |
| `SYS_MODULE` | loads kernel modules: code in the node's kernel |
| `SYS_RAWIO` | raw I/O ports and device/memory access (`iopl`, `/dev/mem`): the node's disks and memory |
| `SYS_BOOT` | `kexec_load`: boots another kernel (or reboots the node) |
| `BPF` | loads eBPF programs into the node's kernel |
| `PERFMON` | perf events on the kernel; with `BPF`, tracing programs that read any memory |
| `DAC_READ_SEARCH` | `open_by_handle_at`: reads any file of the node's filesystems ("shocker") |
| `hostPID` | the node's processes: as root, their files through `/proc/PID/root` |
| `hostNetwork` | the node's network: its local-only services, its traffic (NET_RAW is a default) |
| `hostIPC` | the shared memory and message queues of the node's processes |
| hostPath volume | the node's files (the debugger's mounts; for a copy, every hostPath volume) |
| `procMount: Unmasked` | writable `/proc/sys`: `kernel/core_pattern` runs a program as root on the node |
| `windowsOptions.hostProcess` | a Windows HostProcess container runs as a process of the node |
| a shared PID namespace with a container that has any of the above | its processes, and through `/proc/PID/root` its view of the node |

The last row: a debugger shares a PID namespace with its `--target` container (and every earlier
ephemeral container that targeted the same one), and with every container of a pod with
`shareProcessNamespace: true`. Its processes are then the debugger's to
ptrace (general's `SYS_PTRACE`) and their `/proc/PID/root` is the node's `/` when that container
mounts it; a privileged one's processes hold the node's power. So a target, or a sibling in a
shared PID namespace, that is privileged, adds one of these capabilities, mounts a hostPath,
unmasks /proc or is a HostProcess container asks too (a copy asks for each of its containers anyway).

What does not ask: the profiles' own additions (general's `SYS_PTRACE`, netadmin's `NET_ADMIN` and
`NET_RAW`: kubectl's defaults, confined to the pod's own PID and network namespaces, whose
containers have none of the power above; sysadmin asks
because it is privileged), `SYS_PTRACE` or `NET_ADMIN` added by hand (the same confinement: with
hostPID or hostNetwork they would reach the node, and those ask by themselves), `DAC_OVERRIDE`,
`CHOWN`, `SETUID`... (the runtime's default set for root containers), `SYS_TIME` and `SYSLOG`
(the node's clock, its kernel log: harm, not root), `MAC_ADMIN` (loading a policy needs
securityfs, which needs SYS_ADMIN to mount), `runAsUser: 0` and `allowPrivilegeEscalation`
(root inside the container's namespaces, not on the node), seccomp or AppArmor `Unconfined` and
the SELinux type `spc_t` (more kernel surface, no new power: no capability, no node namespace by
themselves; and Unconfined seccomp is the kubelet's default unless SeccompDefault is on, so
asking would ask for most pods).

Capability names are compared as the runtimes read them: case-insensitive, with or without the
`CAP_` prefix (containerd upper-cases them and prefixes `CAP_`; CRI-O also accepts the prefix),
surrounding spaces ignored. Drops are ignored: a capability both added and dropped still asks
(asking once too often is safe; missing a grant is not).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

# capability (normalised) -> what it gives, as the end of "adds capability X: ..."
ROOT_EQUIVALENT_CAPABILITIES: dict[str, str] = {
    "ALL": "every capability, root on the node",
    "SYS_ADMIN": "root on the node (mount, namespaces, cgroups)",
    "SYS_MODULE": "loads kernel modules, code in the node's kernel",
    "SYS_RAWIO": "raw access to the node's devices and memory",
    "SYS_BOOT": "boots another kernel on the node (kexec) or reboots it",
    "BPF": "loads eBPF programs into the node's kernel",
    "PERFMON": "traces the node's kernel (with BPF: reads any memory on the node)",
    "DAC_READ_SEARCH": "reads any file on the node's filesystems (open_by_handle_at)",
}

# pod field -> (what it shares, what that gives)
HOST_NAMESPACES: dict[str, tuple[str, str]] = {
    "hostPID": ("the node's PID namespace (hostPID)",
                "every process on the node is visible and, as root, its files through /proc/PID/root"),
    "hostNetwork": ("the node's network (hostNetwork)",
                    "services listening only on the node are reachable, and the node's traffic can be captured"),
    "hostIPC": ("the node's IPC namespace (hostIPC)",
                "the shared memory of processes on the node can be read and written"),
}

_CONTAINER_KEYS = ("initContainers", "containers", "ephemeralContainers")


def normalize_capability(name: str) -> str:
    """`cap_sys_admin`, ` CAP_SYS_ADMIN`, `sys_admin` -> `SYS_ADMIN` (as the runtimes read them)."""
    text = str(name).strip().upper()
    return text[4:] if text.startswith("CAP_") else text


def root_equivalent_capabilities(container: dict[str, Any]) -> list[str]:
    """The container's added capabilities that give root on the node (normalised, in order, once)."""
    context = container.get("securityContext") or {}
    added = (context.get("capabilities") or {}).get("add") or []
    found: list[str] = []
    for name in added:
        normal = normalize_capability(name)
        if normal in ROOT_EQUIVALENT_CAPABILITIES and normal not in found:
            found.append(normal)
    return found


def _containers(pod: dict[str, Any]) -> Iterator[dict[str, Any]]:
    spec = pod.get("spec") or {}
    for key in _CONTAINER_KEYS:
        for container in spec.get(key) or ():
            if isinstance(container, dict):
                yield container


def _container_reasons(container: dict[str, Any], who: str, pod_context: dict[str, Any]) -> list[str]:
    reasons: list[str] = []
    context = container.get("securityContext") or {}
    if context.get("privileged"):
        reasons.append(f"{who} is privileged: it has full access to the node")
    for capability in root_equivalent_capabilities(container):
        reasons.append(f"{who} adds capability {capability}: {ROOT_EQUIVALENT_CAPABILITIES[capability]}")
    if context.get("procMount") == "Unmasked":
        reasons.append(f"{who} sets procMount Unmasked: /proc/sys is writable, and "
                       "/proc/sys/kernel/core_pattern runs a program as root on the node")
    windows = context.get("windowsOptions") or pod_context.get("windowsOptions") or {}
    if windows.get("hostProcess"):
        reasons.append(f"{who} is a Windows HostProcess container: it runs as a process of the node")
    return reasons


def _host_path(volume: dict[str, Any]) -> str | None:
    host_path = volume.get("hostPath")
    if not isinstance(host_path, dict):
        return None
    return str(host_path.get("path") or "")


def _mount_reasons(container: dict[str, Any], who: str, volumes: dict[str, dict[str, Any]]) -> list[str]:
    reasons: list[str] = []
    for mount in container.get("volumeMounts") or ():
        if not isinstance(mount, dict):
            continue
        path = _host_path(volumes.get(str(mount.get("name")), {}))
        if path is None:
            continue
        access = "reads" if mount.get("readOnly") else "reads and writes"
        reasons.append(f"{who} mounts the node's path {path!r} (hostPath volume {mount.get('name')!r}) at "
                       f"{mount.get('mountPath')!r}: it {access} the node's files there")
    return reasons


def _debugger_name(debugger: dict[str, Any]) -> str:
    return str(debugger.get("name") or "")


def _pid_namespace_root(container: dict[str, Any], by_name: dict[str, dict[str, Any]]) -> str:
    """The name of the container whose PID namespace `container` lives in: itself, or the end of
    its `targetContainerName` chain (an ephemeral container may name another one)."""
    name = str(container.get("name") or "")
    seen = {name}
    target = container.get("targetContainerName")
    while target and target not in seen:
        name = str(target)
        seen.add(name)
        target = (by_name.get(name) or {}).get("targetContainerName")
    return name


def _pid_namespace_sharers(pod: dict[str, Any], debugger: dict[str, Any]) -> list[dict[str, Any]]:
    """The containers whose processes the debugger sees: every other container of a pod that
    shares its process namespace; else its `targetContainerName`'s, which holds that container
    and every earlier ephemeral container that targeted it (an earlier privileged debugger
    `--target app` is there too); else (no target) none."""
    spec = pod.get("spec") or {}
    others = [c for c in _containers(pod) if c is not debugger and c.get("name") != _debugger_name(debugger)]
    if spec.get("shareProcessNamespace"):
        return others
    if not debugger.get("targetContainerName"):
        return []
    by_name = {str(c.get("name")): c for c in others}
    root = _pid_namespace_root(debugger, by_name)
    return [c for c in others if _pid_namespace_root(c, by_name) == root]


def _shared_pid_reasons(pod: dict[str, Any], debugger: dict[str, Any], pod_context: dict[str, Any],
                        volumes: dict[str, dict[str, Any]]) -> list[str]:
    reasons: list[str] = []
    shared = "shares the process namespace of the pod" if (pod.get("spec") or {}).get("shareProcessNamespace") \
        else "shares the process namespace of its target"
    for container in _pid_namespace_sharers(pod, debugger):
        who = f"container {container.get('name')!r}"
        for power in [*_container_reasons(container, who, pod_context), *_mount_reasons(container, who, volumes)]:
            reasons.append(f"the debug container {shared}, and {power}: the debugger reaches that "
                           "container's processes (ptrace) and, through /proc/PID/root, what they reach")
    return reasons


def root_equivalent_reasons(pod: dict[str, Any], debugger: dict[str, Any] | None, *, copy: bool) -> list[str]:
    """One sentence per way the planned `pod` gives root on the node; empty: nothing to ask.

    `pod`: the pod as planned (for an ephemeral container: the pod it is added to; for a copy:
    the copy); `debugger`: the debug container exactly as sent (None: a copy that only changes
    images). Ephemeral: the debugger's own settings and mounts, the pod's host namespaces it
    joins, and the power of the containers whose PID namespace it shares (its target, or every
    container with shareProcessNamespace). Copy: every container of the copy, its host namespaces and every hostPath volume.
    """
    spec = pod.get("spec") or {}
    pod_context = spec.get("securityContext") or {}
    volumes = {str(v.get("name")): v for v in spec.get("volumes") or () if isinstance(v, dict)}
    reasons: list[str] = []
    if copy:
        for container in _containers(pod):
            name = container.get("name")
            who = "the debug container" if container is debugger else f"container {name!r} of the copy"
            reasons.extend(_container_reasons(container, who, pod_context))
        for key, (what, gives) in HOST_NAMESPACES.items():
            if spec.get(key):
                reasons.append(f"the copy uses {what}: {gives}")
        for name, volume in volumes.items():
            path = _host_path(volume)
            if path is not None:
                reasons.append(f"the copy has hostPath volume {name!r}: the node's path {path!r} for its "
                               "containers to read and write")
        return reasons
    if debugger is None:
        return reasons
    who = "the debug container"
    reasons.extend(_container_reasons(debugger, who, pod_context))
    reasons.extend(_mount_reasons(debugger, who, volumes))
    for key, (what, gives) in HOST_NAMESPACES.items():
        if spec.get(key):
            reasons.append(f"the pod uses {what}, so the debug container does too: {gives}")
    reasons.extend(_shared_pid_reasons(pod, debugger, pod_context, volumes))
    return reasons
