"""The object routes: list, get and watch (the watch of a list: `watch.py`) of every stored resource
of the registry (`tui.demo.api.registry`); pod create and delete (pod updates: `pod_update.py`);
and the generic routes for everything else the registry lists: create, update, patch (JSON,
merge, strategic merge, server-side apply), delete (with the garbage collector's background
deletion of dependents, and a namespace's contents), deletecollection, the `status` and `scale`
subresources, and SelfSubjectReview (`kubectl auth whoami`)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

from aiohttp import web

from tui.demo.api import openapi, registry, validation
from tui.demo.api.defaults import now_iso
from tui.demo.api.pod_admission import admit_new_pod
from tui.demo.api.registry import Resource
from tui.demo.api.selectors import Filter, parse_field_selector, parse_label_selector
from tui.demo.api.status import (
    ApiError,
    dumps,
    json_response,
    not_found,
    raw_json_response,
)
from tui.demo.api.table import TABLE_CONTENT_TYPE, to_table, wants_table
from tui.demo.routes.requests import int_param, load_pod, pod_key, query_flag, read_json
from tui.demo.routes.state import STATE, ServerState
from tui.demo.routes.watch import no_answer_during_silence, watch


def request_filter(request: web.Request, resource: str, namespace: str | None,
                   served: Resource | None = None) -> Filter:
    return Filter(
        namespace=namespace,
        labels=parse_label_selector(request.query.get("labelSelector")),
        fields=parse_field_selector(request.query.get("fieldSelector"), (served or registry.STORED[resource]).fields),
    )


def ensure_namespace(state: ServerState, namespace: str) -> None:
    if state.store.get("namespaces", "", namespace) is None:
        raise not_found("namespaces", namespace)


# ---- list and watch ------------------------------------------------------------------------
async def list_or_watch(request: web.Request, resource: str, namespace: str | None,
                        served: Resource | None = None) -> web.StreamResponse:
    """`served`: the API resource when it is not the store resource's own (events.k8s.io/v1)."""
    state = request.app[STATE]
    store = state.store
    api = served or registry.STORED[resource]
    watching = query_flag(request, "watch")
    if store.silence.active and (watching or store.silence.hang_lists):
        await no_answer_during_silence(state)  # a silent network (faults.silence_watches)
    state.policy.check("watch" if watching else "list", resource, "", namespace, group=api.group)
    flt = request_filter(request, resource, namespace, api)
    if watching:
        return await watch(request, state, resource, flt, api)
    keys, token, remaining = store.list_objects(
        resource, flt, int_param(request, "limit"), request.query.get("continue"))
    if wants_table(request.headers.get("Accept", "")):
        items = [store.objects[resource][key] for key in keys]
        table = to_table(resource, items, request.query.get("includeObject", "Metadata"))
        metadata: dict[str, Any] = {"resourceVersion": str(store.rv)}
        if token:
            metadata["continue"] = token
        if remaining:
            metadata["remainingItemCount"] = remaining
        table["metadata"] = metadata
        return web.Response(body=dumps(table), headers={"Content-Type": TABLE_CONTENT_TYPE})
    convert = registry.served(api)
    if convert is not None:
        metadata = {"resourceVersion": str(store.rv)} | ({"continue": token} if token else {})
        items = [convert(store.objects[resource][key]) for key in keys]
        return json_response({"kind": api.list_kind, "apiVersion": api.api_version, "metadata": metadata,
                              "items": items})
    return raw_json_response(store.list_json(resource, keys, token, remaining))


# ---- get -----------------------------------------------------------------------------------
def get_object(state: ServerState, resource: str, namespace: str, name: str,
               served: Resource | None = None) -> web.Response:
    api = served or registry.STORED[resource]
    state.policy.check("get", resource, "", namespace or None, name, group=api.group)
    key = (namespace, name)
    if key not in state.store.objects[resource]:
        raise not_found(api.name if not api.group else f"{api.name}.{api.group}", name, api.group)
    convert = registry.served(api)
    if convert is not None:
        return json_response(convert(state.store.objects[resource][key]))
    return raw_json_response(state.store.json_of(resource, key))


async def get_table_or_object(request: web.Request, resource: str, namespace: str, name: str,
                              served: Resource | None = None) -> web.Response:
    state = request.app[STATE]
    response = get_object(state, resource, namespace, name, served)
    if wants_table(request.headers.get("Accept", "")):
        obj = state.store.objects[resource][(namespace, name)]
        table = to_table(resource, [obj], request.query.get("includeObject", "Metadata"))
        table["metadata"] = {"resourceVersion": obj["metadata"].get("resourceVersion", "")}
        return web.Response(body=dumps(table), headers={"Content-Type": TABLE_CONTENT_TYPE})
    return response


# ---- pods: create and delete -----------------------------------------------------------------
async def create_pod(request: web.Request) -> web.Response:
    body = await read_json(request)
    if not isinstance(body, dict):
        raise ApiError(400, "the body of the request was in an unknown format", "BadRequest")
    return create_pod_object(request.app[STATE], request.match_info["namespace"], body,
                             request.query.get("fieldValidation"), request.query.get("dryRun") == "All")


def create_pod_object(state: ServerState, namespace: str, body: dict[str, Any], field_validation: str | None,
                      dry_run: bool) -> web.Response:
    """A pod's creation from the body of a POST (or a server-side apply of a new pod)."""
    store = state.store
    metadata = body.setdefault("metadata", {})
    name = metadata.get("name") or ""
    state.policy.check("create", "pods", "", namespace, name)
    if metadata.get("namespace") not in (None, "", namespace):
        raise ApiError(400, "the namespace of the provided object does not match the namespace sent on the "
                            "request", "BadRequest")
    ensure_namespace(state, namespace)
    if body.get("kind") not in (None, "Pod"):
        raise ApiError(400, f'the API version in the data ({body.get("apiVersion")}) does not match the '
                            f"expected API version (v1)", "BadRequest")
    unknown = openapi.unknown_fields(body, "k8s.io.api.core.v1.Pod")
    if unknown and field_validation == "Strict":  # kubectl create/apply -f sends Strict
        raise ApiError(400, 'Pod in version "v1" cannot be handled as a Pod: strict decoding error: '
                       + ", ".join(f'unknown field "{f}"' for f in unknown), "BadRequest")
    if not name and not metadata.get("generateName"):
        status = validation.invalid_status(
            "Pod", "", ["metadata.name: Required value: name or generateName is required"])
        return json_response(status, status=422)
    body.pop("status", None)
    for field in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "selfLink"):
        metadata.pop(field, None)
    try:
        pod = admit_new_pod(store, namespace, body)  # defaults, validation, Pod Security, a taken name
    except ApiError as error:
        if error.code == 422:
            return error.response()  # answered (a server-side apply's Warning headers kept), not raised
        raise
    name = pod["metadata"]["name"]
    if dry_run:
        return json_response(pod, status=201)
    stored = store.create("pods", pod)
    state.kubelet.pod_created(namespace, name)
    return raw_json_response(store.json_of("pods", (namespace, stored["metadata"]["name"])), status=201)


async def delete_pod(request: web.Request) -> web.Response:
    state = request.app[STATE]
    store = state.store
    namespace, name = pod_key(request)
    state.policy.check("delete", "pods", "", namespace, name)
    options: dict[str, Any] = {}
    if request.can_read_body:
        body = await read_json(request)
        if isinstance(body, dict):
            options = body
    pod = load_pod(state, namespace, name)
    grace_text = request.query.get("gracePeriodSeconds")
    grace = options.get("gracePeriodSeconds")
    if grace_text not in (None, ""):
        grace = int_param(request, "gracePeriodSeconds")
    if grace is None:
        grace = int(pod["spec"].get("terminationGracePeriodSeconds", 30))
    if request.query.get("dryRun") == "All" or pod["metadata"].get("deletionTimestamp"):
        return raw_json_response(store.json_of("pods", (namespace, name)))
    if grace <= 0 or not pod["spec"].get("nodeName"):
        final = store.delete("pods", namespace, name)
        if final is not None:
            state.runtime.stop_pod(final)
        return json_response(final)

    def mark(obj: dict[str, Any]) -> None:
        obj["metadata"]["deletionTimestamp"] = now_iso(datetime.now(UTC) + timedelta(seconds=grace))
        obj["metadata"]["deletionGracePeriodSeconds"] = grace

    store.modify("pods", namespace, name, mark)
    state.kubelet.pod_deleting(namespace, name, grace)
    return raw_json_response(store.json_of("pods", (namespace, name)))


# ---- routing ---------------------------------------------------------------------------------
async def pods_all(request: web.Request) -> web.StreamResponse:
    return await list_or_watch(request, "pods", None)


async def pods_ns(request: web.Request) -> web.StreamResponse:
    return await list_or_watch(request, "pods", request.match_info["namespace"])


async def pod_get(request: web.Request) -> web.Response:
    return await get_table_or_object(request, "pods", *pod_key(request))


async def pod_status(request: web.Request) -> web.Response:
    state = request.app[STATE]
    namespace, name = pod_key(request)
    state.policy.check("get", "pods", "status", namespace, name)
    if (namespace, name) not in state.store.objects["pods"]:
        raise not_found("pods", name)
    return raw_json_response(state.store.json_of("pods", (namespace, name)))


def add_routes(app: web.Application) -> None:
    router = app.router
    router.add_get("/api/v1/pods", pods_all)
    router.add_get("/api/v1/namespaces/{namespace}/pods", pods_ns)
    router.add_post("/api/v1/namespaces/{namespace}/pods", create_pod)
    router.add_get("/api/v1/namespaces/{namespace}/pods/{name}", pod_get)
    router.add_delete("/api/v1/namespaces/{namespace}/pods/{name}", delete_pod)
    router.add_get("/api/v1/namespaces/{namespace}/pods/{name}/status", pod_status)
    # namespaces, nodes, events and the other kinds: generic_routes.add_routes (registered last)
