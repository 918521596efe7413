"""Pre-flight checks for a node debug pod (`kubectl debug node/NAME`): pure functions over facts
gathered beforehand by `tui.kube.node_debug.gather_node_facts` (no I/O). The same `Check`s,
`AccessQuestion`s and `DryRunVerdict` as a pod's pre-flight (`tui.debug.preflight`):

    facts = gather_node_facts(conn, NodeDebugRequest(node="demo-node-1", namespace="staging"))
    run_node_checks(facts)
    # Check("Pod Security", "fail", 'namespace "staging" enforces baseline:latest; it would refuse: host
    #       namespaces (...), hostPath volumes (...)', 'host namespaces and hostPath need a namespace
    #       enforcing privileged: -n default (enforces privileged), or label it: kubectl label ...')

What is checked: the node (exists, Ready, its OS: a Windows node cannot run a Linux node debug
pod), RBAC (create pods in the namespace, attach to the pod, get nodes), Pod Security of the
namespace against the planned pod (`tui.pods.security`: host namespaces and a hostPath `/` need
`privileged`; which label would admit it, which readable namespace already does), the plan's own
warnings, and the server's verdict on the `?dryRun=All` POST.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tui.debug.node import NodeDebugPlan, NodeDebugRequest
from tui.debug.preflight import (
    AccessQuestion,
    Check,
    DryRunVerdict,
    Verdict,
    access_unasked,
    dry_run_check,
    psa_server_version,
)
from tui.debug.request import Profile
from tui.pods.facts import operating_system_of
from tui.pods.security import ENFORCE_LABEL, LEVELS, Policy, evaluate, namespace_policy

__all__ = [
    "NodePreflightFacts",
    "admitting_level",
    "node_access_questions",
    "node_ready",
    "run_node_checks",
]


@dataclass
class NodePreflightFacts:
    """What the cluster told us about a node debug pod; None: could not find out (the error says why)."""

    request: NodeDebugRequest
    plan: NodeDebugPlan | None = None
    plan_error: str = ""
    node: dict[str, Any] | None = None
    node_error: str = ""
    node_status: int | None = None  # the HTTP status of a failed read of the node (404: no such node)
    version: dict[str, Any] | None = None
    access: dict[AccessQuestion, bool | None] = field(default_factory=dict)
    access_error: str = ""
    namespace_labels: dict[str, str] | None = None
    namespace_error: str = ""
    # namespace name -> labels, of every namespace the user may list (to suggest a privileged one); None: unread
    namespaces: dict[str, dict[str, str]] | None = None
    dry_run: DryRunVerdict | None = None


def node_access_questions(*, attach: bool = True) -> list[AccessQuestion]:
    """The SelfSubjectAccessReviews a node debug pod needs. `get nodes` is cluster-scoped (asked
    without a namespace) and only helps the pre-flight (the node's OS and readiness)."""
    return [
        AccessQuestion("create", "pods", why="to create the node debug pod"),
        AccessQuestion("get", "pods", "attach", required=attach, why="to attach (the WebSocket upgrade is a GET)"),
        AccessQuestion("create", "pods", "attach", required=attach, why="to attach (checked since 1.35)"),
        AccessQuestion("get", "nodes", required=False, why="to check the node exists, is Ready and its OS"),
    ]


def node_ready(node: dict[str, Any]) -> tuple[bool | None, str]:
    """(Ready?, the condition's reason/message); None when the node reports no Ready condition."""
    for condition in (node.get("status") or {}).get("conditions") or ():
        if condition.get("type") == "Ready":
            detail = " ".join(str(condition.get(key) or "") for key in ("reason", "message")).strip()
            return condition.get("status") == "True", detail
    return None, ""


def _node_checks(facts: NodePreflightFacts) -> list[Check]:
    node_name = facts.request.node
    if facts.node is None:
        if facts.node_status == 404:
            return [Check("node", "fail", f"node {node_name!r} does not exist (or is gone)",
                          "pick a node of `kubectl get nodes` (N in the browser lists them)")]
        return [Check("node", "warn", f"could not read node {node_name!r}"
                      + (f": {facts.node_error}" if facts.node_error else ""),
                      "its OS and readiness are unknown; the dry run below still checks the pod")]
    checks: list[Check] = []
    unschedulable = bool((facts.node.get("spec") or {}).get("unschedulable"))
    ready, detail = node_ready(facts.node)
    if ready is False:
        checks.append(Check("node", "warn", f"node {node_name!r} is NotReady" + (f" ({detail})" if detail else ""),
                            "the pod may never start there: its kubelet is not reporting; debug another node, or "
                            "wait for it to recover"))
    else:
        extra = "; cordoned (the pod goes there anyway: it names the node)" if unschedulable else ""
        checks.append(Check("node", "ok", f"node {node_name!r} is {'Ready' if ready else 'known'}{extra}"))
    os_name = operating_system_of(facts.node)
    if os_name == "windows":
        checks.append(Check("node OS", "fail",
                            f"node {node_name!r} runs Windows: host namespaces and a hostPath / are Linux node "
                            "debugging (kubectl's too); the pod will not start there",
                            "debug a Linux node, or on Windows use a HostProcess pod "
                            "(securityContext.windowsOptions.hostProcess, in a privileged namespace)"))
    elif os_name:
        checks.append(Check("node OS", "ok", os_name))
    return checks


def _access_checks(facts: NodePreflightFacts) -> list[Check]:
    name = "RBAC"
    if not facts.access:
        return access_unasked(facts.access_error)
    namespace = facts.request.namespace
    checks: list[Check] = []
    for question, allowed in facts.access.items():
        if allowed is not False:
            continue
        verdict: Verdict = "fail" if question.required else "warn"
        what = question.label.split(" ", 1)[1]
        if question.resource == "nodes":
            checks.append(Check(name, verdict, f"you may not {question.label} ({question.why})",
                                f"ask for a ClusterRole granting {question.verb!r} on 'nodes' (check: "
                                f"kubectl auth can-i {question.label})"))
        else:
            checks.append(Check(name, verdict, f"you may not {question.label} in namespace {namespace!r} "
                                f"({question.why})",
                                f"ask for a Role granting {question.verb!r} on {what!r} in {namespace!r} (check: "
                                f"kubectl auth can-i {question.label} -n {namespace}), or use -n with a "
                                "namespace where you may"))
    unknown = [q for q, allowed in facts.access.items() if allowed is None]
    if unknown:
        checks.append(Check(name, "warn", "could not check: " + ", ".join(q.label for q in unknown),
                            "the dry run below still shows whether the creation is allowed"))
    if not checks:
        checks.append(Check(name, "ok", "allowed: " + ", ".join(q.label for q in facts.access)))
    return checks


def admitting_level(pod: dict[str, Any], server_version: str | None = None) -> str:
    """The strictest Pod Security level whose latest policy admits `pod` (privileged at worst)."""
    for level in reversed(LEVELS):  # restricted, baseline, privileged
        if level == "privileged" or not evaluate(pod, Policy(level), server_version=server_version):
            return level
    return "privileged"


def _admits(labels: dict[str, str], pod: dict[str, Any], server_version: str | None) -> bool:
    policy = namespace_policy(labels)
    return policy.level == "privileged" or not evaluate(pod, policy, server_version=server_version)


def _pod_security_check(facts: NodePreflightFacts) -> list[Check]:
    name = "Pod Security"
    namespace = facts.request.namespace
    if facts.namespace_labels is None:
        return [Check(name, "info", f"could not read namespace {namespace!r}"
                      + (f": {facts.namespace_error}" if facts.namespace_error else ""),
                      "the dry run below shows whether Pod Security admits the pod")]
    policy = namespace_policy(facts.namespace_labels)
    if policy.level == "privileged":
        return [Check(name, "ok", f"namespace {namespace!r} enforces no Pod Security level (privileged): "
                      "host namespaces and hostPath are admitted")]
    if facts.plan is None:
        return [Check(name, "info", f"namespace {namespace!r} enforces {policy}")]
    pod = facts.plan.pod
    server = psa_server_version(facts.version)
    violations = evaluate(pod, policy, server_version=server)
    if not violations:
        return [Check(name, "ok", f"namespace {namespace!r} enforces {policy}; the node debug pod complies")]
    level = admitting_level(pod, server)
    found = f"namespace {namespace!r} enforces {policy}; it would refuse: " + ", ".join(violations)
    readable = facts.namespaces or {}
    others = sorted(ns for ns, labels in readable.items() if ns != namespace and _admits(labels, pod, server))
    where = ""
    if others:
        preferred = "default" if "default" in others else others[0]
        where = f"-n {preferred} (enforces {namespace_policy(readable[preferred]).level}), or "
    label = f"{ENFORCE_LABEL}={level}"
    todo = (f"host namespaces and hostPath need a namespace enforcing {level}: {where}label one: "
            f"kubectl label namespace {namespace} {label} --overwrite")
    if facts.request.profile not in (Profile.BASELINE, Profile.RESTRICTED):
        todo += "; --profile=baseline passes but sees neither the node's processes nor /host"
    return [Check(name, "fail", found, todo)]


def _dry_run_check(facts: NodePreflightFacts) -> list[Check]:
    return dry_run_check(facts.dry_run, lambda verdict: dry_run_todo(verdict, facts.request))


def dry_run_todo(verdict: DryRunVerdict, request: NodeDebugRequest) -> str:
    """What to do about the server's refusal of the node debug pod (also for a real creation's error)."""
    message = verdict.message
    if "violates PodSecurity" in message:
        return (f"the node debug pod needs a privileged namespace: -n NAMESPACE of one that enforces privileged, "
                f"or kubectl label namespace {request.namespace} {ENFORCE_LABEL}=privileged --overwrite")
    if verdict.status == 403:
        return (f"ask for permission to create pods in {request.namespace!r} (kubectl auth can-i create pods -n "
                f"{request.namespace}), or use -n with a namespace where you may")
    if verdict.status == 404:
        return f"check that namespace {request.namespace!r} exists (kubectl get namespaces)"
    if verdict.status == 409:
        return "a pod of that name exists already: try again (the name's suffix is random)"
    if verdict.status == 422:
        return verdict.hint or "the server names what is wrong in its message"
    return "read the server's message above"


def _plan_checks(facts: NodePreflightFacts) -> list[Check]:
    if facts.plan_error:
        return [Check("plan", "fail", facts.plan_error, "fix the options")]
    if facts.plan is None:
        return []
    return [Check("plan", "warn", warning) for warning in facts.plan.warnings
            if "runs Windows" not in warning]  # the node OS check says it, with what to do


def run_node_checks(facts: NodePreflightFacts) -> list[Check]:
    """Every check of a node debug pod, in the order the user reads them."""
    return [
        *_node_checks(facts),
        *_access_checks(facts),
        *_pod_security_check(facts),
        *_plan_checks(facts),
        *_dry_run_check(facts),
    ]
