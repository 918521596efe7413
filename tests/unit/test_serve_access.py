"""Which Host and Origin headers `ephemera serve` answers, for each way it can be bound or published."""

from __future__ import annotations

import logging

import pytest

from tui.commands.serve_access import AccessPolicy, new_token, redact_access_log

TOKEN = "s3cret-token"


def loopback(port: int = 8000) -> AccessPolicy:
    return AccessPolicy(TOKEN, host="127.0.0.1", port=port, public_url=f"http://127.0.0.1:{port}")


def test_new_token_is_32_random_url_safe_bytes() -> None:
    first, second = new_token(), new_token()
    assert first != second
    assert len(first) >= 43 and set(first) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def test_printed_url_carries_the_token() -> None:
    assert loopback().url == f"http://127.0.0.1:8000/?token={TOKEN}"


@pytest.mark.parametrize("host", ["127.0.0.1:8000", "localhost:8000", "[::1]:8000", "LOCALHOST", "localhost.:8000",
                                  "127.0.0.1:9000"])  # an SSH tunnel may use another local port
def test_loopback_answers_its_loopback_names(host: str) -> None:
    assert loopback().host_allowed(host)


@pytest.mark.parametrize("host", ["evil.example:8000", "evil.example", "127.0.0.1.evil.example:8000", "", "10.0.0.5:8000",
                                  "user@127.0.0.1:8000", "127.0.0.1:notaport", "127.0.0.1/x"])
def test_loopback_refuses_other_host_headers(host: str) -> None:
    assert not loopback().host_allowed(host)
    assert not loopback().host_allowed(None)


@pytest.mark.parametrize("origin", ["http://127.0.0.1:8000", "http://localhost:8000", "http://[::1]:8000"])
def test_loopback_accepts_its_own_origins(origin: str) -> None:
    assert loopback().origin_allowed(origin)


@pytest.mark.parametrize("origin", ["https://evil.example", "http://127.0.0.1:9000", "https://127.0.0.1:8000",
                                    "http://127.0.0.1", "null", "", "file://", "http://evil.example:8000"])
def test_loopback_refuses_other_origins(origin: str) -> None:
    assert not loopback().origin_allowed(origin)
    assert not loopback().origin_allowed(None)


def test_public_url_behind_a_tls_proxy_is_the_origin_and_a_host() -> None:
    policy = AccessPolicy(TOKEN, host="127.0.0.1", port=8000, public_url="https://ephemera.example.com/")
    assert policy.url == f"https://ephemera.example.com/?token={TOKEN}"
    assert policy.secure_cookie
    assert policy.host_allowed("ephemera.example.com")
    assert policy.origin_allowed("https://ephemera.example.com")
    assert policy.origin_allowed("https://ephemera.example.com:443")
    assert not policy.origin_allowed("http://ephemera.example.com")
    assert not policy.origin_allowed("https://ephemera.example.com:8443")
    assert not policy.host_allowed("other.example.com")


def test_tunnel_on_another_local_port_is_served_with_public_url() -> None:
    policy = AccessPolicy(TOKEN, host="127.0.0.1", port=8000, public_url="http://localhost:9000")
    assert policy.origin_allowed("http://localhost:9000")
    assert policy.origin_allowed("http://127.0.0.1:8000")
    assert not policy.origin_allowed("http://localhost:9001")


def test_wildcard_bind_takes_address_literals_but_not_foreign_names() -> None:
    policy = AccessPolicy(TOKEN, host="0.0.0.0", port=8000, public_url="http://bastion.internal:8000")
    assert policy.host_allowed("10.1.2.3:8000")  # any address of the machine: no DNS name to rebind
    assert policy.host_allowed("bastion.internal:8000")
    assert policy.host_allowed("localhost:8000")
    assert policy.origin_allowed("http://10.1.2.3:8000")
    assert not policy.host_allowed("evil.example:8000")
    assert not policy.origin_allowed("http://evil.example:8000")


def test_specific_address_bind_answers_that_address_only() -> None:
    policy = AccessPolicy(TOKEN, host="10.0.0.5", port=8000, public_url="http://10.0.0.5:8000")
    assert policy.host_allowed("10.0.0.5:8000")
    assert not policy.host_allowed("localhost:8000")
    assert not policy.host_allowed("10.0.0.6:8000")


def test_token_compare() -> None:
    policy = loopback()
    assert policy.token_matches(TOKEN)
    assert not policy.token_matches(TOKEN[:-1])
    assert not policy.token_matches("")
    assert not policy.token_matches(None)
    assert not policy.token_matches(TOKEN + "x")


def test_cookie_name_is_per_port() -> None:
    assert loopback(8000).cookie_name != loopback(8001).cookie_name


def test_public_url_must_be_http() -> None:
    with pytest.raises(ValueError):
        AccessPolicy(TOKEN, host="127.0.0.1", port=8000, public_url="ftp://x")
    with pytest.raises(ValueError):
        AccessPolicy(TOKEN, host="127.0.0.1", port=8000, public_url="not a url")


def test_access_log_lines_lose_the_token(caplog: pytest.LogCaptureFixture) -> None:
    redact_access_log()
    redact_access_log()  # once is enough, twice is harmless
    with caplog.at_level(logging.INFO, logger="aiohttp.access"):
        logging.getLogger("aiohttp.access").info('127.0.0.1 "GET /?fontsize=12&token=%s HTTP/1.1" 200', TOKEN)
    assert TOKEN not in caplog.text
    assert "token=<secret>" in caplog.text
