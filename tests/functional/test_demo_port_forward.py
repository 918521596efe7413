"""`pods/portforward` of the demo cluster: the real kubectl (SPDY tunnelled in WebSocket, skipped
without kubectl), the Python client (the kubelet's WebSocket channel protocol), and the SPDY framing."""

from __future__ import annotations

import socket
import struct
import urllib.error
import urllib.request
import zlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from kubernetes.stream import portforward

from helpers.demo_http import Raw, core_v1, wait_for
from helpers.kubectl_peer import Forwarding
from tui.demo.cluster import DemoCluster
from tui.demo.node import spdy

SLIM = "slim-79487d6484-h4rss"


@pytest.fixture()
def forwarding(kubectl: str) -> Iterator[list[Forwarding]]:
    started: list[Forwarding] = []
    yield started
    for running in started:
        running.stop()


def _get(port: int, path: str) -> tuple[int, bytes, str]:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=30) as response:
        return response.status, response.read(), response.headers.get("Content-Length", "")


@pytest.mark.kubectl
def test_kubectl_port_forward_then_http_get_reaches_the_pods_app(
        kubectl: str, demo_cluster: DemoCluster, tmp_path: Path, forwarding: list[Forwarding]) -> None:
    blob = bytes(range(256)) * 1200 + b"\xff\x80 end"  # ten SPDY data frames, not UTF-8
    app = demo_cluster.run(lambda: demo_cluster.runtime.find("default", SLIM, "app"))
    assert app is not None
    demo_cluster.run(lambda: app.fs.write_bytes("/blob.bin", blob))
    running = Forwarding(kubectl, demo_cluster, tmp_path, f"pod/{SLIM}", "0:8080")
    forwarding.append(running)
    port = running.local_port()
    status, body, length = _get(port, "/")  # the app: python -m http.server 8080 in /
    assert status == 200 and b"Directory listing for /" in body and length == str(len(body))
    # every connection is a new pair of streams; the app's files come through byte for byte
    assert _get(port, "/etc/hostname")[1] == f"{SLIM}\n".encode()
    assert _get(port, "/etc/os-release")[1].startswith(b'PRETTY_NAME="Distroless"')
    with pytest.raises(urllib.error.HTTPError) as missing:
        _get(port, "/no/such/file")
    assert missing.value.code == 404
    assert _get(port, "/blob.bin")[1] == blob
    assert running.process.poll() is None, running.err
    # kubectl prints the line per connection; the collecting thread may not have read the last yet
    wait_for(lambda: sum("Handling connection for" in line for line in running.out) == 5,
             what=f"kubectl's five 'Handling connection for' lines ({running.out})")
    assert sum("Handling connection for" in line for line in running.out) == 5


@pytest.mark.kubectl
def test_kubectl_port_forward_to_a_closed_port_loses_the_connection_as_with_a_real_kubelet(
        kubectl: str, shared_cluster: DemoCluster, tmp_path: Path, forwarding: list[Forwarding]) -> None:
    running = Forwarding(kubectl, shared_cluster, tmp_path, f"pod/{SLIM}", "0:8081")
    forwarding.append(running)
    port = running.local_port()
    with socket.create_connection(("127.0.0.1", port), timeout=30) as connection:
        connection.sendall(b"GET / HTTP/1.0\r\n\r\n")
        assert connection.recv(100) == b""  # closed without an answer
    assert running.process.wait(timeout=30) == 1
    running.stop()
    errors = "\n".join(running.err)
    assert "connect: connection refused" in errors and "error: lost connection to pod" in errors


def test_python_client_port_forward_uses_the_channel_protocol(shared_cluster: DemoCluster) -> None:
    forwarded = portforward(core_v1(shared_cluster).connect_get_namespaced_pod_portforward, SLIM, "default",
                            ports="8080,8081")
    try:
        sock = forwarded.socket(8080)
        sock.setblocking(True)
        sock.sendall(b"GET /etc/hostname HTTP/1.1\r\nHost: pod\r\n\r\n")
        answer = b""
        while chunk := sock.recv(4096):
            answer += chunk
        assert answer.startswith(b"HTTP/1.0 200 OK\r\n") and answer.endswith(f"\r\n\r\n{SLIM}\n".encode())
        refused = forwarded.socket(8081)  # nothing listens: the error channel says so, the socket closes
        refused.setblocking(True)
        assert refused.recv(100) == b""
        assert "127.0.0.1:8081: connect: connection refused" in (forwarded.error(8081) or "")
        assert forwarded.error(8080) is None
    finally:
        forwarded.close()


def test_port_forward_without_websocket_or_of_a_pod_that_is_not_there() -> None:
    with DemoCluster(kubelet_delay=0.2) as cluster:
        raw = Raw(cluster)
        base = "/api/v1/namespaces/default/pods"
        response = raw.request("POST", f"{base}/{SLIM}/portforward",
                               headers={"X-Stream-Protocol-Version": "portforward.k8s.io"})
        assert response.status == 400 and b"over WebSocket only" in response.data
        assert raw.request("POST", f"{base}/nothere/portforward").status == 404


# ---- the SPDY framing -----------------------------------------------------------------------

def _client_headers(deflate: zlib._Compress, headers: dict[str, str]) -> bytes:
    raw = struct.pack(">I", len(headers))
    for name, value in headers.items():
        raw += struct.pack(">I", len(name)) + name.encode() + struct.pack(">I", len(value)) + value.encode()
    return deflate.compress(raw) + deflate.flush(zlib.Z_SYNC_FLUSH)


def test_spdy_frames_split_anywhere_and_header_blocks_share_one_compression_context() -> None:
    deflate = zlib.compressobj(9, zlib.DEFLATED, 15, 9, zlib.Z_DEFAULT_STRATEGY, spdy.DICTIONARY)
    wire = b""
    for stream_id, kind in ((1, "error"), (3, "data")):
        block = _client_headers(deflate, {"streamtype": kind, "port": "8080", "requestid": "0"})
        payload = struct.pack(">IIBB", stream_id, 0, 0, 0) + block
        wire += struct.pack(">HHI", 0x8003, spdy.SYN_STREAM, len(payload)) + payload
    wire += struct.pack(">II", 3, (spdy.FLAG_FIN << 24) | 5) + b"hello"
    wire += struct.pack(">HHII", 0x8003, spdy.PING, 4, 7)
    connection = spdy.SpdyConnection()
    frames = [frame for byte in range(len(wire)) for frame in connection.feed(wire[byte:byte + 1])]
    assert [(type(f).__name__, getattr(f, "kind", None)) for f in frames] == [
        ("Control", spdy.SYN_STREAM), ("Control", spdy.SYN_STREAM), ("Data", None), ("Control", spdy.PING)]
    assert frames[1].headers == {"streamtype": "data", "port": "8080", "requestid": "0"}  # type: ignore[union-attr]
    assert (frames[2].stream_id, frames[2].flags, frames[2].data) == (3, spdy.FLAG_FIN, b"hello")  # type: ignore[union-attr]
    inflate = zlib.decompressobj(zdict=spdy.DICTIONARY)
    for stream_id in (1, 3):  # what the server answers decodes with the client's single context
        reply = connection.syn_reply(stream_id)
        assert struct.unpack(">HHI", reply[:8])[:2] == (0x8003, spdy.SYN_REPLY)
        assert struct.unpack(">I", reply[8:12])[0] == stream_id
        assert inflate.decompress(reply[12:]) == b"\0\0\0\0"


def test_spdy_dictionary_is_the_spdy3_one() -> None:
    """1423 bytes: 65 length-prefixed header words, then the status/date/media-type tail (its
    Adler-32 is what zlib streams of SPDY/3 peers name as their preset dictionary)."""
    assert len(spdy.DICTIONARY) == 1423
    assert spdy.DICTIONARY.startswith(b"\0\0\0\x07options\0\0\0\x04head")
    assert zlib.adler32(spdy.DICTIONARY) == 0xE3C6A7C2  # the FDICT id in the zlib header of Go's spdy framer
