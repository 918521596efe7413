"""Pod updates on the main resource: PATCH (strategic merge, JSON patch, merge patch) and PUT.

As on the real API server, metadata (labels, annotations, ownerReferences, finalizers) may change,
the spec only in `containers[*].image`, `initContainers[*].image`, `activeDeadlineSeconds`,
`tolerations` and `terminationGracePeriodSeconds`; `status` and `spec.ephemeralContainers` are
ignored here (they have their own subresources). So `kubectl label`, `annotate`, `apply` and
`replace` work on the demo's pods; and `apply --server-side` (`apply_pod`: a new pod is created,
an existing one takes the merged configuration under the same rules).
"""

from __future__ import annotations

import copy
from typing import Any

from aiohttp import web

from tui.demo.api import apply as server_side_apply
from tui.demo.api import validation
from tui.demo.api.status import ApiError, json_response, raw_json_response
from tui.demo.routes import resources
from tui.demo.routes.objects import create_pod_object
from tui.demo.routes.requests import apply_patch, load_pod, pod_key, read_json
from tui.demo.routes.state import STATE

MUTABLE_SPEC_FIELDS = ("activeDeadlineSeconds", "tolerations", "terminationGracePeriodSeconds")
MUTABLE_METADATA_FIELDS = ("labels", "annotations", "ownerReferences", "finalizers")
SPEC_FORBIDDEN = (
    "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to "
    "existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was "
    "previously negative)"
)


def _comparable_spec(spec: dict[str, Any]) -> dict[str, Any]:
    """The spec without what an update may change (and without the ephemeral containers)."""
    result = copy.deepcopy(spec)
    for field in (*MUTABLE_SPEC_FIELDS, "ephemeralContainers"):
        result.pop(field, None)
    for field in ("containers", "initContainers"):
        for container in result.get(field) or []:
            container.pop("image", None)
    return result


def updated_pod(old: dict[str, Any], new: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    """The pod the server stores for an update from `old` to `new`, and the validation causes."""
    name = old["metadata"]["name"]
    new_spec = new.get("spec") or {}
    if _comparable_spec(new_spec) != _comparable_spec(old["spec"]):
        return old, [SPEC_FORBIDDEN]
    result = copy.deepcopy(old)
    metadata = new.get("metadata") or {}
    for field in MUTABLE_METADATA_FIELDS:
        if metadata.get(field):
            result["metadata"][field] = copy.deepcopy(metadata[field])
        else:
            result["metadata"].pop(field, None)
    for field in MUTABLE_SPEC_FIELDS:
        if field in new_spec:
            result["spec"][field] = copy.deepcopy(new_spec[field])
        else:
            result["spec"].pop(field, None)
    for field in ("containers", "initContainers"):
        for container, changed in zip(result["spec"].get(field) or [], new_spec.get(field) or [], strict=False):
            container["image"] = changed.get("image", container.get("image"))
    causes: list[str] = []
    if metadata.get("name") not in (None, name):
        causes.append(f'metadata.name: Invalid value: "{metadata.get("name")}": field is immutable')
    return result, causes


async def update_pod(request: web.Request) -> web.Response:
    """PATCH or PUT of a pod."""
    state = request.app[STATE]
    namespace, name = pod_key(request)
    patching = request.method == "PATCH"
    state.policy.check("patch" if patching else "update", "pods", "", namespace, name)
    if patching and request.content_type == resources.APPLY_PATCH:
        return await apply_pod(request, namespace, name)
    old = load_pod(state, namespace, name)
    body = await read_json(request)
    if patching:
        new = apply_patch(request.content_type, old, body)
    else:
        if not isinstance(body, dict):
            raise ApiError(400, "the body of the request was in an unknown format", "BadRequest")
        new = body
        sent_name = (body.get("metadata") or {}).get("name")
        if sent_name and sent_name != name:
            raise ApiError(400, f"the name of the object ({sent_name}) does not match the name on the URL "
                                f"({name})", "BadRequest")
    version = (new.get("metadata") or {}).get("resourceVersion")
    if version and version != old["metadata"].get("resourceVersion"):
        raise ApiError(409, f'Operation cannot be fulfilled on pods "{name}": the object has been modified; '
                            "please apply your changes to the latest version and try again", "Conflict",
                       {"name": name, "kind": "pods"})
    return _store_pod_update(request, old, new)


def _store_pod_update(request: web.Request, old: dict[str, Any], new: dict[str, Any],
                      managed_fields: list[dict[str, Any]] | None = None) -> web.Response:
    state = request.app[STATE]
    store = state.store
    namespace, name = old["metadata"]["namespace"], old["metadata"]["name"]
    result, causes = updated_pod(old, new)
    if causes:
        return json_response(validation.invalid_status("Pod", name, causes), status=422)
    if managed_fields is not None and _without_times(managed_fields) != _without_times(
            old["metadata"].get("managedFields") or []):
        result["metadata"]["managedFields"] = managed_fields
    if request.query.get("dryRun") == "All" or result == old:
        return json_response(result)
    store.replace("pods", result)
    changed = [c["name"] for c, was in zip(result["spec"]["containers"], old["spec"]["containers"], strict=False)
               if c.get("image") != was.get("image")]
    if changed:
        state.kubelet.images_changed(namespace, name, changed)
    return raw_json_response(store.json_of("pods", (namespace, name)))


def _without_times(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [{k: v for k, v in entry.items() if k != "time"} for entry in entries]


async def apply_pod(request: web.Request, namespace: str, name: str) -> web.Response:
    """Server-side apply of a pod (`kubectl apply --server-side -f pod.yaml`)."""
    state = request.app[STATE]
    body = await resources.read_apply_body(request)
    if body.get("kind") != "Pod" or body.get("apiVersion") != "v1":
        raise ApiError(400, "the applied configuration must be a v1 Pod", "BadRequest")
    if (body.get("metadata") or {}).get("name") not in (None, name):
        raise ApiError(400, f"the name of the object ({body['metadata']['name']}) does not match the name on the "
                            f"URL ({name})", "BadRequest")
    manager = request.query.get("fieldManager")
    if not manager:
        raise ApiError(422, 'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required '
                            "for apply patch", "Invalid")
    force = request.query.get("force") in ("true", "1", "True")
    warnings = resources.check_fields(request, body, "k8s.io.api.core.v1.Pod")
    old = state.store.get("pods", namespace, name)
    if old is None:
        pod = server_side_apply.apply(None, body, manager, force, "v1")
        pod["metadata"]["name"] = name
        return resources.with_warnings(create_pod_object(state, namespace, pod, "Ignore",
                                                         request.query.get("dryRun") == "All"), warnings)
    merged = server_side_apply.apply(old, body, manager, force, "v1")
    response = _store_pod_update(request, old, merged, merged["metadata"].get("managedFields") or [])
    return resources.with_warnings(response, warnings)


def add_routes(app: web.Application) -> None:
    path = "/api/v1/namespaces/{namespace}/pods/{name}"
    app.router.add_patch(path, update_pod)
    app.router.add_put(path, update_pod)
