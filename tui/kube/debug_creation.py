"""What the debug form and the cleanup view do on the cluster (blocking; run them in workers).

No Textual here. `create_debug` plans against the freshly read pod (legacy API on 1.16-1.21
servers), sends the plan through `tui.kube.debug_runner.execute`, records every request the
server answered in the audit log (inside `execute`, `tui.kube.change_audit`: the CLI logs the
same way); the image is remembered once the container runs (`tui.screens.debug_followup`).
`delete_copies` deletes Ephemera's copies with an audit entry each (inside `delete_copy`).
"""

from __future__ import annotations

import random
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from tui.audit_log import AuditLog
from tui.debug.errors import PlanError
from tui.debug.planner import DebugPlan
from tui.debug.request import DebugRequest
from tui.kube.debug_runner import delete_copy, execute, fetch_pod, plan_for_cluster
from tui.kube.errors import ClusterError

if TYPE_CHECKING:
    from tui.kube.connection import ClusterConnection
    from tui.kube.debug_runner import CopyInfo, Execution


@dataclass
class Creation:
    """How `create_debug` ended: `error` is None on success."""

    plan: DebugPlan | None
    execution: Execution | None = None
    error: ClusterError | None = None
    plan_error: str = ""
    created_pods: list[str] = field(default_factory=list)  # copies left behind by a failure
    notices: list[str] = field(default_factory=list)  # audit log / settings problems (non-fatal)
    # the pod changed since the preview (recreated under its name...) and the new plan needs
    # confirming what was not confirmed: nothing was sent; `pod` is the pod as read now
    unconfirmed: list[str] = field(default_factory=list)
    pod: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return self.error is None and not self.plan_error and self.execution is not None


def create_debug(
    conn: ClusterConnection,
    request: DebugRequest,
    *,
    seed: int,
    existing_pod_names: Collection[str] = (),
    audit_log: AuditLog | None = None,
    confirmed: Collection[str] | None = None,
) -> Creation:
    """Plan (with the same name seed as the form's preview) and execute `request`.

    The pod is read again here, so the plan sent may differ from the one the user saw. `confirmed`:
    the confirmation reasons the user was asked about (or saw none of); a new plan with another
    reason (the pod was recreated privileged, with a hostPath, hostPID...) sends nothing and
    returns them in `unconfirmed`, to ask again. None: no such check (a caller that asks itself)."""
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
        return Creation(None, plan_error=str(exc), pod=pod)
    if confirmed is not None:
        unconfirmed = [reason for reason in plan.confirmation_reasons if reason not in set(confirmed)]
        if unconfirmed:
            return Creation(plan, unconfirmed=unconfirmed, pod=pod, plan_error=(
                f"pod {request.namespace}/{request.pod} changed since the preview, and creating now needs "
                f"a confirmation you were not asked for: {'; '.join(unconfirmed)}. Nothing was created: "
                "check the form again and create to be asked"))
    creation = Creation(plan)
    log = audit_log if audit_log is not None else AuditLog()
    try:
        creation.execution = execute(conn, plan, audit_log=log)  # records every answered request
    except ClusterError as exc:
        creation.error = exc
        partial = getattr(exc, "execution", None)
        creation.created_pods = list(getattr(partial, "created_pods", []) or [])
        creation.notices.extend(getattr(partial, "audit_problems", []) or [])
    else:
        creation.notices.extend(creation.execution.audit_problems)
    return creation


@dataclass
class Deletion:
    deleted: list[str] = field(default_factory=list)  # "ns/name"
    errors: list[str] = field(default_factory=list)  # one line each


def delete_copies(conn: ClusterConnection, copies: Sequence[CopyInfo], *,
                  audit_log: AuditLog | None = None) -> Deletion:
    """Delete each copy (uid precondition) and record it; a failure does not stop the others."""
    log = audit_log if audit_log is not None else AuditLog()
    result = Deletion()
    for copy in copies:
        try:
            result.errors.extend(delete_copy(conn, copy, audit_log=log))  # records the answered delete
        except ClusterError as exc:
            result.errors.append(f"{copy.namespace}/{copy.name}: {exc}")
            result.errors.extend(getattr(exc, "audit_problems", []) or [])
        else:
            result.deleted.append(f"{copy.namespace}/{copy.name}")
    return result
