"""List, watch and get for pods, namespaces, nodes and events; pod create and delete."""

from __future__ import annotations

import asyncio
import json
import time
from datetime import datetime, timedelta, timezone
from typing import Any

from aiohttp import web

from tui.demo import podsecurity, validation
from tui.demo.apistatus import ApiError, dumps, json_response, not_found, raw_json_response
from tui.demo.protobuf import PROTOBUF_CONTENT_TYPE, decode_object
from tui.demo.poddefaults import default_pod, now_iso
from tui.demo.selectors import EVENT_FIELDS, GENERIC_FIELDS, POD_FIELDS, Filter, parse_field_selector, \
    parse_label_selector
from tui.demo.state import ServerState
from tui.demo.store import ConnectionLost, Watcher, WatchEvent, expired_error, never
from tui.demo.table import TABLE_CONTENT_TYPE, to_table, wants_table

FIELDS = {"pods": POD_FIELDS, "namespaces": GENERIC_FIELDS, "nodes": GENERIC_FIELDS, "events": EVENT_FIELDS}
KINDS = {"pods": "Pod", "namespaces": "Namespace", "nodes": "Node", "events": "Event"}
NAMESPACED = {"pods": True, "events": True, "namespaces": False, "nodes": False}
TRUE_VALUES = ("1", "true", "True")


def request_filter(request: web.Request, resource: str, namespace: str | None) -> Filter:
    return Filter(
        namespace=namespace,
        labels=parse_label_selector(request.query.get("labelSelector")),
        fields=parse_field_selector(request.query.get("fieldSelector"), FIELDS[resource]),
    )


def _int_param(request: web.Request, name: str, default: int = 0) -> int:
    text = request.query.get(name)
    if text in (None, ""):
        return default
    try:
        return int(text)
    except ValueError:
        raise ApiError(400, f'invalid value for "{name}": {text!r} is not an integer', "BadRequest") from None


def ensure_namespace(state: ServerState, namespace: str) -> None:
    if state.store.get("namespaces", "", namespace) is None:
        raise not_found("namespaces", namespace)


async def read_json(request: web.Request) -> Any:
    """The request body as JSON (protobuf bodies from kubectl's typed clients are decoded too)."""
    body = await request.read()
    if request.content_type == PROTOBUF_CONTENT_TYPE:
        return decode_object(body)
    try:
        return json.loads(body or b"null")
    except ValueError as error:
        raise ApiError(400, f"the body of the request was in an unknown format - {error}", "BadRequest") from None


def add_routes(app: web.Application, state: ServerState) -> None:
    store = state.store

    # ---- list and watch ----------------------------------------------------------------
    async def list_or_watch(request: web.Request, resource: str, namespace: str | None) -> web.StreamResponse:
        watching = request.query.get("watch") in TRUE_VALUES
        if store.silence.active and (watching or store.silence.hang_lists):
            await _no_answer_during_silence(state)  # a silent network (faults.silence_watches)
        state.policy.check("watch" if watching else "list", resource, "", namespace)
        flt = request_filter(request, resource, namespace)
        if watching:
            return await watch(request, resource, flt)
        keys, token, remaining = store.list_objects(
            resource, flt, _int_param(request, "limit"), request.query.get("continue"))
        if wants_table(request.headers.get("Accept", "")) and resource in KINDS:
            items = [store.objects[resource][key] for key in keys]
            table = to_table(resource, items, request.query.get("includeObject", "Metadata"))
            metadata: dict[str, Any] = {"resourceVersion": str(store.rv)}
            if token:
                metadata["continue"] = token
            if remaining:
                metadata["remainingItemCount"] = remaining
            table["metadata"] = metadata
            return web.Response(body=dumps(table), headers={"Content-Type": TABLE_CONTENT_TYPE})
        return raw_json_response(store.list_json(resource, keys, token, remaining))

    async def watch(request: web.Request, resource: str, flt: Filter) -> web.StreamResponse:
        rv_text = request.query.get("resourceVersion", "")
        bookmarks = request.query.get("allowWatchBookmarks") in TRUE_VALUES
        send_initial = request.query.get("sendInitialEvents") in TRUE_VALUES
        timeout = _int_param(request, "timeoutSeconds")
        table_mode = wants_table(request.headers.get("Accept", ""))
        include_object = request.query.get("includeObject", "Metadata")
        # Everything up to registering the watcher runs without awaiting: no event can slip by.
        initial: list[tuple[str, dict[str, Any], bytes]] = []
        if rv_text in ("", "0") or send_initial:
            for key in store.list_objects(resource, flt)[0]:
                initial.append(("ADDED", store.objects[resource][key], store.json_of(resource, key)))
        else:
            try:
                since = int(rv_text)
            except ValueError:
                raise ApiError(400, f'invalid resource version: "{rv_text}"', "BadRequest") from None
            for event in store.events_since(since, resource):
                seen = _seen_as(flt, event)
                if seen:
                    initial.append((seen, event.obj, event.obj_json))
        watcher = Watcher(resource, flt)
        store.add_watcher(watcher)
        task = asyncio.current_task()
        if task is not None:
            state.streams.add(task)
        response = web.StreamResponse(headers={"Content-Type": "application/json",
                                               "Cache-Control": "no-cache, private"})
        response.enable_chunked_encoding()
        first_table = [True]

        def encode(event_type: str, obj: dict[str, Any], obj_json: bytes) -> bytes:
            if not table_mode:
                return b'{"type":"' + event_type.encode() + b'","object":' + obj_json + b"}\n"
            table = to_table(resource, [obj], include_object, headers=first_table[0])
            first_table[0] = False
            return dumps({"type": event_type, "object": table}) + b"\n"

        silence = store.silence
        try:
            await silence.wait()
            await response.prepare(request)
            chunk = b"".join(encode(t, o, j) for t, o, j in initial)
            if send_initial:
                chunk += _bookmark(resource, store.rv, initial_end=True)
            if chunk:
                await response.write(chunk)
            deadline = time.monotonic() + timeout if timeout > 0 else None
            next_bookmark = _bookmark_due(time.monotonic(), store.bookmark_frequency) if bookmarks else None
            while True:
                now = time.monotonic()
                if deadline is not None and now >= deadline:
                    # the API server's watch cache sends one last bookmark before the watch ends
                    await silence.wait()
                    if bookmarks and watcher.queue.empty():
                        await response.write(_bookmark(resource, store.rv))
                    break
                if watcher.queue.empty():
                    if next_bookmark is not None and now >= next_bookmark:
                        await silence.wait()  # nothing leaves while the network is silent
                        if watcher.queue.empty():  # never ahead of events not delivered yet
                            await response.write(_bookmark(resource, store.rv))
                            next_bookmark = _bookmark_due(time.monotonic(), store.bookmark_frequency)
                        continue
                    wake = min((t for t in (next_bookmark, deadline) if t is not None), default=None)
                    try:
                        item = await asyncio.wait_for(watcher.queue.get(), None if wake is None else wake - now)
                    except TimeoutError:
                        continue
                else:
                    item = watcher.queue.get_nowait()
                await silence.wait()
                if item is None:
                    if watcher.expired_rv is not None:
                        error = expired_error(watcher.expired_rv, store.floor_rv).status()
                        await response.write(dumps({"type": "ERROR", "object": error}) + b"\n")
                    break
                parts = [item]
                while not watcher.queue.empty() and len(parts) < 500:
                    extra = watcher.queue.get_nowait()
                    if extra is None:
                        watcher.queue.put_nowait(None)
                        break
                    parts.append(extra)
                await response.write(b"".join(encode(t, e.obj, e.obj_json) for t, e in parts))
            await silence.wait()
            await response.write_eof()
        except ConnectionLost:
            store.remove_watcher(watcher)
            await never()  # the connection died in the silence: nothing ever again, not even its end
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            store.remove_watcher(watcher)
            if task is not None:
                state.streams.discard(task)
        return response

    # ---- get ---------------------------------------------------------------------------
    def get_object(resource: str, namespace: str, name: str) -> web.Response:
        state.policy.check("get", resource, "", namespace or None, name)
        key = (namespace, name)
        if key not in store.objects[resource]:
            raise not_found(resource, name)
        return raw_json_response(store.json_of(resource, key))

    async def get_table_or_object(request: web.Request, resource: str, namespace: str, name: str
                                  ) -> web.Response:
        response = get_object(resource, namespace, name)
        if wants_table(request.headers.get("Accept", "")):
            obj = store.objects[resource][(namespace, name)]
            table = to_table(resource, [obj], request.query.get("includeObject", "Metadata"))
            table["metadata"] = {"resourceVersion": obj["metadata"].get("resourceVersion", "")}
            return web.Response(body=dumps(table), headers={"Content-Type": TABLE_CONTENT_TYPE})
        return response

    # ---- pods: create and delete ---------------------------------------------------------
    async def create_pod(request: web.Request) -> web.Response:
        namespace = request.match_info["namespace"]
        body = await read_json(request)
        if not isinstance(body, dict):
            raise ApiError(400, "the body of the request was in an unknown format", "BadRequest")
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
        if not name and not metadata.get("generateName"):
            status = validation.invalid_status(
                "Pod", "", ["metadata.name: Required value: name or generateName is required"])
            return json_response(status, status=422)
        body.pop("status", None)
        for field in ("uid", "resourceVersion", "creationTimestamp", "deletionTimestamp", "selfLink"):
            metadata.pop(field, None)
        pod = default_pod(body, namespace)
        name = pod["metadata"]["name"]
        causes = validation.validate_pod_create(pod)
        if causes:
            return json_response(validation.invalid_status("Pod", name, causes), status=422)
        _admit_pod_security(state, namespace, pod)
        if (namespace, name) in store.objects["pods"]:
            raise ApiError(409, f'pods "{name}" already exists', "AlreadyExists", {"name": name, "kind": "pods"})
        if request.query.get("dryRun") == "All":
            return json_response(pod, status=201)
        stored = store.create("pods", pod)
        state.kubelet.pod_created(namespace, name)
        return raw_json_response(store.json_of("pods", (namespace, stored["metadata"]["name"])), status=201)

    async def delete_pod(request: web.Request) -> web.Response:
        namespace, name = request.match_info["namespace"], request.match_info["name"]
        state.policy.check("delete", "pods", "", namespace, name)
        options: dict[str, Any] = {}
        if request.can_read_body:
            body = await read_json(request)
            if isinstance(body, dict):
                options = body
        pod = store.get("pods", namespace, name)
        if pod is None:
            raise not_found("pods", name)
        grace_text = request.query.get("gracePeriodSeconds")
        grace = options.get("gracePeriodSeconds")
        if grace_text not in (None, ""):
            grace = _int_param(request, "gracePeriodSeconds")
        if grace is None:
            grace = int(pod["spec"].get("terminationGracePeriodSeconds", 30))
        if request.query.get("dryRun") == "All":
            return raw_json_response(store.json_of("pods", (namespace, name)))
        if pod["metadata"].get("deletionTimestamp"):
            return raw_json_response(store.json_of("pods", (namespace, name)))
        if grace <= 0 or not pod["spec"].get("nodeName"):
            final = store.delete("pods", namespace, name)
            if state.runtime is not None and final is not None:
                state.runtime.stop_pod(final)
            return json_response(final)

        def mark(obj: dict[str, Any]) -> None:
            obj["metadata"]["deletionTimestamp"] = now_iso(datetime.now(timezone.utc) + timedelta(seconds=grace))
            obj["metadata"]["deletionGracePeriodSeconds"] = grace

        store.modify("pods", namespace, name, mark)
        state.kubelet.pod_deleting(namespace, name, grace)
        return raw_json_response(store.json_of("pods", (namespace, name)))

    # ---- routing ------------------------------------------------------------------------
    async def pods_all(request: web.Request) -> web.StreamResponse:
        return await list_or_watch(request, "pods", None)

    async def pods_ns(request: web.Request) -> web.StreamResponse:
        return await list_or_watch(request, "pods", request.match_info["namespace"])

    async def pod_get(request: web.Request) -> web.Response:
        return await get_table_or_object(request, "pods", request.match_info["namespace"], request.match_info["name"])

    async def pod_status(request: web.Request) -> web.Response:
        namespace, name = request.match_info["namespace"], request.match_info["name"]
        state.policy.check("get", "pods", "status", namespace, name)
        if (namespace, name) not in store.objects["pods"]:
            raise not_found("pods", name)
        return raw_json_response(store.json_of("pods", (namespace, name)))

    async def namespaces_list(request: web.Request) -> web.StreamResponse:
        return await list_or_watch(request, "namespaces", None)

    async def namespace_get(request: web.Request) -> web.Response:
        return await get_table_or_object(request, "namespaces", "", request.match_info["namespace"])

    async def nodes_list(request: web.Request) -> web.StreamResponse:
        return await list_or_watch(request, "nodes", None)

    async def node_get(request: web.Request) -> web.Response:
        return await get_table_or_object(request, "nodes", "", request.match_info["name"])

    async def events_all(request: web.Request) -> web.StreamResponse:
        return await list_or_watch(request, "events", None)

    async def events_ns(request: web.Request) -> web.StreamResponse:
        return await list_or_watch(request, "events", request.match_info["namespace"])

    router = app.router
    router.add_get("/api/v1/pods", pods_all)
    router.add_get("/api/v1/namespaces/{namespace}/pods", pods_ns)
    router.add_post("/api/v1/namespaces/{namespace}/pods", create_pod)
    router.add_get("/api/v1/namespaces/{namespace}/pods/{name}", pod_get)
    router.add_delete("/api/v1/namespaces/{namespace}/pods/{name}", delete_pod)
    router.add_get("/api/v1/namespaces/{namespace}/pods/{name}/status", pod_status)
    router.add_get("/api/v1/namespaces", namespaces_list)
    router.add_get("/api/v1/namespaces/{namespace}", namespace_get)
    router.add_get("/api/v1/nodes", nodes_list)
    router.add_get("/api/v1/nodes/{name}", node_get)
    router.add_get("/api/v1/events", events_all)
    router.add_get("/api/v1/namespaces/{namespace}/events", events_ns)


def _seen_as(flt: Filter, event: WatchEvent) -> str | None:
    from tui.demo.store import classify

    return classify(flt, event)


async def _no_answer_during_silence(state: ServerState) -> None:
    """Hold a request while the network is silent; for good if the silence lost its connection."""
    task = asyncio.current_task()
    if task is not None:
        state.streams.add(task)  # so a server restart or stop ends it
    try:
        await state.store.silence.wait()
    except ConnectionLost:
        await never()
    finally:
        if task is not None:
            state.streams.discard(task)


def _bookmark_due(now: float, frequency: float) -> float | None:
    """When a watch's next periodic BOOKMARK is due (None: no periodic ones)."""
    return now + frequency if frequency > 0 else None


def _bookmark(resource: str, rv: int, initial_end: bool = False) -> bytes:
    metadata: dict[str, Any] = {"resourceVersion": str(rv)}
    if initial_end:
        metadata["annotations"] = {"k8s.io/initial-events-end": "true"}
    obj = {"kind": KINDS.get(resource, ""), "apiVersion": "v1", "metadata": metadata}
    return dumps({"type": "BOOKMARK", "object": obj}) + b"\n"


def _admit_pod_security(state: ServerState, namespace: str, pod: dict[str, Any]) -> None:
    """403 `violates PodSecurity "<level>:latest"` when the namespace enforces a level."""
    labels = (state.store.get("namespaces", "", namespace) or {}).get("metadata", {}).get("labels")
    refused = podsecurity.admission_status(pod, labels)
    if refused is not None:
        raise ApiError(403, refused["message"], "Forbidden", refused.get("details"))
