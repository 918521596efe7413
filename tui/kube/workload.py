"""A pod as the API server has it now (the YAML view), and its owners up the chain (the inspector's
workload context). Blocking: call them from a thread worker (run_in_background). No Textual.

    chain = fetch_owner_chain(conn, pod)   # ReplicaSet, then Deployment...; never raises
    pod = fetch_pod(conn, "default", "web-0")   # the full object; ClusterError on failure

An owner that cannot be read (a 403: no `get` on replicasets in the namespace; a 404: it is gone)
ends the chain there, with a note saying what is missing, so the inspector goes on without it.
"""

from __future__ import annotations

from typing import Any

from tui.kube.errors import ClusterError, describe_exception
from tui.kube.requests import get_json
from tui.pods.workload import OWNER_RESOURCES, OwnerChain, OwnerLink, controller_ref

__all__ = ["MAX_OWNERS", "fetch_owner_chain", "fetch_pod", "owner_path"]

MAX_OWNERS = 4  # Pod <- ReplicaSet <- Deployment (<- a custom controller's object): never a loop


def owner_path(namespace: str, kind: str, name: str) -> str | None:
    """The API path of an owner of a known kind (tui.pods.workload.OWNER_RESOURCES), else None."""
    where = OWNER_RESOURCES.get(kind)
    if where is None:
        return None
    prefix, resource = where
    return f"{prefix}/namespaces/{namespace}/{resource}/{name}"


def fetch_pod(connection: Any, namespace: str, name: str) -> dict[str, Any]:
    """GET the pod (the whole object: the watch's copies leave managed fields out)."""
    body = get_json(connection, f"/api/v1/namespaces/{namespace}/pods/{name}")
    if not isinstance(body, dict):
        raise ClusterError(f"pod {namespace}/{name}: the answer is not an object")
    return body


def _refusal(kind: str, name: str, exc: BaseException, connection: Any) -> str:
    error = exc if isinstance(exc, ClusterError) else describe_exception(
        exc, server=getattr(connection, "server", None), context=getattr(connection, "context", None))
    if error.status == 404:
        return f"{kind} {name} is gone (404)"
    text = f"cannot read {kind} {name}: {error.message}"
    return f"{text} ({error.hint})" if error.hint else text


def fetch_owner_chain(connection: Any, pod: dict[str, Any]) -> OwnerChain:
    """The pod's owners, its controller first, each read with a GET (see the module docstring).
    Never raises: what could not be read is a note."""
    namespace = str((pod.get("metadata") or {}).get("namespace") or "")
    links: list[OwnerLink] = []
    notes: list[str] = []
    obj: dict[str, Any] = pod
    for _ in range(MAX_OWNERS):
        ref = controller_ref(obj)
        if ref is None:
            break
        kind, name = str(ref.get("kind") or "?"), str(ref.get("name") or "?")
        path = owner_path(namespace, kind, name)
        if path is None:  # a Node (static pod), a custom resource: named, not read
            links.append(OwnerLink(kind, name, found=False))
            break
        try:
            owner = get_json(connection, path)
        except Exception as exc:  # noqa: BLE001 - said on screen; the chain stops here
            note = _refusal(kind, name, exc, connection)
            links.append(OwnerLink.of(kind, name, None, note))
            notes.append(note)
            break
        if not isinstance(owner, dict):
            break
        links.append(OwnerLink.of(kind, name, owner))
        obj = owner
    return OwnerChain(tuple(links), tuple(notes))
