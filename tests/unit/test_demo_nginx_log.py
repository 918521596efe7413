"""The simulated nginx writes its access log as nginx's combined format does: `$time_local` as
`03/Dec/2026:11:36:30 +0000`, the request line, the status and the body's size (its own 404 page,
153 bytes, for a path it does not serve)."""

from __future__ import annotations

import re
from typing import Any

from helpers.demo_runtime import run, start
from tui.demo.node.runtime import ContainerRuntime

LINE = re.compile(r'^127\.0\.0\.1 - - \[(\d\d/[A-Z][a-z]{2}/\d{4}:\d\d:\d\d:\d\d \+0000)\] '
                  r'"GET (\S+) HTTP/1\.1" (\d{3}) (\d+) "-" "Wget" "-"$')


def nginx_pod() -> dict[str, Any]:
    containers = [{"name": "web", "image": "nginx:1.27", "ports": [{"containerPort": 80}]},
                  {"name": "worker", "image": "busybox", "command": ["sleep", "3600"]}]
    return {"metadata": {"name": "web-1", "namespace": "default", "uid": "u-web-1"},
            "spec": {"containers": containers, "nodeName": "demo-node-1"}, "status": {}}


async def test_access_log_lines_are_nginx_combined_format() -> None:
    runtime = ContainerRuntime()
    pod = nginx_pod()
    start(runtime, pod)
    code, sink = await run(runtime, pod, "worker", ["wget", "-qO-", "localhost/"])
    assert code == 0 and sink.out
    code, _ = await run(runtime, pod, "worker", ["wget", "-qO-", "localhost/missing"])
    assert code == 1
    lines = [m.groups() for m in map(LINE.match, runtime.logs(pod, "web").decode().splitlines()) if m]
    assert [(path, status) for _, path, status, _ in lines] == [("/", "200"), ("/missing", "404")]
    assert int(lines[0][3]) == len(sink.out.encode()) and lines[1][3] == "153"
