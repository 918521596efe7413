"""The one request path to the API server: every API request goes through here.

As kr8s sends everything through one `call_api`, Ephemera builds and sends every request to a
cluster in this module: gets and lists, the debug plan's creates, patches and deletes, watches,
logs, /version and the attach/exec WebSocket upgrade. No other module calls the client's
`param_serialize` / `call_api` (tests/unit/test_one_request_path.py keeps it so; tui/kube/connection.py
only overrides them to refresh credentials before each request).

One error type, `ClusterError` (tui.kube.errors, with its one-line message and fix):
- a request that could not be sent or answered (unreachable, TLS, timeout, a failing credential
  plugin, a connection cut while streaming) raises it at once, from every function here;
- an HTTP error answer raises it from `get_json`, `get_bytes` and `open_response`; `send` returns
  it in the `Answer` instead (`answer.ok`, `answer.error()`), for the callers that read refusals
  (dry runs, the audit log, a 404 that is not an error).

One timeout policy: the constants below, (connect, read) seconds as urllib3 takes them.

    answer = send(conn, "POST", path, body=obj, content_type=JSON)   # Answer(status, body, reason)
    answer = send_planned(conn, planned_request)                     # a tui.debug PlannedRequest
    obj = get_json(conn, path, [("limit", "500")])                   # the decoded JSON of a 2xx
    data = get_bytes(conn, path, query, timeout=LOG_TIMEOUT)         # e.g. pods/log
    with open_response(conn, path, query, timeout=...) as response:  # watches, followed logs
        for lines in response.line_groups(): ...                     # complete lines as they come
    ws = open_websocket(conn, path, query, client=client)            # attach/exec (WSClient)

`conn` is a connection (`server`, `context` for the messages; `api_client` unless `client=` names
another client of it, as streams do: one `new_api_client()` per watch or session). Its
`impersonation` (the kubeconfig users entry's as/as-groups/as-uid/as-user-extra, as
Impersonate-* header lines, a group per line) goes with every request and WebSocket upgrade, as kubectl sends it.
"""

from __future__ import annotations

import json
import socket
import ssl
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, NoReturn, Protocol

import certifi
import websocket
from kubernetes.client import ApiClient
from kubernetes.client.rest import ApiException
from kubernetes.stream import ws_client
from urllib3 import HTTPHeaderDict

from tui.kube.errors import ClusterError, ErrorKind, describe_exception, describe_status
from tui.pods.stored import list_items

__all__ = [
    "ANY",
    "CHECK_TIMEOUT",
    "CONNECT_TIMEOUT",
    "JSON",
    "LIST_PAGE_TIMEOUT",
    "LOG_TIMEOUT",
    "ONE_SHOT_TIMEOUT",
    "READ_TIMEOUT",
    "SILENCE_TIMEOUT",
    "WATCH_GRACE",
    "Answer",
    "Endpoint",
    "OpenResponse",
    "Timeout",
    "WebSocketUpgrade",
    "get_bytes",
    "get_json",
    "line_groups",
    "open_response",
    "open_websocket",
    "send",
    "send_planned",
    "watch_timeout",
]

JSON = "application/json"
ANY = "*/*"

Timeout = float | tuple[float, float]  # a total, or (connect, read)

# --- the timeout policy --------------------------------------------------------------------------
CONNECT_TIMEOUT = 10.0
READ_TIMEOUT = 30.0
# gets, lists, creates, patches, deletes, access reviews: one answer expected at once
ONE_SHOT_TIMEOUT: Timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)
# a page (500 pods) of the pod watch's list: a big cluster's pages take longer to encode
LIST_PAGE_TIMEOUT: Timeout = (CONNECT_TIMEOUT, 60.0)
# a container's logs (the session pane's tail, the CLI's logs of a debugger that ended at once)
LOG_TIMEOUT: Timeout = (CONNECT_TIMEOUT, 10.0)
# GET /version to tell whether a cluster is there (ClusterConnection.check; no retries)
CHECK_TIMEOUT = 5.0
# A watch: no event and no bookmark for this long and the connection is taken for dead (a silent
# network). Above the API server's bookmark period (`defaultBookmarkFrequency`, one minute, in
# k8s.io/apiserver's watch cache), so a quiet cluster is never stale; far below the minutes TCP takes
# to notice a dead peer. It is the pod watch's read timeout (PodWatcher(silence_timeout=...) overrides it).
SILENCE_TIMEOUT = 75.0
# A watch that ends itself (`timeoutSeconds=N`): its read timeout is N + this
WATCH_GRACE = 5.0


def watch_timeout(read: float) -> Timeout:
    """The timeout of a streaming request whose reads may wait `read` seconds."""
    return (CONNECT_TIMEOUT, read)


class Endpoint(Protocol):
    """What a request needs of a connection (tui.kube.connection.ClusterConnection is one)."""

    server: str
    context: str
    api_client: ApiClient


Query = Sequence[tuple[str, Any]] | Mapping[str, Any] | None


# --- errors --------------------------------------------------------------------------------------


def _describe(conn: Endpoint, exc: BaseException) -> ClusterError:
    return describe_exception(exc, server=conn.server, context=conn.context)


def _raise_described(conn: Endpoint, exc: BaseException) -> NoReturn:
    """Raise `exc` as the one error type (as itself when it is one already)."""
    error = _describe(conn, exc)
    if error is exc:
        raise error
    raise error from exc


def _status_error(conn: Endpoint, status: int, body: Any, reason: str | None) -> ClusterError:
    return describe_status(status, body, reason=reason or None, server=conn.server, context=conn.context)


def _decode(raw: bytes | None) -> Any:
    """The JSON of a body, or its text when it is not JSON; None when empty."""
    if not raw:
        return None
    try:
        return json.loads(raw)
    except ValueError:
        return raw.decode("utf-8", "replace")


# --- one-shot requests ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """The API server's answer: HTTP status, the decoded JSON body (its text when not JSON, None
    when empty) and the HTTP reason phrase."""

    status: int
    body: Any
    reason: str = ""
    server: str | None = field(default=None, repr=False)
    context: str | None = field(default=None, repr=False)

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    def error(self) -> ClusterError:
        """This answer's HTTP error as the one error type (the server's message and a fix)."""
        return describe_status(self.status, self.body, reason=self.reason or None, server=self.server,
                               context=self.context)


def _impersonation(conn: Endpoint) -> tuple[tuple[str, str], ...]:
    return tuple(getattr(conn, "impersonation", ()) or ())


def _with_impersonation(conn: Endpoint, headers: Any) -> Any:
    """The serialized headers plus the connection's Impersonate-* lines (repeated names kept: one
    Impersonate-Group line per group, as client-go sends them; a dict would keep one)."""
    lines = _impersonation(conn)
    if not lines:
        return headers
    combined = HTTPHeaderDict(headers or {})
    for name, value in lines:
        combined.add(name, value)
    return combined


def _call(conn: Endpoint, method: str, path: str, *, query: Query, body: Any, content_type: str | None,
          accept: str, timeout: Timeout, client: ApiClient | None,
          collection_formats: dict[str, str] | None = None) -> Any:
    """Serialize and send one request: the client's RESTResponse, its body unread. The only call
    of the client's request machinery (besides `open_websocket`)."""
    api = client if client is not None else conn.api_client
    headers = {"Accept": accept}
    if content_type:
        headers["Content-Type"] = content_type
    params = list(query.items()) if isinstance(query, Mapping) else list(query or ())
    try:
        verb, url, sent_headers, sent_body, post_params = api.param_serialize(
            method, path, query_params=params, header_params=headers, body=body, auth_settings=["BearerToken"],
            collection_formats=collection_formats)
        return api.call_api(verb, url, _with_impersonation(conn, sent_headers), sent_body, post_params,
                            _request_timeout=timeout)
    except Exception as exc:  # noqa: BLE001 - every failure to send becomes a ClusterError
        _raise_described(conn, exc)


def _read(conn: Endpoint, response: Any) -> bytes:
    try:
        data: bytes = response.read()
    except Exception as exc:  # noqa: BLE001 - a connection cut while reading the answer
        _raise_described(conn, exc)
    return data


def send(conn: Endpoint, method: str, path: str, *, query: Query = None, body: Any = None,
         content_type: str | None = None, accept: str = JSON, timeout: Timeout = ONE_SHOT_TIMEOUT,
         client: ApiClient | None = None) -> Answer:
    """Send one request and read its whole answer. A failure to send or read raises ClusterError;
    an HTTP error is returned (`answer.ok` False, `answer.error()` describes it)."""
    response = _call(conn, method, path, query=query, body=body, content_type=content_type, accept=accept,
                     timeout=timeout, client=client)
    raw = _read(conn, response)
    return Answer(int(response.status), _decode(raw), str(response.reason or ""), conn.server, conn.context)


def send_planned(conn: Endpoint, request: Any, *, client: ApiClient | None = None) -> Answer:
    """`send` of a planned request (tui.debug.planned_request.PlannedRequest: method, path, query,
    body, content type), exactly as planned."""
    return send(conn, request.method, request.path, query=request.query or None, body=request.body,
                content_type=request.content_type, client=client)


def get_json(conn: Endpoint, path: str, query: Query = None, *, timeout: Timeout = ONE_SHOT_TIMEOUT,
             client: ApiClient | None = None) -> Any:
    """GET a path: the decoded JSON of a 2xx answer; ClusterError for anything else."""
    answer = send(conn, "GET", path, query=query, timeout=timeout, client=client)
    if not answer.ok:
        raise answer.error()
    if answer.body is None or isinstance(answer.body, str):
        raise ClusterError(f"{conn.server}{path} did not answer JSON", "is this address a Kubernetes API server?",
                           kind=ErrorKind.PROTOCOL, server=conn.server, context=conn.context)
    return answer.body


def get_bytes(conn: Endpoint, path: str, query: Query = None, *, accept: str = ANY,
              timeout: Timeout = ONE_SHOT_TIMEOUT, client: ApiClient | None = None) -> bytes:
    """GET a path: the raw body of a 2xx answer (logs); ClusterError for anything else."""
    response = _call(conn, "GET", path, query=query, body=None, content_type=None, accept=accept, timeout=timeout,
                     client=client)
    raw = _read(conn, response)
    if not 200 <= response.status < 300:
        raise _status_error(conn, int(response.status), _decode(raw), response.reason)
    return raw


# --- streams -------------------------------------------------------------------------------------


class OpenResponse:
    """A 2xx answer whose body is read as it arrives (a watch, followed logs, a big list page).

    Release it when done (`with` does); `abort()` from another thread unblocks a read in progress.
    Reading errors are the one error type; a read timeout has kind `ErrorKind.TIMEOUT`."""

    def __init__(self, conn: Endpoint, response: Any) -> None:
        self._conn = conn
        self.response = response  # the urllib3 response
        self.status = int(response.status)

    def __enter__(self) -> OpenResponse:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.release()

    def read(self) -> bytes:
        """The whole body."""
        try:
            data: bytes = self.response.data
        except Exception as exc:  # noqa: BLE001 - cut while reading
            _raise_described(self._conn, exc)
        return data

    def read_json(self) -> Any:
        """The whole body, decoded."""
        data = self.read()
        try:
            return json.loads(data)
        except ValueError as exc:
            _raise_described(self._conn, exc)

    def read_json_items(self, member: str = "items") -> tuple[dict, list[tuple[dict, str]]]:
        """The whole body, a JSON object, decoded with the array `member` apart as (item, the item's
        own JSON text) pairs (`tui.pods.stored.list_items`)."""
        data = self.read()
        try:
            return list_items(data.decode("utf-8"), member)
        except ValueError as exc:
            _raise_described(self._conn, exc)

    def line_groups(self) -> Iterator[list[bytes]]:
        """The complete lines (watch events, log lines) grouped by the chunk that completed them,
        as they arrive; a line cut off with the connection is dropped."""
        try:
            yield from line_groups(self.response)
        except ClusterError:
            raise
        except Exception as exc:  # noqa: BLE001 - a read timeout (silence), a cut connection, stop()'s abort
            _raise_described(self._conn, exc)

    def release(self) -> None:
        """Hand the connection back (or drop it when the body was not read to the end)."""
        self.response.release_conn()

    def abort(self) -> None:
        """Unblock a read in progress (from another thread): shut the socket down, close the response."""
        connection = getattr(self.response, "connection", None)
        sock = getattr(connection, "sock", None)
        if sock is not None:
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass
        try:
            self.response.close()
        except Exception:  # noqa: BLE001 - the reader thread may be closing it at the same time
            pass


def open_response(conn: Endpoint, path: str, query: Query = None, *, timeout: Timeout,
                  accept: str = JSON, client: ApiClient | None = None) -> OpenResponse:
    """GET a path and return the open answer, its body unread (see OpenResponse). An HTTP error
    answer (a 410 Gone included: `error.status == 410`) raises ClusterError."""
    rest = _call(conn, "GET", path, query=query, body=None, content_type=None, accept=accept, timeout=timeout,
                 client=client)
    if not 200 <= rest.status < 300:
        try:
            raw = _read(conn, rest)
        finally:
            rest.response.release_conn()
        raise _status_error(conn, int(rest.status), _decode(raw), rest.reason)
    return OpenResponse(conn, rest.response)


def line_groups(response: Any) -> Iterator[list[bytes]]:
    """The complete newline-terminated lines of a streaming urllib3 response, grouped by the
    chunk that completed them, as they arrive (transport errors are the caller's)."""
    if response.chunked and response.supports_chunked_reads():
        chunks: Iterator[bytes] = response.read_chunked(decode_content=True)
    else:
        chunks = iter(lambda: response.read1(65536), b"")
    pending = b""
    for chunk in chunks:
        if not chunk:
            continue
        pending += chunk
        if b"\n" not in chunk:
            continue
        *complete, pending = pending.split(b"\n")
        lines = [line for line in complete if line.strip()]
        if lines:
            yield lines
    # Anything after the last newline is an event cut off with the connection: dropped here, it
    # comes again when a watch resumes from the last complete event's resourceVersion.


@dataclass(frozen=True)
class WebSocketUpgrade:
    """An open attach/exec WebSocket: `sock` (websocket-client's WebSocket) and the negotiated
    `subprotocol` (what the official WSClient exposes, and all its users here read)."""

    sock: Any
    subprotocol: str | None


def _upgrade(conn: Endpoint, configuration: Any, url: str, headers: Mapping[str, str]) -> WebSocketUpgrade:
    """The official client's `create_websocket` (TLS options, client certificate, proxy), whose
    handshake also carries the connection's Impersonate-* lines (the official one sends only
    Authorization and the subprotocols)."""
    lower = {name.lower(): value for name, value in headers.items()}
    lines = [f"authorization: {lower['authorization']}"] if "authorization" in lower else []
    lines.append("sec-websocket-protocol: " + lower.get(
        "sec-websocket-protocol", f"{ws_client.V5_CHANNEL_PROTOCOL},{ws_client.V4_CHANNEL_PROTOCOL}"))
    lines += [f"{name}: {value}" for name, value in _impersonation(conn)]
    if url.startswith("wss://") and configuration.verify_ssl:
        ssl_opts: dict[str, Any] = {"cert_reqs": ssl.CERT_REQUIRED,
                                    "ca_certs": configuration.ssl_ca_cert or certifi.where()}
        if configuration.assert_hostname is not None:
            ssl_opts["check_hostname"] = configuration.assert_hostname
    else:
        ssl_opts = {"cert_reqs": ssl.CERT_NONE}
    if configuration.cert_file:
        ssl_opts["certfile"] = configuration.cert_file
    if configuration.key_file:
        ssl_opts["keyfile"] = configuration.key_file
    if configuration.tls_server_name:
        ssl_opts["server_hostname"] = configuration.tls_server_name
    sock = websocket.WebSocket(sslopt=ssl_opts, skip_utf8_validation=False)
    connect_opt: dict[str, Any] = {"header": lines}
    if configuration.proxy or configuration.proxy_headers:
        connect_opt = ws_client.websocket_proxycare(connect_opt, configuration, url, headers)
    sock.connect(url, **connect_opt)
    subprotocol = getattr(sock, "subprotocol", None)
    if not subprotocol:
        for name, value in (sock.getheaders() or {}).items():
            if name.lower() == "sec-websocket-protocol":
                subprotocol = value
                break
    return WebSocketUpgrade(sock, subprotocol)


def open_websocket(conn: Endpoint, path: str, query: Sequence[tuple[str, Any]], *, client: ApiClient) -> Any:
    """The WebSocket upgrade of attach/exec (binary frames; `v5.channel.k8s.io` with `v4`
    fallback), a `WebSocketUpgrade`: the request is serialized here as the generated client would
    (a `command` list as repeated parameters) and sent as the official client's WebSocket transport
    does, plus the connection's Impersonate-* lines. Refusals (400 not running, 403, 404) and
    transport failures raise ClusterError."""
    try:
        _method, url, headers, _body, _post = client.param_serialize(
            "GET", path, query_params=list(query), header_params={"Accept": ANY}, auth_settings=["BearerToken"],
            collection_formats={"command": "multi"},
        )
        try:
            return _upgrade(conn, client.configuration, ws_client.get_websocket_url(url), headers)
        except Exception as exc:  # as the official websocket_call reports them
            raise ApiException(status=0, reason=str(exc)) from exc
    except Exception as exc:  # noqa: BLE001 - every failure becomes a ClusterError (handshake status included)
        _raise_described(conn, exc)
