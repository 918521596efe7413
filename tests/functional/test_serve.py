"""`ephemera serve`: the TUI in a browser through textual-serve, as a user starts it."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest

EPHEMERA = str(Path(sys.executable).parent / "ephemera")


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def clean_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in {"KUBECONFIG", "KUBERNETES_SERVICE_HOST"}}
    home = tmp_path / "home"
    home.mkdir(exist_ok=True)
    env.update(HOME=str(home), XDG_STATE_HOME=str(tmp_path / "state"), XDG_CONFIG_HOME=str(tmp_path / "config"))
    return env


async def wait_for_page(url: str, process: subprocess.Popen[bytes], timeout: float = 20.0) -> tuple[int, str]:
    deadline = time.monotonic() + timeout
    async with aiohttp.ClientSession() as session:
        while True:
            assert process.poll() is None, "ephemera serve exited before answering"
            try:
                async with session.get(url) as response:
                    return response.status, await response.text()
            except aiohttp.ClientConnectionError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)


async def first_screen(ws_url: str, needle: bytes, timeout: float = 30.0) -> bytes:
    """Connect like the browser page does and collect the served app's output until `needle` shows."""
    seen = b""
    async with aiohttp.ClientSession() as session, session.ws_connect(ws_url) as ws:
        await ws.send_json(["resize", {"width": 100, "height": 30}])
        deadline = time.monotonic() + timeout
        while needle not in seen:
            message = await asyncio.wait_for(ws.receive(), max(0.1, deadline - time.monotonic()))
            if message.type == aiohttp.WSMsgType.BINARY:
                seen += message.data
            elif message.type == aiohttp.WSMsgType.TEXT:
                seen += message.data.encode()
            else:
                break
    return seen


@pytest.fixture()
def served_demo(tmp_path: Path):
    port = free_port()
    process = subprocess.Popen([EPHEMERA, "serve", "--demo", "--port", str(port)], env=clean_env(tmp_path),
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


async def test_serve_demo_answers_on_loopback_and_stops_on_sigterm(served_demo) -> None:
    process, port = served_demo
    status, page = await wait_for_page(f"http://127.0.0.1:{port}/", process)
    assert status == 200
    assert "textual.js" in page  # textual-serve's page, which opens the app's WebSocket
    assert f"ws://127.0.0.1:{port}/ws" in page

    started = time.monotonic()
    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 0
    assert time.monotonic() - started < 5
    out = process.stdout.read().decode()
    assert f"http://127.0.0.1:{port}" in out


async def test_serve_demo_runs_ephemera_per_browser_tab(served_demo) -> None:
    process, port = served_demo
    await wait_for_page(f"http://127.0.0.1:{port}/", process)
    screen = await first_screen(f"ws://127.0.0.1:{port}/ws?width=100&height=30", b"slim")
    assert b"slim" in screen  # the demo cluster's pods, drawn by the served `ephemera --demo`
    process.send_signal(signal.SIGTERM)
    assert process.wait(15) == 0


def test_non_loopback_without_tty_or_yes_is_refused_with_the_warning(tmp_path: Path) -> None:
    port = free_port()
    result = subprocess.run([EPHEMERA, "serve", "--demo", "--host", "0.0.0.0", "--port", str(port)],
                            env=clean_env(tmp_path), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 2
    assert "not a loopback address" in result.stderr
    assert "no login" in result.stderr
    assert "--yes" in result.stderr
    with socket.socket() as sock:  # nothing was left listening
        assert sock.connect_ex(("127.0.0.1", port)) != 0


def test_non_loopback_on_a_tty_names_the_context_and_needs_yes(tmp_path: Path) -> None:
    import pty

    kubeconfig = tmp_path / "kubeconfig"
    kubeconfig.write_text(
        "apiVersion: v1\nkind: Config\ncurrent-context: prod\n"
        "clusters: [{name: c, cluster: {server: 'https://127.0.0.1:1'}}]\n"
        "users: [{name: u, user: {token: t}}]\n"
        "contexts: [{name: prod, context: {cluster: c, user: u}}]\n")
    controller, terminal = pty.openpty()
    process = subprocess.Popen([EPHEMERA, "serve", "--kubeconfig", str(kubeconfig), "--host", "0.0.0.0",
                                "--port", str(free_port())], env=clean_env(tmp_path), stdin=terminal,
                               stdout=terminal, stderr=terminal)
    os.close(terminal)
    output = b""
    try:
        deadline = time.monotonic() + 20
        while b"Type 'yes'" not in output and time.monotonic() < deadline:
            output += os.read(controller, 4096)
        os.write(controller, b"no\n")
        assert process.wait(20) == 2
        while True:
            try:
                chunk = os.read(controller, 4096)
            except OSError:
                break
            if not chunk:
                break
            output += chunk
    finally:
        if process.poll() is None:
            process.kill()
        os.close(controller)
    text = output.decode(errors="replace")
    assert "YOUR cluster credentials (context 'prod')" in text
    assert "not started" in text


def test_served_command_is_this_python_running_ephemera_with_the_cluster_options() -> None:
    from tui.cli import build_parser
    from tui.commands.serve_command import served_command

    args = build_parser().parse_args(["serve", "--kubeconfig", "k.yaml", "--context", "prod", "-n", "shop"])
    assert served_command(args) == [sys.executable, "-m", "tui", "--kubeconfig", os.path.abspath("k.yaml"),
                                    "--context", "prod", "--namespace", "shop"]
    args = build_parser().parse_args(["serve", "--demo", "-A"])
    assert served_command(args) == [sys.executable, "-m", "tui", "--demo", "--all-namespaces"]
    args = build_parser().parse_args(["--demo", "serve"])  # the top-level flag works too
    assert served_command(args)[3:] == ["--demo"]
