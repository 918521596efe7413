"""ClusterConnection against the real demo cluster: version check, one-line errors, exec plugins."""

from __future__ import annotations

import datetime
import json
import os
import pty
import socket
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from kubernetes.client import CoreV1Api
from kubernetes.client.exceptions import ApiException

from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.errors import ErrorKind

EXEC_API = "client.authentication.k8s.io/v1"

PLUGIN = '''#!{python}
"""A fake exec credential plugin: token from a file, or failure with a message on stderr."""
import json, os, sys
state = os.environ["PLUGIN_DIR"]
with open(os.path.join(state, "calls.jsonl"), "a") as log:
    info = json.loads(os.environ["KUBERNETES_EXEC_INFO"])
    log.write(json.dumps({{"interactive": info["spec"]["interactive"], "stdin_tty": os.isatty(0),
                          "stdin": sys.stdin.read() if not os.isatty(0) else "<tty>"}}) + "\\n")
mode = open(os.path.join(state, "mode")).read().strip()
if mode == "fail":
    print("error: the SSO session has expired; run `aws sso login`", file=sys.stderr)
    sys.exit(3)
print("chatter the TUI must never show", file=sys.stderr)
token = open(os.path.join(state, "token")).read().strip()
print(json.dumps({{"apiVersion": "{api}", "kind": "ExecCredential", "status": {{"token": token}}}}))
'''


def write_kubeconfig(path: Path, server: str, user: dict[str, Any], context: str = "ctx",
                     cluster_extra: dict[str, Any] | None = None) -> Path:
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1",
        "kind": "Config",
        "current-context": context,
        "clusters": [{"name": "c", "cluster": {"server": server, **(cluster_extra or {})}}],
        "users": [{"name": "u", "user": user}],
        "contexts": [{"name": context, "context": {"cluster": "c", "user": "u"}}],
    }))
    return path


def demo_kubeconfig(cluster: DemoCluster, path: Path, user: dict[str, Any], *, keep_ca: bool = True) -> Path:
    """The demo cluster's own kubeconfig (server, CA) with another user, renamed context "ctx"."""
    assert cluster.kubeconfig_path is not None
    doc = yaml.safe_load(Path(cluster.kubeconfig_path).read_text())
    server_entry = dict(doc["clusters"][0]["cluster"])
    if not keep_ca:
        server_entry.pop("certificate-authority-data", None)
        server_entry.pop("certificate-authority", None)
    server = server_entry.pop("server")
    return write_kubeconfig(path, server, user, cluster_extra=server_entry)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_check_returns_the_version(shared_cluster: DemoCluster) -> None:
    conn = KubeConfig.load(shared_cluster.kubeconfig_path).connect()
    assert conn.context == "ephemera-demo"
    assert conn.server == shared_cluster.url
    assert conn.namespace == "default"
    version = conn.check(timeout=2)
    assert version["major"] == "1" and version["gitVersion"].startswith("v1.")


def test_api_client_lists_pods(shared_cluster: DemoCluster) -> None:
    conn = KubeConfig.load(shared_cluster.kubeconfig_path).connect()
    pods = CoreV1Api(conn.api_client).list_namespaced_pod("default")
    assert any(p.metadata.name.startswith("slim-") for p in pods.items)
    stream_client = conn.new_api_client()
    assert CoreV1Api(stream_client).list_namespaced_pod("default").items


def test_wrong_token_gives_the_401_message(shared_cluster: DemoCluster, tmp_path: Path) -> None:
    path = demo_kubeconfig(shared_cluster, tmp_path / "k", {"token": "not-the-token"})
    conn = KubeConfig.load(path).connect()
    with pytest.raises(Exception) as err:
        conn.check(timeout=2)
    assert err.value.kind == ErrorKind.UNAUTHORIZED  # type: ignore[attr-defined]
    assert str(err.value).startswith(f"the API server at {shared_cluster.url} (context 'ctx') rejected the credentials (401 Unauthorized)")
    with pytest.raises(ApiException) as api_err:
        CoreV1Api(conn.api_client).list_namespaced_pod("default")
    described = conn.describe(api_err.value)
    assert described.kind == ErrorKind.UNAUTHORIZED and "log in again" in described.hint


def test_unreachable_server_says_the_address(tmp_path: Path) -> None:
    server = f"http://127.0.0.1:{closed_port()}"
    conn = KubeConfig.load(write_kubeconfig(tmp_path / "k", server, {"token": "t"})).connect()
    with pytest.raises(Exception) as err:
        conn.check(timeout=2)
    assert err.value.kind == ErrorKind.UNREACHABLE  # type: ignore[attr-defined]
    assert f"cannot reach the API server at {server}" in str(err.value)
    assert "connection refused" in str(err.value)
    assert "\n" not in str(err.value)


def test_https_against_a_plain_http_port_is_a_tls_error(tmp_path: Path) -> None:
    with DemoCluster(tls=False, seed=False) as plain:
        assert plain.url.startswith("http://")
        server = plain.url.replace("http://", "https://")
        conn = KubeConfig.load(write_kubeconfig(tmp_path / "k", server, {"token": plain.token})).connect()
        with pytest.raises(Exception) as err:
            conn.check(timeout=2)
    assert err.value.kind == ErrorKind.TLS  # type: ignore[attr-defined]
    assert str(err.value).startswith(f"TLS handshake with {server} (context 'ctx') failed: the server does not speak TLS")


def test_untrusted_certificate_is_a_tls_error_naming_the_server(shared_cluster: DemoCluster, tmp_path: Path) -> None:
    path = demo_kubeconfig(shared_cluster, tmp_path / "k", {"token": shared_cluster.token}, keep_ca=False)
    conn = KubeConfig.load(path).connect()
    with pytest.raises(Exception) as err:
        conn.check(timeout=2)
    assert err.value.kind == ErrorKind.TLS  # type: ignore[attr-defined]
    assert f"TLS handshake with {shared_cluster.url} (context 'ctx') failed: certificate verify failed" in str(err.value)
    assert "certificate-authority" in err.value.hint  # type: ignore[attr-defined]


def test_unknown_certificate_authority_file_is_a_config_error(tmp_path: Path) -> None:
    path = write_kubeconfig(tmp_path / "k", "https://127.0.0.1:6443", {"token": "t"},
                            cluster_extra={"certificate-authority": str(tmp_path / "missing-ca.pem")})
    kc = KubeConfig.load(path)
    with pytest.raises(Exception) as err:
        kc.connect()
    assert "missing-ca.pem" in str(err.value)


# --- exec credential plugins ---------------------------------------------------------------------


@pytest.fixture()
def plugin(tmp_path: Path) -> Iterator[Path]:
    state = tmp_path / "plugin"
    state.mkdir()
    script = state / "fake-auth-plugin"
    script.write_text(PLUGIN.format(python=sys.executable, api=EXEC_API))
    script.chmod(0o755)
    (state / "mode").write_text("ok")
    yield state


def exec_user(state: Path, **extra: Any) -> dict[str, Any]:
    return {"exec": {"apiVersion": EXEC_API, "command": str(state / "fake-auth-plugin"),
                     "env": [{"name": "PLUGIN_DIR", "value": str(state)}], **extra}}


def calls(state: Path) -> list[dict[str, Any]]:
    log = state / "calls.jsonl"
    return [json.loads(line) for line in log.read_text().splitlines()] if log.exists() else []


def test_exec_plugin_token_is_used(shared_cluster: DemoCluster, plugin: Path, tmp_path: Path,
                                   capfd: pytest.CaptureFixture[str]) -> None:
    (plugin / "token").write_text(shared_cluster.token)
    kc = KubeConfig.load(demo_kubeconfig(shared_cluster, tmp_path / "k", exec_user(plugin)))
    conn = kc.connect()
    assert conn.check(timeout=2)["major"] == "1"
    assert len(calls(plugin)) == 1  # resolved once, in connect()
    assert "chatter" not in capfd.readouterr().err  # stdin is not a TTY here: stderr is captured


def test_failing_exec_plugin_error_text_goes_into_the_error(shared_cluster: DemoCluster, plugin: Path,
                                                             tmp_path: Path, capfd: pytest.CaptureFixture[str]) -> None:
    (plugin / "mode").write_text("fail")
    kc = KubeConfig.load(demo_kubeconfig(shared_cluster, tmp_path / "k", exec_user(plugin, installHint="install the fake plugin")))
    with pytest.raises(Exception) as err:
        kc.connect()
    text = str(err.value)
    assert err.value.kind == ErrorKind.EXEC_PLUGIN  # type: ignore[attr-defined]
    assert "fake-auth-plugin" in text and "exit code 3" in text
    assert "the SSO session has expired; run `aws sso login`" in text
    assert "install the fake plugin" in text
    assert "\n" not in text
    assert "SSO" not in capfd.readouterr().err


def test_missing_exec_plugin(tmp_path: Path) -> None:
    user = {"exec": {"apiVersion": EXEC_API, "command": "definitely-not-installed-auth-plugin"}}
    kc = KubeConfig.load(write_kubeconfig(tmp_path / "k", "https://127.0.0.1:6443", user))
    with pytest.raises(Exception) as err:
        kc.connect()
    assert "'definitely-not-installed-auth-plugin' was not found on PATH" in str(err.value)
    assert "put its directory on PATH" in err.value.hint  # type: ignore[attr-defined]


def test_refresh_after_401_runs_the_plugin_again(shared_cluster: DemoCluster, plugin: Path, tmp_path: Path) -> None:
    (plugin / "token").write_text("stale-token")
    kc = KubeConfig.load(demo_kubeconfig(shared_cluster, tmp_path / "k", exec_user(plugin)))
    conn = kc.connect()
    with pytest.raises(Exception) as err:
        conn.check(timeout=2)
    assert err.value.kind == ErrorKind.UNAUTHORIZED  # type: ignore[attr-defined]
    (plugin / "token").write_text(shared_cluster.token)  # the user logged in again meanwhile
    conn.refresh_credentials()
    assert conn.check(timeout=2)["major"] == "1"
    assert CoreV1Api(conn.api_client).list_namespaced_pod("default").items  # the shared client sees it too
    assert len(calls(plugin)) == 2


def test_plugin_never_gets_the_terminal_once_the_tui_runs(shared_cluster: DemoCluster, plugin: Path, tmp_path: Path,
                                                         capfd: pytest.CaptureFixture[str],
                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    """With a real TTY on stdin: interactive before the TUI (like kubectl), captured afterwards."""
    (plugin / "token").write_text(shared_cluster.token)
    master, slave = pty.openpty()
    try:
        with os.fdopen(os.dup(slave), "r") as tty_stdin:
            monkeypatch.setattr(sys, "stdin", tty_stdin)
            kc = KubeConfig.load(demo_kubeconfig(shared_cluster, tmp_path / "k", exec_user(plugin)))
            conn = kc.connect()  # before the TUI: the plugin may prompt on the terminal
            first = calls(plugin)[-1]
            assert first["interactive"] is True and first["stdin_tty"] is True
            assert "chatter" in capfd.readouterr().err  # passed through, as kubectl does

            kc.interactive = False  # the TUI takes the screen
            conn.refresh_credentials()
            second = calls(plugin)[-1]
            assert second["interactive"] is False and second["stdin_tty"] is False and second["stdin"] == ""
            assert capfd.readouterr().err == ""  # nothing scribbled over the UI

            (plugin / "mode").write_text("fail")
            with pytest.raises(Exception) as err:
                conn.refresh_credentials()
            assert "SSO session has expired" in str(err.value)
            assert capfd.readouterr().err == ""
    finally:
        os.close(master)
        os.close(slave)


# --- server errors from the real demo API server -------------------------------------------------


def test_403_names_the_missing_verb_and_resource(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.deny("list", "pods", namespace="default")
    conn = KubeConfig.load(demo_cluster.kubeconfig_path).connect()
    with pytest.raises(ApiException) as api_err:
        CoreV1Api(conn.api_client).list_namespaced_pod("default")
    err = conn.describe(api_err.value)
    assert err.kind == ErrorKind.FORBIDDEN and err.status == 403
    assert 'cannot list resource "pods"' in err.message
    assert 'verb "list" on "pods" in namespace "default"' in err.hint
    assert "kubectl auth can-i list pods -n default" in err.hint


def test_500_mentions_server_and_status(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.fail_requests(status=500, count=1, path_contains="/version")
    conn = KubeConfig.load(demo_cluster.kubeconfig_path).connect()
    with pytest.raises(Exception) as err:
        conn.check(timeout=2)
    assert err.value.kind == ErrorKind.SERVER_ERROR  # type: ignore[attr-defined]
    assert f"the API server at {demo_cluster.url} (context 'ephemera-demo') failed (500" in str(err.value)
    assert conn.check(timeout=2)["major"] == "1"  # the next call works again


def test_missing_pod_is_a_404_with_the_servers_message(shared_cluster: DemoCluster) -> None:
    conn = KubeConfig.load(shared_cluster.kubeconfig_path).connect()
    with pytest.raises(ApiException) as api_err:
        CoreV1Api(conn.api_client).read_namespaced_pod("no-such-pod", "default")
    err = conn.describe(api_err.value)
    assert err.kind == ErrorKind.NOT_FOUND
    assert err.message == 'pods "no-such-pod" not found'


def test_websocket_handshake_error_is_described(shared_cluster: DemoCluster) -> None:
    from kubernetes.stream import stream

    conn = KubeConfig.load(shared_cluster.kubeconfig_path).connect()
    with pytest.raises(ApiException) as api_err:
        stream(CoreV1Api(conn.new_api_client()).connect_get_namespaced_pod_exec, "no-such-pod", "default",
               command=["sh"], stdin=False, stdout=True, stderr=True, tty=False)
    err = conn.describe(api_err.value)
    assert err.kind == ErrorKind.NOT_FOUND and err.status == 404
    assert 'pods "no-such-pod" not found' in err.message


# --- client certificates from an exec plugin: refreshed for every existing client ----------------

CERT_PLUGIN = '''#!{python}
"""A fake exec plugin handing out client certificates: the Nth run prints the Nth entry of certs.json."""
import datetime, json, os
state = os.environ["PLUGIN_DIR"]
runs = os.path.join(state, "runs")
n = int(open(runs).read()) if os.path.exists(runs) else 0
open(runs, "w").write(str(n + 1))
certs = json.load(open(os.path.join(state, "certs.json")))
entry = certs[min(n, len(certs) - 1)]
status = {{"clientCertificateData": entry["cert"], "clientKeyData": entry["key"]}}
if entry.get("expires") == "soon":  # 3 s after the client's 5-minute early refresh margin
    soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(minutes=5, seconds=3)
    status["expirationTimestamp"] = soon.strftime("%Y-%m-%dT%H:%M:%SZ")
elif entry.get("expires"):
    status["expirationTimestamp"] = entry["expires"]
print(json.dumps({{"apiVersion": "{api}", "kind": "ExecCredential", "status": status}}))
'''


def cert_plugin_kubeconfig(cluster: DemoCluster, tmp_path: Path, certs: list[dict[str, str]]) -> Path:
    state = tmp_path / "cert-plugin"
    state.mkdir()
    script = state / "cert-plugin"
    script.write_text(CERT_PLUGIN.format(python=sys.executable, api=EXEC_API))
    script.chmod(0o755)
    (state / "certs.json").write_text(json.dumps(certs))
    user = {"exec": {"apiVersion": EXEC_API, "command": str(script),
                     "env": [{"name": "PLUGIN_DIR", "value": str(state)}]}}
    return demo_kubeconfig(cluster, tmp_path / "kubeconfig", user)


def cert_entry(cert: Any, expires: str = "") -> dict[str, str]:
    return {"cert": cert.cert_pem.decode(), "key": cert.key_pem.decode(), "expires": expires}


def plugin_runs(kubeconfig: Path) -> int:
    return int((kubeconfig.parent / "cert-plugin" / "runs").read_text())


def test_demo_server_accepts_a_client_certificate_and_401s_a_revoked_one(shared_cluster: DemoCluster,
                                                                          tmp_path: Path) -> None:
    cert = shared_cluster.issue_client_certificate("alice")
    kc = KubeConfig.load(cert_plugin_kubeconfig(shared_cluster, tmp_path, [cert_entry(cert)]))
    conn = kc.connect()
    assert CoreV1Api(conn.api_client).list_namespaced_pod("default").items
    shared_cluster.faults.revoke_client_certificate(cert.serial)
    with pytest.raises(ApiException) as err:
        CoreV1Api(conn.api_client).list_namespaced_pod("default")
    assert err.value.status == 401
    kc.close()


def test_expired_exec_client_certificate_is_refreshed_for_existing_clients(shared_cluster: DemoCluster,
                                                                          tmp_path: Path) -> None:
    """The plugin's first certificate expires a few seconds after connect() (time for the first
    requests on a busy machine): the next request through the clients created before runs the
    plugin again and uses the new certificate."""
    stale, fresh = shared_cluster.issue_client_certificate("stale"), shared_cluster.issue_client_certificate("fresh")
    path = cert_plugin_kubeconfig(shared_cluster, tmp_path, [cert_entry(stale, "soon"),
                                                             cert_entry(fresh, "2999-01-01T00:00:00Z")])
    kc = KubeConfig.load(path)
    conn = kc.connect()  # runs the plugin once: the certificate that expires soon
    watch_client = conn.new_api_client()  # a second client made before the refresh
    for client in (conn.api_client, watch_client):
        assert CoreV1Api(client).list_namespaced_pod("default").items  # pools hold the stale certificate
    assert plugin_runs(path) == 1
    deadline = time.monotonic() + 10  # wait for the expiry (with the 5-minute margin) to pass
    while datetime.datetime.now(datetime.UTC) < conn._loader.expiry - datetime.timedelta(minutes=5):
        assert time.monotonic() < deadline
        time.sleep(0.05)
    shared_cluster.faults.revoke_client_certificate(stale.serial)
    assert CoreV1Api(conn.api_client).list_namespaced_pod("default").items
    assert CoreV1Api(watch_client).list_namespaced_pod("default").items
    assert conn.check(timeout=2)["major"] == "1"
    assert plugin_runs(path) == 2  # once for all clients: the fresh one has not expired
    kc.close()


def test_refresh_after_401_reaches_clients_holding_the_old_certificate(shared_cluster: DemoCluster,
                                                                        tmp_path: Path) -> None:
    old, new = shared_cluster.issue_client_certificate("old"), shared_cluster.issue_client_certificate("new")
    path = cert_plugin_kubeconfig(shared_cluster, tmp_path, [cert_entry(old), cert_entry(new)])
    kc = KubeConfig.load(path)
    conn = kc.connect()
    clients = [conn.api_client, conn.new_api_client()]
    for client in clients:
        assert CoreV1Api(client).list_namespaced_pod("default").items  # pools now hold the old certificate
    shared_cluster.faults.revoke_client_certificate(old.serial)  # rotated on the server side
    with pytest.raises(ApiException) as err:
        CoreV1Api(conn.api_client).list_namespaced_pod("default")
    assert err.value.status == 401
    conn.refresh_credentials()  # what the pod watch does after a 401
    for client in clients:
        assert CoreV1Api(client).list_namespaced_pod("default").items
    kc.close()


def test_interactive_only_plugin_inside_the_tui_says_to_log_in_from_a_shell(shared_cluster: DemoCluster,
                                                                           plugin: Path, tmp_path: Path) -> None:
    """A context picked inside the TUI whose plugin insists on a terminal: no hang, one line saying what to do."""
    (plugin / "token").write_text(shared_cluster.token)
    kc = KubeConfig.load(demo_kubeconfig(shared_cluster, tmp_path / "k", exec_user(plugin, interactiveMode="Always")))
    kc.interactive = False  # the TUI owns the terminal
    with pytest.raises(Exception) as err:
        kc.connect()
    text = str(err.value)
    assert err.value.kind == ErrorKind.EXEC_PLUGIN  # type: ignore[attr-defined]
    assert "needs an interactive login" in text
    assert "quit and start `ephemera --context ctx` from a terminal" in text
    assert "\n" not in text
    assert calls(plugin) == []  # never started without a terminal


def test_plugin_waiting_for_a_login_is_stopped_with_what_it_said(shared_cluster: DemoCluster, tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import tui.kube.connection as connection

    monkeypatch.setattr(connection, "EXEC_PLUGIN_TIMEOUT", 0.5)
    script = tmp_path / "browser-login"
    script.write_text(f"#!{sys.executable}\nimport sys, time\n"
                      "print('Please visit https://login.example/device and enter code ABCD', file=sys.stderr)\n"
                      "sys.stderr.flush()\ntime.sleep(30)\n")
    script.chmod(0o755)
    kc = KubeConfig.load(demo_kubeconfig(shared_cluster, tmp_path / "k",
                                         {"exec": {"apiVersion": EXEC_API, "command": str(script)}}))
    kc.interactive = False
    with pytest.raises(Exception) as err:
        kc.connect()
    text = str(err.value)
    assert "did not answer within 0.5s, probably waiting for a login" in text
    assert "it said: Please visit https://login.example/device and enter code ABCD" in text
    assert "log in from a shell first (e.g. `kubectl --context ctx get --raw /version`), then press r" in text


# --- in-cluster: the service-account token file is re-read -----------------------------------------


def test_in_cluster_token_file_is_reread_after_a_401_and_every_minute(shared_cluster: DemoCluster,
                                                                       tmp_path: Path) -> None:
    sa = tmp_path / "serviceaccount"
    sa.mkdir()
    (sa / "token").write_text("rotated-away")
    assert shared_cluster.ca_pem is not None
    (sa / "ca.crt").write_bytes(shared_cluster.ca_pem)
    (sa / "namespace").write_text("default")
    env = {"KUBERNETES_SERVICE_HOST": "127.0.0.1", "KUBERNETES_SERVICE_PORT": str(shared_cluster.port),
           "HOME": str(tmp_path)}
    kc = KubeConfig.load(environ=env, service_account_dir=sa)
    conn = kc.connect()
    api = CoreV1Api(conn.api_client)
    with pytest.raises(ApiException) as err:
        api.list_namespaced_pod("default")
    assert err.value.status == 401
    (sa / "token").write_text(shared_cluster.token)  # the kubelet rotated the projected token
    conn.refresh_credentials()  # what the pod watch does after a 401
    assert api.list_namespaced_pod("default").items

    (sa / "token").write_text("rotated-again")
    conn._loader.token_expires_at = datetime.datetime.now()  # a minute has passed
    with pytest.raises(ApiException) as err:
        api.list_namespaced_pod("default")  # re-read before the request: the new (wrong) token is used
    assert err.value.status == 401
    kc.close()


EXPIRING_PLUGIN = '''#!{python}
"""First run: a token that counts as expired 3 s later (refreshed 5 minutes early, as
client-go does); later runs: the login has expired."""
import datetime, json, os, sys
state = os.environ["PLUGIN_DIR"]
runs = os.path.join(state, "runs")
count = int(open(runs).read()) if os.path.exists(runs) else 0
open(runs, "w").write(str(count + 1))
if count:
    print("error: the SSO session has expired; run `aws sso login`", file=sys.stderr)
    sys.exit(3)
soon = datetime.datetime.now(datetime.timezone.utc) + datetime.timedelta(seconds=303)
status = {{"token": open(os.path.join(state, "token")).read().strip(),
          "expirationTimestamp": soon.strftime("%Y-%m-%dT%H:%M:%SZ")}}
print(json.dumps({{"apiVersion": "{api}", "kind": "ExecCredential", "status": status}}))
'''


def test_watch_with_a_failing_credential_plugin_is_failed_not_a_fast_reconnect_loop(
        shared_cluster: DemoCluster, tmp_path: Path) -> None:
    """The plugin's login expired: the watch says so (failed, the plugin's words, a slow retry)
    rather than re-running the plugin on the fast reconnect backoff."""
    from tui.kube.pod_watch import PodWatcher, WatchStatus

    state = tmp_path / "expiring"
    state.mkdir()
    script = state / "fake-auth-plugin"
    script.write_text(EXPIRING_PLUGIN.format(python=sys.executable, api=EXEC_API))
    script.chmod(0o755)
    (state / "token").write_text(shared_cluster.token)
    conn = KubeConfig.load(demo_kubeconfig(shared_cluster, tmp_path / "k", exec_user(state))).connect()
    statuses: list[WatchStatus] = []
    watcher = PodWatcher(conn, "default", on_batch=lambda batch: None, on_status=statuses.append,
                         forbidden_retry=60.0)
    watcher.start()
    try:
        deadline = time.monotonic() + 10
        while not any(s.state == "live" for s in statuses) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert any(s.state == "live" for s in statuses), statuses
        time.sleep(3.5)  # the token (nearly) expires
        shared_cluster.faults.drop_watches()  # the next request needs fresh credentials
        deadline = time.monotonic() + 10
        while not (statuses and statuses[-1].state == "failed") and time.monotonic() < deadline:
            time.sleep(0.05)
        failed = statuses[-1]
        assert failed.state == "failed", statuses
        assert "aws sso login" in failed.reason + failed.hint
        time.sleep(1.0)
        assert int((state / "runs").read_text()) == 2  # not re-run on a fast backoff
    finally:
        watcher.stop()
        conn.close()
