"""A container's logs (the one place they are fetched: the session pane and `ephemera debug` both
call `fetch_logs`), and whether a session's pod still exists (the same uid). Blocking: call them
from a thread worker. No Textual."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.kube.errors import ClusterError, describe_exception
from tui.kube.requests import LOG_TIMEOUT, get_bytes, get_json

__all__ = ["LOG_TAIL_LINES", "LOG_TIMEOUT", "PodCheck", "check_pod", "fetch_logs", "read_logs"]

LOG_TAIL_LINES = 2000


def fetch_logs(connection: Any, namespace: str, pod: str, container: str, tail: int | None = LOG_TAIL_LINES) -> bytes:
    """GET pods/log of one container: the last `tail` lines (None: all of them). ClusterError on failure."""
    query = [("container", container)]
    if tail is not None:
        query.append(("tailLines", str(tail)))
    return get_bytes(connection, f"/api/v1/namespaces/{namespace}/pods/{pod}/log", query, timeout=LOG_TIMEOUT)


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
        body = get_json(connection, f"/api/v1/namespaces/{namespace}/pods/{pod}")
    except ClusterError as exc:
        if exc.status == 404:
            return PodCheck(False, "")
        return PodCheck(True, "", exc.message)
    except Exception as exc:  # noqa: BLE001 - nothing learned; the next sign asks again
        return PodCheck(True, "", describe_exception(exc).message)
    return PodCheck(True, str((body.get("metadata") or {}).get("uid") or ""))
