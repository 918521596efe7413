"""The one way a screen leaves the UI thread for a one-shot blocking call (a request to the
cluster, a file read or write), and the one way back.

    @dataclass
    class PodFetched(BackgroundResult):
        pod: dict

    run_in_background(self, lambda: fetch_pod(conn, ns, name), PodFetched, group="pod-fetch")

    @on(PodFetched)
    def _on_pod(self, message: PodFetched) -> None: ...

runs the call as a Textual thread worker of `self` (a screen or widget) and posts ONE typed
message to `self` when it returns: `done(result)`, a `BackgroundResult` (without `done`, the
call returns the message itself). When the call raises, `BackgroundFailed` is posted instead;
the screen may handle it (`@on(BackgroundFailed)`, `message.group` says which call, and
`message.stop()`), otherwise it bubbles to the app, which shows it as an error notification:
one place for the failures nobody expected.

Stale results are dropped here, never handled: calls of one node share a `group`; a new call in
the group makes the older ones stale (and cancels them if still running), and a stale call's
message is not dispatched even when it was already queued before the new call started. A node
that leaves (unmount) gets no messages at all.

Long-lived streams (the pod watch, attach sessions) are not run here: they own their threads
and only post typed messages (tui/kube/pod_watch.py, tui/sessions/). A `StreamMessage` names its
stream (`source`, anything with a `stopped` property): once the stream is stopped (a restart, a
context switch), what it posted before is not dispatched either.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

from textual.dom import DOMNode
from textual.message import Message
from textual.worker import Worker, get_current_worker

__all__ = ["BackgroundFailed", "BackgroundResult", "StreamMessage", "forget", "run_in_background"]

T = TypeVar("T")

# The latest call of each group, per node (written and read on the UI thread only).
_LATEST: WeakKeyDictionary[DOMNode, dict[str, Worker[None]]] = WeakKeyDictionary()


class BackgroundResult(Message, no_dispatch=None):
    """A message posted by `run_in_background`: dispatched only while its call is the latest of
    its group (Textual skips messages whose `no_dispatch` is true)."""

    _origin: tuple[DOMNode, str, Worker[None]] | None = None

    def __init_subclass__(cls, **kwargs: Any) -> None:
        kwargs.setdefault("no_dispatch", None)  # Textual would set the class attribute over the property
        super().__init_subclass__(**kwargs)

    @property  # a ClassVar in Textual; per message here
    def no_dispatch(self) -> bool:  # type: ignore[override]
        if self._origin is None:
            return False
        node, group, worker = self._origin
        return worker.is_cancelled or _LATEST.get(node, {}).get(group) is not worker


class StreamMessage(Message, no_dispatch=None):
    """A message from a long-lived stream: not dispatched once `source.stopped`. Subclasses are
    dataclasses with a `source` field."""

    source: Any

    def __init_subclass__(cls, **kwargs: Any) -> None:
        kwargs.setdefault("no_dispatch", None)
        super().__init_subclass__(**kwargs)

    @property
    def no_dispatch(self) -> bool:  # type: ignore[override]
        return bool(getattr(self.source, "stopped", False))


@dataclass
class BackgroundFailed(BackgroundResult):
    """A call of `group` (started with `run_in_background`) raised `error`."""

    group: str
    error: Exception


def run_in_background(
    node: DOMNode, call: Callable[[], T], done: Callable[[T], BackgroundResult] | None = None, *, group: str
) -> Worker[None]:
    """Run `call()` off the UI thread and post `done(result)` (or `BackgroundFailed`) to `node`."""

    def work() -> None:
        worker = get_current_worker()
        message: BackgroundResult
        try:
            result = call()
            made = done(result) if done is not None else result
            if not isinstance(made, BackgroundResult):
                raise TypeError(f"{group}: expected a BackgroundResult, got {type(made).__name__}")
            message = made
        except Exception as exc:  # noqa: BLE001 - posted; the screen or the app shows it
            message = BackgroundFailed(group, exc)
        message._origin = (node, group, worker)
        if worker.is_cancelled:
            return
        try:
            node.post_message(message)
        except RuntimeError:
            pass  # the app closed meanwhile (its loop is gone): nobody to tell

    worker = node.run_worker(work, thread=True, group=group, exclusive=True, exit_on_error=False, name=group)
    _LATEST.setdefault(node, {})[group] = worker
    return worker


def forget(node: DOMNode, group: str) -> None:
    """Make the group's call stale without starting another (its answer no longer matters)."""
    worker = _LATEST.get(node, {}).pop(group, None)
    if worker is not None:
        worker.cancel()
