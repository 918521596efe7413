"""The reads every pre-flight makes (pod debuggers, node debuggers, file copies): /version, a
namespace's labels, SelfSubjectAccessReviews, and a server answer's message on one line.

Blocking I/O through `tui.kube.requests`; errors come back as text for the pre-flight to show.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING, Any
from urllib.parse import quote

from tui.debug.planned_request import JSON
from tui.debug.preflight import AccessQuestion
from tui.kube.errors import ClusterError
from tui.kube.requests import get_json, send

if TYPE_CHECKING:
    from tui.kube.connection import ClusterConnection

__all__ = ["ask_access", "message_of", "namespace_labels", "server_version"]


def message_of(body: Any) -> str:
    """A server answer's message (or reason) on one line."""
    if isinstance(body, dict):
        return " ".join(str(body.get("message") or body.get("reason") or "").split())
    return " ".join(str(body or "").split())[:500]


def server_version(conn: ClusterConnection) -> tuple[dict[str, Any] | None, str]:
    """/version, or (None, why it could not be read)."""
    try:
        return conn.check(), ""
    except ClusterError as exc:
        return None, exc.message


def _access(conn: ClusterConnection, namespace: str, verb: str, resource: str, subresource: str) -> bool | None:
    body = {
        "apiVersion": "authorization.k8s.io/v1",
        "kind": "SelfSubjectAccessReview",
        "spec": {"resourceAttributes": {"namespace": namespace, "verb": verb, "resource": resource,
                                        "subresource": subresource, "group": ""}},
    }
    answer = send(conn, "POST", "/apis/authorization.k8s.io/v1/selfsubjectaccessreviews", body=body,
                  content_type=JSON)
    if not answer.ok:
        raise answer.error()
    return bool(((answer.body or {}).get("status") or {}).get("allowed"))



def ask_access(conn: ClusterConnection, questions: Iterable[AccessQuestion],
               namespace_of: Callable[[AccessQuestion], str]) -> tuple[dict[AccessQuestion, bool | None], str]:
    """Each question's SelfSubjectAccessReview answer; ({}, the error) when one cannot be asked."""
    access: dict[AccessQuestion, bool | None] = {}
    for question in questions:
        try:
            access[question] = _access(conn, namespace_of(question), question.verb, question.resource,
                                       question.subresource)
        except ClusterError as exc:
            return {}, exc.message
    return access, ""


def namespace_labels(conn: ClusterConnection, namespace: str) -> tuple[dict[str, str] | None, str]:
    """The namespace's labels (its Pod Security levels), or (None, why they could not be read)."""
    try:
        obj = get_json(conn, f"/api/v1/namespaces/{quote(namespace, safe='')}")
    except ClusterError as exc:
        return None, exc.message
    return dict((obj.get("metadata") or {}).get("labels") or {}), ""
