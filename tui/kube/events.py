"""The live events of one object (a pod, its owner): list, then watch, with a field selector, as
`kubectl events --for pod/NAME --watch` does. One stream that owns its thread and reports through two
callbacks, called on that thread (a Textual screen only posts typed messages from them).

    watcher = EventWatcher(conn, "default", EventSubject("Pod", "web-0", uid),
                           on_events=lambda events: ..., on_error=lambda message: ...)
    watcher.start()     # the events so far, then every change, each time the whole current list
    watcher.stop()      # any thread: aborts the read in progress; nothing is reported after it

The request: GET /api/v1/namespaces/NS/events?fieldSelector=involvedObject.name=NAME,
involvedObject.kind=KIND(,involvedObject.uid=UID when known: a pod recreated under the same name
is another pod). `on_events(events)`: the event objects (plain JSON) now known for the subject.
`on_error(message)`: what went wrong, in one line ("" once it works again); a refusal (403: no
`list`/`watch` on events) names what is missing and is retried slowly, a network error with the
watch backoff; the watch ending on the server's timeout, or a 410 Gone (relist), says nothing.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from tui.kube.errors import ClusterError, describe_exception, describe_status
from tui.kube.requests import LIST_PAGE_TIMEOUT, OpenResponse, open_response, watch_timeout
from tui.kube.stream_thread import StreamThread
from tui.kube.watch_backoff import Backoff

__all__ = ["EventSubject", "EventWatcher", "event_field_selector"]

WATCH_SECONDS = 300
QUICK_END_SECONDS = 1.0
REFUSED_RETRY = 30.0  # a 403 (or another refusal) is asked again this often: RBAC may be granted meanwhile


@dataclass(frozen=True)
class EventSubject:
    """The object whose events are watched."""

    kind: str
    name: str
    uid: str = ""


def event_field_selector(subject: EventSubject) -> str:
    """The field selector of the subject's events (kubectl events --for KIND/NAME's, with the uid)."""
    parts = [f"involvedObject.name={subject.name}", f"involvedObject.kind={subject.kind}"]
    if subject.uid:
        parts.append(f"involvedObject.uid={subject.uid}")
    return ",".join(parts)


class _Gone(Exception):
    """410: the resourceVersion is too old; list again."""


class EventWatcher(StreamThread):
    """The events of one object, kept live (see the module docstring)."""

    def __init__(self, connection: Any, namespace: str, subject: EventSubject, *,
                 on_events: Callable[[list[dict[str, Any]]], object], on_error: Callable[[str], object],
                 backoff: Backoff | None = None, refused_retry: float = REFUSED_RETRY) -> None:
        super().__init__()
        self.connection = connection
        self.namespace = namespace
        self.subject = subject
        self._on_events = on_events
        self._on_error = on_error
        self._backoff = backoff or Backoff()
        self._refused_retry = refused_retry
        self._events: dict[str, dict[str, Any]] = {}
        self._error = ""
        self.resource_version = ""

    def _thread_name(self) -> str:
        return f"events {self.namespace}/{self.subject.kind}/{self.subject.name}"

    # ----------------------------------------------------------------- the thread
    def _run(self) -> None:
        api = self.connection.new_api_client()
        try:
            self._loop(api)
        finally:
            try:
                api.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass

    def _loop(self, api: Any) -> None:
        need_list = True
        while not self._stopping.is_set():
            try:
                if need_list:
                    self._list(api)
                    need_list = False
                started = time.monotonic()
                if self._watch(api) or time.monotonic() - started >= QUICK_END_SECONDS:
                    self._backoff.reset()
                else:  # a server that ends watches at once is not asked again in a tight loop
                    self._stopping.wait(self._backoff.next_delay())
            except _Gone:
                need_list = True
            except Exception as exc:  # noqa: BLE001 - said on screen, then tried again
                if self._stopping.is_set():
                    return
                error = exc if isinstance(exc, ClusterError) else describe_exception(
                    exc, server=self.connection.server, context=self.connection.context)
                refused = bool(error.status and 400 <= error.status < 500 and error.status not in (408, 429))
                self._report_error(f"{error.message} ({error.hint})" if error.hint else error.message)
                need_list = True
                self._stopping.wait(self._refused_retry if refused else self._backoff.next_delay())

    def _query(self) -> list[tuple[str, str]]:
        return [("fieldSelector", event_field_selector(self.subject))]

    def _path(self) -> str:
        return f"/api/v1/namespaces/{self.namespace}/events"

    def _open(self, api: Any, query: list[tuple[str, str]], timeout: Any) -> OpenResponse:
        try:
            response = open_response(self.connection, self._path(), query, timeout=timeout, client=api)
        except ClusterError as exc:
            if exc.status == 410:
                raise _Gone from None
            raise
        self._hold(response)
        return response

    def _list(self, api: Any) -> None:
        response = self._open(api, self._query(), LIST_PAGE_TIMEOUT)
        try:
            data = response.read_json()
        finally:
            self._release()
        if self._stopping.is_set():
            return
        self._events = {self._key(event): event for event in data.get("items") or [] if isinstance(event, dict)}
        self.resource_version = str((data.get("metadata") or {}).get("resourceVersion") or "")
        self._report_error("")
        self._report()

    def _watch(self, api: Any) -> bool:
        """One watch request; whether it delivered anything (a bookmark counts)."""
        query = [*self._query(), ("watch", "true"), ("allowWatchBookmarks", "true"),
                 ("timeoutSeconds", str(WATCH_SECONDS))]
        if self.resource_version:
            query.append(("resourceVersion", self.resource_version))
        response = self._open(api, query, watch_timeout(WATCH_SECONDS + 30.0))
        delivered = False
        try:
            for lines in response.line_groups():
                if self._stopping.is_set():
                    return delivered
                delivered = True
                changed = False
                for line in lines:
                    changed = self._handle(json.loads(line)) or changed
                if changed:
                    self._report()
        finally:
            self._release()
        return delivered

    def _handle(self, event: dict[str, Any]) -> bool:
        kind = event.get("type")
        obj = event.get("object") or {}
        if kind == "ERROR":
            code = int(obj.get("code") or 500)
            if code == 410:
                raise _Gone
            raise describe_status(code, obj, server=self.connection.server, context=self.connection.context)
        version = (obj.get("metadata") or {}).get("resourceVersion")
        if version:
            self.resource_version = str(version)
        if kind in ("ADDED", "MODIFIED"):
            self._events[self._key(obj)] = obj
            return True
        if kind == "DELETED":
            return self._events.pop(self._key(obj), None) is not None
        return False  # BOOKMARK

    @staticmethod
    def _key(event: dict[str, Any]) -> str:
        meta = event.get("metadata") or {}
        return str(meta.get("uid") or meta.get("name") or id(event))

    def _report(self) -> None:
        if not self._stopping.is_set():
            self._on_events(list(self._events.values()))

    def _report_error(self, message: str) -> None:
        if message == self._error or self._stopping.is_set():
            return
        self._error = message
        self._on_error(message)
