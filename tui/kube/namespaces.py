"""What the namespace and context pickers offer, on plain JSON."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from kubernetes.client import ApiClient

from tui.kube.errors import ClusterError
from tui.kube.requests import get_json

PAGE_SIZE = 500


class ConnectionLike(Protocol):
    server: str
    context: str
    namespace: str
    api_client: ApiClient


@dataclass(frozen=True)
class NamespaceChoices:
    names: list[str]
    notice: str = ""  # set when the list is not the cluster's full list, saying why


def _namespace_names(connection: ConnectionLike) -> list[str]:
    names: list[str] = []
    token = ""
    while True:
        query = [("limit", str(PAGE_SIZE))]
        if token:
            query.append(("continue", token))
        data = get_json(connection, "/api/v1/namespaces", query)
        names.extend(item["metadata"]["name"] for item in data.get("items") or [])
        token = (data.get("metadata") or {}).get("continue") or ""
        if not token:
            return sorted(names)


def namespace_choices(connection: ConnectionLike) -> NamespaceChoices:
    """Every namespace, sorted; on 403 only the context's namespace, with a notice saying why.

    Other errors (unreachable cluster, 401) propagate as ClusterError.
    """
    try:
        return NamespaceChoices(_namespace_names(connection))
    except ClusterError as exc:
        if exc.status != 403:
            raise
        reason = exc.message
        fallback = connection.namespace or "default"
        return NamespaceChoices([fallback], f"{reason}; only the context's namespace {fallback!r} is offered")


def list_namespaces(connection: ConnectionLike) -> list[str]:
    return namespace_choices(connection).names
