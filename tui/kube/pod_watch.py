"""The live pod list: list, then watch, on plain JSON, handing batches to the UI.

One worker thread talks to the API server (list with pagination, then a watch from the list's
resourceVersion with bookmarks and a server-side timeout); a second thread flushes the collapsed
changes every ``batch_interval`` seconds. Callbacks run on those threads: a Textual UI should
only ``post_message`` from them.

Recovery:
- the server ends the watch (timeout): watch again from the latest resourceVersion;
- no event and no BOOKMARK for ``silence_timeout`` seconds (a silent network: VPN down, laptop
  asleep, packets dropped without a reset): ``stale`` ("no news for N s"), the connection is
  abandoned at once (the read timeout of the watch request) and the watch resumes from the last
  resourceVersion after a backoff; the API server sends a bookmark every minute, so a quiet
  cluster is never taken for a silent one;
- 410 Gone (HTTP or an ERROR event): relist and send a ``reset=True`` batch;
- network errors and 5xx: ``reconnecting`` with the reason, exponential backoff with full jitter;
- 401/403, other refusals (a 400 for a bad label selector) and a failing credential plugin:
  ``failed`` with the message (naming the missing permission for a 403), slow retries.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, Protocol

from kubernetes.client import ApiClient

from tui.kube.errors import ClusterError, ErrorKind, describe_exception, describe_status
from tui.kube.requests import LIST_PAGE_TIMEOUT, SILENCE_TIMEOUT, OpenResponse, Timeout, open_response, watch_timeout
from tui.kube.watch_backoff import Backoff
from tui.pods.store import PodBatch, PodChangeBuffer
from tui.pods.stored import StoredPod, list_items, pod_key, stored_pod

__all__ = ["PodBatch", "PodWatcher", "WatchStatus"]

log = logging.getLogger(__name__)

WatchState = Literal["connecting", "live", "stale", "reconnecting", "failed"]

LIST_PAGE_SIZE = 500
# The very first page is smaller (its rows are on screen sooner), and the next one is asked for once
# they are painted (`first_rows_shown`), at most FIRST_ROWS_WAIT seconds later: decoding the next
# pages in this thread would slow the UI thread's first frame (one interpreter lock).
FIRST_PAGE_SIZE = 100
FIRST_ROWS_WAIT = 0.5
# A watch connection that ends this quickly without delivering anything counts as a failure
# for the backoff, so a server that closes watches at once is not hammered in a tight loop.
QUICK_END_SECONDS = 1.0
# After SILENCE_TIMEOUT without news plus this, the watchdog abandons a watch socket the read
# timeout did not end (bytes keep arriving, but no newline: no event, no bookmark).
ABANDON_GRACE = 1.0
# SILENCE_TIMEOUT (tui.kube.requests, the one timeout policy; read here when a PodWatcher is made):
# no event and no bookmark for this long and the watch starts again.
# Client errors that are worth the reconnect backoff (the rest of 4xx mean "failed")
RETRYABLE_CLIENT_ERRORS = frozenset({408, 409, 429})


@dataclass(frozen=True)
class WatchStatus:
    """The connection state shown in the header."""

    state: WatchState
    # e.g. "connection refused (127.0.0.1:6443)", "403: ... cannot list pods", "no news for 80 s" (stale)
    reason: str = ""
    retry_at: float | None = None  # time.monotonic() of the next attempt when reconnecting/failed
    resource_version: str = ""
    hint: str = ""  # what to do about `reason`, e.g. the missing RBAC verb and a `kubectl auth can-i`
    http_status: int = 0  # the API server's answer behind "failed" (401, 403, 400 for a bad selector...)


class ConnectionLike(Protocol):
    server: str
    context: str
    api_client: ApiClient

    def new_api_client(self) -> ApiClient: ...


class _Expired(Exception):
    """The resourceVersion is too old (410 Gone): relist."""


class _Stopped(Exception):
    """stop() was called while a request was in flight."""


class _Silent(Exception):
    """The watch brought no event and no bookmark for `silence_timeout` seconds."""


def _describe(exc: BaseException, connection: ConnectionLike) -> tuple[str, str]:
    """What went wrong (one line for the header) and what to do, e.g. which verb on which
    resource is missing and how to check it."""
    error = describe_exception(exc, server=connection.server, context=connection.context)
    return error.message, error.hint


class PodWatcher:
    """Keeps the UI's pod list in sync with the API server (see the module docstring)."""

    def __init__(
        self,
        connection: ConnectionLike,
        namespace: str | None,
        *,
        label_selector: str | None = None,
        on_batch: Callable[[PodBatch], object],  # return values are ignored
        on_status: Callable[[WatchStatus], object],
        batch_interval: float = 0.15,
        watch_timeout: int = 300,
        backoff: Backoff | None = None,
        forbidden_retry: float = 15.0,
        acknowledge: bool = False,
        ack_timeout: float = 5.0,
        silence_timeout: float | None = None,
    ) -> None:
        self.connection = connection
        self.namespace = namespace or None
        self.label_selector = label_selector or None
        self._on_batch = on_batch
        self._on_status = on_status
        self._batch_interval = batch_interval
        self._watch_timeout = watch_timeout
        self._backoff = backoff or Backoff()
        self._forbidden_retry = forbidden_retry
        # None: the module's SILENCE_TIMEOUT, read now (so a test may set a short one for the app)
        self.silence_timeout = SILENCE_TIMEOUT if silence_timeout is None else silence_timeout
        self._last_news = 0.0  # time.monotonic() of the last list, watch answer, event or bookmark
        # Back-pressure: with `acknowledge`, one batch at a time is in the consumer's hands; the
        # changes that arrive meanwhile collapse into the next batch, so a busy UI never has a
        # queue of stale batches in front of the user's key presses.
        self._acknowledge = acknowledge
        self._ack_timeout = ack_timeout
        self._unapplied_since: float | None = None

        self._buffer = PodChangeBuffer()
        self._first_rows_shown = threading.Event()
        self.awaiting_first_rows = False  # the first list waits for its first page to be painted
        self._stopping = threading.Event()
        self._poke = threading.Event()  # wakes a retry wait early (stop() or retry_now())
        self._flush_now = threading.Event()
        self._flush_lock = threading.Lock()
        self._status_lock = threading.Lock()
        self._response_lock = threading.Lock()
        self._response: OpenResponse | None = None  # the answer being read, so stop() can abort it
        # time.monotonic() when `_response`, a watch answer, was opened (None: no watch answer
        # open, a list page is not the watchdog's to abandon)
        self._watch_opened: float | None = None
        self._api: ApiClient | None = None
        self._threads: list[threading.Thread] = []
        self._status: WatchStatus | None = None
        self.resource_version = ""
        self.relists = 0  # how many times the full list was fetched (1 = only the initial one)
        self.watch_requests = 0  # how many watch requests were sent (each re-watch adds one)
        # set by the watchdog when it abandons a watch that brought no news (bytes without a
        # newline keep a socket's read timeout from firing): the reader takes it for silence
        self._abandoned = threading.Event()

    # ----------------------------------------------------------------- public API
    @property
    def reading(self) -> bool:
        """An answer of the server is open and being read (a list page or, once `watch_requests`
        counts it, the watch)."""
        with self._response_lock:
            return self._response is not None

    @property
    def status(self) -> WatchStatus | None:
        return self._status

    @property
    def stopped(self) -> bool:
        """stop() was called: what it posted before is stale (and it posts nothing more)."""
        return self._stopping.is_set()

    def start(self) -> None:
        if self._threads:
            raise RuntimeError("PodWatcher.start() called twice")
        self._api = self.connection.new_api_client()
        scope = self.namespace or "all namespaces"
        self._threads = [
            threading.Thread(target=self._run, name=f"pod-watch {scope}", daemon=True),
            threading.Thread(target=self._flush_loop, name=f"pod-watch-flush {scope}", daemon=True),
        ]
        for thread in self._threads:
            thread.start()

    def stop(self, timeout: float = 3.0) -> None:
        """Stop promptly: abort the open HTTP response, then wait up to `timeout` seconds for the
        threads (0: do not wait, e.g. from the UI thread). The reader thread closes its API client
        on its way out; nothing is posted after it stopped."""
        self._stopping.set()
        self._poke.set()
        self._first_rows_shown.set()
        self._flush_now.set()
        self._abort_response()
        if not self._threads:
            self._close_api()
            return
        deadline = time.monotonic() + timeout
        for thread in self._threads:
            if timeout > 0 and thread is not threading.current_thread():
                thread.join(max(0.0, deadline - time.monotonic()))

    def _close_api(self) -> None:
        api, self._api = self._api, None
        if api is not None:
            try:
                api.close()
            except Exception:  # noqa: BLE001 - closing is best effort
                pass

    def first_rows_shown(self) -> None:
        """The first page's rows are painted: the first list reads on without waiting."""
        self._first_rows_shown.set()

    def batch_applied(self) -> None:
        """With ``acknowledge=True``: the last batch is applied; the next may follow."""
        self._unapplied_since = None

    def retry_now(self) -> None:
        """Cut short a backoff or a 'failed' wait (e.g. the user pressed a retry key)."""
        self._poke.set()

    # ----------------------------------------------------------------- worker
    def _run(self) -> None:
        try:
            self._loop()
        except _Stopped:
            pass
        finally:
            self._flush_now.set()
            self._close_api()  # the loop is over (stopped): nothing reads through it any more

    def _loop(self) -> None:
        self._set_status("connecting")
        initial = True
        need_list = True
        while not self._stopping.is_set():
            started = time.monotonic()
            delivered = False
            try:
                if need_list:
                    self._list(progressive=initial)
                    initial = need_list = False
                    self._set_status("live")
                delivered = self._watch()
                if not delivered and time.monotonic() - started < QUICK_END_SECONDS:
                    self._wait(self._backoff.next_delay())
                else:
                    self._backoff.reset()
            except _Stopped:
                break
            except _Expired:
                need_list = True
            except _Silent:
                # not an error to log: the network went quiet. The response (and its socket) is
                # closed already; watch again from the last resourceVersion, with the backoff of
                # any network error (the next attempt may hang as well while the network is down)
                self._set_status("stale", self._quiet_reason())
                self._wait(self._backoff.next_delay())
            except ClusterError as exc:
                if self._stopping.is_set():
                    break
                if exc.status and 400 <= exc.status < 500 and exc.status not in RETRYABLE_CLIENT_ERRORS:
                    # refused, not unreachable (401/403, a 400 for a bad label selector): the same
                    # request would be refused again, so no backoff storm: a slow retry
                    self._backoff.reset()
                    self._fail("failed", exc, self._forbidden_retry)
                    if exc.status == 401:
                        self._refresh_credentials()
                elif exc.kind == ErrorKind.EXEC_PLUGIN or exc.hard:
                    # the credential plugin failed (not logged in, not installed), or the kubeconfig
                    # itself is wrong (a token HTTP cannot carry): running it again on the fast
                    # backoff would not help and may pop up logins; a slow retry
                    self._backoff.reset()
                    self._fail("failed", exc, self._forbidden_retry)
                else:
                    self._fail("reconnecting", exc, self._backoff.next_delay())
            except Exception as exc:  # network errors of every kind: reconnect
                if self._stopping.is_set():
                    break
                log.debug("pod watch error", exc_info=True)
                if describe_exception(exc).hard:
                    # not the network: the configuration (e.g. a header value the client refuses
                    # to send); retrying fast would only repeat it
                    self._backoff.reset()
                    self._fail("failed", exc, self._forbidden_retry)
                else:
                    self._fail("reconnecting", exc, self._backoff.next_delay())

    def _fail(self, state: WatchState, exc: BaseException, delay: float) -> None:
        reason, hint = _describe(exc, self.connection)
        status = exc.status if isinstance(exc, ClusterError) else 0
        self._set_status(state, reason, time.monotonic() + delay, hint=hint, http_status=status or 0)
        self._wait(delay)

    def _refresh_credentials(self) -> None:
        """After a 401: re-run the exec plugin / re-read token files, when the connection can."""
        refresh = getattr(self.connection, "refresh_credentials", None)
        if refresh is None:
            return
        try:
            refresh()
        except Exception:  # the next attempt reports what is still wrong
            log.debug("credential refresh failed", exc_info=True)

    def _wait(self, delay: float) -> None:
        self._poke.wait(delay)
        self._poke.clear()
        if self._stopping.is_set():
            raise _Stopped

    def _path(self) -> str:
        if self.namespace:
            return f"/api/v1/namespaces/{self.namespace}/pods"
        return "/api/v1/pods"

    def _request(self, query: list[tuple[str, str]], timeout: Timeout, *, watch: bool = False) -> OpenResponse:
        """GET the pods path (tui.kube.requests); returns the open answer, registered for stop()
        (and, a `watch`, for the watchdog)."""
        if self._stopping.is_set():
            raise _Stopped
        assert self._api is not None
        if self.label_selector:
            query = [*query, ("labelSelector", self.label_selector)]
        try:
            response = open_response(self.connection, self._path(), query, timeout=timeout, client=self._api)
        except ClusterError as exc:
            if exc.status == 410:
                raise _Expired from None
            raise
        with self._response_lock:
            self._response = response
            self._watch_opened = time.monotonic() if watch else None
        if self._stopping.is_set():
            self._abort_response()
            raise _Stopped
        return response

    def _list(self, *, progressive: bool) -> None:
        """Fetch every pod, page by page, and queue them as one reset batch.

        ``progressive`` (the very first list, when the UI has nothing yet): the first page goes
        out at once as a reset batch and the later pages follow as upserts, so rows appear early.
        """
        pods: list[StoredPod] = []
        continue_token = ""
        first_page = True
        while True:
            query = [("limit", str(FIRST_PAGE_SIZE if progressive and first_page else LIST_PAGE_SIZE))]
            if continue_token:
                query.append(("continue", continue_token))
            response = self._request(query, LIST_PAGE_TIMEOUT)
            try:
                # each item's own text is kept (tui.pods.stored): no second encoding
                answer, items = response.read_json_items()
            finally:
                self._release_response()
            self._last_news = time.monotonic()  # a page: the server is there
            page = [stored_pod(pod, raw) for pod, raw in items]
            del items
            metadata = answer.get("metadata") or {}
            if progressive:
                if first_page:
                    self._buffer.replace_all(page)
                    self._flush()
                    if metadata.get("continue"):
                        self.awaiting_first_rows = True
                        self._first_rows_shown.wait(FIRST_ROWS_WAIT)
                        self.awaiting_first_rows = False
                else:
                    for pod in page:
                        self._buffer.upsert(pod)
            else:
                pods.extend(page)
            first_page = False
            continue_token = metadata.get("continue") or ""
            if not continue_token:
                self.resource_version = metadata.get("resourceVersion") or ""
                break
        if not progressive:
            self._buffer.replace_all(pods)
        self.relists += 1
        self._backoff.reset()
        self._flush()

    def _watch(self) -> bool:
        """One watch request; returns whether it delivered anything. Raises _Expired on 410."""
        query = [
            ("watch", "true"),
            ("allowWatchBookmarks", "true"),
            ("timeoutSeconds", str(self._watch_timeout)),
        ]
        if self.resource_version:
            query.append(("resourceVersion", self.resource_version))
        # The read timeout is the silence timeout: a socket that brings nothing for that long
        # (no event, no bookmark) wakes this thread, which closes it (urllib3 does, on the error)
        # without waiting for TCP to give up on the peer.
        self._abandoned.clear()
        self.watch_requests += 1
        response = self._request(query, watch_timeout(self.silence_timeout), watch=True)
        self._last_news = time.monotonic()
        self._backoff.reset()
        self._set_status("live")
        delivered = False
        try:
            for lines in response.line_groups():
                if self._stopping.is_set():
                    raise _Stopped
                delivered = True
                self._last_news = time.monotonic()  # an event or a bookmark: the server is there
                # One decode per line, handled at once: only one event's decoded objects are
                # alive at a time. (Decoding a whole chunk first kept thousands of pods alive
                # through young collections, which promoted them and triggered full collections
                # of every pod held: pauses of hundreds of ms in an update storm.)
                for line in lines:
                    self._handle_line(line)
        except ClusterError as exc:
            if self._stopping.is_set():
                raise _Stopped from None
            if exc.kind == ErrorKind.TIMEOUT or self._abandoned.is_set():  # nothing for silence_timeout seconds
                raise _Silent from None
            raise
        finally:
            self._release_response()
        if self._stopping.is_set():
            raise _Stopped
        if self._abandoned.is_set():  # the watchdog closed it: its end is no answer of the server
            raise _Silent
        return delivered

    def _handle_line(self, line: bytes) -> None:
        """One watch event, its object's text kept as it came (tui.pods.stored.list_items)."""
        event, objects = list_items(line.decode("utf-8"), "object")
        raw = None
        if objects:
            event["object"], raw = objects[0]
        self._handle_event(event, raw)

    def _handle_event(self, event: dict, raw: str | None = None) -> None:
        kind = event.get("type")
        obj = event.get("object") or {}
        if kind == "ERROR":
            code = obj.get("code")
            if code == 410:
                raise _Expired
            raise describe_status(int(code or 500), obj, server=self.connection.server, context=self.connection.context)
        version = (obj.get("metadata") or {}).get("resourceVersion")
        if version:
            self.resource_version = version
        if kind in ("ADDED", "MODIFIED"):
            self._buffer.upsert(stored_pod(obj, raw))
        elif kind == "DELETED":
            self._buffer.delete(pod_key(obj))
        # BOOKMARK: only the resourceVersion matters.

    # ----------------------------------------------------------------- responses
    def _release_response(self) -> None:
        with self._response_lock:
            response, self._response = self._response, None
            self._watch_opened = None
        if response is not None:
            response.release()

    def _abort_response(self) -> None:
        """Unblock a read in progress: shut the socket down, then close the response."""
        with self._response_lock:
            response = self._response
        if response is not None:
            response.abort()

    # ----------------------------------------------------------------- batches and status
    def _flush_loop(self) -> None:
        while not self._stopping.is_set():
            self._flush_now.wait(self._batch_interval)
            self._flush_now.clear()
            if not self._stopping.is_set():
                self._flush()
                self._check_news()

    def _quiet_reason(self) -> str:
        return f"no news for {time.monotonic() - self._last_news:.0f} s"

    def _check_news(self) -> None:
        """The watchdog (flush thread): `live` with no news for `silence_timeout` becomes `stale`,
        its seconds counting up (also while a new request hangs); news makes it `live` again."""
        with self._status_lock:
            status = self._status
            if status is None or status.state not in ("live", "stale"):
                return
            quiet = time.monotonic() - self._last_news
            if quiet >= self.silence_timeout:
                self._set_status_locked("stale", self._quiet_reason())
            elif status.state == "stale":
                self._set_status_locked("live")
        if quiet >= self.silence_timeout + ABANDON_GRACE:
            # The read timeout should have ended the watch by now; a peer that sends bytes but
            # never a whole line (no event, no bookmark) keeps it from firing: abandon the socket
            # here, and the reader watches again from the last resourceVersion. Only a watch
            # answer, and only one quiet that long itself: a list page (the relist after a 410
            # that followed a silence) or a watch just answered is not abandoned for the silence
            # before it.
            with self._response_lock:
                response, opened = self._response, self._watch_opened
            if (response is not None and opened is not None and not self._abandoned.is_set()
                    and time.monotonic() - opened >= self.silence_timeout + ABANDON_GRACE):
                self._abandoned.set()
                response.abort()

    def _flush(self) -> None:
        with self._flush_lock:
            if self._acknowledge and self._unapplied_since is not None:
                if time.monotonic() - self._unapplied_since < self._ack_timeout:
                    return  # the consumer is still applying the previous batch
            batch = self._buffer.take()
            if batch is None or self._stopping.is_set():
                return
            if self._acknowledge:
                self._unapplied_since = time.monotonic()
            try:
                self._on_batch(batch)
            except Exception:  # a broken consumer must not kill the watch
                log.exception("pod batch callback failed")

    def _set_status(
        self,
        state: WatchState,
        reason: str = "",
        retry_at: float | None = None,
        *,
        hint: str = "",
        http_status: int = 0,
    ) -> None:
        with self._status_lock:
            self._set_status_locked(state, reason, retry_at, hint=hint, http_status=http_status)

    def _set_status_locked(
        self,
        state: WatchState,
        reason: str = "",
        retry_at: float | None = None,
        *,
        hint: str = "",
        http_status: int = 0,
    ) -> None:
        status = WatchStatus(state, reason, retry_at, self.resource_version, hint, http_status)
        previous = self._status
        if previous is not None and (previous.state, previous.reason, previous.retry_at) == (
            state,
            reason,
            retry_at,
        ):
            return
        self._status = status
        if self._stopping.is_set():
            return
        try:
            self._on_status(status)
        except Exception:
            log.exception("pod watch status callback failed")

