"""What the namespace and context pickers offer, on plain JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Protocol

from kubernetes.client import ApiClient
from kubernetes.client.exceptions import ApiException

from tui.kube.errors import describe_exception

PAGE_SIZE = 500
TIMEOUT = (10.0, 30.0)


class ConnectionLike(Protocol):
    server: str
    context: str
    namespace: str
    api_client: ApiClient


@dataclass(frozen=True)
class NamespaceChoices:
    names: list[str]
    notice: str = ""  # set when the list is not the cluster's full list, saying why


def get_json(api: ApiClient, path: str, query: list[tuple[str, str]] | None = None) -> Any:
    """GET a path and return the decoded JSON; non-2xx raises the client's ApiException."""
    method, url, headers, body, post = api.param_serialize(
        "GET",
        path,
        query_params=query or [],
        header_params={"Accept": "application/json"},
        auth_settings=["BearerToken"],
    )
    response = api.call_api(method, url, headers, body, post, _request_timeout=TIMEOUT)
    data = response.read()
    if not 200 <= response.status <= 299:
        ApiException.from_response(http_resp=response, body=None, data=None)
    return json.loads(data)


def _namespace_names(api: ApiClient) -> list[str]:
    names: list[str] = []
    token = ""
    while True:
        query = [("limit", str(PAGE_SIZE))]
        if token:
            query.append(("continue", token))
        data = get_json(api, "/api/v1/namespaces", query)
        names.extend(item["metadata"]["name"] for item in data.get("items") or [])
        token = (data.get("metadata") or {}).get("continue") or ""
        if not token:
            return sorted(names)


def namespace_choices(connection: ConnectionLike) -> NamespaceChoices:
    """Every namespace, sorted; on 403 only the context's namespace, with a notice saying why.

    Other errors (unreachable cluster, 401) propagate for the caller to describe.
    """
    try:
        return NamespaceChoices(_namespace_names(connection.api_client))
    except ApiException as exc:
        if exc.status != 403:
            raise
        reason = describe_exception(exc, server=connection.server, context=connection.context).message
        fallback = connection.namespace or "default"
        return NamespaceChoices([fallback], f"{reason}; only the context's namespace {fallback!r} is offered")


def list_namespaces(connection: ConnectionLike) -> list[str]:
    return namespace_choices(connection).names
