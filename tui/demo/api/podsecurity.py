"""Pod Security Admission for the demo server: the 403 Status objects the API server answers with.

The checks themselves are pure and shared with the debug pre-flight: `tui.pods.security`. The demo
is a v1.32 server (`/version`), the evaluator's `DEFAULT_SERVER_VERSION`: `latest` and labels pinned
to a newer version are evaluated as v1.32, and the message names the label's policy.
"""

from __future__ import annotations

from typing import Any

from tui.demo.api.status import status_object
from tui.pods.security import (
    DEFAULT_SERVER_VERSION,
    Policy,
    Violation,
    check_pod,
    forbidden_message,
    namespace_policy,
)

Pod = dict[str, Any]


def forbidden_status(pod_name: str, level: str | Policy, violations: list[str] | list[Violation], version: str | None = None) -> dict[str, Any]:
    """The 403 Status the API server answers when Pod Security Admission refuses a pod."""
    message = forbidden_message(pod_name, level, violations, version)
    return status_object(403, message, "Forbidden", {"name": pod_name, "kind": "pods"})


def admission_status(pod: Pod, namespace_labels: dict[str, str] | None) -> dict[str, Any] | None:
    """The 403 Status for `pod` in a namespace with these labels, or None when it is admitted."""
    policy = namespace_policy(namespace_labels)
    violations = check_pod(pod, policy, server_version=DEFAULT_SERVER_VERSION)
    if not violations:
        return None
    name = str((pod.get("metadata") or {}).get("name") or "")
    return forbidden_status(name, policy, violations)
