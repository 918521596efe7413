"""Node debugging on a cluster (`kubectl debug node/NAME`): blocking I/O on plain JSON, no Textual.

    facts = gather_node_facts(conn, request)     # the node, /version, the namespace's labels (and
                                                 # the readable namespaces'), SelfSubjectAccessReviews,
                                                 # the plan, the dry run of its exact POST
    checks = run_node_checks(facts)              # tui.debug.node_preflight (pure)
    pod = create_node_debug(conn, facts.plan, audit_log=log)   # the POST, one audit line
    outcome = wait_for_container(conn, ns, plan.pod_name, plan.container_name)  # tui.kube.debug_runner

Also `list_nodes` (the browser's node picker) and `fetch_node`. The pod carries Ephemera's
managed-by label, so `list_copies` (`ephemera cleanup`, `C` in the browser) lists it with the copies.
Every request goes through tui.kube.requests; errors are `ClusterError`s.
"""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tui.audit_log import AuditLog
from tui.debug.errors import PlanError
from tui.debug.node import NodeDebugPlan, NodeDebugRequest, plan_node
from tui.debug.node_preflight import NodePreflightFacts, node_access_questions
from tui.debug.preflight import DryRunVerdict
from tui.kube import change_audit
from tui.kube.errors import ClusterError
from tui.kube.preflight_reads import ask_access, message_of, namespace_labels, server_version
from tui.kube.requests import get_json, send_planned
from tui.pods.security import namespace_policy

if TYPE_CHECKING:
    from tui.kube.connection import ClusterConnection

__all__ = [
    "NODE_DEBUG_POD_CREATED",
    "NodeCreation",
    "create_node_debug",
    "fetch_node",
    "gather_node_facts",
    "list_nodes",
    "node_dry_run",
]

NODE_DEBUG_POD_CREATED = "node-debug-pod-created"
"""The audit log's action for a node debug pod's creation (and its refusal)."""


def fetch_node(conn: ClusterConnection, name: str) -> dict[str, Any]:
    """The Node as plain JSON; ClusterError (404: `nodes "x" not found`) otherwise."""
    return dict(get_json(conn, f"/api/v1/nodes/{quote(name, safe='')}"))


def list_nodes(conn: ClusterConnection) -> list[dict[str, Any]]:
    """Every Node of the cluster, sorted by name (ClusterError, e.g. 403 when nodes may not be listed)."""
    items = get_json(conn, "/api/v1/nodes").get("items") or []
    return sorted((dict(item) for item in items), key=lambda n: str((n.get("metadata") or {}).get("name") or ""))


def _namespaces(conn: ClusterConnection) -> dict[str, dict[str, str]] | None:
    try:
        items = get_json(conn, "/api/v1/namespaces").get("items") or []
    except ClusterError:
        return None  # many users may not list namespaces: no suggestion then
    return {str(meta.get("name")): dict(meta.get("labels") or {})
            for meta in ((item.get("metadata") or {}) for item in items) if meta.get("name")}


def node_dry_run(conn: ClusterConnection, plan: NodeDebugPlan) -> DryRunVerdict:
    """The plan's POST with `?dryRun=All`: the server's verdict (Pod Security, RBAC, validation)."""
    for request in plan.dry_run_requests():
        try:
            answer = send_planned(conn, request)
        except ClusterError as exc:
            return DryRunVerdict(False, exc.message, ran=False)
        if not answer.ok:
            return DryRunVerdict(False, message_of(answer.body), answer.status, hint=answer.error().hint)
    return DryRunVerdict(True)


def gather_node_facts(conn: ClusterConnection, request: NodeDebugRequest, *, attach: bool = True,
                      with_dry_run: bool = True, rng: random.Random | None = None) -> NodePreflightFacts:
    """Everything the node pre-flight needs; nothing raises but an unreachable cluster (ClusterError)."""
    facts = NodePreflightFacts(request=request)
    try:
        facts.node = fetch_node(conn, request.node)
    except ClusterError as exc:
        if exc.status is None:
            raise
        facts.node_error, facts.node_status = exc.message, exc.status
    facts.version, _ = server_version(conn)
    try:
        facts.plan = plan_node(request, facts.node, rng=rng)
    except PlanError as exc:
        facts.plan_error = str(exc)
    facts.access, facts.access_error = ask_access(
        conn, node_access_questions(attach=attach),
        lambda question: "" if question.resource == "nodes" else request.namespace)
    facts.namespace_labels, facts.namespace_error = namespace_labels(conn, request.namespace)
    if facts.namespace_labels is not None and namespace_policy(facts.namespace_labels).level != "privileged":
        facts.namespaces = _namespaces(conn)  # to suggest one that admits the pod
    if with_dry_run and facts.plan is not None:
        facts.dry_run = node_dry_run(conn, facts.plan)
    return facts


@dataclass
class NodeCreation:
    """The created node debug pod and the audit log's problems (one line each; normally none)."""

    pod: dict[str, Any]
    audit_problems: list[str] = field(default_factory=list)


def create_node_debug(conn: ClusterConnection, plan: NodeDebugPlan, *,
                      audit_log: AuditLog | None = None) -> NodeCreation:
    """POST the node debug pod. The answer (created or refused) is one line of `audit_log`; a
    refusal raises its ClusterError, whose `audit_problems` lists what the log could not take."""
    request = plan.requests[0]
    answer = send_planned(conn, request)
    error = None if answer.ok else answer.error()
    body = answer.body if isinstance(answer.body, dict) else {}
    created = str((body.get("metadata") or {}).get("name") or plan.pod_name) if answer.ok else ""
    problem = change_audit.record_answer(
        audit_log, context=conn.context, namespace=plan.namespace, pod=created or plan.pod_name,
        action=NODE_DEBUG_POD_CREATED, request=request.to_json(), status=answer.status, ok=answer.ok,
        created=[created] if answer.ok else None, error=str(error) if error is not None else "",
        extra={"node": plan.request.node})
    problems = [problem] if problem else []
    if error is not None:
        error.audit_problems = problems  # type: ignore[attr-defined]
        raise error
    return NodeCreation(dict(body), problems)
