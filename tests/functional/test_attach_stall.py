"""A connection that goes silent (no error, no close: a VPN dropping, a laptop asleep) ends in
"connection lost" once the pings the session sends stay unanswered; re-attach then works."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

import tui.kube.attach_session as attach_session
from helpers.attach import Screen, add_debug_container, attach, wait_for
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig


class FreezableProxy:
    """A TCP proxy to the demo cluster that can stop forwarding (both ways) without closing."""

    def __init__(self, port: int) -> None:
        self.upstream = ("127.0.0.1", port)
        self.frozen = threading.Event()
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.sockets: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:
                return
            server = socket.create_connection(self.upstream)
            self.sockets += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source: socket.socket, sink: socket.socket) -> None:
        try:
            while data := source.recv(65536):
                while self.frozen.is_set():
                    time.sleep(0.02)  # held, never delivered while frozen: a black hole
                sink.sendall(data)
        except OSError:
            pass

    def close(self) -> None:
        self.listener.close()
        for sock in self.sockets:
            sock.close()


@pytest.fixture()
def proxy(demo_cluster: DemoCluster) -> Iterator[FreezableProxy]:
    port = int(demo_cluster.url.rsplit(":", 1)[1])
    proxy = FreezableProxy(port)
    try:
        yield proxy
    finally:
        proxy.close()


def test_a_silent_connection_is_lost_after_unanswered_pings_and_reattach_works(
        demo_cluster: DemoCluster, proxy: FreezableProxy, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(attach_session, "PING_INTERVAL", 0.1)
    monkeypatch.setattr(attach_session, "DEAD_AFTER", 0.8)
    config = Path(demo_cluster.kubeconfig_path).read_text()  # type: ignore[attr-defined]
    proxied = tmp_path / "proxied"
    proxied.write_text(config.replace(demo_cluster.url, f"https://127.0.0.1:{proxy.port}"))
    conn = KubeConfig.load(str(proxied)).connect()
    try:
        add_debug_container(conn)
        screen = Screen()
        session = attach(conn, screen)
        session.write(b"echo before-$((6*7))\r")
        wait_for(lambda: "before-42" in screen.text(), what="the shell's answer")
        time.sleep(0.5)  # idle longer than DEAD_AFTER minus a ping: the pongs keep it live
        assert screen.state == "live"
        proxy.frozen.set()
        wait_for(lambda: screen.state == "lost", timeout=30, what="connection lost")
        assert "no answer from the server" in screen.last().message
        proxy.frozen.clear()
        again = attach(conn, Screen())
        assert again.status.state == "live"
        again.close()
    finally:
        conn.close()
