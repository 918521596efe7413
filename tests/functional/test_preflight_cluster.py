"""Pre-flight facts and the policy audit against the demo cluster's real answers."""

from __future__ import annotations

import pytest

from tui.cli import main
from tui.debug.policy_audit import audit_variants
from tui.debug.preflight import run_checks
from tui.debug.request import DebugRequest, Mode, Profile
from tui.demo.cluster import DemoCluster
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection
from tui.kube.debug_runner import fetch_pod, gather_facts, run_policy_audit
from tui.pods.security import check_pod, namespace_policy

PODS = [("default", "slim-79487d6484-h4rss"), ("staging", "orders-6f8b9c7d5-2xq9l"), ("secure", "vault-agent-0")]


def connect(cluster: DemoCluster) -> ClusterConnection:
    return KubeConfig.load(str(cluster.kubeconfig_path)).connect()


@pytest.mark.parametrize(("namespace", "pod"), PODS)
def test_policy_audit_matches_the_pod_security_emulation(shared_cluster: DemoCluster, namespace: str,
                                                         pod: str) -> None:
    conn = connect(shared_cluster)
    obj = fetch_pod(conn, namespace, pod)
    before = obj["spec"].get("ephemeralContainers")
    rows = run_policy_audit(conn, obj)
    labels = fetch_namespace_labels(conn, namespace)
    policy = namespace_policy(labels)
    expected = {v.name: not check_pod(v.pod, policy) for v in audit_variants(obj)}
    assert {r.variant: r.verdict == "admitted" for r in rows} == expected
    assert all(r.verdict != "error" for r in rows)
    for row in rows:
        if row.verdict == "refused":
            assert f'violates PodSecurity "{policy}"' in row.message
    assert fetch_pod(conn, namespace, pod)["spec"].get("ephemeralContainers") == before  # nothing created


def fetch_namespace_labels(conn: ClusterConnection, namespace: str) -> dict[str, str]:
    from tui.kube.requests import get_json

    return get_json(conn, f"/api/v1/namespaces/{namespace}")["metadata"].get("labels") or {}


def test_audit_verdicts_per_namespace(shared_cluster: DemoCluster) -> None:
    conn = connect(shared_cluster)
    admitted = {}
    for namespace, pod in PODS:
        rows = run_policy_audit(conn, fetch_pod(conn, namespace, pod))
        admitted[namespace] = {r.variant for r in rows if r.verdict == "admitted"}
    assert len(admitted["default"]) == 9  # no Pod Security level: everything
    assert admitted["staging"] == {"profile legacy", "profile baseline", "profile restricted"}
    assert admitted["secure"] == {"profile restricted"}


def test_policy_audit_command_prints_the_table(shared_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["--kubeconfig", str(shared_cluster.kubeconfig_path), "debug", "orders-6f8b9c7d5-2xq9l",
                 "-n", "staging", "--policy-audit"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0] == "policy audit for staging/orders-6f8b9c7d5-2xq9l (dry runs: nothing was created)"
    assert lines[1].split() == ["VARIANT", "VERDICT", "DETAIL"]
    table = {line[:18].strip(): line[18:].split()[0] for line in lines[2:]}
    assert table["profile baseline"] == "admitted"
    assert table["host namespaces"] == "refused"


def test_facts_from_the_cluster(shared_cluster: DemoCluster) -> None:
    conn = connect(shared_cluster)
    request = DebugRequest(namespace="default", pod="win-iis-6b7d8c9f5-q7rtz", mode=Mode.TARGET, target="iis")
    facts = gather_facts(conn, request)
    assert facts.version is not None and facts.version["minor"] == "32"
    assert facts.node_os == "windows"
    assert facts.namespace_labels is not None
    assert all(facts.access.values()) and len(facts.access) == 4
    assert facts.dry_run is not None and facts.dry_run.admitted


def test_denied_access_review_api_degrades_to_a_warning(demo_cluster: DemoCluster) -> None:
    demo_cluster.faults.fail_requests(status=404, count=1, path_contains="selfsubjectaccessreviews")
    facts = gather_facts(connect(demo_cluster), DebugRequest(namespace="default", pod="slim-79487d6484-h4rss"))
    assert facts.access == {} and facts.access_error
    checks = {c.name: c for c in run_checks(facts)}
    assert checks["RBAC"].verdict == "warn"
    assert checks["server dry run"].verdict == "ok"


def test_dry_run_verdict_of_a_refused_profile(shared_cluster: DemoCluster) -> None:
    request = DebugRequest(namespace="staging", pod="redis-0", profile=Profile.NETADMIN)
    facts = gather_facts(connect(shared_cluster), request)
    assert facts.dry_run is not None and not facts.dry_run.admitted and facts.dry_run.status == 403
    assert 'violates PodSecurity "baseline:latest"' in facts.dry_run.message
    assert "NET_ADMIN" in facts.dry_run.message
