"""`PlannedRequest`: one exact HTTP request a plan will send, and the API paths it uses.

`to_json()` gives the object `ephemera debug --dry-run` prints (`method`, `path`,
`content_type`, `body`, plus `query` when there is one); `dry_run()` gives the same request with
`?dryRun=All`, which the pre-flight sends to get the server's verdict without creating anything.
"""

from __future__ import annotations

import shlex
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import quote, urlencode

STRATEGIC_MERGE_PATCH = "application/strategic-merge-patch+json"
JSON_PATCH = "application/json-patch+json"
JSON = "application/json"


def pod_path(namespace: str, name: str | None = None, subresource: str | None = None) -> str:
    path = f"/api/v1/namespaces/{quote(namespace, safe='')}/pods"
    if name is not None:
        path += f"/{quote(name, safe='')}"
        if subresource:
            path += f"/{subresource}"
    return path


@dataclass(frozen=True)
class PlannedRequest:
    """One HTTP request: what it does is in `description` (one line for the UI)."""

    method: str
    path: str
    content_type: str | None = None
    body: Any = None
    query: dict[str, str] = field(default_factory=dict)
    description: str = ""

    @property
    def url(self) -> str:
        """Path plus query string."""
        return f"{self.path}?{urlencode(self.query)}" if self.query else self.path

    @property
    def mutates(self) -> bool:
        return self.method not in ("GET", "HEAD")

    def dry_run(self) -> PlannedRequest:
        """The same request as a server-side dry run (only for requests that change things)."""
        if not self.mutates:
            return self
        return replace(self, query={**self.query, "dryRun": "All"})

    def to_json(self) -> dict[str, Any]:
        result: dict[str, Any] = {
            "method": self.method,
            "path": self.path,
            "content_type": self.content_type,
            "body": self.body,
        }
        if self.query:
            result["query"] = dict(self.query)
        return result


class PlannedRequests:
    """What a plan made of planned requests answers (`DebugPlan`, `NodeDebugPlan`): the dataclass
    holding it has `requests`, `kubectl_command` and `confirmation_reasons`."""

    requests: list[PlannedRequest]
    kubectl_command: list[str]
    confirmation_reasons: list[str]

    @property
    def requires_confirmation(self) -> bool:
        return bool(self.confirmation_reasons)

    @property
    def kubectl_command_text(self) -> str:
        return shlex.join(self.kubectl_command)

    def dry_run_requests(self) -> list[PlannedRequest]:
        """The requests that change something, as `?dryRun=All` (nothing is stored)."""
        return [r.dry_run() for r in self.requests if r.mutates]

    def to_json(self) -> list[dict[str, Any]]:
        """What `ephemera debug --dry-run` (or `ephemera debug node/NAME --dry-run`) prints."""
        return [r.to_json() for r in self.requests]
