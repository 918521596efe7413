"""An executor for the app's thread workers whose threads never hold up quitting.

Textual runs `@work(thread=True)` workers on the event loop's default executor, and `asyncio.run`
joins that executor's threads when the app ends; so does the interpreter at exit. A worker blocked
in a network call (a cluster that silently drops packets, a connect that takes the OS's 30-130 s
to time out) would then keep Ephemera from quitting long after the screen was gone. Here each
task runs on a daemon thread of its own: quitting is immediate, an abandoned request dies with
the process. Workers only talk to the cluster and post messages, so nothing is lost.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


class DaemonThreadExecutor(ThreadPoolExecutor):
    """`loop.set_default_executor(DaemonThreadExecutor())` (asyncio wants a ThreadPoolExecutor)."""

    def __init__(self, name: str = "ephemera-worker") -> None:
        super().__init__(max_workers=1, thread_name_prefix=name)
        self._name = name
        self._closed = False

    def submit(self, fn: Callable[..., T], /, *args: Any, **kwargs: Any) -> Future[T]:
        if self._closed:
            raise RuntimeError("cannot schedule new futures after shutdown")
        future: Future[T] = Future()

        def run() -> None:
            if not future.set_running_or_notify_cancel():
                return
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as exc:  # noqa: BLE001 - handed to the awaiting coroutine
                future.set_exception(exc)

        threading.Thread(target=run, name=self._name, daemon=True).start()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Never waits: the threads are daemons, left to finish (or die with the process)."""
        self._closed = True
        super().shutdown(wait=False, cancel_futures=cancel_futures)
