"""No error text shows a credential: header values, bearer/basic tokens, URL passwords are never
repeated by `ClusterError` / `describe_exception`, whatever the exception said."""

from __future__ import annotations

import http.client

import pytest
import websocket
from kubernetes.client.exceptions import ApiException

from tui.kube.errors import ClusterError, ErrorKind, describe_exception
from tui.redaction import REDACTED, redact_credentials

TOKEN = "sekret-TOKEN-123"


def header_value_error(value: str) -> ValueError:
    """The real exception http.client raises for a header value with a line break (no network)."""
    conn = http.client.HTTPConnection("127.0.0.1", 9)
    conn.putrequest("GET", "/version")
    with pytest.raises(ValueError) as err:
        conn.putheader("Authorization", value)
    return err.value


def test_invalid_header_value_is_a_config_error_that_never_shows_the_value() -> None:
    exc = header_value_error(f"Bearer {TOKEN}\n")
    assert TOKEN in str(exc)  # what http.client says, and what used to reach the screen
    err = describe_exception(exc, server="https://k:6443", context="prod")
    assert err.kind == ErrorKind.BAD_CONFIG and err.hard  # not a network problem to retry
    assert TOKEN not in err.message and TOKEN not in err.hint and TOKEN not in str(err)
    assert "Invalid header value" not in str(err)
    assert "line break" in err.message and "https://k:6443" in err.message
    assert "kubeconfig" in err.hint and "'prod'" in err.hint


def test_header_error_wrapped_in_another_exception_is_found() -> None:
    inner = header_value_error(f"Bearer {TOKEN}\r\n")
    try:
        try:
            raise inner
        except ValueError as exc:
            raise RuntimeError("request failed") from exc
    except RuntimeError as outer:
        err = describe_exception(outer)
    assert err.kind == ErrorKind.BAD_CONFIG and TOKEN not in str(err)


def test_non_latin1_header_value_is_a_config_error() -> None:
    with pytest.raises(UnicodeEncodeError) as caught:
        f"Bearer {TOKEN}\u2603".encode("latin-1")
    err = describe_exception(caught.value)
    assert err.kind == ErrorKind.BAD_CONFIG and TOKEN not in str(err)


@pytest.mark.parametrize("text", [
    f"Invalid header value b'Bearer {TOKEN}'",
    f"sent Authorization: Bearer {TOKEN} to the server",
    f"authorization=Basic {TOKEN}",
    f"proxy https://admin:{TOKEN}@proxy:3128 refused",
    f"GET /api?access_token={TOKEN} failed",
    f"Handshake status 401 -+-+- {{'set-cookie': 'sid={TOKEN}'}} -+-+- b''",
    f"Cookie: sid={TOKEN}",
])
def test_cluster_error_redacts_credentials_in_message_and_hint(text: str) -> None:
    err = ClusterError(text, f"retry with {text}")
    assert TOKEN not in err.message and TOKEN not in err.hint and TOKEN not in str(err)
    assert REDACTED in err.message or "<headers>" in err.message


def test_unknown_exception_text_is_redacted() -> None:
    err = describe_exception(RuntimeError(f"proxy said: Authorization: Bearer {TOKEN} rejected"),
                             server="https://k", context="c")
    assert TOKEN not in str(err)
    assert f"Authorization: Bearer {REDACTED}" in err.message


def test_stream_failure_reason_is_redacted() -> None:
    exc = ApiException(status=0, reason=f"websocket failed: {{'Authorization': 'Bearer {TOKEN}'}}")
    assert TOKEN not in str(describe_exception(exc, server="https://k", context="c"))
    bad = websocket.WebSocketException(f"header Authorization: Bearer {TOKEN}")
    assert TOKEN not in str(describe_exception(bad))


def test_ordinary_text_is_left_alone() -> None:
    for text in ["the API server rejected the credentials (401 Unauthorized)",
                 "invalid bearer token; log in again",
                 'selfsubjectaccessreviews.authorization.k8s.io is forbidden: User "x" cannot create',
                 "cannot reach the API server at https://10.0.0.1:6443 (context 'prod'): connection refused"]:
        assert redact_credentials(text) == text
        assert ClusterError(text).message == text


def test_json_web_tokens_and_webhooks_are_redacted() -> None:
    jwt = "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJhZG1pbiJ9.c2lnbmF0dXJl"
    assert jwt not in redact_credentials(f"the webhook answered: invalid token {jwt} (expired)")
    from tui.redaction import is_secret_name, redact_text

    assert is_secret_name("SLACK_WEBHOOK") and is_secret_name("WEBHOOK_URL") and is_secret_name("JWT")
    script = "SLACK_WEBHOOK=https://hooks.slack.com/services/T0/B0/whSECRET6 notify"
    assert "whSECRET6" not in redact_text(script)
