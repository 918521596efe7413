"""Legacy mode of the demo cluster: a Kubernetes 1.21 server with the pre-1.22 ephemeral
containers API (the subresource takes and returns kind `EphemeralContainers`, not `Pod`).

    enable_legacy_api(cluster)        # from a test thread; enable_legacy_api(cluster, False) undoes it

While enabled, a middleware (installed by `tui.demo.routes.app.build_app`, a no-op otherwise):
- answers `GET /version` with v1.21.14;
- serves `.../pods/NAME/ephemeralcontainers` as 1.16-1.21 did, on top of the normal handler
  (validation, Pod Security, dryRun and the kubelet all still apply):
  - GET returns `{"kind": "EphemeralContainers", "metadata": ..., "ephemeralContainers": [...]}`;
  - PUT takes that kind;
  - JSON patch paths are relative to it (`/ephemeralContainers/-`);
  - a strategic merge patch shaped like a Pod (`{"spec": ...}`, what kubectl >= 1.22 sends first)
    changes nothing and returns the EphemeralContainers object, which a current client cannot
    decode: kubectl then falls back to the JSON patch (see `tui.debug.legacy`).
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from typing import Any

from aiohttp import web

from tui.demo.api.status import ApiError, json_response
from tui.demo.routes.requests import load_pod
from tui.demo.routes.state import STATE, ServerLoop, ServerState

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]

LEGACY_KIND = "EphemeralContainers"
LEGACY_VERSION = {
    "major": "1",
    "minor": "21",
    "gitVersion": "v1.21.14",
    "gitCommit": "0f77da5bd4809927e15d1658fb4aa8f13ad890a5",
    "gitTreeState": "clean",
    "buildDate": "2022-06-15T14:11:36Z",
    "goVersion": "go1.16.15",
    "compiler": "gc",
    "platform": "linux/amd64",
}
_SUBRESOURCE = re.compile(r"^/api/v1/namespaces/([^/]+)/pods/([^/]+)/ephemeralcontainers$")


def enable_legacy_api(cluster: ServerLoop, enabled: bool = True) -> None:
    """Switch the running demo cluster to (or back from) the 1.21 API."""

    def switch() -> None:
        if cluster.state is None:
            raise RuntimeError("the demo cluster is not started")
        cluster.state.legacy_ephemeral_api = enabled

    cluster.run(switch)


def to_legacy(pod: dict[str, Any]) -> dict[str, Any]:
    """The EphemeralContainers object of a pod (the list is always present, as 1.21 wrote it)."""
    metadata = pod.get("metadata") or {}
    kept = {k: metadata[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in metadata}
    return {"kind": LEGACY_KIND, "apiVersion": "v1", "metadata": kept,
            "ephemeralContainers": list((pod.get("spec") or {}).get("ephemeralContainers") or [])}


def _pod_patch_from_legacy_smp(body: Any) -> dict[str, Any] | None:
    """A strategic merge patch of the EphemeralContainers object as one of the Pod; None when it
    touches nothing the old kind has (e.g. a Pod-shaped patch: `spec` is unknown there)."""
    if not isinstance(body, dict):
        return None
    spec = {k: v for k, v in body.items() if k == "ephemeralContainers" or k.endswith("/ephemeralContainers")}
    return {"spec": spec} if spec else None


def _pod_json_patch(ops: Any, pod_has_list: bool) -> list[dict[str, Any]]:
    if not isinstance(ops, list):
        raise ApiError(400, "the body of the request was in an unknown format", "BadRequest")
    result: list[dict[str, Any]] = []
    if not pod_has_list:
        result.append({"op": "add", "path": "/spec/ephemeralContainers", "value": []})
    for op in ops:
        path = str((op or {}).get("path", ""))
        if not (path == "/ephemeralContainers" or path.startswith("/ephemeralContainers/")):
            raise ApiError(422, f"jsonpatch {op.get('op')} operation does not apply: doc is missing path: {path}",
                           "Invalid")
        result.append({**op, "path": "/spec" + path})
    return result


def _with_body(clone: web.Request, body: Any) -> web.Request:
    """`clone` (made before the original body was read) now reads `body`."""
    clone._read_bytes = json.dumps(body).encode()  # read() answers from this cache
    return clone


def _current_pod(state: ServerState, namespace: str, name: str) -> dict[str, Any]:
    state.policy.check("patch", "pods", "ephemeralcontainers", namespace, name)
    return dict(load_pod(state, namespace, name))


@web.middleware
async def middleware(request: web.Request, handler: Handler) -> web.StreamResponse:
    """The legacy-mode middleware; it passes everything through unless legacy mode is on."""
    state = request.app[STATE]
    if not state.legacy_ephemeral_api:
        return await handler(request)
    if request.path in ("/version", "/version/"):
        return json_response(LEGACY_VERSION)
    match = _SUBRESOURCE.match(request.path)
    if match is None:
        return await handler(request)
    namespace, name = match.group(1), match.group(2)
    original = request
    if request.method in ("PUT", "PATCH"):
        request = original.clone()
    if request.method == "PUT":
        body = json.loads(await original.read() or b"null")
        if not isinstance(body, dict) or body.get("kind") not in (None, LEGACY_KIND):
            raise ApiError(400, f"the body of the request was in an unknown format: expected kind "
                                f"{LEGACY_KIND}", "BadRequest")
        pod_body = {"metadata": body.get("metadata") or {},
                    "spec": {"ephemeralContainers": body.get("ephemeralContainers") or []}}
        request = _with_body(request, pod_body)
    elif request.method == "PATCH":
        body = json.loads(await original.read() or b"null")
        if request.content_type == "application/json-patch+json":
            current = _current_pod(state, namespace, name)
            has_list = bool((current.get("spec") or {}).get("ephemeralContainers"))
            request = _with_body(request, _pod_json_patch(body, has_list))
        else:
            pod_patch = _pod_patch_from_legacy_smp(body)
            if pod_patch is None:
                return json_response(to_legacy(_current_pod(state, namespace, name)))
            request = _with_body(request, pod_patch)
    response = await handler(request)
    body = response.body if isinstance(response, web.Response) else None
    if 200 <= response.status < 300 and isinstance(body, bytes | bytearray) and body:
        return json_response(to_legacy(json.loads(body)), status=response.status)
    return response
