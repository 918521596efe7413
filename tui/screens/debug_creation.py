"""What the debug form and the cleanup view do on the cluster (blocking; run them in workers).

No Textual here. `create_debug` plans against the freshly read pod (legacy API on 1.16-1.21
servers), sends the plan through `tui.kube.debug_runner.execute`, records every request the
server answered in the audit log and remembers the image; `delete_copies` deletes Ephemera's
copies with an audit entry each; `read_logs` reads a container's log (the last lines).
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.audit_log import COPY_CREATED, COPY_DELETED, EPHEMERAL_CONTAINER_ADDED, POD_DELETED, AuditLog
from tui.debug.errors import PlanError
from tui.debug.planned_request import PlannedRequest, pod_path
from tui.debug.planner import DebugPlan
from tui.debug.request import DebugRequest
from tui.kube.errors import ClusterError

if TYPE_CHECKING:
    from tui.kube.connection import ClusterConnection
    from tui.kube.debug_runner import CopyInfo, Execution

SUCCESS = {"PATCH": (200, "OK"), "POST": (201, "Created"), "DELETE": (200, "OK")}


@dataclass
class Creation:
    """How `create_debug` ended: `error` is None on success."""

    plan: DebugPlan | None
    execution: Execution | None = None
    error: ClusterError | None = None
    plan_error: str = ""
    created_pods: list[str] = field(default_factory=list)  # copies left behind by a failure
    notices: list[str] = field(default_factory=list)  # audit log / settings problems (non-fatal)

    @property
    def ok(self) -> bool:
        return self.error is None and not self.plan_error and self.execution is not None


def _action(request: PlannedRequest, plan: DebugPlan) -> str:
    if request.method == "POST":
        return COPY_CREATED
    if request.method == "DELETE":
        return POD_DELETED
    return EPHEMERAL_CONTAINER_ADDED


def _target_pod(request: PlannedRequest, plan: DebugPlan) -> str:
    if request.method == "POST":
        return plan.pod_name
    return request.path.split("/pods/", 1)[1].split("/", 1)[0]


def _created(request: PlannedRequest, plan: DebugPlan) -> list[str]:
    if request.method == "POST":
        return [plan.pod_name]
    if request.method == "PATCH" and plan.container_name:
        return [plan.container_name]
    return []


def record_plan(log: AuditLog, context: str, plan: DebugPlan, sent: int, error: ClusterError | None) -> None:
    """Audit entries for the first `sent` requests of `plan` (all answered with success) and, when
    `error` is a server answer, one failed entry for the request after them."""
    for request in plan.requests[:sent]:
        status, message = SUCCESS.get(request.method, (200, "OK"))
        log.record(context=context, namespace=plan.namespace, pod=_target_pod(request, plan),
                   action=_action(request, plan), request=request.to_json(),
                   result={"status": status, "message": message, "created": _created(request, plan)}, ok=True)
    if error is not None and error.status is not None and sent < len(plan.requests):
        request = plan.requests[sent]
        log.record(context=context, namespace=plan.namespace, pod=_target_pod(request, plan),
                   action=_action(request, plan), request=request.to_json(), result=str(error), ok=False)


def _requests_sent(plan: DebugPlan, execution: Execution | None) -> int:
    """How many of the plan's requests succeeded before a failure."""
    if execution is None:
        return 0
    return len(execution.created_pods) + len(execution.deleted_pods)


def create_debug(
    conn: ClusterConnection,
    request: DebugRequest,
    *,
    seed: int,
    existing_pod_names: Collection[str] = (),
    audit_log: AuditLog | None = None,
    remember: bool = True,
) -> Creation:
    """Plan (with the same name seed as the form's preview) and execute `request`."""
    from tui.kube.debug_runner import execute, fetch_pod, plan_for_cluster

    try:
        pod = fetch_pod(conn, request.namespace, request.pod)
    except ClusterError as exc:
        return Creation(None, error=exc)
    try:
        version: dict[str, Any] | None = conn.check()
    except ClusterError:
        version = None
    try:
        plan = plan_for_cluster(conn, request, pod, version, rng=random.Random(seed),
                                existing_pod_names=existing_pod_names)
    except PlanError as exc:
        return Creation(None, plan_error=str(exc))
    creation = Creation(plan)
    try:
        creation.execution = execute(conn, plan)
    except ClusterError as exc:
        creation.error = exc
        partial = getattr(exc, "execution", None)
        creation.created_pods = list(getattr(partial, "created_pods", []) or [])
        sent = _requests_sent(plan, partial)
    else:
        sent = len(plan.requests)
    log = audit_log if audit_log is not None else AuditLog()
    try:
        record_plan(log, conn.context, plan, sent, creation.error)
    except OSError as exc:
        creation.notices.append(f"the audit log could not be written: {exc}")
    if creation.ok and remember and request.image:
        from tui.settings import SettingsError, remember_image

        try:
            remember_image(request.image)
        except SettingsError as exc:
            creation.notices.append(f"recent images not saved: {exc}")
    return creation


@dataclass
class Deletion:
    deleted: list[str] = field(default_factory=list)  # "ns/name"
    errors: list[str] = field(default_factory=list)  # one line each


def delete_copies(conn: ClusterConnection, copies: Sequence[CopyInfo], *,
                  audit_log: AuditLog | None = None) -> Deletion:
    """Delete each copy (uid precondition) and record it; a failure does not stop the others."""
    from tui.kube.debug_runner import delete_copy

    log = audit_log if audit_log is not None else AuditLog()
    result = Deletion()
    for copy in copies:
        request = {"method": "DELETE", "path": pod_path(copy.namespace, copy.name),
                   "body": {"preconditions": {"uid": copy.uid}}}
        try:
            delete_copy(conn, copy)
        except ClusterError as exc:
            result.errors.append(f"{copy.namespace}/{copy.name}: {exc}")
            outcome: dict[str, Any] | str = str(exc)
            ok = False
            answered = exc.status is not None
        else:
            result.deleted.append(f"{copy.namespace}/{copy.name}")
            outcome = {"status": 200, "message": "OK", "source": copy.source}
            ok = answered = True
        if answered:
            try:
                log.record(context=conn.context, namespace=copy.namespace, pod=copy.name, action=COPY_DELETED,
                           request=request, result=outcome, ok=ok)
            except OSError as exc:
                result.errors.append(f"the audit log could not be written: {exc}")
    return result
