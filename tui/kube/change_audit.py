"""Recording the changes `tui.kube.debug_runner` sends, in the audit log (`tui.audit_log`).

The one place where debug changes are logged, used by both the UI (`tui/kube/debug_creation.py`)
and the CLI (`ephemera debug`, `ephemera cleanup`), so each change is logged exactly once:
`execute(conn, plan, audit_log=log)` and `delete_copy(conn, copy, audit_log=log)` call
`record_answer` for every mutating request the server answered (success or refusal). Dry runs,
reads and requests that never got an answer are not recorded. Writing problems never undo a change:
they come back as one-line notices for the caller to show.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from tui.audit_log import COPY_CREATED, EPHEMERAL_CONTAINER_ADDED, POD_DELETED, AuditLog

__all__ = ["EPHEMERAL_CONTAINER_ADDED", "action_for", "pod_of", "record_answer", "status_text"]

if TYPE_CHECKING:
    from tui.debug.planned_request import PlannedRequest


def action_for(request: PlannedRequest) -> str:
    """The audit action of one of a debug plan's mutating requests."""
    if request.method == "POST":
        return COPY_CREATED
    if request.method == "DELETE":
        return POD_DELETED
    return EPHEMERAL_CONTAINER_ADDED


def pod_of(request: PlannedRequest, created_name: str = "") -> str:
    """The pod a request changes: the created pod's name for a POST, else the one in the path."""
    if request.method == "POST":
        return created_name or str((request.body or {}).get("metadata", {}).get("name") or "")
    return request.path.split("/pods/", 1)[1].split("/", 1)[0] if "/pods/" in request.path else ""


def status_text(status: int) -> str:
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return ""


def record_answer(
    log: AuditLog | None,
    *,
    context: str,
    namespace: str,
    pod: str,
    action: str,
    request: dict[str, Any],
    status: int,
    ok: bool,
    created: list[str] | None = None,
    error: str = "",
    extra: dict[str, Any] | None = None,
) -> str | None:
    """One entry for a request the server answered with `status`; None, or the notice when the
    log could not be written (`log=None` records nothing)."""
    if log is None:
        return None
    result: dict[str, Any] | str
    if ok:
        result = {"status": status, "message": status_text(status)}
        if created is not None:
            result["created"] = list(created)
        result.update(extra or {})
    else:
        result = error or f"{status} {status_text(status)}"
    try:
        log.record(context=context, namespace=namespace, pod=pod, action=action, request=request,
                   result=result, ok=ok)
    except OSError as exc:
        return f"the audit log could not be written ({log.path}): {exc.strerror or exc}"
    return None
