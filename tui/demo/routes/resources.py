"""The generic object routes: every resource of the registry (`tui.demo.api.registry`) under
`/api/v1/...` and `/apis/<group>/<version>/...` that no specific route (pods: `objects`,
`pod_update`, `subresources`) handled. Registered last, so a specific route always wins.

- list / watch / get (Table included) of every stored resource (events.k8s.io/v1 converts the
  stored core/v1 Events);
- create, update (PUT), patch (JSON, merge, strategic merge with the kind's merge keys, and
  server-side apply `application/apply-patch+yaml` with conflicts and managedFields), delete
  (dependents deleted in the background as the garbage collector does unless
  `propagationPolicy=Orphan`; a namespace goes Terminating, its contents are deleted, then it),
  deletecollection; the `status` subresource (only the status changes) and `scale`
  (autoscaling/v1 Scale of a Deployment or ReplicaSet);
- SelfSubjectReview (`kubectl auth whoami`).
"""

from __future__ import annotations

import asyncio
import json
from dataclasses import dataclass
from typing import Any

import yaml
from aiohttp import web

from tui.demo.api import apply as server_side_apply
from tui.demo.api import kinds, openapi, registry, validation
from tui.demo.api import patch as patching
from tui.demo.api.defaults import now_iso
from tui.demo.api.protobuf import PROTOBUF_CONTENT_TYPE
from tui.demo.api.registry import Resource
from tui.demo.api.status import ApiError, json_response, raw_json_response
from tui.demo.api.table import format_label_selector
from tui.demo.routes.objects import get_table_or_object, list_or_watch, request_filter
from tui.demo.routes.requests import PATCH_TYPES, int_param, read_json
from tui.demo.routes.state import STATE, ServerState

APPLY_PATCH = "application/apply-patch+yaml"
PROTECTED_NAMESPACES = frozenset({"default", "kube-system", "kube-public"})
_NAMESPACE_SUBRESOURCES = frozenset({"status", "finalize"})
# The namespace controller deletes a Terminating namespace's contents a moment after the request
# (as a real one does), so `kubectl delete -f` of a manifest with the namespace first still finds
# the objects after it; `kubectl delete namespace` waits until it is gone.
NAMESPACE_CLEANUP_DELAY = 1.0


@dataclass(frozen=True)
class Target:
    resource: Resource
    namespace: str | None  # None: all namespaces, or a cluster-scoped resource
    name: str
    subresource: str


def parse_target(group: str, version: str, tail: str) -> Target:
    """What `/api[s]/<group>/<version>/<tail>` names; 404 for what the registry does not serve."""
    parts = [part for part in tail.split("/") if part] if tail else []
    namespace: str | None = None
    if (len(parts) >= 3 and parts[0] == "namespaces"
            and not (len(parts) == 3 and parts[2] in _NAMESPACE_SUBRESOURCES and not group)):
        namespace, parts = parts[1], parts[2:]
    if not parts or len(parts) > 3:
        raise web.HTTPNotFound()
    resource = registry.lookup(group, version, parts[0])
    if resource is None or (namespace is not None and not resource.namespaced):
        raise web.HTTPNotFound()
    name = parts[1] if len(parts) > 1 else ""
    subresource = parts[2] if len(parts) > 2 else ""
    if name and resource.namespaced and namespace is None:
        raise web.HTTPNotFound()  # /apis/apps/v1/deployments/NAME: a namespaced object needs its namespace
    if subresource and subresource not in {s.name for s in resource.subresources}:
        raise web.HTTPNotFound()
    return Target(resource, namespace, name, subresource)


def qualified(resource: Resource) -> str:
    return f"{resource.name}.{resource.group}" if resource.group else resource.name


def missing(resource: Resource, name: str) -> ApiError:
    details: dict[str, Any] = {"name": name}
    if resource.group:
        details["group"] = resource.group
    details["kind"] = resource.name
    return ApiError(404, f'{qualified(resource)} "{name}" not found', "NotFound", details)


def not_allowed(method: str) -> ApiError:
    return ApiError(405, f"the server does not allow this method on the requested resource ({method})",
                    "MethodNotAllowed")


def field_manager(request: web.Request) -> str:
    """The `fieldManager` of a write, else the client's name from its User-Agent (as the server)."""
    manager = request.query.get("fieldManager")
    if manager:
        return manager
    agent = request.headers.get("User-Agent", "")
    return agent.split("/", 1)[0] or "unknown"


def _stored_key(target: Target) -> tuple[str, str]:
    return (target.namespace or "", target.name)


def _load(state: ServerState, target: Target) -> dict[str, Any]:
    obj = state.store.get(target.resource.stored, *_stored_key(target))
    if obj is None:
        raise missing(target.resource, target.name)
    return obj


def _check_namespace(state: ServerState, namespace: str) -> None:
    ns = state.store.get("namespaces", "", namespace)
    if ns is None:
        raise ApiError(404, f'namespaces "{namespace}" not found', "NotFound",
                       {"name": namespace, "kind": "namespaces"})
    if ns["metadata"].get("deletionTimestamp"):
        raise ApiError(403, f"unable to create new content in namespace {namespace} because it is being "
                            "terminated", "Forbidden", {"name": namespace, "kind": "namespaces"})


def _check_kind(body: dict[str, Any], resource: Resource, subresource: str = "") -> None:
    kind = body.get("kind")
    api_version = body.get("apiVersion")
    expected_kind = "Scale" if subresource == "scale" else resource.kind
    expected_version = "autoscaling/v1" if subresource == "scale" else resource.api_version
    if kind not in (None, "", expected_kind) or api_version not in (None, "", expected_version):
        raise ApiError(400, f"the API version in the data ({api_version}) does not match the expected API "
                            f"version ({expected_version})" if api_version not in (None, "", expected_version)
                       else f"the kind in the data ({kind}) does not match the expected kind ({expected_kind})",
                       "BadRequest")


def _used_cluster_ips(state: ServerState) -> set[str]:
    return {str((s.get("spec") or {}).get("clusterIP")) for s in state.store.values("services")}


def _invalid(resource: Resource, name: str, causes: list[str]) -> web.Response:
    return json_response(validation.invalid_status(resource.kind, name, causes, resource.group), status=422)


def check_fields(request: web.Request, obj: dict[str, Any], message: str) -> list[str]:
    """`fieldValidation`: Strict refuses fields the kind's schema does not have (400, as the API
    server's strict decoding); Warn (the server's default) returns them for Warning headers."""
    directive = request.query.get("fieldValidation", "Warn")
    if directive == "Ignore" or not message:
        return []
    unknown = [f'unknown field "{field}"' for field in openapi.unknown_fields(obj, message)]
    if unknown and directive == "Strict":
        raise strict_error(message, unknown)
    return unknown


def strict_error(message: str, unknown: list[str]) -> ApiError:
    """The API server's 400 for unknown fields under fieldValidation=Strict."""
    kind, version = message.rsplit(".", 2)[-1], message.rsplit(".", 2)[-2]
    return ApiError(400, f'{kind} in version "{version}" cannot be handled as a {kind}: strict decoding error: '
                         + ", ".join(unknown), "BadRequest")


def with_warnings(response: web.Response, warnings: list[str]) -> web.Response:
    for warning in warnings:
        response.headers.add("Warning", '299 - "' + warning.replace('"', '\\"') + '"')
    return response


def _dry_run(request: web.Request) -> bool:
    return request.query.get("dryRun") == "All"


# ---- create ------------------------------------------------------------------------------------
async def create(request: web.Request, state: ServerState, target: Target) -> web.Response:
    resource = target.resource
    if resource.kind == "SelfSubjectReview":
        return self_subject_review(request, state)
    if not resource.stored or registry.served(resource) is not None:
        raise not_allowed("POST")
    body = await read_json(request)
    if not isinstance(body, dict):
        raise ApiError(400, "the body of the request was in an unknown format", "BadRequest")
    metadata = body.setdefault("metadata", {})
    if not isinstance(metadata, dict):
        raise ApiError(400, "the body of the request was in an unknown format", "BadRequest")
    state.policy.check("create", resource.name, "", target.namespace, metadata.get("name") or "",
                       group=resource.group)
    _check_kind(body, resource)
    if resource.namespaced and metadata.get("namespace") not in (None, "", target.namespace):
        raise ApiError(400, "the namespace of the provided object does not match the namespace sent on the "
                            "request", "BadRequest")
    if resource.namespaced:
        assert target.namespace is not None
        _check_namespace(state, target.namespace)
    warnings = check_fields(request, body, resource.message)
    obj = dict(body)
    if resource.kind in kinds.STATUS_KINDS:
        obj.pop("status", None)
    kinds.new_metadata(obj, resource, target.namespace)
    obj["metadata"].pop("managedFields", None)
    kinds.apply_defaults(obj, resource, lambda: _used_cluster_ips(state))
    name = obj["metadata"].get("name") or ""
    causes = kinds.validate(obj, resource)
    if causes:
        return _invalid(resource, name, causes)
    if (target.namespace or "", name) in state.store.objects[resource.stored]:
        raise ApiError(409, f'{qualified(resource)} "{name}" already exists', "AlreadyExists",
                       {"name": name, **({"group": resource.group} if resource.group else {}), "kind": resource.name})
    server_side_apply.record_update(None, obj, field_manager(request), resource.api_version,
                                    merge_keys=resource.merge_key_map)
    if _dry_run(request):
        return with_warnings(json_response(obj, status=201), warnings)
    state.store.create(resource.stored, obj)
    return with_warnings(raw_json_response(state.store.json_of(resource.stored, (target.namespace or "", name)),
                                           status=201), warnings)


def self_subject_review(request: web.Request, state: ServerState) -> web.Response:
    """Who the request is authenticated as: the token's user, or a client certificate's subject."""
    user, groups = state.policy.user, ["system:authenticated"]
    transport = request.transport
    peer = transport.get_extra_info("peercert") if transport is not None else None
    if peer and not request.headers.get("Authorization"):
        subject = {key: value for rdn in peer.get("subject", ()) for key, value in rdn}
        user = subject.get("commonName", user)
        groups = [value for rdn in peer.get("subject", ()) for key, value in rdn
                  if key == "organizationName"] + groups
    return json_response({"kind": "SelfSubjectReview", "apiVersion": "authentication.k8s.io/v1",
                          "metadata": {"creationTimestamp": now_iso()},
                          "status": {"userInfo": {"username": user, "groups": groups}}}, status=201)


# ---- update, patch, apply ----------------------------------------------------------------------
def _patched(content_type: str, current: dict[str, Any], body: Any, resource: Resource) -> dict[str, Any]:
    try:
        if content_type == "application/strategic-merge-patch+json":
            return patching.apply_strategic_merge_patch(current, body,
                                                        schema=patching.schema_for_resource(resource.stored))
        if content_type == "application/json-patch+json":
            return patching.apply_json_patch(current, body)
        if content_type == "application/merge-patch+json":
            return patching.apply_merge_patch(current, body)
    except patching.PatchError as error:
        raise ApiError(error.code, error.message, error.reason, error.details) from None
    raise ApiError(415, f"the body of the request was in an unknown format - accepted media types include: "
                        f"{', '.join(PATCH_TYPES)}", "UnsupportedMediaType")


async def read_apply_body(request: web.Request) -> dict[str, Any]:
    """The applied configuration: YAML (JSON is YAML) or, from a typed client, protobuf."""
    raw = await request.read()
    if request.content_type == PROTOBUF_CONTENT_TYPE:
        body = await read_json(request)
    else:
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            try:
                body = yaml.safe_load(raw)
            except yaml.YAMLError as error:
                raise ApiError(400, f"error decoding YAML: {error}", "BadRequest") from None
    if not isinstance(body, dict):
        raise ApiError(400, "the body of the request was in an unknown format", "BadRequest")
    return body


async def update_or_patch(request: web.Request, state: ServerState, target: Target) -> web.Response:
    resource = target.resource
    if not resource.stored or registry.served(resource) is not None or not target.name:
        raise not_allowed(request.method)
    patching_request = request.method == "PATCH"
    verb = "patch" if patching_request else "update"
    state.policy.check(verb, resource.name, target.subresource, target.namespace, target.name, group=resource.group)
    if target.subresource == "scale":
        return await scale(request, state, target)
    if target.subresource not in ("", "status"):
        raise not_allowed(request.method)
    if patching_request and request.content_type == APPLY_PATCH:
        return await apply_patch(request, state, target)
    old = _load(state, target)
    body = await read_json(request)
    if patching_request:
        new = _patched(request.content_type, old, body, resource)
    else:
        if not isinstance(body, dict):
            raise ApiError(400, "the body of the request was in an unknown format", "BadRequest")
        _check_kind(body, resource)
        sent_name = (body.get("metadata") or {}).get("name")
        if sent_name and sent_name != target.name:
            raise ApiError(400, f"the name of the object ({sent_name}) does not match the name on the URL "
                                f"({target.name})", "BadRequest")
        new = body
    _check_version(new, old, resource, target.name)
    warnings = check_fields(request, new, resource.message)
    return with_warnings(_store_update(request, state, target, old, new, field_manager(request)), warnings)


def _check_version(new: dict[str, Any], old: dict[str, Any], resource: Resource, name: str) -> None:
    version = (new.get("metadata") or {}).get("resourceVersion")
    if version and version != old["metadata"].get("resourceVersion"):
        raise ApiError(409, f'Operation cannot be fulfilled on {qualified(resource)} "{name}": the object has been '
                            "modified; please apply your changes to the latest version and try again", "Conflict",
                       {"name": name, **({"group": resource.group} if resource.group else {}), "kind": resource.name})


def _store_update(request: web.Request, state: ServerState, target: Target, old: dict[str, Any],
                  new: dict[str, Any], manager: str, apply_entries: bool = False,
                  through: str | None = None) -> web.Response:
    """Store an update of `old` to `new` (`through`: the subresource the write came by, for
    managedFields, when it is not the target's: `scale`)."""
    resource = target.resource
    result = kinds.updated(old, new, resource, target.subresource)
    if not target.subresource:
        kinds.apply_defaults(result, resource, lambda: _used_cluster_ips(state) - {
            str((old.get("spec") or {}).get("clusterIP"))})
        if resource.kind == "Service":
            _keep_cluster_ip(old, result)
        causes = kinds.validate(result, resource)
        if causes:
            return _invalid(resource, target.name, causes)
        kinds.bump_generation(old, result, resource)
    sent_entries = (new.get("metadata") or {}).get("managedFields")
    if not apply_entries and sent_entries and sent_entries != old["metadata"].get("managedFields"):
        result["metadata"]["managedFields"] = sent_entries  # the client rewrote them (kubectl's apply upgrade)
    elif not apply_entries:
        result["metadata"]["managedFields"] = old["metadata"].get("managedFields") or []
        server_side_apply.record_update(old, result, manager, resource.api_version,
                                        target.subresource if through is None else through, resource.merge_key_map)
    if _dry_run(request):
        return json_response(result)
    if _same_content(result, old):  # a no-op write stores nothing (no new resourceVersion)
        return raw_json_response(state.store.json_of(resource.stored, _stored_key(target)))
    state.store.replace(resource.stored, result)
    return raw_json_response(state.store.json_of(resource.stored, _stored_key(target)))


def _same_content(a: dict[str, Any], b: dict[str, Any]) -> bool:
    """Equal but for resourceVersion and the times of managedFields (new on every write)."""
    def comparable(obj: dict[str, Any]) -> dict[str, Any]:
        metadata = {k: v for k, v in obj["metadata"].items() if k != "resourceVersion"}
        metadata["managedFields"] = [{k: v for k, v in e.items() if k != "time"}
                                     for e in metadata.get("managedFields") or []]
        return {**obj, "metadata": metadata}

    return comparable(a) == comparable(b)


def _keep_cluster_ip(old: dict[str, Any], new: dict[str, Any]) -> None:
    """A Service's clusterIP is immutable: an update that leaves it out keeps it."""
    old_spec, spec = old.get("spec") or {}, new.setdefault("spec", {})
    for field in ("clusterIP", "clusterIPs"):
        if field in old_spec:
            spec[field] = old_spec[field]


async def apply_patch(request: web.Request, state: ServerState, target: Target) -> web.Response:
    """Server-side apply: create the object, or merge the configuration into it."""
    resource = target.resource
    if target.subresource:
        raise not_allowed("PATCH")
    body = await read_apply_body(request)
    _check_kind(body, resource)
    if not body.get("kind") or not body.get("apiVersion"):
        raise ApiError(400, "apiVersion and kind must be set in the applied configuration", "BadRequest")
    sent = body.get("metadata") or {}
    if sent.get("name") not in (None, target.name):
        raise ApiError(400, f"the name of the object ({sent.get('name')}) does not match the name on the URL "
                            f"({target.name})", "BadRequest")
    manager = request.query.get("fieldManager")
    if not manager:
        raise ApiError(422, "PatchOptions.meta.k8s.io \"\" is invalid: fieldManager: Required value: is required "
                            "for apply patch", "Invalid")
    force = request.query.get("force") in ("true", "1", "True")
    warnings = check_fields(request, body, resource.message)
    old = state.store.get(resource.stored, *_stored_key(target))
    if old is None:
        if resource.namespaced:
            assert target.namespace is not None
            _check_namespace(state, target.namespace)
        obj = server_side_apply.apply(None, body, manager, force, resource.api_version, resource.merge_key_map)
        obj.setdefault("metadata", {})["name"] = target.name
        entries = obj["metadata"].get("managedFields")
        kinds.new_metadata(obj, resource, target.namespace)
        obj["metadata"]["managedFields"] = entries
        kinds.apply_defaults(obj, resource, lambda: _used_cluster_ips(state))
        causes = kinds.validate(obj, resource)
        if causes:
            return _invalid(resource, target.name, causes)
        if _dry_run(request):
            return with_warnings(json_response(obj, status=201), warnings)
        state.store.create(resource.stored, obj)
        return with_warnings(raw_json_response(state.store.json_of(resource.stored, _stored_key(target)),
                                               status=201), warnings)
    merged = server_side_apply.apply(old, body, manager, force, resource.api_version, resource.merge_key_map)
    return with_warnings(_store_update(request, state, target, old, merged, manager, apply_entries=True), warnings)


# ---- scale -------------------------------------------------------------------------------------
def _scale_of(obj: dict[str, Any]) -> dict[str, Any]:
    metadata = obj["metadata"]
    kept = {k: metadata[k] for k in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if k in metadata}
    spec = obj.get("spec") or {}
    selector = format_label_selector(spec.get("selector")).replace("<none>", "")
    return {"kind": "Scale", "apiVersion": "autoscaling/v1", "metadata": kept,
            "spec": {"replicas": int(spec.get("replicas", 1))},
            "status": {"replicas": int((obj.get("status") or {}).get("replicas") or 0), "selector": selector}}


async def scale(request: web.Request, state: ServerState, target: Target) -> web.Response:
    old = _load(state, target)
    current = _scale_of(old)
    if request.method == "GET":
        return json_response(current)
    body = await read_json(request)
    if request.method == "PATCH":
        new_scale = _patched(request.content_type, current, body, target.resource)
    else:
        if not isinstance(body, dict):
            raise ApiError(400, "the body of the request was in an unknown format", "BadRequest")
        _check_kind(body, target.resource, "scale")
        new_scale = body
    replicas = (new_scale.get("spec") or {}).get("replicas")
    if not isinstance(replicas, int) or replicas < 0:
        return json_response(validation.invalid_status(
            "Scale", target.name, [f"spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0"],
            "autoscaling"), status=422)
    new = {**old, "spec": {**(old.get("spec") or {}), "replicas": replicas}}
    main = Target(target.resource, target.namespace, target.name, "")
    response = _store_update(request, state, main, old, new, field_manager(request), through="scale")
    if response.status >= 300:
        return response
    stored = state.store.get(target.resource.stored, *_stored_key(target)) or new
    return json_response(_scale_of(stored))


# ---- delete ------------------------------------------------------------------------------------
async def _delete_options(request: web.Request) -> dict[str, Any]:
    options: dict[str, Any] = {}
    if request.can_read_body:
        body = await read_json(request)
        if isinstance(body, dict):
            options = body
    for name in ("propagationPolicy", "gracePeriodSeconds"):
        if request.query.get(name) not in (None, ""):
            options[name] = int_param(request, name) if name == "gracePeriodSeconds" else request.query[name]
    return options


def delete_pod_object(state: ServerState, namespace: str, name: str, grace: int | None = None) -> None:
    """A pod's deletion as `DELETE .../pods/NAME` does it: graceful when it runs on a node."""
    state.kubelet.delete_pod(namespace, name, grace)


def collect_garbage(state: ServerState, owner: dict[str, Any]) -> None:
    """Delete (in the background) the objects `owner` owns, and theirs: the garbage collector."""
    uid = owner["metadata"].get("uid")
    namespace = owner["metadata"].get("namespace", "")
    for stored in ("deployments", "replicasets", "pods"):
        for obj in list(state.store.values(stored)):
            metadata = obj["metadata"]
            if metadata.get("namespace", "") != namespace:
                continue
            if not any(ref.get("uid") == uid for ref in metadata.get("ownerReferences") or []):
                continue
            if stored == "pods":
                delete_pod_object(state, namespace, metadata["name"])
            else:
                final = state.store.delete(stored, namespace, metadata["name"])
                if final is not None:
                    collect_garbage(state, final)


def _finish_namespace(state: ServerState, name: str) -> None:
    """The namespace controller: delete everything in the namespace, then the namespace."""
    for stored in registry.STORED:
        if stored in ("namespaces", "nodes"):
            continue
        for obj in list(state.store.values(stored)):
            if obj["metadata"].get("namespace") == name:
                if stored == "pods":
                    state.kubelet.delete_pod(name, obj["metadata"]["name"], 0)
                else:
                    state.store.delete(stored, name, obj["metadata"]["name"])
    state.store.delete("namespaces", "", name)


async def delete(request: web.Request, state: ServerState, target: Target) -> web.Response:
    resource = target.resource
    if not resource.stored or registry.served(resource) is not None or target.subresource:
        raise not_allowed("DELETE")
    if not target.name:
        return await delete_collection(request, state, target)
    state.policy.check("delete", resource.name, "", target.namespace, target.name, group=resource.group)
    options = await _delete_options(request)
    obj = _load(state, target)
    if _dry_run(request):
        return json_response(obj)
    if resource.kind == "Namespace":
        return _delete_namespace(state, obj)
    final = state.store.delete(resource.stored, *_stored_key(target))
    if final is not None and options.get("propagationPolicy") != "Orphan":
        collect_garbage(state, final)
    return json_response(final)


def _delete_namespace(state: ServerState, namespace: dict[str, Any]) -> web.Response:
    name = namespace["metadata"]["name"]
    if name in PROTECTED_NAMESPACES:
        raise ApiError(403, f'namespaces "{name}" is forbidden: this namespace may not be deleted', "Forbidden",
                       {"name": name, "kind": "namespaces"})
    if namespace["metadata"].get("deletionTimestamp"):
        return json_response(namespace)

    def terminating(obj: dict[str, Any]) -> None:
        obj["metadata"]["deletionTimestamp"] = now_iso()
        obj["status"] = {"phase": "Terminating"}

    marked = state.store.modify("namespaces", "", name, terminating)
    asyncio.get_running_loop().call_later(NAMESPACE_CLEANUP_DELAY, _finish_namespace, state, name)
    return json_response(marked)


async def delete_collection(request: web.Request, state: ServerState, target: Target) -> web.Response:
    resource = target.resource
    if "deletecollection" not in resource.verbs:
        raise not_allowed("DELETE")
    state.policy.check("deletecollection", resource.name, "", target.namespace, group=resource.group)
    flt = request_filter(request, resource.stored, target.namespace, resource)
    keys, _, _ = state.store.list_objects(resource.stored, flt)
    items = []
    for key in keys:
        if _dry_run(request):
            items.append(state.store.objects[resource.stored][key])
            continue
        if resource.stored == "pods":
            delete_pod_object(state, *key)
            continue
        final = state.store.delete(resource.stored, *key)
        if final is not None:
            items.append(final)
            collect_garbage(state, final)
    return json_response({"kind": resource.list_kind, "apiVersion": resource.api_version,
                          "metadata": {"resourceVersion": str(state.store.rv)}, "items": items})


# ---- dispatch ----------------------------------------------------------------------------------
async def dispatch(request: web.Request, group: str, version: str) -> web.StreamResponse:
    target = parse_target(group, version, request.match_info.get("tail", ""))
    state = request.app[STATE]
    resource = target.resource
    method = request.method
    if method == "GET":
        if not resource.stored or "get" not in resource.verbs:
            raise not_allowed("GET")
        if target.subresource == "scale":
            state.policy.check("get", resource.name, "scale", target.namespace, target.name, group=resource.group)
            return await scale(request, state, target)
        if target.subresource not in ("", "status"):
            raise not_allowed("GET")
        if not target.name:
            return await list_or_watch(request, resource.stored, target.namespace, resource)
        return await get_table_or_object(request, resource.stored, target.namespace or "", target.name, resource)
    if resource.stored == "pods" or (resource.namespaced and target.namespace is None and resource.stored):
        raise not_allowed(method)  # pods' writes have their own routes; no writes across all namespaces
    if method == "POST" and not target.name:
        return await create(request, state, target)
    if method in ("PUT", "PATCH") and target.name:
        return await update_or_patch(request, state, target)
    if method == "DELETE":
        return await delete(request, state, target)
    raise not_allowed(method)


async def core(request: web.Request) -> web.StreamResponse:
    return await dispatch(request, "", "v1")


async def grouped(request: web.Request) -> web.StreamResponse:
    return await dispatch(request, request.match_info["group"], request.match_info["version"])


def add_routes(app: web.Application) -> None:
    """Call last: the specific routes registered before take precedence."""
    app.router.add_route("*", "/api/v1/{tail:.+}", core)
    app.router.add_route("*", "/apis/{group}/{version}/{tail:.+}", grouped)
