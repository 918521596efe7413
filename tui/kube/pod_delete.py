"""Deleting a pod (the browser's Ctrl+D): the server-side dry run first, then the deletion,
recorded in the audit log (action `pod-deleted`; `copy-deleted` for a debug copy, as `C` records).

The request is `kubectl delete pod`'s (DELETE with `propagationPolicy: Background`, the pod's own
grace period) plus a uid precondition, so that only the pod the user confirmed is deleted, never
one a StatefulSet re-created under the same name meanwhile (409 Conflict instead).

    check = dry_run_delete(conn, "default", "web-1", uid)       # DeleteAnswer; nothing changes
    answer = delete_pod(conn, "default", "web-1", uid, audit_log=log)

An answer is `ok`, `gone` (404: already deleted, not an error to fix) or carries the server's
refusal as a `ClusterError` (403 RBAC with the missing permission, 409 a different pod by now...).
Only a sent deletion the server answered is recorded; dry runs are not (change_audit's rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.audit_log import POD_DELETED, AuditLog
from tui.debug.planned_request import JSON, PlannedRequest, pod_path
from tui.kube import change_audit
from tui.kube.errors import ClusterError
from tui.kube.requests import Endpoint, send_planned

__all__ = ["DeleteAnswer", "delete_pod", "delete_request", "dry_run_delete"]


def delete_request(namespace: str, name: str, uid: str = "") -> PlannedRequest:
    """The DELETE of one pod, only while its uid is `uid` (when given)."""
    body: dict[str, Any] = {"kind": "DeleteOptions", "apiVersion": "v1", "propagationPolicy": "Background"}
    if uid:
        body["preconditions"] = {"uid": uid}
    return PlannedRequest("DELETE", pod_path(namespace, name), JSON, body, description=f"delete pod {namespace}/{name}")


@dataclass(frozen=True)
class DeleteAnswer:
    """The API server's answer to a (dry-run) deletion."""

    namespace: str
    name: str
    status: int
    error: ClusterError | None = None
    """Why it was refused (None when `ok` or `gone`)."""
    pod: dict[str, Any] | None = None
    """The pod as the server answered (with its deletionTimestamp while it terminates)."""
    audit_problem: str = ""
    """The audit log could not be written (the deletion happened all the same)."""

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def gone(self) -> bool:
        """404: the pod was deleted already."""
        return self.status == 404


def _answer(conn: Endpoint, request: PlannedRequest, namespace: str, name: str) -> tuple[DeleteAnswer, Any]:
    answer = send_planned(conn, request)
    error = None if answer.ok or answer.status == 404 else answer.error()
    body = answer.body if answer.ok and isinstance(answer.body, dict) else None
    return DeleteAnswer(namespace, name, answer.status, error, body), answer


def dry_run_delete(conn: Endpoint, namespace: str, name: str, uid: str = "") -> DeleteAnswer:
    """Ask the server whether it would delete the pod (`dryRun=All`: admission and RBAC run,
    nothing changes). Raises ClusterError only when no answer came (unreachable, timeout)."""
    result, _ = _answer(conn, delete_request(namespace, name, uid).dry_run(), namespace, name)
    return result


def delete_pod(conn: Endpoint, namespace: str, name: str, uid: str = "", *,
               audit_log: AuditLog | None = None, action: str = POD_DELETED) -> DeleteAnswer:
    """Delete the pod; the answer (success or refusal) is one audit entry (`action`: `copy-deleted`
    for a debug copy). Raises ClusterError only when no answer came (then nothing is recorded: the
    server may or may not have deleted it)."""
    request = delete_request(namespace, name, uid)
    result, answer = _answer(conn, request, namespace, name)
    error_text = str(result.error) if result.error is not None else ""
    if result.gone:
        error_text = f"404 {change_audit.status_text(404)}: the pod was already gone"
    problem = change_audit.record_answer(
        audit_log, context=conn.context, namespace=namespace, pod=name, action=action,
        request=request.to_json(), status=answer.status, ok=result.ok, error=error_text)
    if problem:
        return DeleteAnswer(namespace, name, result.status, result.error, result.pod, problem)
    return result
