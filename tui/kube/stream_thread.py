"""What every long-lived stream of tui/kube shares (`EventWatcher`, `LogFollower`): it owns one
daemon thread, and `stop()` (from any thread) aborts the read in progress, after which nothing is
reported.

A subclass sets `_run` (the thread's body) and `_thread_name()`; it hands each response it opens
to `_hold` (aborted at once when stop() came first) and gives it back with `_release`.
"""

from __future__ import annotations

import threading

from tui.kube.requests import OpenResponse

__all__ = ["StreamThread"]


class StreamThread:
    """One stream's thread and its stop (see the module docstring)."""

    def __init__(self) -> None:
        self._stopping = threading.Event()
        self._lock = threading.Lock()
        self._response: OpenResponse | None = None
        self._thread: threading.Thread | None = None

    @property
    def stopped(self) -> bool:
        """stop() was called: what it reported before is stale, and it reports nothing more."""
        return self._stopping.is_set()

    def start(self) -> None:
        if self._thread is not None:
            raise RuntimeError(f"{type(self).__name__}.start() called twice")
        self._thread = threading.Thread(target=self._run, daemon=True, name=self._thread_name())
        self._thread.start()

    def stop(self, timeout: float = 0.0) -> None:
        """Stop now (any thread): abort the read in progress; wait up to `timeout` s for the thread."""
        self._stopping.set()
        with self._lock:
            response = self._response
        if response is not None:
            response.abort()
        thread = self._thread
        if timeout > 0 and thread is not None and thread is not threading.current_thread():
            thread.join(timeout)

    def _thread_name(self) -> str:
        raise NotImplementedError

    def _run(self) -> None:
        raise NotImplementedError

    def _hold(self, response: OpenResponse) -> bool:
        """Keep `response` for stop() to abort; whether stop() came already (then it is aborted now)."""
        with self._lock:
            self._response = response
        if self._stopping.is_set():
            response.abort()
            return True
        return False

    def _release(self) -> None:
        """Give back the response held (if any); an aborted one has nothing to hand back."""
        with self._lock:
            response, self._response = self._response, None
        if response is not None:
            try:
                response.release()
            except Exception:  # noqa: BLE001 - aborted: nothing to hand back
                pass
