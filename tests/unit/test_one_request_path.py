"""Every API request goes through tui/kube/requests.py (docs/ARCHITECTURE.md, issue 11): no other
module builds or sends one with the client's machinery. connection.py may name `param_serialize` /
`call_api` only to override them (credential refresh before each request)."""

from __future__ import annotations

import re
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
REQUEST_MODULE = "tui/kube/requests.py"
# the client's request machinery: serializing and sending, the generated API classes
# (CoreV1Api(...), VersionApi(...)) and its WebSocket transport (or websocket-client's, as
# requests.py uses it to add the Impersonate-* lines to the upgrade)
MACHINERY = re.compile(
    r"\b(param_serialize|call_api|websocket_call|WebSocket|[A-Z]\w*Api)\s*\(|\bkubernetes\.stream\b")
ALLOWED = {
    REQUEST_MODULE: {"param_serialize", "call_api", "websocket_call", "WebSocket", "kubernetes.stream"},
    "tui/kube/connection.py": {"param_serialize", "call_api"},  # the overrides refreshing credentials
}


def _uses(path: Path) -> list[tuple[int, str]]:
    found = []
    for number, line in enumerate(path.read_text().splitlines(), 1):
        code = line.split("#", 1)[0]
        for match in MACHINERY.finditer(code):
            found.append((number, match.group(1) or match.group(0)))
    return found


def test_only_the_request_module_sends_requests() -> None:
    offenders = []
    for path in sorted([*(REPO / "tui").rglob("*.py"), *(REPO / "widgets").rglob("*.py")]):
        relative = path.relative_to(REPO).as_posix()
        allowed = ALLOWED.get(relative, set())
        offenders += [f"{relative}:{number}: {name}" for number, name in _uses(path) if name not in allowed]
    assert offenders == [], ("build and send API requests through tui.kube.requests (get_json, send, "
                             "open_response, open_websocket), not with the client's machinery")


def test_the_rule_sees_what_it_forbids() -> None:
    request_module = {name for _number, name in _uses(REPO / REQUEST_MODULE)}
    assert {"param_serialize", "call_api", "WebSocket", "kubernetes.stream"} <= request_module
    assert _uses(REPO / "tui/kube/connection.py")  # the overrides: the pattern matches method definitions too
