"""A followed container log (`kubectl logs -f`): one stream that owns its thread and reports
through two callbacks, called on that thread (a Textual screen only posts messages from them).

    follower = LogFollower(conn, "default", "web-0", LogRequest("app", tail=1000, timestamps=True),
                           on_lines=lambda lines: ..., on_end=lambda error: ...,
                           on_open=lambda: ...)  # optional
    follower.start()        # history (the request's tail / since), then new lines as they come
    follower.stop()         # from any thread: aborts the read; nothing is reported after it

`on_lines(lines)`: the complete lines (bytes, without their newline) of what arrived, in order;
a last line without a newline is reported when the stream ends. `on_end(error)`: the stream
ended, `None` when the server closed it (the container stopped, the pod went), else the one error
type (`ClusterError`: a 400 for a container that is not running yet, 403, 404...). The request is
built by `tui.kube.pod_reads.log_query`, the path of every log read. `on_open()` (optional): the
server answered and the stream is open (before any line; an empty log reports nothing else).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import replace
from typing import Any

from tui.kube.errors import ClusterError, describe_exception
from tui.kube.pod_reads import LogRequest, log_path, log_query
from tui.kube.requests import ANY, CONNECT_TIMEOUT, Timeout, open_response
from tui.kube.stream_thread import StreamThread

__all__ = ["FOLLOW_TIMEOUT", "LogFollower"]

# A followed log may stay silent for hours (no bookmarks as a watch has): the read waits for a day;
# stop() aborts it at once.
FOLLOW_TIMEOUT: Timeout = (CONNECT_TIMEOUT, 24 * 3600.0)
READ_SIZE = 65536


def _chunks(response: Any) -> Iterator[bytes]:
    """The body of a streaming urllib3 response as it arrives."""
    if response.chunked and response.supports_chunked_reads():
        yield from response.read_chunked(decode_content=True)
    else:
        yield from iter(lambda: response.read1(READ_SIZE), b"")


class LogFollower(StreamThread):
    """`kubectl logs -f` for one container (see the module docstring)."""

    def __init__(self, connection: Any, namespace: str, pod: str, request: LogRequest, *,
                 on_lines: Callable[[list[bytes]], object], on_end: Callable[[ClusterError | None], object],
                 on_open: Callable[[], object] | None = None) -> None:
        super().__init__()
        self.connection = connection
        self.namespace = namespace
        self.pod = pod
        self.request = replace(request, follow=True)
        self._on_lines = on_lines
        self._on_end = on_end
        self._on_open = on_open

    def _thread_name(self) -> str:
        return f"log-follow {self.namespace}/{self.pod}/{self.request.container}"

    def _run(self) -> None:
        error: ClusterError | None = None
        api = self.connection.new_api_client()
        try:
            self._follow(api)
        except ClusterError as exc:
            error = exc
        except Exception as exc:  # noqa: BLE001 - a cut connection, stop()'s abort: reported (unless stopped)
            error = describe_exception(exc, server=self.connection.server, context=self.connection.context)
        finally:
            self._release()
            try:
                api.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass
        if not self._stopping.is_set():
            self._on_end(error)

    def _follow(self, api: Any) -> None:
        response = open_response(self.connection, log_path(self.namespace, self.pod), log_query(self.request),
                                 timeout=FOLLOW_TIMEOUT, accept=ANY, client=api)
        if self._hold(response):
            return
        if self._on_open is not None:
            self._on_open()
        pending = b""
        for chunk in _chunks(response.response):
            if self._stopping.is_set():
                return
            if not chunk:
                continue
            pending += chunk
            if b"\n" not in chunk:
                continue
            *complete, pending = pending.split(b"\n")
            self._on_lines(complete)
        if pending and not self._stopping.is_set():
            self._on_lines([pending])
