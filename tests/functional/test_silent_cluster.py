"""A cluster that never answers (a firewall dropping packets, a dead VPN): the header counts the
seconds it waits, and quitting does not wait for the stuck requests."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from helpers.browser import make_app, wait_for
from tui.demo.cluster import DemoCluster
from tui.kube import requests as kube_requests


@pytest.fixture()
def silent_server() -> Iterator[socket.socket]:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(0)  # never accepted while the app runs: nothing ever answers
    try:
        yield silent
    finally:
        silent.close()


@pytest.fixture()
def silent_kubeconfig(demo_cluster: DemoCluster, silent_server: socket.socket, tmp_path: Path) -> Path:
    port = silent_server.getsockname()[1]
    text = Path(demo_cluster.kubeconfig_path).read_text()  # type: ignore[arg-type]
    path = tmp_path / "silent"
    path.write_text(text.replace(demo_cluster.url, f"https://127.0.0.1:{port}"))
    return path


STUCK = 600.0  # the requests' timeouts here: they end only when the silent server goes away
QUIT_BOUND = 30.0  # a bound on waiting for the app to quit (it quits at once); not a measurement


def _requests_stuck_until_released(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Every request the app sends waits for its answer as long as the silent server is there
    (no timeout of its own ends it meanwhile); the paths of those still under way."""
    under_way: list[str] = []
    send = kube_requests._call

    def stuck(conn: Any, method: str, path: str, **kwargs: Any) -> Any:
        kwargs["timeout"] = (STUCK, STUCK)
        under_way.append(path)
        try:
            return send(conn, method, path, **kwargs)
        finally:
            under_way.remove(path)

    monkeypatch.setattr(kube_requests, "_call", stuck)
    return under_way


def test_silent_server_shows_connecting_with_elapsed_seconds_and_quits_at_once(
        silent_kubeconfig: Path, silent_server: socket.socket, monkeypatch: pytest.MonkeyPatch) -> None:
    under_way = _requests_stuck_until_released(monkeypatch)
    quit_over = threading.Event()
    released: list[str] = []

    def release_a_quit_that_waits() -> None:
        if not quit_over.wait(QUIT_BOUND):
            released.append("the silent server closed, so the stuck requests end")
            silent_server.close()

    async def run() -> str:
        app = make_app(silent_kubeconfig)
        async with app.run_test(size=(120, 40)) as pilot:
            header = app.browser.header  # type: ignore[attr-defined]
            await wait_for(pilot, lambda: "connecting (3s)" in str(header.render()), timeout=8,
                           what="the elapsed seconds of the connect")
            line = str(header.render())
            threading.Thread(target=release_a_quit_that_waits, daemon=True).start()
            await pilot.press("q")
        return line

    line = asyncio.run(run())  # like `ephemera`: the loop's executor threads are joined at the end
    still_under_way = list(under_way)
    quit_over.set()
    assert "127.0.0.1:" in line
    # the requests stuck in their connect (30 s and more) do not keep the process: the app has
    # quit while they still wait for the silent server (before, quitting waited for them, ~40 s)
    assert not released, f"quitting waited for the stuck requests ({released[0]})"
    assert still_under_way, "no request was left waiting for the silent server"
