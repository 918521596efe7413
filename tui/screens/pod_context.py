"""The inspected pod's context, kept live for the container inspector: its events (and its owners'),
and its workload (the owner chain, how many pods a template change rolls).

`PodContextFeed` is an invisible widget of the browser screen; the screen calls `follow(connection,
pod)` whenever the inspector shows another pod (or none: hidden, disconnected). For a new pod (its
namespace, name and uid) it stops the event watches of the last one and starts one for the pod
(tui/kube/events.py: a stream that owns its thread and posts `EventsChanged` / `EventsFailed`, not
dispatched once stopped); the owner chain is read once per pod with `run_in_background`
(cached per pod uid), then the owners' events are watched too (the ReplicaSet's FailedCreate: a pod
refused by admission; the Deployment's scaling). What comes back goes to the inspector
(`set_events`, `set_workload`), which draws it; errors (a 403 on events or owners) are text there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from textual import on
from textual.widget import Widget

from tui.kube.events import EventSubject, EventWatcher
from tui.kube.workload import fetch_owner_chain
from tui.pods.workload import OwnerChain
from tui.screens.background import BackgroundFailed, BackgroundResult, StreamMessage, forget, run_in_background
from widgets.container_inspector import ContainerInspector

__all__ = ["EventsChanged", "EventsFailed", "PodContextFeed", "WorkloadLoaded"]

PodIdentity = tuple[str, str, str]  # namespace, name, uid
OWNER_EVENT_KINDS = frozenset({"ReplicaSet", "Deployment", "StatefulSet", "DaemonSet", "Job", "CronJob",
                               "ReplicationController"})


@dataclass
class EventsChanged(StreamMessage):
    """The events now known about `source.subject`."""

    source: EventWatcher
    events: list[dict[str, Any]]


@dataclass
class EventsFailed(StreamMessage):
    """What keeps `source` from watching ("" once it works again)."""

    source: EventWatcher
    message: str


@dataclass
class WorkloadLoaded(BackgroundResult):
    pod: PodIdentity
    chain: OwnerChain


def identity(pod: dict[str, Any]) -> PodIdentity:
    meta = pod.get("metadata") or {}
    return str(meta.get("namespace") or ""), str(meta.get("name") or ""), str(meta.get("uid") or "")


class PodContextFeed(Widget):
    """Feeds the inspector with the inspected pod's events and workload (see the module docstring)."""

    DEFAULT_CSS = "PodContextFeed { display: none; }"

    def __init__(self, inspector: ContainerInspector, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.inspector = inspector
        self.connection: Any = None
        self.pod: PodIdentity | None = None
        self.watchers: list[EventWatcher] = []
        self._events: dict[EventSubject, list[dict[str, Any]]] = {}
        self._errors: dict[EventSubject, str] = {}
        self._chains: dict[PodIdentity, OwnerChain] = {}  # per pod (uid): owners are read once
        self._shown_chain: OwnerChain | None = None  # the followed pod's owners as last given to the inspector

    def follow(self, connection: Any, pod: dict[str, Any] | None) -> None:
        """Keep the context of `pod` live (None: stop: no pod, inspector hidden, no connection)."""
        key = identity(pod) if pod is not None and connection is not None else None
        if key == self.pod and connection is self.connection:
            if key is not None and self.inspector.context_of != key[:2]:
                # the inspector showed another pod meanwhile (the cursor passed it before the feed
                # followed: the browser follows once the cursor rests) and dropped this one's context
                if self._shown_chain is not None:
                    self.inspector.set_workload(key[:2], self._shown_chain)
                self._push()
            return
        if connection is not self.connection:
            self._chains.clear()
        self.stop()
        self.connection, self.pod = connection, key
        if key is None or pod is None:
            return
        self._watch(EventSubject("Pod", key[1], key[2]))
        chain = self._chains.get(key)
        if chain is not None:
            self._show_chain(chain)
            return
        run_in_background(self, lambda: fetch_owner_chain(connection, pod),
                          lambda chain: WorkloadLoaded(key, chain), group="workload")

    def stop(self) -> None:
        """Stop every watch (what they posted is no longer dispatched)."""
        watchers, self.watchers = self.watchers, []
        for watcher in watchers:
            watcher.stop()
        forget(self, "workload")
        self._shown_chain = None
        self._events.clear()
        self._errors.clear()
        self.pod = None

    def on_unmount(self) -> None:
        self.stop()

    def _watch(self, subject: EventSubject) -> None:
        assert self.pod is not None
        watcher: EventWatcher

        def on_events(events: list[dict[str, Any]]) -> None:
            self.post_message(EventsChanged(watcher, events))

        def on_error(message: str) -> None:
            self.post_message(EventsFailed(watcher, message))

        watcher = EventWatcher(self.connection, self.pod[0], subject, on_events=on_events, on_error=on_error)
        self.watchers.append(watcher)
        watcher.start()

    def _show_chain(self, chain: OwnerChain) -> None:
        if self.pod is None:
            return
        self._shown_chain = chain
        self.inspector.set_workload(self.pod[:2], chain)
        for link in chain.links:  # the owners' stories too (a ReplicaSet's FailedCreate: admission)
            if link.found and link.kind in OWNER_EVENT_KINDS:
                self._watch(EventSubject(link.kind, link.name))

    @on(WorkloadLoaded)
    def _on_workload(self, message: WorkloadLoaded) -> None:
        if message.pod != self.pod:
            return
        self._chains[message.pod] = message.chain
        self._show_chain(message.chain)

    @on(BackgroundFailed)
    def _on_failed(self, message: BackgroundFailed) -> None:
        if message.group == "workload" and self.pod is not None:
            message.stop()
            self._shown_chain = OwnerChain(notes=(f"owners not read: {message.error}",))
            self.inspector.set_workload(self.pod[:2], self._shown_chain)

    @on(EventsChanged)
    def _on_events(self, message: EventsChanged) -> None:
        self._events[message.source.subject] = message.events
        self._errors.pop(message.source.subject, None)
        self._push()

    @on(EventsFailed)
    def _on_error(self, message: EventsFailed) -> None:
        subject = message.source.subject
        if message.message:
            self._errors[subject] = message.message
        else:
            self._errors.pop(subject, None)
        self._push()

    def _push(self) -> None:
        if self.pod is None:
            return
        events = [event for subject_events in self._events.values() for event in subject_events]
        loaded = any(watcher.subject.kind == "Pod" for watcher in self.watchers
                     if watcher.subject in self._events or watcher.subject in self._errors)
        # one note per refusal: a 403 on events is the same for the pod and its owners
        notes = [f"events not watched: {text}" for text in dict.fromkeys(self._errors.values())]
        self.inspector.set_events(self.pod[:2], events if loaded else None, notes)
