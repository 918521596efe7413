"""Small helpers for the demo cluster's API tests: raw HTTP(S) with the cluster's CA and token,
the official client built from the cluster's kubeconfig, and polling without fixed sleeps."""

from __future__ import annotations

import json
import ssl
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

import urllib3
from kubernetes import client, config

from helpers import WAIT_SECONDS
from tui.demo.cluster import DemoCluster

T = TypeVar("T")


class Raw:
    """Plain requests against the demo server, as any HTTP client would send them."""

    def __init__(self, cluster: DemoCluster, token: str | None = "default") -> None:
        self.cluster = cluster
        self.token = cluster.token if token == "default" else token
        context = ssl.create_default_context()
        if cluster.ca_pem:
            context.load_verify_locations(cadata=cluster.ca_pem.decode())
        self.pool = urllib3.PoolManager(ssl_context=context, retries=False)

    def headers(self, extra: dict[str, str] | None = None) -> dict[str, str]:
        headers = {"Accept": "application/json"}
        if self.token:
            headers["Authorization"] = f"Bearer {self.token}"
        headers.update(extra or {})
        return headers

    def request(self, method: str, path: str, body: Any = None, content_type: str = "application/json",
                headers: dict[str, str] | None = None, timeout: float = 10) -> urllib3.BaseHTTPResponse:
        data = None
        all_headers = self.headers(headers)
        if body is not None:
            data = body if isinstance(body, bytes) else json.dumps(body).encode()
            all_headers["Content-Type"] = content_type
        return self.pool.request(method, self.cluster.url + path, body=data, headers=all_headers,
                                 timeout=timeout)

    def json(self, method: str, path: str, body: Any = None, content_type: str = "application/json",
             headers: dict[str, str] | None = None, timeout: float = 10) -> tuple[int, Any]:
        response = self.request(method, path, body, content_type, headers, timeout=timeout)
        return response.status, json.loads(response.data) if response.data else None

    def stream(self, path: str, timeout: float = 10) -> WatchStream:
        response = self.pool.request("GET", self.cluster.url + path, headers=self.headers(),
                                     preload_content=False, timeout=timeout)
        return WatchStream(response)


class WatchStream:
    """Reads a watch response line by line."""

    def __init__(self, response: urllib3.BaseHTTPResponse) -> None:
        self.response = response
        self.status = response.status
        self._buffer = b""
        self._chunks: Iterator[bytes] = response.stream(4096, decode_content=True)

    def next_event(self) -> dict[str, Any] | None:
        """The next event, or None when the server ended the stream."""
        while b"\n" not in self._buffer:
            try:
                chunk = next(self._chunks)
            except (StopIteration, urllib3.exceptions.ProtocolError):
                return None
            self._buffer += chunk
        line, _, self._buffer = self._buffer.partition(b"\n")
        return json.loads(line)

    def events_until(self, predicate: Callable[[dict[str, Any]], bool], limit: int = 10_000
                     ) -> list[dict[str, Any]]:
        events: list[dict[str, Any]] = []
        for _ in range(limit):
            event = self.next_event()
            if event is None:
                break
            events.append(event)
            if predicate(event):
                break
        return events

    def close(self) -> None:
        self.response.release_conn()
        self.response.close()


def api_client(cluster: DemoCluster) -> client.ApiClient:
    """The official client configured from the cluster's kubeconfig, as users get it."""
    path = cluster.kubeconfig_path
    if path is None:
        path = cluster.write_kubeconfig(tempfile.mkdtemp(prefix="ephemera-test-") + "/config")
    return config.new_client_from_config(config_file=str(path))


def core_v1(cluster: DemoCluster) -> client.CoreV1Api:
    return client.CoreV1Api(api_client(cluster))


def wait_for(probe: Callable[[], T | None], timeout: float = WAIT_SECONDS, interval: float = 0.02,
             what: str = "condition") -> T:
    """Poll `probe` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out after {timeout}s waiting for {what}")
        time.sleep(interval)


def pod_json(cluster: DemoCluster, namespace: str, name: str) -> dict[str, Any] | None:
    status, body = Raw(cluster).json("GET", f"/api/v1/namespaces/{namespace}/pods/{name}")
    return body if status == 200 else None


def ephemeral_state(cluster: DemoCluster, namespace: str, name: str, container: str) -> dict[str, Any]:
    pod = pod_json(cluster, namespace, name) or {}
    for entry in pod.get("status", {}).get("ephemeralContainerStatuses", []):
        if entry["name"] == container:
            return entry["state"]
    return {}
