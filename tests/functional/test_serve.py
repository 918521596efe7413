"""`ephemera serve`: the TUI in a browser through textual-serve, as a user starts it, and what keeps
everyone else out: the secret URL it prints, the Host and Origin checks, and sessions that never run
a `tui/` from the current directory."""

from __future__ import annotations

import asyncio
import os
import re
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import aiohttp
import pytest
from yarl import URL

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


async def printed_url(process: subprocess.Popen[bytes], timeout: float = 20.0) -> str:
    """The `http://HOST:PORT/?token=...` line `ephemera serve` prints for the user to open."""
    deadline = time.monotonic() + timeout
    assert process.stdout is not None
    while True:
        line = await asyncio.wait_for(asyncio.to_thread(process.stdout.readline),
                                      max(0.1, deadline - time.monotonic()))
        assert line, "ephemera serve exited without printing its URL"
        text = line.decode().strip()
        if text.startswith("http") and "?token=" in text:
            return text


def page_websocket(page: str) -> str:
    """The WebSocket URL textual-serve's page opens (under the run's random path)."""
    match = re.search(r'data-session-websocket-url="(wss?://[^"]+)"', page)
    assert match, page[:300]
    return match.group(1)


def browser() -> aiohttp.ClientSession:
    """A client that keeps cookies like a browser, 127.0.0.1's included."""
    return aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))


async def wait_for_page(url: str, process: subprocess.Popen[bytes], timeout: float = 20.0,
                        session: aiohttp.ClientSession | None = None,
                        headers: dict[str, str] | None = None) -> tuple[int, str]:
    """GET `url` once the server listens (it prints its URL a moment before)."""
    deadline = time.monotonic() + timeout
    own = session is None
    session = session or aiohttp.ClientSession()
    try:
        while True:
            assert process.poll() is None, "ephemera serve exited before answering"
            try:
                async with session.get(url, headers=headers) as response:
                    return response.status, await response.text()
            except aiohttp.ClientConnectionError:
                if time.monotonic() > deadline:
                    raise
                await asyncio.sleep(0.05)
    finally:
        if own:
            await session.close()


async def first_screen(ws_url: str, needle: bytes, session: aiohttp.ClientSession, origin: str,
                       timeout: float = 30.0) -> bytes:
    """Connect like the browser page does (its cookie, its Origin) and collect the served app's
    output until `needle` shows."""
    seen = b""
    async with session.ws_connect(ws_url, origin=origin) as ws:
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


def start_serve_demo(tmp_path: Path, port: int, cwd: Path | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen([EPHEMERA, "serve", "--demo", "--port", str(port)], cwd=cwd, env=clean_env(tmp_path),
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture()
def served_demo(tmp_path: Path):
    port = free_port()
    process = start_serve_demo(tmp_path, port)
    try:
        yield process, port
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


async def test_serve_demo_answers_its_printed_url_on_loopback_and_stops_on_sigterm(served_demo) -> None:
    process, port = served_demo
    url = await printed_url(process)
    assert url.startswith(f"http://127.0.0.1:{port}/?token=")
    assert len(url.split("?token=", 1)[1]) >= 43  # 32 random bytes, URL-safe base64
    async with browser() as session:
        status, page = await wait_for_page(url, process, session=session)
    assert status == 200
    assert "textual.js" in page  # textual-serve's page, which opens the app's WebSocket
    ws = page_websocket(page)
    assert re.fullmatch(rf"ws://127\.0\.0\.1:{port}/[A-Za-z0-9_-]{{16}}/ws", ws), ws  # under the run's path
    assert "token=" not in page  # the page the browser keeps does not repeat the secret

    process.send_signal(signal.SIGTERM)
    assert process.wait(10) == 0
    out = process.stdout.read().decode()
    assert "token=<secret>" in out  # the request line was logged without the secret
    assert url.split("?token=", 1)[1] not in out  # (the printed URL itself was read above)


async def raw_request(port: int, data: bytes) -> bytes:
    """Send bytes as they are (what aiohttp's parser refuses) and read the answer's first line."""
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        writer.write(data)
        await writer.drain()
        return await asyncio.wait_for(reader.readline(), 30)
    finally:
        writer.close()


async def test_requests_aiohttp_cannot_parse_do_not_print_the_secret(served_demo) -> None:
    """aiohttp logs a request it cannot parse with its traceback, whose locals and message quote
    the raw request line: `?token=` and the cookie must not reach the server's output."""
    process, port = served_demo
    url = await printed_url(process)
    secret = url.split("?token=", 1)[1]
    await wait_for_page(url, process)
    host = f"127.0.0.1:{port}"
    cookie = f"ephemera-serve-{port}={secret}"
    hostile = [
        f"GET /?token={secret} HTTP/1.1\r\nHost: {host}\r\nCookie: {'a' * 9000}\r\n\r\n",  # > 8 KB header
        f"GET /?token={secret} HTTP/1.1\r\nHost: \r\n\r\n",  # empty Host
        f"GET /?token={secret} HTTP/1.1\r\nHost: {host}\r\nX: \x01\r\n\r\n",  # a control character
        f"G\x00T /?token={secret} HTTP/1.1\r\nHost: {host}\r\n\r\n",  # a bad method
        f"GET / HTTP/1.1\r\nHost: {host}\r\nCookie: {cookie}\r\nX: \x01\r\n\r\n",
        f"GET /?token={secret[:20]}\x01 HTTP/1.1\r\nHost: {host}\r\n\r\n",  # a piece of it
    ]
    for request in hostile:
        assert (await raw_request(port, request.encode("latin-1"))).startswith(b"HTTP/1."), request[:40]
    process.send_signal(signal.SIGTERM)
    assert process.wait(15) == 0
    output = process.stdout.read().decode() + process.stderr.read().decode()
    unwrapped = "".join(output.split())  # Rich wraps long lines
    assert "Error handling request" in output  # the refusals were logged...
    assert secret[:12] not in unwrapped and secret[-12:] not in unwrapped  # ...without the secret
    assert "locals" not in output


async def test_the_printed_url_sets_a_strict_cookie_and_the_page_websocket_runs_ephemera(served_demo) -> None:
    process, port = served_demo
    url = await printed_url(process)
    async with browser() as session:
        # a browser opening the link itself: the secret goes into a cookie, the address bar loses it
        status, _ = await wait_for_page(url, process, session=session, headers={"Sec-Fetch-Site": "none"})
        assert status == 200
        async with session.get(url, headers={"Sec-Fetch-Site": "none"}) as response:
            assert response.status == 200
            prefix = response.url.path
            assert re.fullmatch(r"/[A-Za-z0-9_-]{16}/", prefix) and not response.url.query  # no secret
            set_cookie = response.history[0].headers["Set-Cookie"]
            page = await response.text()
        assert "HttpOnly" in set_cookie and "SameSite=Strict" in set_cookie
        # cookies are not port-scoped: scoped to the run's random path, other local listeners never get it
        assert f"Path={prefix};" in set_cookie or set_cookie.endswith(f"Path={prefix}")
        jar = session.cookie_jar
        assert jar.filter_cookies(URL(f"http://127.0.0.1:{port}{prefix}static/x"))
        for elsewhere in (f"http://127.0.0.1:{port}/", f"http://127.0.0.1:{port + 1}/",
                          f"http://127.0.0.1:{port + 1}/static/js/textual.js", "http://localhost:8080/"):
            assert not jar.filter_cookies(URL(elsewhere)), elsewhere
        assert page_websocket(page) == f"ws://127.0.0.1:{port}{prefix}ws"
        async with session.get(f"http://127.0.0.1:{port}{prefix}static/js/textual.js") as response:
            assert response.status == 200  # the page's own assets come with the cookie
        screen = await first_screen(f"ws://127.0.0.1:{port}{prefix}ws?width=100&height=30", b"slim", session,
                                    origin=f"http://127.0.0.1:{port}")
    assert b"slim" in screen  # the demo cluster's pods, drawn by the served `ephemera --demo`
    process.send_signal(signal.SIGTERM)
    assert process.wait(15) == 0


async def assert_ws_refused(url: str, *, origin: str | None, cookies: dict[str, str] | None = None,
                            headers: dict[str, str] | None = None) -> None:
    async with aiohttp.ClientSession(cookies=cookies) as session:
        with pytest.raises(aiohttp.WSServerHandshakeError) as refused:
            async with session.ws_connect(url, origin=origin, headers=headers):
                pass
    assert refused.value.status == 403


async def test_without_the_secret_pages_assets_and_the_websocket_are_refused(served_demo) -> None:
    process, port = served_demo
    url = await printed_url(process)
    base = f"http://127.0.0.1:{port}"
    origin = base
    cookie = f"ephemera-serve-{port}"
    status, page = await wait_for_page(f"{base}/", process)
    assert status == 403
    assert "Open the URL that `ephemera serve` printed" in page
    async with aiohttp.ClientSession(cookies={cookie: "not-the-secret"}) as session:
        for path in ("/?token=not-the-secret", "/static/js/textual.js", "/download/x"):
            async with session.get(f"{base}{path}") as response:
                assert response.status == 403, path
                assert "printed" in await response.text()
    await assert_ws_refused(f"ws://127.0.0.1:{port}/ws", origin=origin)
    await assert_ws_refused(f"ws://127.0.0.1:{port}/ws?token=not-the-secret", origin=origin)
    await assert_ws_refused(f"ws://127.0.0.1:{port}/ws", origin=origin, cookies={cookie: "not-the-secret"})
    secret = url.split("?token=", 1)[1]
    await assert_ws_refused(f"ws://127.0.0.1:{port}/ws", origin=origin, cookies={cookie: secret[:-1]})
    # the server is still fine for the one who has the link
    async with browser() as session:
        status, page = await wait_for_page(url, process, session=session)
    assert status == 200
    # knowing the run's path is not enough
    prefix = page_websocket(page).removeprefix(f"ws://127.0.0.1:{port}").removesuffix("ws")
    async with aiohttp.ClientSession() as session:
        for path in (prefix, f"{prefix}static/js/textual.js"):
            async with session.get(f"{base}{path}") as response:
                assert response.status == 403, path
    await assert_ws_refused(f"ws://127.0.0.1:{port}{prefix}ws", origin=origin)


async def test_a_foreign_origin_cannot_open_the_websocket_even_with_the_secret(served_demo) -> None:
    process, port = served_demo
    url = await printed_url(process)
    secret = url.split("?token=", 1)[1]
    _, page = await wait_for_page(url, process)
    cookies = {f"ephemera-serve-{port}": secret}
    ws = page_websocket(page)
    for origin in ("https://evil.example", f"http://evil.example:{port}", "http://127.0.0.1:9",
                   f"https://127.0.0.1:{port}", "null", None):
        await assert_ws_refused(ws, origin=origin, cookies=cookies)
    async with aiohttp.ClientSession(cookies=cookies) as session:
        async with session.post(f"http://127.0.0.1:{port}/", headers={"Origin": "https://evil.example"}) as response:
            assert response.status == 403
            assert "another site" in await response.text()
        # the served names are fine: localhost is the same loopback server
        async with session.ws_connect(ws, origin=f"http://localhost:{port}") as socket_:
            await socket_.send_json(["ping", "x"])
            reply = await asyncio.wait_for(socket_.receive_json(), 30)
            assert reply == ["pong", "x"]


async def test_a_foreign_host_header_is_refused_even_with_the_secret(served_demo) -> None:
    """DNS rebinding: the attacker's name resolves to 127.0.0.1, so the browser sends it as Host."""
    process, port = served_demo
    url = await printed_url(process)
    await wait_for_page(url, process)
    async with aiohttp.ClientSession() as session:
        async with session.get(url, headers={"Host": f"evil.example:{port}"}) as response:
            assert response.status == 403
            assert "does not answer to this host name" in await response.text()
        async with session.get(url, headers={"Host": f"localhost:{port}"}) as response:
            assert response.status == 200
    secret = url.split("?token=", 1)[1]
    await assert_ws_refused(f"ws://127.0.0.1:{port}/ws?token={secret}", origin=f"http://evil.example:{port}",
                            headers={"Host": f"evil.example:{port}"})


async def test_served_sessions_never_run_a_tui_package_from_the_current_directory(tmp_path: Path) -> None:
    hostile = tmp_path / "project"
    (hostile / "tui").mkdir(parents=True)
    marker = tmp_path / "hijacked"
    payload = f"open({str(marker)!r}, 'w').write('ran')\nprint('HIJACKED')\n"
    (hostile / "tui" / "__init__.py").write_text(payload)
    (hostile / "tui" / "__main__.py").write_text(payload)
    port = free_port()
    process = start_serve_demo(tmp_path, port, cwd=hostile)
    try:
        url = await printed_url(process)
        async with browser() as session:
            status, page = await wait_for_page(url, process, session=session)
            assert status == 200
            screen = await first_screen(page_websocket(page) + "?width=100&height=30", b"slim", session,
                                        origin=f"http://127.0.0.1:{port}")
        assert b"slim" in screen  # Ephemera's own app ran, on the demo cluster
        assert b"HIJACKED" not in screen
        assert not marker.exists()
        process.send_signal(signal.SIGTERM)
        assert process.wait(15) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(10)


def test_served_command_ignores_relative_pythonpath_entries(tmp_path: Path) -> None:
    from tui.cli import build_parser
    from tui.commands.serve_run import safe_pythonpath, served_command

    (tmp_path / "tui").mkdir()
    (tmp_path / "tui" / "__init__.py").write_text("print('HIJACKED')\n")
    (tmp_path / "tui" / "__main__.py").write_text("print('HIJACKED')\n")
    kept = str(tmp_path / "elsewhere")
    assert safe_pythonpath(f":.:tui/..:{kept}") == kept
    assert safe_pythonpath(".") is None
    env = clean_env(tmp_path)
    env.pop("PYTHONPATH", None)
    pythonpath = safe_pythonpath(".:")
    if pythonpath is not None:
        env["PYTHONPATH"] = pythonpath
    result = subprocess.run([*served_command(build_parser().parse_args(["serve", "--demo"])), "--version"],
                            cwd=tmp_path, env=env, capture_output=True, text=True, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    assert "HIJACKED" not in result.stdout
    assert result.stdout.startswith("ephemera")


def test_non_loopback_without_tty_or_yes_is_refused_with_the_warning(tmp_path: Path) -> None:
    port = free_port()
    result = subprocess.run([EPHEMERA, "serve", "--demo", "--host", "0.0.0.0", "--port", str(port)], check=False,
                            env=clean_env(tmp_path), stdin=subprocess.DEVNULL, capture_output=True, text=True,
                            timeout=30)
    assert result.returncode == 2
    assert "not a loopback address" in result.stderr
    assert "secret link" in result.stderr and "plain HTTP" in result.stderr
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
    from tui.commands.serve_run import served_command

    args = build_parser().parse_args(["serve", "--kubeconfig", "k.yaml", "--context", "prod", "-n", "shop"])
    assert served_command(args) == [sys.executable, "-P", "-m", "tui", "--kubeconfig", os.path.abspath("k.yaml"),
                                    "--context", "prod", "--namespace", "shop"]
    args = build_parser().parse_args(["serve", "--demo", "-A"])
    assert served_command(args) == [sys.executable, "-P", "-m", "tui", "--demo", "--all-namespaces"]
    args = build_parser().parse_args(["--demo", "serve"])  # the top-level flag works too
    assert served_command(args)[4:] == ["--demo"]
