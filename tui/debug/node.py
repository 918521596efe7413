"""Planning `kubectl debug node/NAME`: a pod on that node, in its host namespaces, with the node's
filesystem at `/host`, as kubectl v1.32 builds it (`generateNodeDebugPod` and the profiles'
"node" style in kubectl's `profiles.go`); plain functions, no I/O.

    request = NodeDebugRequest(node="demo-node-1", namespace="default", profile=Profile.GENERAL)
    p = plan_node(request, node_dict)      # node_dict: the Node object (its OS), or None
    p.requests                             # [PlannedRequest POST /api/v1/namespaces/NS/pods]
    p.pod_name, p.container_name           # node-debugger-<node>-xxxxx / debugger
    p.kubectl_command_text                 # kubectl debug node/demo-node-1 -n default -it ...
    p.confirmation_reasons                 # host namespaces, the hostPath mount: root on the node

The pod: one container (`debugger`, or `-c`) with the image, the command (or `--arguments-only`),
`--env`, the pull policy, stdin/tty, `terminationMessagePolicy: File`; `nodeName`, `restartPolicy:
Never`, a toleration of every taint (`operator: Exists`). Then the profile:

| profile    | hostNetwork, hostPID, hostIPC | `/host` (volume `host-root`, hostPath `/`) | the container              |
|------------|-------------------------------|--------------------------------------------|----------------------------|
| legacy     | yes                           | yes                                        | as built                   |
| general    | yes                           | yes                                        | securityContext removed    |
| baseline   | no                            | no                                         | securityContext removed    |
| restricted | no                            | no                                         | restricted securityContext |
| netadmin   | yes                           | no                                         | NET_ADMIN, NET_RAW added   |
| sysadmin   | yes                           | yes                                        | privileged                 |

Ephemera adds its managed-by label and created-at annotation (as on copies), so `ephemera cleanup`
lists the pod; kubectl adds neither (said in `kubectl_notes`).
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from tui.debug.confirmation import root_equivalent_reasons
from tui.debug.errors import PlanError
from tui.debug.names import MAX_POD_NAME, SUFFIX_LENGTH, random_suffix
from tui.debug.planned_request import JSON, PlannedRequest, PlannedRequests, pod_path
from tui.debug.planner import CREATED_AT_ANNOTATION, MANAGED_BY_LABEL, MANAGED_BY_VALUE
from tui.debug.profiles import add_capability
from tui.debug.request import DEFAULT_IMAGE, DEFAULT_PROFILE, Profile
from tui.k8s_names import name_problem
from tui.pods.facts import operating_system_of

NODE_CONTAINER = "debugger"
HOST_ROOT_VOLUME = "host-root"
HOST_ROOT_PATH = "/host"
NODE_DEBUG_LABEL = "ephemera.dev/debug-node"
"""The node a node debug pod was made for (a label: `ephemera cleanup` and the browser find it)."""


@dataclass(frozen=True)
class NodeDebugRequest:
    """One `kubectl debug node/NAME`: the node, where the pod goes, and kubectl's flags for it."""

    node: str
    namespace: str = "default"
    image: str = DEFAULT_IMAGE
    container_name: str | None = None  # kubectl's -c; None: "debugger"
    profile: Profile = DEFAULT_PROFILE
    command: tuple[str, ...] = ()  # after `--`
    args_only: bool = False  # --arguments-only
    env: tuple[tuple[str, str], ...] = ()
    image_pull_policy: str | None = None
    stdin: bool = True  # -i
    tty: bool = True  # -t


@dataclass
class NodeDebugPlan(PlannedRequests):
    """The pod to create, the request that creates it, and what kubectl would run."""

    request: NodeDebugRequest
    namespace: str
    pod_name: str
    container_name: str
    pod: dict[str, Any]
    requests: list[PlannedRequest]
    kubectl_command: list[str]
    kubectl_notes: list[str] = field(default_factory=list)
    messages: list[str] = field(default_factory=list)  # what kubectl prints while debugging
    warnings: list[str] = field(default_factory=list)
    confirmation_reasons: list[str] = field(default_factory=list)

    @property
    def container(self) -> dict[str, Any]:
        return self.pod["spec"]["containers"][0]


def node_pod_name(node: str, rng: random.Random | None = None) -> str:
    """kubectl's `node-debugger-<node>-xxxxx` (kept a valid pod name for a long node name)."""
    stem = f"node-debugger-{node}"[: MAX_POD_NAME - 1 - SUFFIX_LENGTH].rstrip("-.")
    return f"{stem}-{random_suffix(rng=rng)}"


def _use_host_namespaces(spec: dict[str, Any]) -> None:
    spec["hostNetwork"] = True
    spec["hostPID"] = True
    spec["hostIPC"] = True


def _mount_root_partition(spec: dict[str, Any], container: dict[str, Any]) -> None:
    spec.setdefault("volumes", []).append({"name": HOST_ROOT_VOLUME, "hostPath": {"path": "/"}})
    container.setdefault("volumeMounts", []).append({"name": HOST_ROOT_VOLUME, "mountPath": HOST_ROOT_PATH})


def apply_node_profile(profile: Profile, pod: dict[str, Any]) -> None:
    """kubectl's profiles for a node debug pod (the table above), in place."""
    spec = pod["spec"]
    container = spec["containers"][0]
    profile = Profile(profile)
    if profile in (Profile.LEGACY, Profile.GENERAL, Profile.NETADMIN, Profile.SYSADMIN):
        _use_host_namespaces(spec)
    if profile in (Profile.LEGACY, Profile.GENERAL, Profile.SYSADMIN):
        _mount_root_partition(spec, container)
    if profile in (Profile.GENERAL, Profile.BASELINE, Profile.RESTRICTED):
        container.pop("securityContext", None)
    if profile is Profile.RESTRICTED:
        container["securityContext"] = {
            "runAsNonRoot": True,
            "capabilities": {"drop": ["ALL"]},
            "allowPrivilegeEscalation": False,
            "seccompProfile": {"type": "RuntimeDefault"},
        }
    elif profile is Profile.NETADMIN:
        add_capability(container, "NET_ADMIN")
        add_capability(container, "NET_RAW")
    elif profile is Profile.SYSADMIN:
        container.setdefault("securityContext", {})["privileged"] = True


def _problems(request: NodeDebugRequest) -> list[str]:
    problems = []
    if not request.node:
        problems.append("a node name is needed: node/NAME")
    elif problem := name_problem("pod", request.node):  # node names are subdomains, as pod names
        problems.append(problem.replace("pod name", "node name"))
    if problem := name_problem("namespace", request.namespace):
        problems.append(problem)
    if request.container_name and (problem := name_problem("container", request.container_name)):
        problems.append(problem)
    if not request.image:
        problems.append("an image is needed (--image)")
    return problems


def plan_node(
    request: NodeDebugRequest,
    node: dict[str, Any] | None = None,
    *,
    rng: random.Random | None = None,
    now: datetime | None = None,
    include_namespace: bool = True,
) -> NodeDebugPlan:
    """The node debug pod for `request` (PlanError when the request cannot be sent)."""
    problems = _problems(request)
    if problems:
        raise PlanError("; ".join(problems))
    name = request.container_name or NODE_CONTAINER
    pod_name = node_pod_name(request.node, rng)
    container: dict[str, Any] = {"name": name, "image": request.image, "resources": {},
                                 "terminationMessagePolicy": "File"}
    if request.env:
        container["env"] = [{"name": key, "value": value} for key, value in request.env]
    if request.image_pull_policy:
        container["imagePullPolicy"] = request.image_pull_policy
    if request.stdin:
        container["stdin"] = True
    if request.tty:
        container["tty"] = True
    if request.command:
        container["args" if request.args_only else "command"] = list(request.command)
    moment = (now or datetime.now(UTC)).astimezone(UTC).replace(microsecond=0)
    pod: dict[str, Any] = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": pod_name,
            "namespace": request.namespace,
            "labels": {MANAGED_BY_LABEL: MANAGED_BY_VALUE, NODE_DEBUG_LABEL: request.node[:63].rstrip("-._")},
            "annotations": {CREATED_AT_ANNOTATION: moment.strftime("%Y-%m-%dT%H:%M:%SZ")},
        },
        "spec": {
            "containers": [container],
            "nodeName": request.node,
            "restartPolicy": "Never",
            "tolerations": [{"operator": "Exists"}],
        },
    }
    apply_node_profile(request.profile, pod)
    warnings: list[str] = []
    if operating_system_of(node) == "windows":
        warnings.append(
            f"node {request.node} runs Windows: host namespaces and a hostPath / are Linux node debugging "
            "(kubectl's too); the pod will not start there. Debug a Linux node, or use a Windows "
            "HostProcess pod."
        )
    if request.profile in (Profile.BASELINE, Profile.RESTRICTED):
        warnings.append(
            f"profile {Profile(request.profile).value} debugs the node without its host namespaces or /host: "
            "the shell sees only its own pod (general or sysadmin give the node's processes and files)"
        )
    verb = "create node debug pod"
    return NodeDebugPlan(
        request=request,
        namespace=request.namespace,
        pod_name=pod_name,
        container_name=name,
        pod=pod,
        requests=[PlannedRequest(method="POST", path=pod_path(request.namespace), content_type=JSON, body=pod,
                                 description=f"{verb} {pod_name!r} on node {request.node!r}")],
        kubectl_command=node_kubectl_command(request, name, include_namespace=include_namespace),
        kubectl_notes=["kubectl debug node does not add Ephemera's label and annotation: `ephemera cleanup` "
                       "would not list its pod"],
        messages=[f"Creating debugging pod {pod_name} with container {name} on node {request.node}."],
        warnings=warnings,
        confirmation_reasons=[reason.replace("the copy", "the node debug pod")
                              for reason in root_equivalent_reasons(pod, container, copy=True)],
    )


def node_kubectl_command(request: NodeDebugRequest, container_name: str | None = None, *,
                         include_namespace: bool = True, kubectl: str = "kubectl") -> list[str]:
    """argv of the `kubectl debug node/NAME` that builds the same pod."""
    argv = [kubectl, "debug", f"node/{request.node}"]
    if include_namespace:
        argv += ["-n", request.namespace]
    flags = {(True, True): "-it", (True, False): "-i", (False, True): "-t"}.get((request.stdin, request.tty))
    if flags:
        argv.append(flags)
    argv += [f"--image={request.image}", f"--profile={Profile(request.profile).value}"]
    if container_name and container_name != NODE_CONTAINER:
        argv += ["-c", container_name]
    for key, value in request.env:
        argv.append(f"--env={key}={value}")
    if request.image_pull_policy:
        argv.append(f"--image-pull-policy={request.image_pull_policy}")
    if request.command:
        if request.args_only:
            argv.append("--arguments-only")
        argv += ["--", *request.command]
    return argv
