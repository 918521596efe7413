"""The two reads a session pane makes besides its attach stream: a container's logs, and whether its
pod still exists (the same uid). Blocking: call them from a thread worker. No Textual."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kubernetes.client.exceptions import ApiException

from tui.kube.errors import describe_exception
from tui.kube.namespaces import get_json

__all__ = ["LOG_TAIL_LINES", "LOG_TIMEOUT", "PodCheck", "check_pod", "fetch_logs", "read_logs"]

LOG_TAIL_LINES = 2000
LOG_TIMEOUT = 10


def fetch_logs(connection: Any, namespace: str, pod: str, container: str, tail: int = LOG_TAIL_LINES) -> bytes:
    """GET pods/log of one container (the last `tail` lines). Raises the client's exceptions."""
    api = connection.api_client
    method, url, headers, body, post = api.param_serialize(
        "GET",
        f"/api/v1/namespaces/{namespace}/pods/{pod}/log",
        query_params=[("container", container), ("tailLines", str(tail))],
        header_params={"Accept": "*/*"},
        auth_settings=["BearerToken"],
    )
    response = api.call_api(method, url, headers, body, post, _request_timeout=LOG_TIMEOUT)
    data: bytes = response.read()
    if not 200 <= response.status <= 299:
        ApiException.from_response(http_resp=response, body=None, data=None)
    return data


def read_logs(connection: Any, namespace: str, pod: str, container: str) -> tuple[bytes, str]:
    """`fetch_logs` that never raises: (the logs, "") or (b"", what went wrong in one line)."""
    try:
        return fetch_logs(connection, namespace, pod, container), ""
    except Exception as exc:  # noqa: BLE001 - shown in the pane
        return b"", describe_exception(exc).message


@dataclass(frozen=True)
class PodCheck:
    """The answer of a GET of a pod: `found` False for a 404; `error` when the GET failed (nothing
    learned: `found` stays True)."""

    found: bool
    uid: str
    error: str = ""


def check_pod(connection: Any, namespace: str, pod: str) -> PodCheck:
    """GET the pod: whether it exists, and its uid. Never raises."""
    try:
        body = get_json(connection.api_client, f"/api/v1/namespaces/{namespace}/pods/{pod}")
    except ApiException as exc:
        if exc.status == 404:
            return PodCheck(False, "")
        return PodCheck(True, "", describe_exception(exc).message)
    except Exception as exc:  # noqa: BLE001 - nothing learned; the next sign asks again
        return PodCheck(True, "", describe_exception(exc).message)
    return PodCheck(True, str((body.get("metadata") or {}).get("uid") or ""))
