"""The kubeconfig's impersonation (`as`, `as-uid`, `as-groups`, `as-user-extra`) goes with every
request, as kubectl sends it: the REST requests and the attach/exec WebSocket upgrade. The demo
server does not act on Impersonate-* headers; it records them (`faults.received_impersonation`)."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest
import yaml

from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.errors import ClusterError, ErrorKind
from tui.kube.file_copy import exec_command
from tui.kube.requests import get_json

PODS = "/api/v1/namespaces/default/pods"
EXPECTED = [
    ("Impersonate-User", "bob"),
    ("Impersonate-Uid", "1234"),
    ("Impersonate-Group", "readonly"),
    ("Impersonate-Group", "dev team"),
    ("Impersonate-Extra-acme.com%2Fproject", "x"),  # the key escaped as client-go's headerKeyEscape
    ("Impersonate-Extra-reason", "audit"),
    ("Impersonate-Extra-reason", "on call"),
]


def impersonating_kubeconfig(cluster: DemoCluster, path: Path, **user: object) -> Path:
    assert cluster.kubeconfig_path is not None
    doc = yaml.safe_load(Path(cluster.kubeconfig_path).read_text())
    doc["users"][0]["user"].update(user)
    path.write_text(yaml.safe_dump(doc))
    return path


@pytest.fixture()
def asbob(demo_cluster: DemoCluster, tmp_path: Path) -> Path:
    return impersonating_kubeconfig(demo_cluster, tmp_path / "asbob.kc", **{
        "as": "bob", "as-uid": "1234", "as-groups": ["readonly", "dev team"],
        "as-user-extra": {"reason": ["audit", "on call"], "acme.com/project": ["x"]}})


def test_rest_requests_carry_the_impersonation(demo_cluster: DemoCluster, asbob: Path) -> None:
    conn = KubeConfig.load(asbob).connect()
    try:
        conn.check()
        get_json(conn, PODS)
    finally:
        conn.close()
    received = demo_cluster.faults.received_impersonation()
    assert [(m, p) for m, p, _ in received] == [("GET", "/version"), ("GET", PODS)]
    for _method, _path, lines in received:
        assert lines == EXPECTED  # a line per group and per extra value, in client-go's order


def test_the_websocket_upgrade_carries_the_impersonation(demo_cluster: DemoCluster, asbob: Path) -> None:
    conn = KubeConfig.load(asbob).connect()
    out = bytearray()
    try:
        # the demo's app container has no echo: the exec is answered (its error), which is enough here
        result = exec_command(conn, "default", "nonroot-app", "app", ["echo", "hi"], on_stdout=out.extend)
    finally:
        conn.close()
    assert "echo" in (result.message or ""), result
    upgrades = demo_cluster.faults.received_impersonation("/exec")
    assert len(upgrades) == 1
    assert upgrades[0][2] == EXPECTED


def test_no_impersonation_sends_no_header(demo_cluster: DemoCluster) -> None:
    assert demo_cluster.kubeconfig_path is not None
    conn = KubeConfig.load(demo_cluster.kubeconfig_path).connect()
    try:
        get_json(conn, PODS)
    finally:
        conn.close()
    assert demo_cluster.faults.received_impersonation() == []


def test_same_lines_as_kubectl(demo_cluster: DemoCluster, asbob: Path, kubectl: str) -> None:
    subprocess.run([kubectl, "--kubeconfig", str(asbob), "get", "pods"], check=True, capture_output=True,
                   timeout=60)
    sent_by_kubectl = [lines for _m, path, lines in demo_cluster.faults.received_impersonation(PODS)]
    assert sent_by_kubectl
    conn = KubeConfig.load(asbob).connect()
    try:
        get_json(conn, PODS)
    finally:
        conn.close()
    ours = demo_cluster.faults.received_impersonation(PODS)[-1][2]
    # Go canonicalises names and writes the lines sorted by name; the values of one name keep their order
    def canonical(lines: list[tuple[str, str]]) -> list[tuple[str, str]]:
        return sorted(((name.lower(), value) for name, value in lines), key=lambda line: line[0])
    assert canonical(ours) == canonical(sent_by_kubectl[-1])


def test_an_impersonation_with_a_line_break_is_a_configuration_error(demo_cluster: DemoCluster,
                                                                     tmp_path: Path) -> None:
    path = impersonating_kubeconfig(demo_cluster, tmp_path / "bad.kc", **{"as-groups": ["ok", "evil\r\nX: y"]})
    with pytest.raises(ClusterError) as caught:
        KubeConfig.load(path).connect()
    assert caught.value.kind == ErrorKind.BAD_CONFIG
    assert "Impersonate-Group" in str(caught.value) and "line break" in str(caught.value)
