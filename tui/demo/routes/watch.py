"""Watch streams of the stored resources (pods, namespaces, nodes, events, deployments, ...): initial events or history since a
resourceVersion, BOOKMARKs (periodic, at the initial-events end and before a timeout), the
410 ERROR of an expired watch, and a silent network (`faults.silence_watches`)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any

from aiohttp import web

from tui.demo.api import registry
from tui.demo.api.registry import Resource
from tui.demo.api.selectors import Filter
from tui.demo.api.status import ApiError, dumps
from tui.demo.api.store import (
    ConnectionLost,
    Store,
    Watcher,
    classify,
    expired_error,
    never,
)
from tui.demo.api.table import to_table, wants_table
from tui.demo.routes.requests import int_param, query_flag
from tui.demo.routes.state import ServerState

EventTriple = tuple[str, dict[str, Any], bytes]  # (type, object, its JSON)
BATCH = 500  # events written in one chunk at most


class EventEncoder:
    """One watch event as a line: the object's JSON, or a Table row (column headers only once)."""

    def __init__(self, resource: str, table_mode: bool, include_object: str,
                 convert: Callable[[dict[str, Any]], dict[str, Any]] | None = None) -> None:
        self.resource = resource
        self.table_mode = table_mode
        self.include_object = include_object
        self.convert = convert  # the served form of a stored object (events.k8s.io/v1 Events)
        self._headers = True

    def __call__(self, event_type: str, obj: dict[str, Any], obj_json: bytes) -> bytes:
        if not self.table_mode:
            if self.convert is not None:
                obj_json = dumps(self.convert(obj))
            return b'{"type":"' + event_type.encode() + b'","object":' + obj_json + b"}\n"
        table = to_table(self.resource, [obj], self.include_object, headers=self._headers)
        self._headers = False
        return dumps({"type": event_type, "object": table}) + b"\n"


async def watch(request: web.Request, state: ServerState, resource: str, flt: Filter,
                served: Resource | None = None) -> web.StreamResponse:
    """The watch stream of `resource` objects matching `flt` (the `?watch=true` of a list), as the
    API resource `served` shows them (default: the store resource's own)."""
    api = served or registry.STORED[resource]
    store = state.store
    rv_text = request.query.get("resourceVersion", "")
    bookmarks = query_flag(request, "allowWatchBookmarks")
    send_initial = query_flag(request, "sendInitialEvents")
    timeout = int_param(request, "timeoutSeconds")
    encode = EventEncoder(resource, wants_table(request.headers.get("Accept", "")),
                          request.query.get("includeObject", "Metadata"), registry.served(api))
    # Everything up to registering the watcher runs without awaiting: no event can slip by.
    initial = _initial_events(store, resource, flt, rv_text, send_initial)
    watcher = Watcher(resource, flt)
    store.add_watcher(watcher)
    response = web.StreamResponse(headers={"Content-Type": "application/json",
                                           "Cache-Control": "no-cache, private"})
    response.enable_chunked_encoding()
    with state.long_lived():
        try:
            await store.silence.wait()
            await response.prepare(request)
            chunk = b"".join(encode(t, o, j) for t, o, j in initial)
            if send_initial:
                chunk += bookmark(api, store.rv, initial_end=True)
            if chunk:
                await response.write(chunk)
            deadline = time.monotonic() + timeout if timeout > 0 else None
            await _send_events(response, store, watcher, encode, bookmarks, deadline, api)
            await store.silence.wait()
            await response.write_eof()
        except ConnectionLost:
            store.remove_watcher(watcher)
            await never()  # the connection died in the silence: nothing ever again, not even its end
        except (ConnectionResetError, asyncio.CancelledError):
            pass
        finally:
            store.remove_watcher(watcher)
    return response


def _initial_events(store: Store, resource: str, flt: Filter, rv_text: str,
                    send_initial: bool) -> list[EventTriple]:
    """What a watch starts with: every matching object as ADDED (from resourceVersion "" or "0",
    or with sendInitialEvents), else the history after that resourceVersion."""
    initial: list[EventTriple] = []
    if rv_text in ("", "0") or send_initial:
        for key in store.list_objects(resource, flt)[0]:
            initial.append(("ADDED", store.objects[resource][key], store.json_of(resource, key)))
        return initial
    try:
        since = int(rv_text)
    except ValueError:
        raise ApiError(400, f'invalid resource version: "{rv_text}"', "BadRequest") from None
    for event in store.events_since(since, resource):
        seen = classify(flt, event)
        if seen:
            initial.append((seen, event.obj, event.obj_json))
    return initial


async def _send_events(response: web.StreamResponse, store: Store, watcher: Watcher, encode: EventEncoder,
                       bookmarks: bool, deadline: float | None, api: Resource) -> None:
    """Write the watcher's events (in batches) and due BOOKMARKs until the deadline, the
    watcher's end, or its expiry (then an ERROR 410 event)."""
    silence = store.silence
    next_bookmark = _bookmark_due(time.monotonic(), store.bookmark_frequency) if bookmarks else None
    while True:
        now = time.monotonic()
        if deadline is not None and now >= deadline:
            # the API server's watch cache sends one last bookmark before the watch ends
            await silence.wait_writing(response.write)
            if bookmarks and watcher.queue.empty():
                await response.write(bookmark(api, store.rv))
            return
        if watcher.queue.empty():
            if next_bookmark is not None and now >= next_bookmark:
                await silence.wait_writing(response.write)  # nothing leaves while the network is silent
                if watcher.queue.empty():  # never ahead of events not delivered yet
                    await response.write(bookmark(api, store.rv))
                    next_bookmark = _bookmark_due(time.monotonic(), store.bookmark_frequency)
                continue
            wake = min((t for t in (next_bookmark, deadline) if t is not None), default=None)
            try:
                item = await asyncio.wait_for(watcher.queue.get(), None if wake is None else wake - now)
            except TimeoutError:
                continue
        else:
            item = watcher.queue.get_nowait()
        await silence.wait_writing(response.write)
        if item is None:
            if watcher.expired_rv is not None:
                error = expired_error(watcher.expired_rv, store.floor_rv).status()
                await response.write(dumps({"type": "ERROR", "object": error}) + b"\n")
            return
        parts = [item]
        while not watcher.queue.empty() and len(parts) < BATCH:
            extra = watcher.queue.get_nowait()
            if extra is None:
                watcher.queue.put_nowait(None)
                break
            parts.append(extra)
        await response.write(b"".join(encode(t, e.obj, e.obj_json) for t, e in parts))


async def no_answer_during_silence(state: ServerState) -> None:
    """Hold a request while the network is silent; for good if the silence lost its connection."""
    with state.long_lived():  # so a server restart or stop ends it
        try:
            await state.store.silence.wait()
        except ConnectionLost:
            await never()


def _bookmark_due(now: float, frequency: float) -> float | None:
    """When a watch's next periodic BOOKMARK is due (None: no periodic ones)."""
    return now + frequency if frequency > 0 else None


def bookmark(api: Resource, rv: int, initial_end: bool = False) -> bytes:
    metadata: dict[str, Any] = {"resourceVersion": str(rv)}
    if initial_end:
        metadata["annotations"] = {"k8s.io/initial-events-end": "true"}
    obj = {"kind": api.kind, "apiVersion": api.api_version, "metadata": metadata}
    return dumps({"type": "BOOKMARK", "object": obj}) + b"\n"
