"""The `ephemera` command line as a user runs it: the installed console script, in a subprocess."""

from __future__ import annotations

import os
import pty
import re
import select
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import yaml

from tui.commands import discover_subcommands
from tui.commands.hosts import is_loopback

BIN = Path(sys.executable).parent
EPHEMERA = str(BIN / "ephemera")
ANSI = re.compile(rb"\x1b(\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(\x07|\x1b\\)|[()][0-9A-Za-z]|[=>78NOPMc])")


def clean_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    """No KUBECONFIG, an empty HOME, not in a cluster: nothing leaks in from the machine."""
    env = {k: v for k, v in os.environ.items() if k not in {"KUBECONFIG", "KUBERNETES_SERVICE_HOST", "KUBERNETES_SERVICE_PORT"}}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), **extra)
    return env


def run(args: list[str], env: dict[str, str], timeout: float = 30) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EPHEMERA, *args], env=env, capture_output=True, text=True, timeout=timeout,
                          stdin=subprocess.DEVNULL)


def write_kubeconfig(path: Path, server: str, contexts: list[str]) -> Path:
    path.write_text(yaml.safe_dump({
        "apiVersion": "v1", "kind": "Config", "current-context": contexts[0],
        "clusters": [{"name": "c", "cluster": {"server": server}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": n, "context": {"cluster": "c", "user": "u"}} for n in contexts],
    }))
    return path


def test_version(tmp_path: Path) -> None:
    from tui import __version__

    result = run(["--version"], clean_env(tmp_path))
    assert result.returncode == 0
    assert result.stdout.strip() == f"ephemera {__version__}"


def test_help_lists_options_commands_and_examples(tmp_path: Path) -> None:
    result = run(["--help"], clean_env(tmp_path))
    assert result.returncode == 0
    for word in ("--kubeconfig", "--context", "--namespace", "--all-namespaces", "--demo", "demo-cluster", "examples:"):
        assert word in result.stdout


@pytest.mark.parametrize("name", [c.name for c in discover_subcommands()])
def test_every_subcommand_has_help_with_examples(tmp_path: Path, name: str) -> None:
    result = run([name, "--help"], clean_env(tmp_path))
    assert result.returncode == 0
    assert result.stdout.startswith(f"usage: ephemera {name}")
    assert "examples:" in result.stdout


def test_missing_kubeconfig_file_exits_1_with_one_line(tmp_path: Path) -> None:
    result = run(["--kubeconfig", "/nonexistent"], clean_env(tmp_path))
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "ephemera: kubeconfig /nonexistent does not exist; check the --kubeconfig path, or run ephemera --demo\n"
    )


def test_no_kubeconfig_anywhere_exits_1(tmp_path: Path) -> None:
    result = run([], clean_env(tmp_path))
    assert result.returncode == 1
    assert result.stderr == (
        "ephemera: no kubeconfig found: looked in $KUBECONFIG, ~/.kube/config and in-cluster; "
        "pass --kubeconfig or run ephemera --demo\n"
    )


def test_unknown_context_lists_the_known_ones(tmp_path: Path) -> None:
    path = write_kubeconfig(tmp_path / "k", "https://127.0.0.1:6443", ["dev", "prod"])
    result = run(["--context", "staging"], clean_env(tmp_path, KUBECONFIG=str(path)))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1
    assert 'context "staging" does not exist' in result.stderr
    assert "known contexts: dev, prod" in result.stderr


def test_invalid_yaml_exits_1(tmp_path: Path) -> None:
    bad = tmp_path / "bad"
    bad.write_text("clusters: [\n- {name: x\n")
    result = run(["--kubeconfig", str(bad)], clean_env(tmp_path))
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "is not valid YAML" in result.stderr


def test_namespace_and_all_namespaces_exclude_each_other(tmp_path: Path) -> None:
    result = run(["-n", "x", "-A"], clean_env(tmp_path))
    assert result.returncode == 2
    assert "not allowed with argument" in result.stderr


def test_loopback_detection() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("localhost") and is_loopback("::1")
    assert not is_loopback("0.0.0.0") and not is_loopback("192.168.1.10")


# --- demo-cluster --------------------------------------------------------------------------------


def start_demo_cluster(tmp_path: Path, *args: str) -> tuple[subprocess.Popen[str], str, Path, list[str]]:
    proc = subprocess.Popen([EPHEMERA, "demo-cluster", *args], env=clean_env(tmp_path), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, stdin=subprocess.DEVNULL)
    assert proc.stdout is not None
    lines: list[str] = []
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        line = proc.stdout.readline()
        if not line:
            break
        lines.append(line.rstrip("\n"))
        if line.startswith("press Ctrl-C"):
            break
    address = next(m.group(1) for line in lines if (m := re.match(r"demo cluster listening on (https?://\S+)$", line)))
    kubeconfig = Path(next(line.split(": ", 1)[1] for line in lines if line.startswith("kubeconfig: ")))
    return proc, address, kubeconfig, lines


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_demo_cluster_serves_until_signalled(tmp_path: Path, sig: signal.Signals) -> None:
    from kubernetes.client import CoreV1Api

    from tui.kube.config import KubeConfig

    out = tmp_path / "demo.kubeconfig"
    proc, address, kubeconfig, lines = start_demo_cluster(tmp_path, "--kubeconfig-out", str(out))
    try:
        assert kubeconfig == out.resolve()
        assert f"  export KUBECONFIG={kubeconfig}" in lines
        assert f"  kubectl --kubeconfig {kubeconfig} get pods -A" in lines
        assert re.match(r"https?://127\.0\.0\.1:\d+$", address)
        assert out.stat().st_mode & 0o777 == 0o600
        conn = KubeConfig.load(out).connect()
        assert conn.server == address
        names = [p.metadata.name for p in CoreV1Api(conn.api_client).list_pod_for_all_namespaces().items]
        assert any(n.startswith("slim-") for n in names)
    finally:
        proc.send_signal(sig)
        stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "Traceback" not in stderr
    assert "demo cluster stopped" in stdout
    port = int(address.rsplit(":", 1)[1])
    with socket.socket() as s:
        assert s.connect_ex(("127.0.0.1", port)) != 0  # no longer serving


def test_demo_cluster_default_kubeconfig_is_temporary(tmp_path: Path) -> None:
    proc, _, kubeconfig, _ = start_demo_cluster(tmp_path, "--pods", "20")
    try:
        assert kubeconfig.is_file() and kubeconfig.stat().st_mode & 0o777 == 0o600
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert not kubeconfig.exists()


def test_kubectl_lists_the_demo_clusters_pods(tmp_path: Path, kubectl: str) -> None:
    out = tmp_path / "demo.kubeconfig"
    proc, _, _, _ = start_demo_cluster(tmp_path, "--kubeconfig-out", str(out))
    try:
        result = subprocess.run([kubectl, "--kubeconfig", str(out), "get", "pods", "-A"], capture_output=True,
                                text=True, timeout=30)
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.communicate(timeout=30)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split("\n")[0].split()[:3] == ["NAMESPACE", "NAME", "READY"]
    assert "slim-" in result.stdout


# --- the TUI starts even when the cluster is not reachable -------------------------------------


def run_in_pty(args: list[str], env: dict[str, str], wait_for: bytes, timeout: float = 30) -> tuple[int, bytes]:
    """Start ephemera on a pseudo-terminal, wait until `wait_for` is on screen, press q; (exit code, screen text)."""
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execve(EPHEMERA, [EPHEMERA, *args], {**env, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"})
    seen = b""
    deadline = time.monotonic() + timeout
    try:
        while time.monotonic() < deadline and wait_for not in ANSI.sub(b"", seen).replace(b"\r", b""):
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                try:
                    seen += os.read(fd, 65536)
                except OSError:
                    break
        text = ANSI.sub(b"", seen)
        assert wait_for in text.replace(b"\r", b""), text[-2000:]
        os.write(fd, b"q")
        end = time.monotonic() + 15
        while time.monotonic() < end:
            done, status = os.waitpid(pid, os.WNOHANG)
            if done:
                return os.waitstatus_to_exitcode(status), text
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    os.read(fd, 65536)
                except OSError:
                    pass
        os.kill(pid, signal.SIGKILL)
        os.waitpid(pid, 0)
        raise AssertionError("ephemera did not quit on q")
    finally:
        os.close(fd)


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_tui_starts_and_shows_an_unreachable_cluster(tmp_path: Path) -> None:
    port = closed_port()
    path = write_kubeconfig(tmp_path / "k", f"http://127.0.0.1:{port}", ["far-away"])
    code, _text = run_in_pty(["--kubeconfig", str(path)], clean_env(tmp_path), wait_for=b"far-away")
    assert code == 0


def test_demo_flag_runs_the_tui_on_an_in_process_cluster(tmp_path: Path) -> None:
    tmp = tmp_path / "tmp"
    tmp.mkdir()
    code, text = run_in_pty(["--demo"], clean_env(tmp_path, TMPDIR=str(tmp)), wait_for=b"slim-79487d6484-h4rss")
    assert code == 0
    assert b"demo" in text
    assert list(tmp.iterdir()) == []  # the temporary kubeconfig is gone


def test_demo_cluster_on_a_busy_port_exits_1_with_one_line(tmp_path: Path) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        result = run(["demo-cluster", "--port", str(port)], clean_env(tmp_path))
    assert result.returncode == 1
    assert result.stderr.startswith(f"ephemera demo-cluster: cannot listen on 127.0.0.1:{port}: ")
    assert result.stderr.count("\n") == 1 and "Traceback" not in result.stderr


LOGIN_PLUGIN = '''#!{python}
"""An exec plugin that logs in on the terminal: a prompt on stderr, the code read from stdin."""
import json, os, sys
print("Enter the code shown in your browser: ", end="", file=sys.stderr, flush=True)
code = sys.stdin.readline().strip()
with open(os.environ["PLUGIN_LOG"], "a") as log:
    log.write(json.dumps({{"code": code, "interactive": json.loads(os.environ["KUBERNETES_EXEC_INFO"])["spec"]["interactive"]}}) + "\\n")
print(json.dumps({{"apiVersion": "client.authentication.k8s.io/v1", "kind": "ExecCredential",
                  "status": {{"token": {token!r} if code == "4711" else "wrong"}}}}))
'''


def test_exec_plugin_logs_in_on_the_terminal_before_the_tui_takes_the_screen(shared_cluster, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    plugin, log = tmp_path / "login-plugin", tmp_path / "plugin.log"
    plugin.write_text(LOGIN_PLUGIN.format(python=sys.executable, token=shared_cluster.token))
    plugin.chmod(0o755)
    assert shared_cluster.kubeconfig_path is not None
    doc = yaml.safe_load(Path(shared_cluster.kubeconfig_path).read_text())
    doc["users"][0]["user"] = {"exec": {"apiVersion": "client.authentication.k8s.io/v1", "command": str(plugin),
                                        "env": [{"name": "PLUGIN_LOG", "value": str(log)}]}}
    path = tmp_path / "kubeconfig"
    path.write_text(yaml.safe_dump(doc))
    env = clean_env(tmp_path)
    pid, fd = pty.fork()
    if pid == 0:  # child
        os.execve(EPHEMERA, [EPHEMERA, "--kubeconfig", str(path)],
                  {**env, "TERM": "xterm-256color", "COLUMNS": "120", "LINES": "40"})
    seen = b""

    def wait(text: bytes, timeout: float = 30) -> None:
        nonlocal seen
        deadline = time.monotonic() + timeout
        while text not in ANSI.sub(b"", seen).replace(b"\r", b""):
            assert time.monotonic() < deadline, ANSI.sub(b"", seen)[-2000:]
            ready, _, _ = select.select([fd], [], [], 0.2)
            if ready:
                seen += os.read(fd, 65536)

    try:
        wait(b"Enter the code shown in your browser: ")  # on the plain terminal, before any TUI
        assert b"\x1b[?1049h" not in seen  # the TUI has not switched to the alternate screen yet
        os.write(fd, b"4711\n")
        wait(b"slim-79487d6484-h4rss")  # logged in: the TUI lists the pods
        os.write(fd, b"q")
        deadline = time.monotonic() + 15
        while not os.waitpid(pid, os.WNOHANG)[0]:
            assert time.monotonic() < deadline, "ephemera did not quit on q"
            if select.select([fd], [], [], 0.1)[0]:
                try:
                    os.read(fd, 65536)
                except OSError:
                    pass
        pid = 0
    finally:
        if pid:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    calls = list(log.read_text().splitlines())
    assert len(calls) == 1 and '"code": "4711"' in calls[0] and '"interactive": true' in calls[0]


def test_config_option_naming_a_missing_file_says_so(tmp_path: Path) -> None:
    result = run(["--config", str(tmp_path / "nope.toml"), "--kubeconfig", "/nonexistent"], clean_env(tmp_path))
    assert f"--config {tmp_path / 'nope.toml'}: no such file; using the defaults" in result.stderr
