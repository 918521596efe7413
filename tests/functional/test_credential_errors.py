"""A credential HTTP cannot carry (a token with a newline) is a configuration error that names the
kubeconfig entry and never shows the token: in the error, on the CLI and on the app's screen. The
demo server answers any malformed Authorization header with 401, as a real API server does."""

from __future__ import annotations

import asyncio
import http.client
import os
import ssl
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes.client import VersionApi

from helpers.browser import message_text, wait_for
from tui.app import EphemeraApp
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.errors import ClusterError, ErrorKind

TOKEN = "sekret-TOKEN-123"
EPHEMERA = str(Path(sys.executable).parent / "ephemera")


def kubeconfig_with_user(cluster: DemoCluster, path: Path, user: dict[str, Any]) -> Path:
    """The demo cluster's kubeconfig (server, CA) with the users entry "me" set to `user`."""
    assert cluster.kubeconfig_path is not None
    doc = yaml.safe_load(Path(cluster.kubeconfig_path).read_text())
    doc["users"] = [{"name": "me", "user": user}]
    doc["contexts"][0]["context"]["user"] = "me"
    path.write_text(yaml.safe_dump(doc))
    path.chmod(0o600)
    return path


def connect_error(path: Path) -> ClusterError:
    with pytest.raises(ClusterError) as err:
        KubeConfig.load(path).connect()
    return err.value


def assert_no_token(err: ClusterError, token: str = TOKEN) -> None:
    for text in (err.message, err.hint, str(err), repr(err)):
        assert token not in text and token[:6] not in text


def test_inline_token_with_a_newline_is_a_config_error_naming_the_user(shared_cluster: DemoCluster,
                                                                       tmp_path: Path) -> None:
    path = kubeconfig_with_user(shared_cluster, tmp_path / "k", {"token": TOKEN + "\n"})
    err = connect_error(path)
    assert err.kind == ErrorKind.BAD_CONFIG and err.hard  # the CLI stops; never retried as a network problem
    assert "user 'me'" in err.message and "a line break" in err.message and str(path) in err.message
    assert 'users entry "me"' in err.hint and "one line" in err.hint
    assert_no_token(err)


@pytest.mark.parametrize(("token", "problem"), [(TOKEN + "\x07", "a control character (U+0007)"),
                                                 (TOKEN + "\u00e9", "a non-ASCII character (U+00E9)")])
def test_inline_token_with_a_control_or_non_ascii_character(shared_cluster: DemoCluster, tmp_path: Path,
                                                            token: str, problem: str) -> None:
    err = connect_error(kubeconfig_with_user(shared_cluster, tmp_path / "k", {"token": token}))
    assert err.kind == ErrorKind.BAD_CONFIG and problem in err.message
    assert_no_token(err)


def test_token_file_with_a_trailing_newline_is_trimmed_as_kubectl_does(shared_cluster: DemoCluster,
                                                                       tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(shared_cluster.token + "\n")
    conn = KubeConfig.load(kubeconfig_with_user(shared_cluster, tmp_path / "k", {"tokenFile": str(token_file)})).connect()
    assert conn.check(timeout=5)["major"] == "1"
    conn.refresh_credentials()  # re-read on a refresh: trimmed again
    assert conn.check(timeout=5)["major"] == "1"


def test_token_file_with_a_line_break_inside_names_the_file(shared_cluster: DemoCluster, tmp_path: Path) -> None:
    token_file = tmp_path / "token"
    token_file.write_text(f"{TOKEN}\nsecond-line\n")
    err = connect_error(kubeconfig_with_user(shared_cluster, tmp_path / "k", {"tokenFile": str(token_file)}))
    assert err.kind == ErrorKind.BAD_CONFIG
    assert str(token_file) in err.message and "a line break" in err.message and "user 'me'" in err.message
    assert_no_token(err)
    assert "second-line" not in str(err)


def test_missing_token_file_is_a_config_error(shared_cluster: DemoCluster, tmp_path: Path) -> None:
    err = connect_error(kubeconfig_with_user(shared_cluster, tmp_path / "k", {"tokenFile": str(tmp_path / "nope")}))
    assert err.kind == ErrorKind.BAD_CONFIG and "cannot read the token file" in err.message


def test_exec_plugin_token_with_a_newline_is_a_plugin_error(shared_cluster: DemoCluster, tmp_path: Path) -> None:
    plugin = tmp_path / "plugin"
    plugin.write_text(f"#!{sys.executable}\nimport json\nprint(json.dumps({{'apiVersion': "
                      f"'client.authentication.k8s.io/v1', 'kind': 'ExecCredential', "
                      f"'status': {{'token': {TOKEN + chr(10)!r}}}}}))\n")
    plugin.chmod(0o700)
    user = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": str(plugin),
                     "interactiveMode": "Never"}}
    err = connect_error(kubeconfig_with_user(shared_cluster, tmp_path / "k", user))
    assert err.kind == ErrorKind.EXEC_PLUGIN and "a line break" in err.message
    assert_no_token(err)


def test_a_header_the_client_refuses_at_request_time_is_a_config_error(shared_cluster: DemoCluster,
                                                                       tmp_path: Path) -> None:
    """Whatever put it there (a refreshed credential, a future auth method): http.client's
    `Invalid header value b'Bearer <token>'` never reaches the user."""
    conn = KubeConfig.load(shared_cluster.kubeconfig_path).connect()
    conn.configuration.api_key["BearerToken"] = f"Bearer {TOKEN}\n"
    with pytest.raises(ValueError) as raw:
        VersionApi(conn.new_api_client()).get_code(_request_timeout=5)
    err = conn.describe(raw.value)
    assert err.kind == ErrorKind.BAD_CONFIG and "header value" in err.message
    assert shared_cluster.url in err.message and "kubeconfig" in err.hint
    assert_no_token(err)


def test_cli_exits_1_with_one_line_without_the_token(shared_cluster: DemoCluster, tmp_path: Path) -> None:
    path = kubeconfig_with_user(shared_cluster, tmp_path / "k", {"token": TOKEN + "\n"})
    env = {k: v for k, v in os.environ.items() if k not in {"KUBECONFIG", "KUBERNETES_SERVICE_HOST"}}
    result = subprocess.run([EPHEMERA, "--kubeconfig", str(path)], env=env, capture_output=True, text=True,
                            timeout=60, stdin=subprocess.DEVNULL)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr
    assert "user 'me'" in result.stderr and "line break" in result.stderr
    assert TOKEN not in result.stderr + result.stdout


def test_app_screen_says_what_to_fix_and_never_shows_the_token(shared_cluster: DemoCluster, tmp_path: Path) -> None:
    path = kubeconfig_with_user(shared_cluster, tmp_path / "k", {"token": TOKEN + "\n"})

    async def run() -> tuple[str, str, str, str]:
        app = EphemeraApp(KubeConfig.load(path))
        async with app.run_test(size=(120, 40)) as pilot:
            browser = app.browser
            await wait_for(pilot, lambda: browser.connect_error is not None and message_text(app), timeout=30,
                           what="the connect error")
            await pilot.pause()
            return (message_text(app), str(browser.header.render()), browser.header.state, app.export_screenshot())

    message, header, state, svg = asyncio.run(run())
    assert state == "failed"  # not "reconnecting": a configuration error is not retried
    assert "user 'me'" in message and "line break" in message
    for text in (message, header, svg):
        assert TOKEN not in text and "sekret" not in text


def raw_status(cluster: DemoCluster, authorization: bytes) -> int:
    """GET /api/v1/namespaces with exactly these header bytes (http.client sends bytes unchanged)."""
    assert cluster.ca_pem is not None
    context = ssl.create_default_context(cadata=cluster.ca_pem.decode())
    conn = http.client.HTTPSConnection("127.0.0.1", cluster.port, context=context, timeout=10)
    try:
        conn.putrequest("GET", "/api/v1/namespaces")
        conn.putheader("Authorization", authorization)
        conn.endheaders()
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


@pytest.mark.parametrize("header", [
    "Bearer sn\u2603wman".encode(),  # non-ASCII (UTF-8): was a 500 (hmac.compare_digest TypeError)
    b"Bearer \xff\xfe\xfd",  # not UTF-8 at all
    b"Bearer",  # no token
    b"Bearer ",
    b"Basic dXNlcjpwYXNz",  # another scheme
    b"Bearer  TOKEN",  # the API server's SplitN: an empty token before the extra space
    b"\xe2\x98\x83",
])
def test_demo_server_answers_a_malformed_authorization_header_with_401(shared_cluster: DemoCluster,
                                                                        header: bytes) -> None:
    header = header.replace(b"TOKEN", shared_cluster.token.encode())
    assert raw_status(shared_cluster, header) == 401


def test_demo_server_accepts_its_token_in_any_scheme_case(shared_cluster: DemoCluster) -> None:
    assert raw_status(shared_cluster, f"Bearer {shared_cluster.token}".encode()) == 200
    assert raw_status(shared_cluster, f"bearer {shared_cluster.token}  ".encode()) == 200


def test_demo_cluster_port_out_of_range_is_a_usage_error(tmp_path: Path) -> None:
    for port in ("99999", "-1", "http"):
        result = subprocess.run([EPHEMERA, "demo-cluster", "--port", port], capture_output=True, text=True,
                                timeout=60, stdin=subprocess.DEVNULL, env={**os.environ, "HOME": str(tmp_path)})
        assert result.returncode == 2, result.stderr
        assert "Traceback" not in result.stderr
        assert result.stderr.splitlines()[-1].startswith("ephemera demo-cluster: error: argument --port: ")
        assert "0..65535" in result.stderr


def test_demo_cluster_busy_port_says_what_to_do(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = subprocess.run([EPHEMERA, "demo-cluster", "--port", str(port)], capture_output=True, text=True,
                                timeout=60, stdin=subprocess.DEVNULL, env={**os.environ, "HOME": str(tmp_path)})
    assert result.returncode == 1
    assert result.stderr == (f"ephemera demo-cluster: cannot listen on 127.0.0.1:{port}: the port is already in use "
                             "(pick another with --port, or --port 0 for a free one)\n")
