"""Facts about a pod that matter for debugging, computed from plain JSON dicts.

Used by the container inspector. No Textual imports here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from tui.pods.json_path import dig
from tui.pods.security import ENFORCE_LABEL, namespace_policy
from tui.pods.status import human_duration, parse_timestamp

MIRROR_ANNOTATION = "kubernetes.io/config.mirror"
OS_LABEL = "kubernetes.io/os"

_RS_NAME = re.compile(r"^(?P<deploy>.+)-(?P<hash>[a-z0-9]{5,10})$")


@dataclass(frozen=True)
class ContainerEntry:
    kind: str  # "init", "container" or "ephemeral"
    name: str
    image: str
    state: str  # "Running", "Waiting", "Terminated" or "Unknown" (no status yet)
    reason: str = ""
    message: str = ""
    started_at: str = ""
    finished_at: str = ""
    exit_code: int | None = None
    restarts: int = 0
    ready: bool | None = None
    last_termination: str = ""
    target: str = ""


def is_static_pod(pod: dict) -> bool:
    annotations = dig(pod, "metadata", "annotations") or {}
    if MIRROR_ANNOTATION in annotations:
        return True
    return any(ref.get("kind") == "Node" for ref in dig(pod, "metadata", "ownerReferences") or [])


def owner_text(pod: dict) -> str:
    """`ReplicaSet slim-6d8c6578bc (Deployment slim)`, `Node demo-node-1`, or `none (bare pod)`."""
    refs: list[dict] = dig(pod, "metadata", "ownerReferences") or []
    if not refs:
        return "none (bare pod)"
    ref = next((r for r in refs if r.get("controller")), refs[0])
    kind, name = ref.get("kind", "?"), ref.get("name", "?")
    text = f"{kind} {name}"
    if kind == "ReplicaSet":
        match = _RS_NAME.match(name)
        template_hash = (dig(pod, "metadata", "labels") or {}).get("pod-template-hash")
        if match and (template_hash is None or template_hash == match.group("hash")):
            text += f" (Deployment {match.group('deploy')})"
    elif kind == "Job":
        match = re.match(r"^(?P<cron>.+)-\d{8,}$", name)
        if match:
            text += f" (CronJob {match.group('cron')})"
    if len(refs) > 1:
        text += f" +{len(refs) - 1} more"
    return text


def workload_of(pod: dict) -> tuple[str, str] | None:
    """The workload whose pod template made this pod: ("Deployment", "slim") for a ReplicaSet named
    after a Deployment, else the controller's kind and name (StatefulSet, DaemonSet, ReplicaSet,
    Job...); None for a bare pod or a static pod."""
    refs: list[dict] = dig(pod, "metadata", "ownerReferences") or []
    ref = next((r for r in refs if r.get("controller")), refs[0] if refs else None)
    if ref is None or ref.get("kind") == "Node":
        return None
    kind, name = str(ref.get("kind") or "?"), str(ref.get("name") or "?")
    if kind == "ReplicaSet":
        match = _RS_NAME.match(name)
        template_hash = (dig(pod, "metadata", "labels") or {}).get("pod-template-hash")
        if match and (template_hash is None or template_hash == match.group("hash")):
            return "Deployment", match.group("deploy")
    return kind, name


# Workloads whose pod template change replaces their pods (a Job's template cannot be changed).
ROLLING_WORKLOADS = frozenset({"Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "ReplicationController"})


def share_pid_lesson(pod: dict, pods: int | None = None) -> str:
    """Why not just turn on shareProcessNamespace where the pod comes from (the walkthrough's lesson),
    for a pod that does not share yet and whose workload would roll: "" otherwise. `pods`: how many
    pods the workload's template change would roll, when read from the workload (tui/pods/workload.py)."""
    if dig(pod, "spec", "shareProcessNamespace"):
        return ""
    workload = workload_of(pod)
    if workload is None or workload[0] not in ROLLING_WORKLOADS:
        return ""
    kind, name = workload
    copy = "Copy and share (d) gives you one sharing copy and leaves them alone"
    if kind in ("ReplicaSet", "ReplicationController"):
        return (f"shareProcessNamespace set in {kind} {name} reaches only new pods: this one would have to "
                f"be deleted, its broken state with it; {copy}")
    if pods is not None:
        return (f"turning shareProcessNamespace on in {kind} {name} restarts its {pods} pod{'' if pods == 1 else 's'}"
                f", this one too (a restart loses its state); {copy}")
    return (f"turning shareProcessNamespace on in {kind} {name} rolls all its pods, this one too (a restart "
            f"loses its state); {copy}")


def operating_system_of(node: dict | None) -> str:
    """A Node object's OS ("linux", "windows"): its kubernetes.io/os label, else nodeInfo; "" unknown."""
    if not node:
        return ""
    return str((dig(node, "metadata", "labels") or {}).get(OS_LABEL)
               or dig(node, "status", "nodeInfo", "operatingSystem") or "")


def node_os(pod: dict, nodes: dict[str, dict]) -> str:
    """The node's OS (from the node object), else what the pod asks for, else unknown."""
    node_name = dig(pod, "spec", "nodeName")
    node = nodes.get(node_name) if node_name else None
    if node is not None:
        operating_system = operating_system_of(node)
        if operating_system:
            return f"{operating_system} (node {node_name})"
    selector = (dig(pod, "spec", "nodeSelector") or {}).get(OS_LABEL)
    if selector:
        return f"{selector} (nodeSelector)"
    spec_os = dig(pod, "spec", "os", "name")
    if spec_os:
        return f"{spec_os} (spec.os)"
    return "unknown (not scheduled to a node yet)" if node_name is None else f"unknown (node {node_name})"


PSA_PREFIX = "pod-security.kubernetes.io/"
# What an enforced level means for a debug container (kubectl debug --profile=...).
PSA_DEBUG_HINT = {
    "restricted": "debug with the restricted profile",
    "baseline": "debug with the baseline or restricted profile",
}


def pod_security_level(namespace: dict | None) -> str:
    """The namespace's enforced Pod Security policy (as admission reads its labels), what it means
    for a debug container, and the warn / audit levels when set."""
    if namespace is None:
        return "unknown (namespace not listed)"
    labels = dig(namespace, "metadata", "labels") or {}
    policy = namespace_policy(labels)
    if ENFORCE_LABEL not in labels:
        text = f"{policy.level} (no enforce label)"
    else:
        hint = PSA_DEBUG_HINT.get(policy.level)
        text = f"{policy}" + (f" ({hint})" if hint else "")
    for mode in ("warn", "audit"):
        level = labels.get(f"{PSA_PREFIX}{mode}")
        if level:
            version = labels.get(f"{PSA_PREFIX}{mode}-version") or "latest"
            text += f"  {mode} {level}:{version}"
    return text


def security_summary(pod: dict) -> list[str]:
    """runAsNonRoot / runAsUser settings of the pod and of containers that override them."""
    lines: list[str] = []
    pod_sc = dig(pod, "spec", "securityContext") or {}
    lines.append("pod: " + (_describe_sc(pod_sc) or "no user settings (image default)"))
    for kind, key in (("init", "initContainers"), ("", "containers"), ("ephemeral", "ephemeralContainers")):
        for container in dig(pod, "spec", key) or []:
            described = _describe_sc(container.get("securityContext") or {})
            if described:
                prefix = f"{kind} " if kind else ""
                lines.append(f"{prefix}{container.get('name', '?')}: {described}")
    return lines


def _describe_sc(sc: dict) -> str:
    parts: list[str] = []
    for key in ("runAsNonRoot", "runAsUser", "runAsGroup", "fsGroup", "privileged", "allowPrivilegeEscalation"):
        if key in sc:
            value = sc[key]
            parts.append(f"{key}={str(value).lower() if isinstance(value, bool) else value}")
    caps = sc.get("capabilities") or {}
    if caps.get("add"):
        parts.append("add " + ",".join(caps["add"]))
    if caps.get("drop"):
        parts.append("drop " + ",".join(caps["drop"]))
    return " ".join(parts)


def volumes_summary(pod: dict) -> list[str]:
    out: list[str] = []
    for volume in dig(pod, "spec", "volumes") or []:
        name = volume.get("name", "?")
        kinds = [k for k in volume if k != "name"]
        kind = kinds[0] if kinds else "?"
        detail = ""
        source = volume.get(kind) if kinds else None
        if isinstance(source, dict):
            detail = (
                source.get("claimName")
                or source.get("secretName")
                or source.get("name")
                or source.get("path")
                or ""
            )
        out.append(f"{name} ({kind}{': ' + detail if detail else ''})")
    return out


def _state_of(status: dict | None) -> tuple[str, dict]:
    state = (status or {}).get("state") or {}
    for key, label in (("running", "Running"), ("waiting", "Waiting"), ("terminated", "Terminated")):
        if key in state:
            return label, state[key] or {}
    return "Unknown", {}


def _last_termination(status: dict | None) -> str:
    """`Error, exit code 1 (signal 9), ran 2026-01-01T10:00:00Z → 2026-01-01T10:00:12Z (12s): message`."""
    last = dig(status, "lastState", "terminated")
    if not last:
        return ""
    text = str(last.get("reason") or "Terminated")
    if last.get("exitCode") is not None:
        text += f", exit code {last['exitCode']}"
    if last.get("signal"):
        text += f" (signal {last['signal']})"
    started, finished = last.get("startedAt") or "", last.get("finishedAt") or ""
    if started and finished:
        text += f", ran {started} → {finished}"
        took = _duration(started, finished)
        if took:
            text += f" ({took})"
    elif finished:
        text += f", finished {finished}"
    if last.get("message"):
        text += f": {str(last['message']).strip()}"
    return text


def _duration(start: str, end: str) -> str:
    """`12s`, `3m4s`, `2h5m` between two RFC 3339 times, as kubectl shows durations ("" when
    either does not parse or the end comes first)."""
    started, finished = parse_timestamp(start), parse_timestamp(end)
    if started is None or finished is None or finished < started:
        return ""
    return human_duration((finished - started).total_seconds())


def container_entries(pod: dict) -> list[ContainerEntry]:
    """Init, regular and ephemeral containers with their status, in that order."""
    status = pod.get("status") or {}
    spec = pod.get("spec") or {}
    entries: list[ContainerEntry] = []
    for kind, spec_key, status_key in (
        ("init", "initContainers", "initContainerStatuses"),
        ("container", "containers", "containerStatuses"),
        ("ephemeral", "ephemeralContainers", "ephemeralContainerStatuses"),
    ):
        statuses = {s.get("name"): s for s in status.get(status_key) or []}
        for container in spec.get(spec_key) or []:
            name = container.get("name", "?")
            cstatus = statuses.get(name)
            state, detail = _state_of(cstatus)
            entries.append(
                ContainerEntry(
                    kind=kind,
                    name=name,
                    image=container.get("image", ""),
                    state=state,
                    reason=str(detail.get("reason") or ""),
                    message=str(detail.get("message") or ""),
                    started_at=str(detail.get("startedAt") or ""),
                    finished_at=str(detail.get("finishedAt") or ""),
                    exit_code=detail.get("exitCode") if state == "Terminated" else None,
                    restarts=int((cstatus or {}).get("restartCount") or 0),
                    ready=(cstatus or {}).get("ready") if cstatus else None,
                    last_termination=_last_termination(cstatus),
                    target=str(container.get("targetContainerName") or ""),
                )
            )
    return entries


def pod_problems(pod: dict) -> list[str]:
    """What the pod itself (not a container) reports as wrong: the pod's status reason and message
    (Evicted, NodeLost...) and conditions that are False with a message (Unschedulable...)."""
    status = pod.get("status") or {}
    problems: list[str] = []
    reason, message = status.get("reason") or "", (status.get("message") or "").strip()
    if reason or message:
        problems.append(f"{reason}: {message}" if reason and message else reason or message)
    for condition in status.get("conditions") or []:
        if condition.get("status") != "False" or not condition.get("message"):
            continue
        kind = condition.get("type", "?")
        why = condition.get("reason") or ""
        if kind in ("Ready", "ContainersReady") and why == "ContainersNotReady":
            continue  # the containers below say which and why
        problems.append(f"{kind} false{' (' + why + ')' if why else ''}: {str(condition['message']).strip()}")
    return problems


@dataclass
class PodFacts:
    share_process_namespace: bool
    static: bool
    node_os: str
    pod_security: str
    security: list[str] = field(default_factory=list)
    volumes: list[str] = field(default_factory=list)
    owner: str = ""


def pod_facts(
    pod: dict, *, nodes: dict[str, dict], namespaces: dict[str, dict], notes: tuple[str, ...] | list[str] = ()
) -> PodFacts:
    """`notes`: why namespaces or nodes could not be listed (e.g. "namespaces: HTTP 403")."""
    namespace = dig(pod, "metadata", "namespace") or ""
    if namespaces:
        pod_security = pod_security_level(namespaces.get(namespace))
    else:
        problem = next((n.split(": ", 1)[1] for n in notes if n.startswith("namespaces: ")), "")
        if problem == "HTTP 403":
            pod_security = "unknown (you may not list namespaces, which hold the level's labels)"
        elif problem:
            pod_security = f"unknown (listing namespaces failed: {problem})"
        else:
            pod_security = "unknown (namespaces not loaded yet)"
    return PodFacts(
        share_process_namespace=bool(dig(pod, "spec", "shareProcessNamespace")),
        static=is_static_pod(pod),
        node_os=node_os(pod, nodes),
        pod_security=pod_security,
        security=security_summary(pod),
        volumes=volumes_summary(pod),
        owner=owner_text(pod),
    )
