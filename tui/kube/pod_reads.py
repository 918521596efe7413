"""A container's logs (the one place they are fetched: the session pane, `ephemera debug` and the
logs view all call `fetch_logs`; the logs view's followed stream, tui/kube/log_follow.py, builds its
request with the same `log_query`), and whether a session's pod still exists (the same uid).
Blocking: call them from a thread worker. No Textual."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from tui.kube.errors import ClusterError, describe_exception
from tui.kube.requests import LOG_TIMEOUT, get_bytes, get_json

__all__ = ["LOG_TAIL_LINES", "LOG_TIMEOUT", "LogRequest", "PodCheck", "check_pod", "fetch_logs", "log_path",
           "log_query", "read_logs"]

LOG_TAIL_LINES = 2000


@dataclass(frozen=True)
class LogRequest:
    """What `pods/log` is asked for (kubectl logs' flags): one container, its current run or the
    one before (`previous`, the crash's output), the last `tail` lines (None: all), only lines of
    the last `since_seconds` (None: all), each prefixed with its RFC 3339 time (`timestamps`),
    kept open for new lines (`follow`)."""

    container: str
    previous: bool = False
    tail: int | None = LOG_TAIL_LINES
    since_seconds: int | None = None
    timestamps: bool = False
    follow: bool = False


def log_path(namespace: str, pod: str) -> str:
    return f"/api/v1/namespaces/{namespace}/pods/{pod}/log"


def log_query(request: LogRequest) -> list[tuple[str, str]]:
    """The query of `pods/log` for `request`, as kubectl sends it (only the options set)."""
    query = [("container", request.container)]
    if request.follow:
        query.append(("follow", "true"))
    if request.previous:
        query.append(("previous", "true"))
    if request.since_seconds is not None:
        query.append(("sinceSeconds", str(request.since_seconds)))
    if request.tail is not None:
        query.append(("tailLines", str(request.tail)))
    if request.timestamps:
        query.append(("timestamps", "true"))
    return query


def fetch_logs(connection: Any, namespace: str, pod: str, container: str, tail: int | None = LOG_TAIL_LINES, *,
               previous: bool = False, since_seconds: int | None = None, timestamps: bool = False) -> bytes:
    """GET pods/log of one container: the last `tail` lines (None: all of them), of the run before the
    last restart with `previous`, of the last `since_seconds`, with `timestamps`. ClusterError on failure
    (a 400 'previous terminated container ... not found' when there was no previous run)."""
    request = LogRequest(container, previous=previous, tail=tail, since_seconds=since_seconds, timestamps=timestamps)
    return get_bytes(connection, log_path(namespace, pod), log_query(request), timeout=LOG_TIMEOUT)


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
