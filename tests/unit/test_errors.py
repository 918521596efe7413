"""describe_exception turns client, urllib3 and websocket errors into one line that says what to do."""

from __future__ import annotations

import json
import ssl

import pytest
import urllib3
import websocket
from kubernetes.client.exceptions import ApiException
from kubernetes.config.config_exception import ConfigException

from tui.kube.errors import ClusterError, ErrorKind, describe_exception


def api_error(status: int, reason: str, message: str = "", status_reason: str = "") -> ApiException:
    exc = ApiException(status=status, reason=reason)
    exc.body = json.dumps({"kind": "Status", "apiVersion": "v1", "status": "Failure", "message": message,
                           "reason": status_reason or reason, "code": status})
    return exc


def test_str_is_message_then_hint_on_one_line() -> None:
    err = ClusterError("something\nbroke", "do\tthis")
    assert str(err) == "something broke; do this"
    assert str(ClusterError("only a message")) == "only a message"


def test_cluster_error_passes_through_with_server_filled_in() -> None:
    err = ClusterError("x", "y")
    out = describe_exception(err, server="https://s", context="c")
    assert out is err and out.server == "https://s" and out.context == "c"


def test_401_says_to_log_in_again() -> None:
    err = describe_exception(api_error(401, "Unauthorized", "Unauthorized"), server="https://k:6443", context="prod")
    assert err.kind == ErrorKind.UNAUTHORIZED and err.status == 401
    assert "https://k:6443" in err.message and "prod" in err.message and "401" in err.message
    assert "log in again" in err.hint


def test_403_names_the_missing_verb_and_resource() -> None:
    msg = 'pods is forbidden: User "jane" cannot list resource "pods" in API group "" in the namespace "payments"'
    err = describe_exception(api_error(403, "Forbidden", msg))
    assert err.kind == ErrorKind.FORBIDDEN
    assert err.message == msg
    assert 'verb "list" on "pods" in namespace "payments"' in err.hint
    assert "kubectl auth can-i list pods -n payments" in err.hint
    assert "a Role granting it" in err.hint


def test_403_on_a_subresource_at_cluster_scope() -> None:
    msg = 'pods "web" is forbidden: User "bob" cannot patch resource "pods/ephemeralcontainers" in API group "" at the cluster scope'
    err = describe_exception(api_error(403, "Forbidden", msg))
    assert 'verb "patch" on "pods/ephemeralcontainers" cluster-wide' in err.hint
    assert "a ClusterRole granting it" in err.hint  # a namespaced Role cannot grant cluster scope


def test_403_pod_security_is_explained() -> None:
    msg = 'pods "web" is forbidden: violates PodSecurity "restricted:latest": runAsNonRoot != true'
    err = describe_exception(api_error(403, "Forbidden", msg))
    assert err.message == msg
    assert "Pod Security" in err.hint


@pytest.mark.parametrize(
    ("status", "kind", "message"),
    [
        (404, ErrorKind.NOT_FOUND, 'pods "gone" not found'),
        (409, ErrorKind.CONFLICT, 'pods "web-debug" already exists'),
        (410, ErrorKind.GONE, "too old resource version: 10 (20)"),
        (422, ErrorKind.INVALID, 'Pod "web" is invalid: spec.ephemeralContainers[0].ports: Forbidden: cannot be set for an Ephemeral Container'),
        (500, ErrorKind.SERVER_ERROR, "etcd is down"),
        (503, ErrorKind.SERVER_ERROR, ""),
    ],
)
def test_status_codes_keep_the_servers_message(status: int, kind: str, message: str) -> None:
    err = describe_exception(api_error(status, "X", message), server="https://k")
    assert err.kind == kind and err.status == status
    assert message in err.message
    assert err.hint
    assert "\n" not in str(err)


def test_5xx_mentions_the_server_and_code() -> None:
    err = describe_exception(api_error(503, "Service Unavailable"), server="https://k")
    assert "https://k" in err.message and "503" in err.message


def test_connection_refused_names_the_address() -> None:
    pool = urllib3.HTTPConnectionPool("10.0.0.9", 6443)
    inner = urllib3.exceptions.NewConnectionError(pool, "Failed to establish a new connection: [Errno 111] Connection refused")
    exc = urllib3.exceptions.MaxRetryError(pool, "/api/v1/pods", inner)
    err = describe_exception(exc)
    assert err.kind == ErrorKind.UNREACHABLE
    assert "http://10.0.0.9:6443" in err.message and "connection refused" in err.message


def test_dns_failure() -> None:
    pool = urllib3.HTTPSConnectionPool("nope.invalid", 443)
    inner = urllib3.exceptions.NameResolutionError("nope.invalid", pool, OSError("Name or service not known"))  # type: ignore[arg-type]
    err = describe_exception(urllib3.exceptions.MaxRetryError(pool, "/version", inner))
    assert err.kind == ErrorKind.UNREACHABLE and "DNS" in err.message and "nope.invalid" in err.message


def test_timeout() -> None:
    pool = urllib3.HTTPSConnectionPool("10.0.0.9", 443)
    inner = urllib3.exceptions.ConnectTimeoutError(pool, "timed out")
    err = describe_exception(urllib3.exceptions.MaxRetryError(pool, "/version", inner))
    assert err.kind == ErrorKind.TIMEOUT and "timed out" in err.message


def test_certificate_verify_failed_says_which_server() -> None:
    pool = urllib3.HTTPSConnectionPool("k.example", 6443)
    cert = ssl.SSLCertVerificationError(1, "[SSL: CERTIFICATE_VERIFY_FAILED] certificate verify failed: self-signed certificate")
    cert.verify_message = "self-signed certificate"
    inner = urllib3.exceptions.SSLError(cert)
    err = describe_exception(urllib3.exceptions.MaxRetryError(pool, "/version", inner), context="prod")
    assert err.kind == ErrorKind.TLS
    assert "https://k.example:6443" in err.message and "self-signed certificate" in err.message
    assert "certificate-authority" in err.hint


def test_protocol_error_mid_stream() -> None:
    exc = urllib3.exceptions.ProtocolError("Connection broken: IncompleteRead(0 bytes read)", ConnectionResetError(104, "reset"))
    err = describe_exception(exc, server="https://k")
    assert err.kind == ErrorKind.PROTOCOL and "https://k" in err.message


def test_websocket_handshake_403_via_stream_wrapper() -> None:
    body = json.dumps({"kind": "Status", "message": 'pods "web" is forbidden: User "x" cannot create resource "pods/attach" in API group "" in the namespace "default"'})
    wrapped = ApiException(status=0, reason=f"Handshake status 403 Forbidden -+-+- {{'content-type': 'application/json'}} -+-+- {body!r}")
    err = describe_exception(wrapped)
    assert err.kind == ErrorKind.FORBIDDEN and err.status == 403
    assert 'verb "create" on "pods/attach"' in err.hint


def test_websocket_bad_status_400_container_not_running() -> None:
    body = b'{"kind":"Status","message":"container debugger is not running","code":400}'
    exc = websocket.WebSocketBadStatusException("Handshake status %d %s -+-+- %s -+-+- %s", 400, "Bad Request", {}, body)
    err = describe_exception(exc)
    assert err.kind == ErrorKind.BAD_REQUEST and "container debugger is not running" in err.message


def test_websocket_closed() -> None:
    err = describe_exception(websocket.WebSocketConnectionClosedException("closed"), server="https://k")
    assert err.kind == ErrorKind.STREAM and "https://k" in err.message


def test_config_exception_is_a_bad_config() -> None:
    err = describe_exception(ConfigException("Invalid kube-config file. Expected key server in cluster"))
    assert err.kind == ErrorKind.BAD_CONFIG and err.hard


def test_anything_else_still_gives_one_line() -> None:
    err = describe_exception(RuntimeError("weird\nthing"), server="https://k")
    assert err.kind == ErrorKind.UNKNOWN
    assert "\n" not in str(err) and "weird thing" in str(err)


def test_422_hints_name_the_fields_or_say_why_there_are_none() -> None:
    """Issue 12 item 6: "fix the fields named in the message" for a refusal that names none (a
    static pod) was wrong advice; the fields come from details.causes, else the message."""
    from tui.kube.errors import describe_status

    static = {"kind": "Status", "status": "Failure", "reason": "Invalid", "code": 422,
              "message": 'Pod "kube-apiserver-n" is invalid: []: Forbidden: static pods do not support ephemeral '
                         "containers",
              "details": {"causes": [{"reason": "FieldValueForbidden", "field": "[]",
                                      "message": "Forbidden: static pods do not support ephemeral containers"}]}}
    hint = describe_status(422, static).hint
    assert "field" not in hint and hint.startswith("a static (mirror) pod cannot get ephemeral containers")
    assert "--copy-to" in hint and "kubectl debug node/" in hint
    ports = {"message": 'Pod "web" is invalid: spec.ephemeralContainers[0].ports: Forbidden: cannot be set',
             "details": {"causes": [{"field": "spec.ephemeralContainers[0].ports", "message": "Forbidden"}]}}
    assert describe_status(422, ports).hint == "fix spec.ephemeralContainers[0].ports (the message says what is wrong)"
    two = {"message": 'Pod "web" is invalid: [spec.containers[0].image: Required value, metadata.name: Invalid '
                      'value: "A": a lowercase RFC 1123 subdomain]'}
    assert describe_status(422, two).hint == "fix spec.containers[0].image, metadata.name (the message says what is wrong)"
    assert "names no field" in describe_status(422, {"message": "something is off"}).hint
