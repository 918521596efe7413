"""A cluster that never answers (a firewall dropping packets, a dead VPN): the header counts the
seconds it waits, and quitting does not wait for the stuck requests."""

from __future__ import annotations

import asyncio
import socket
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from helpers.browser import make_app, wait_for
from tui.demo.cluster import DemoCluster


@pytest.fixture()
def silent_kubeconfig(demo_cluster: DemoCluster, tmp_path: Path) -> Iterator[Path]:
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(0)  # never accepted: nothing ever answers
    port = silent.getsockname()[1]
    text = Path(demo_cluster.kubeconfig_path).read_text()  # type: ignore[arg-type]
    path = tmp_path / "silent"
    path.write_text(text.replace(demo_cluster.url, f"https://127.0.0.1:{port}"))
    try:
        yield path
    finally:
        silent.close()


def test_silent_server_shows_connecting_with_elapsed_seconds_and_quits_at_once(silent_kubeconfig: Path) -> None:
    quit_at: list[float] = []

    async def run() -> str:
        app = make_app(silent_kubeconfig)
        async with app.run_test(size=(120, 40)) as pilot:
            header = app.browser.header  # type: ignore[attr-defined]
            await wait_for(pilot, lambda: "connecting (3s)" in str(header.render()), timeout=8,
                           what="the elapsed seconds of the connect")
            line = str(header.render())
            quit_at.append(time.monotonic())
            await pilot.press("q")
        return line

    line = asyncio.run(run())  # like `ephemera`: the loop's executor threads are joined at the end
    assert "127.0.0.1:" in line
    # the requests stuck in their connect (30 s and more) do not keep the process: quitting is at
    # once (before: ~40 s); a generous bound, this is not a performance figure
    assert time.monotonic() - quit_at[0] < 10
