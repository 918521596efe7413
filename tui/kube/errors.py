"""One-line, actionable errors for everything that can go wrong talking to a cluster.

`ClusterError` carries what happened (`message`) and what to do about it (`hint`); `str()` is one
line. `describe_exception()` turns whatever the official client, urllib3, websocket-client or the
kubeconfig machinery raised into a `ClusterError`. The UI, the CLI and the debug command use it for
every error they show.
"""

from __future__ import annotations

import json
import re
import socket
import ssl
from typing import Any

import websocket
import yaml

from tui.redaction import redact_credentials

__all__ = ["HARD_ERROR_KINDS", "ClusterError", "ErrorKind", "describe_exception", "invalid_hint"]


class ErrorKind:
    """The `ClusterError.kind` values (plain strings, so callers can compare without importing)."""

    NO_KUBECONFIG = "no-kubeconfig"
    UNKNOWN_CONTEXT = "unknown-context"
    BAD_CONFIG = "bad-config"
    EXEC_PLUGIN = "exec-plugin"
    UNREACHABLE = "unreachable"
    TIMEOUT = "timeout"
    TLS = "tls"
    UNAUTHORIZED = "unauthorized"
    FORBIDDEN = "forbidden"
    NOT_FOUND = "not-found"
    CONFLICT = "conflict"
    GONE = "gone"
    INVALID = "invalid"
    TOO_MANY_REQUESTS = "too-many-requests"
    SERVER_ERROR = "server-error"
    PROTOCOL = "protocol"
    STREAM = "stream"
    BAD_REQUEST = "bad-request"
    UNKNOWN = "unknown"


# Errors in the local configuration: the CLI exits with code 1 on these before the TUI starts.
HARD_ERROR_KINDS = frozenset({ErrorKind.NO_KUBECONFIG, ErrorKind.UNKNOWN_CONTEXT, ErrorKind.BAD_CONFIG})


def _one_line(text: str) -> str:
    return " ".join(str(text).split())


class ClusterError(Exception):
    """What went wrong (`message`) and what to do (`hint`), printable on one line."""

    def __init__(
        self,
        message: str,
        hint: str = "",
        *,
        kind: str = ErrorKind.UNKNOWN,
        status: int | None = None,
        reason: str | None = None,
        server: str | None = None,
        context: str | None = None,
    ) -> None:
        # never a credential on screen, in a log or an error: whatever the message quotes (a header
        # value, a URL with userinfo, a plugin's stderr) goes through the redaction first
        self.message = redact_credentials(_one_line(message))
        self.hint = redact_credentials(_one_line(hint))
        self.kind = kind
        self.status = status
        self.reason = reason
        self.server = server
        self.context = context
        super().__init__(str(self))

    @property
    def hard(self) -> bool:
        """True for local configuration errors (no kubeconfig, unknown context, bad kubeconfig)."""
        return self.kind in HARD_ERROR_KINDS

    def __str__(self) -> str:
        return f"{self.message}; {self.hint}" if self.hint else self.message

    def __repr__(self) -> str:
        return f"ClusterError(kind={self.kind!r}, message={self.message!r}, hint={self.hint!r})"


# --- Status bodies -------------------------------------------------------------------------------

_FORBIDDEN_RE = re.compile(
    r'User "(?P<user>[^"]*)" cannot (?P<verb>\S+) resource "(?P<resource>[^"]*)"'
    r'(?: in API group "(?P<group>[^"]*)")?'
    r'(?: in the namespace "(?P<namespace>[^"]*)"| at the cluster scope)?'
)
_HANDSHAKE_RE = re.compile(r"Handshake status (?P<status>\d{3})(?: (?P<reason>[^-]*?))?\s*(?:-\+-\+-|$)")


def _status_from_body(body: Any) -> dict[str, Any]:
    """The `Status` object in a response body (bytes, str or dict), or {}."""
    if body is None:
        return {}
    if isinstance(body, dict):
        return body
    if isinstance(body, (bytes, bytearray)):
        body = body.decode("utf-8", "replace")
    text = str(body).strip()
    if "-+-+-" in text:  # websocket-client: "Handshake status ... -+-+- headers -+-+- body"
        text = text.rsplit("-+-+-", 1)[1].strip()
        if text[:2] in ("b'", 'b"'):
            text = text[1:]
        text = text.strip("'\"")
    if not text.startswith("{"):
        # websocket-client puts the body after the headers, e.g. "... -+-+- b'{...}'"
        start, end = text.find("{"), text.rfind("}")
        if start < 0 or end <= start:
            return {}
        text = text[start : end + 1]
    try:
        data = json.loads(text)
    except ValueError:
        try:
            data = json.loads(text.encode().decode("unicode_escape"))
        except ValueError:
            return {}
    return data if isinstance(data, dict) else {}


def _where(server: str | None, context: str | None) -> str:
    if server and context:
        return f"{server} (context {context!r})"
    return server or (f"context {context!r}" if context else "the API server")


def _at(server: str | None, context: str | None) -> str:
    return f" at {_where(server, context)}" if server or context else ""


def describe_status(
    status: int,
    body: Any = None,
    *,
    reason: str | None = None,
    server: str | None = None,
    context: str | None = None,
) -> ClusterError:
    """A `ClusterError` for an HTTP error answer from the API server (status code + Status body)."""
    st = _status_from_body(body)
    text = _one_line(st.get("message") or "")
    st_reason = st.get("reason") or reason or ""
    where = _where(server, context)
    at = _at(server, context)
    common: dict[str, Any] = {"status": status, "reason": st_reason or None, "server": server, "context": context}

    if status == 401:
        return ClusterError(
            f"the API server{at} rejected the credentials (401 Unauthorized)",
            "they are wrong or have expired: log in again (e.g. `aws eks update-kubeconfig`, "
            "`gcloud container clusters get-credentials`, `kubectl oidc-login`) or pick another context",
            kind=ErrorKind.UNAUTHORIZED,
            **common,
        )
    if status == 403:
        if "PodSecurity" in text:
            return ClusterError(
                text,
                "the namespace enforces a Pod Security level: use a debug profile that complies "
                "(e.g. restricted) or another namespace",
                kind=ErrorKind.FORBIDDEN,
                **common,
            )
        m = _FORBIDDEN_RE.search(text)
        if m:
            resource = m["resource"]
            if m["group"]:
                resource = f"{resource}.{m['group']}" if "/" not in resource else resource
            scope = f' in namespace "{m["namespace"]}"' if m["namespace"] else " cluster-wide"
            can_i = f"kubectl auth can-i {m['verb']} {resource}" + (f" -n {m['namespace']}" if m["namespace"] else "")
            return ClusterError(
                text,
                f'missing RBAC permission: verb "{m["verb"]}" on "{resource}"{scope} for user "{m["user"]}"; '
                f"ask a cluster admin for a {'Role' if m['namespace'] else 'ClusterRole'} granting it "
                f"(check with `{can_i}`)",
                kind=ErrorKind.FORBIDDEN,
                **common,
            )
        return ClusterError(
            text or f"the API server{at} refused the request (403 Forbidden)",
            "your user lacks a permission for this: ask a cluster admin (check with `kubectl auth can-i`)",
            kind=ErrorKind.FORBIDDEN,
            **common,
        )
    if status >= 500:
        label = f"{status} {reason}" if reason and not reason.isdigit() else str(status)
        detail = f": {text}" if text else ""
        return ClusterError(
            f"the API server{at} failed ({label}){detail}",
            "retry; if it persists check the control plane (`kubectl get --raw /readyz`)",
            kind=ErrorKind.SERVER_ERROR,
            **common,
        )
    kind, fallback, hint = _STATUS_TEXTS.get(
        status, (ErrorKind.UNKNOWN, "the API server{at} answered HTTP {status}", "check the request and the cluster")
    )
    if status == 422 and (text or st.get("details")):
        hint = invalid_hint(st)
    return ClusterError(text or fallback.format(at=at, where=where, status=status), hint, kind=kind, **common)


STATIC_POD_MESSAGE = "static pods do not support ephemeral containers"
STATIC_POD_HINT = ("a static (mirror) pod cannot get ephemeral containers (the kubelet runs it from a file on "
                   "its node): debug a copy of it (--copy-to) or the node itself (kubectl debug node/NODE -it "
                   "--image=busybox)")
# `spec.containers[0].image: Required value` in an Invalid Status message: the field before its error type
_FIELD_IN_MESSAGE = re.compile(r"(?:^|: \[?|, )((?:metadata|spec|status)(?:[.\w\[\]-])*): [A-Z]")


def invalid_hint(status: dict[str, Any]) -> str:
    """What to do about a 422 (Invalid) Status: the fields it names, from `details.causes` (else its
    message); a refusal that names no field (a static pod's ephemeral containers) is explained
    instead of asking to fix fields there are none of."""
    message = _one_line(status.get("message") or "")
    causes = [c for c in ((status.get("details") or {}).get("causes") or []) if isinstance(c, dict)]
    if STATIC_POD_MESSAGE in message or any(STATIC_POD_MESSAGE in str(c.get("message")) for c in causes):
        return STATIC_POD_HINT
    fields = [str(c["field"]) for c in causes if c.get("field") and c.get("field") not in ("[]", "<nil>")]
    fields = fields or _FIELD_IN_MESSAGE.findall(message)
    if fields:
        return "fix " + ", ".join(dict.fromkeys(fields)) + " (the message says what is wrong)"
    return "the server refuses the object as it is and names no field: its message says why"


# status -> (kind, message when the server sent none, hint)
_STATUS_TEXTS: dict[int, tuple[str, str, str]] = {
    400: (ErrorKind.BAD_REQUEST, "the API server{at} refused the request (400 Bad Request)",
          "check the request (for attach/exec: the container must be running)"),
    404: (ErrorKind.NOT_FOUND, "not found on {where} (404)",
          "it may have been deleted, or the API is not served by this cluster: refresh and check the name"),
    409: (ErrorKind.CONFLICT, "conflict on {where} (409)",
          "the object already exists or changed meanwhile: reload it and retry, or pick another name"),
    410: (ErrorKind.GONE, "the resource version is too old for {where} (410 Gone)",
          "the watch history moved on: list again"),
    422: (ErrorKind.INVALID, "the API server{at} rejected the object as invalid (422)",
          "the server gave no reason: check the request"),
    429: (ErrorKind.TOO_MANY_REQUESTS, "the API server{at} is throttling requests (429 Too Many Requests)",
          "wait a moment and retry"),
}


# --- transport errors ----------------------------------------------------------------------------


def _walk_causes(exc: BaseException) -> list[BaseException]:
    """exc, its urllib3 `.reason`, `__cause__` and `__context__`, without loops."""
    seen: list[BaseException] = []
    todo: list[BaseException | None] = [exc]
    while todo:
        cur = todo.pop(0)
        if cur is None or any(cur is s for s in seen):
            continue
        seen.append(cur)
        reason = getattr(cur, "reason", None)
        if isinstance(reason, BaseException):
            todo.append(reason)
        todo.append(cur.__cause__)
        todo.append(cur.__context__)
        for arg in getattr(cur, "args", ()):
            if isinstance(arg, BaseException):
                todo.append(arg)
    return seen


def _server_of(exc: BaseException) -> str | None:
    """The scheme://host:port a urllib3 error was about, when it says."""
    for cur in _walk_causes(exc):
        pool = getattr(cur, "pool", None)
        host = getattr(pool, "host", None)
        if host:
            scheme = getattr(pool, "scheme", "https")
            port = getattr(pool, "port", None)
            return f"{scheme}://{host}:{port}" if port else f"{scheme}://{host}"
        conn = getattr(cur, "conn", None)
        host = getattr(conn, "host", None)
        if host:
            port = getattr(conn, "port", None)
            return f"{host}:{port}" if port else str(host)
    return None


def _tls_detail(causes: list[BaseException]) -> str | None:
    for cur in causes:
        if isinstance(cur, ssl.SSLCertVerificationError):
            return f"certificate verify failed: {cur.verify_message}" if cur.verify_message else "certificate verify failed"
    for cur in causes:
        name = type(cur).__name__
        if isinstance(cur, ssl.SSLError) or name == "SSLError":
            text = str(cur)
            if "WRONG_VERSION_NUMBER" in text or "wrong version number" in text or "record layer failure" in text:
                return "the server does not speak TLS there (wrong version number)"
            if "CERTIFICATE_VERIFY_FAILED" in text:
                m = re.search(r"certificate verify failed: ([^(\])]+)", text)
                return "certificate verify failed" + (f": {m.group(1).strip()}" if m else "")
            return _one_line(text)[:200]
    return None


def _network_detail(causes: list[BaseException]) -> tuple[str, str] | None:
    """(kind, detail) for connection refused / DNS / timeout / reset."""
    for cur in causes:
        name = type(cur).__name__
        text = str(cur)
        if isinstance(cur, socket.gaierror) or name == "NameResolutionError" or "Name or service not known" in text \
                or "nodename nor servname" in text or "Temporary failure in name resolution" in text:
            return ErrorKind.UNREACHABLE, "the host name does not resolve (DNS)"
    for cur in causes:
        name = type(cur).__name__
        text = str(cur)
        if isinstance(cur, ConnectionRefusedError) or "Connection refused" in text or "Errno 111" in text:
            return ErrorKind.UNREACHABLE, "connection refused"
        if isinstance(cur, OSError) and "No route to host" in text:
            return ErrorKind.UNREACHABLE, "no route to host"
        if "Network is unreachable" in text:
            return ErrorKind.UNREACHABLE, "network is unreachable"
    for cur in causes:
        name = type(cur).__name__
        if name in {"ConnectTimeoutError", "ReadTimeoutError", "TimeoutError", "WebSocketTimeoutException"} \
                or isinstance(cur, (TimeoutError, socket.timeout)) or "timed out" in str(cur):
            phase = "reading the answer" if name == "ReadTimeoutError" else "connecting"
            return ErrorKind.TIMEOUT, f"timed out {phase}"
    for cur in causes:
        if isinstance(cur, (ConnectionResetError, BrokenPipeError, ConnectionAbortedError)):
            return ErrorKind.PROTOCOL, "the connection was reset"
    return None


def describe_exception(
    exc: BaseException,
    *,
    server: str | None = None,
    context: str | None = None,
) -> ClusterError:
    """Turn any exception from talking to a cluster into a one-line `ClusterError` with a fix."""
    if isinstance(exc, ClusterError):
        if server and not exc.server:
            exc.server = server
        if context and not exc.context:
            exc.context = context
        return exc

    # Late imports: keep this module cheap to import and independent of optional packages.
    from kubernetes.client.exceptions import ApiException
    from kubernetes.config.config_exception import ConfigException

    server = server or _server_of(exc)
    where = _where(server, context)

    if isinstance(exc, ApiException):
        status = int(exc.status or 0)
        if status:
            return describe_status(status, exc.body, reason=exc.reason, server=server, context=context)
        # kubernetes.stream wraps every websocket error as ApiException(status=0, reason=str(e)).
        m = _HANDSHAKE_RE.search(str(exc.reason or ""))
        if m:
            return describe_status(int(m["status"]), exc.reason, reason=(m["reason"] or "").strip() or None,
                                   server=server, context=context)
        inner = _describe_transport(exc, str(exc.reason or ""), server, context)
        if inner is not None:
            return inner
        return ClusterError(
            f"the stream to {where} failed: {exc.reason}",
            "retry; the container may have exited or the connection dropped",
            kind=ErrorKind.STREAM,
            server=server,
            context=context,
        )

    header_error = _describe_bad_header(exc, server, context)
    if header_error is not None:
        return header_error

    ws_error = _describe_websocket(exc, server, context)
    if ws_error is not None:
        return ws_error

    if isinstance(exc, ConfigException):
        return ClusterError(
            f"invalid kubeconfig: {exc}",
            "check it with `kubectl config view`",
            kind=ErrorKind.BAD_CONFIG,
            server=server,
            context=context,
        )

    if isinstance(exc, yaml.YAMLError):
        return ClusterError(
            f"the kubeconfig is not valid YAML: {_one_line(str(exc))[:200]}",
            "fix the file or point --kubeconfig at another one",
            kind=ErrorKind.BAD_CONFIG,
        )

    described = _describe_transport(exc, str(exc), server, context)
    if described is not None:
        return described

    return ClusterError(
        f"talking to {where} failed: {type(exc).__name__}: {exc}" if str(exc) else f"talking to {where} failed: {type(exc).__name__}",
        "retry; if it persists check the cluster and your kubeconfig",
        kind=ErrorKind.UNKNOWN,
        server=server,
        context=context,
    )


# http.client: "Invalid header value b'Bearer ...'" (the value itself, i.e. the token, is quoted),
# "Invalid header name ..."; urllib3: InvalidHeader; latin-1 encoding of a header value
_BAD_HEADER_TEXTS = ("Invalid header value", "Invalid header name", "InvalidHeader", "invalid header")


def _describe_bad_header(exc: BaseException, server: str | None, context: str | None) -> ClusterError | None:
    """A request that could not be sent because a header (in practice the kubeconfig's token) holds
    a line break or another character HTTP forbids: a configuration problem, not a network one,
    and the message must never repeat the header's value."""
    for cur in _walk_causes(exc):
        text = str(cur)
        bad = (isinstance(cur, ValueError) and any(probe in text for probe in _BAD_HEADER_TEXTS)) \
            or type(cur).__name__ == "InvalidHeader" \
            or (isinstance(cur, UnicodeEncodeError) and cur.encoding == "latin-1")
        if bad:
            where = f" of context {context!r}" if context else ""
            return ClusterError(
                f"a request to {_where(server, context)} could not be sent: a header value contains a line break, "
                "a control character or a non-ASCII character",
                f"check the credentials of the user{where} in the kubeconfig (`kubectl config view --minify`): "
                "a token must be one line of plain ASCII",
                kind=ErrorKind.BAD_CONFIG,
                server=server,
                context=context,
            )
    return None


def _describe_transport(exc: BaseException, text: str, server: str | None, context: str | None) -> ClusterError | None:
    causes = _walk_causes(exc)
    where = _where(server, context)
    at = _at(server, context)
    tls = _tls_detail(causes)
    if tls is None and ("CERTIFICATE_VERIFY_FAILED" in text or "WRONG_VERSION_NUMBER" in text):
        tls = _tls_detail([ssl.SSLError(text)])
    if tls is not None:
        hint = (
            "check that the server address is https and really serves TLS"
            if "does not speak TLS" in tls
            else "the server's certificate is not trusted: set certificate-authority(-data) for this cluster "
            "in the kubeconfig, or pick the right context"
        )
        return ClusterError(f"TLS handshake with {where} failed: {tls}", hint, kind=ErrorKind.TLS,
                            server=server, context=context)
    net = _network_detail(causes)
    if net is None:
        for probe in ("Connection refused", "Name or service not known", "timed out"):
            if probe in text:
                net = _network_detail([OSError(text)])
                break
    if net is not None:
        kind, detail = net
        if kind == ErrorKind.PROTOCOL:
            return ClusterError(f"the connection to {where} broke: {detail}", "retry; it usually recovers",
                                kind=kind, server=server, context=context)
        hint = (
            "is the cluster up and the address right? check the server of this context (`kubectl config view --minify`)"
            if kind == ErrorKind.UNREACHABLE
            else "the server is slow or unreachable: check the network (VPN?) and retry"
        )
        return ClusterError(f"cannot reach the API server{at}: {detail}", hint, kind=kind,
                            server=server, context=context)
    names = {type(c).__name__ for c in causes}
    if names & {"ProtocolError", "MaxRetryError", "IncompleteRead", "RemoteDisconnected", "NewConnectionError"}:
        detail = _one_line(str(causes[-1]) if len(causes) > 1 else text)[:200]
        return ClusterError(f"the connection to {where} broke: {detail}", "retry; it usually recovers",
                            kind=ErrorKind.PROTOCOL, server=server, context=context)
    return None


def _describe_websocket(exc: BaseException, server: str | None, context: str | None) -> ClusterError | None:
    where = _where(server, context)
    if isinstance(exc, websocket.WebSocketBadStatusException):
        return describe_status(int(exc.status_code), getattr(exc, "resp_body", None) or str(exc),
                               server=server, context=context)
    if isinstance(exc, websocket.WebSocketConnectionClosedException):
        return ClusterError(f"the stream to {where} was closed", "the container may have exited; re-attach if it still runs",
                            kind=ErrorKind.STREAM, server=server, context=context)
    if isinstance(exc, websocket.WebSocketTimeoutException):
        return ClusterError(f"the stream to {where} timed out", "check the network and retry",
                            kind=ErrorKind.TIMEOUT, server=server, context=context)
    if isinstance(exc, websocket.WebSocketException):
        transport = _describe_transport(exc, str(exc), server, context)
        return transport or ClusterError(f"the stream to {where} failed: {exc}", "retry",
                                         kind=ErrorKind.STREAM, server=server, context=context)
    return None
