"""Policy audit variants (pure): what each dry run asks for, and how answers become rows."""

from __future__ import annotations

import random

from helpers.debug_pods import slim_pod
from tui.debug.policy_audit import AUDIT_CONTAINER, audit_row, audit_variants, format_table
from tui.pods.security import evaluate


def names(pod: dict) -> list[str]:
    return [v.name for v in audit_variants(pod, rng=random.Random(3))]


def test_one_variant_per_profile_plus_privileged_copy_and_host_namespaces() -> None:
    assert names(slim_pod()) == [
        "profile legacy", "profile general", "profile baseline", "profile restricted", "profile netadmin",
        "profile sysadmin", "privileged", "copy", "host namespaces",
    ]


def test_every_request_is_a_dry_run_and_ephemeral_ones_patch_the_subresource() -> None:
    variants = audit_variants(slim_pod(), rng=random.Random(3))
    for variant in variants:
        assert variant.request.query == {"dryRun": "All"}
    for variant in variants[:7]:
        assert variant.request.method == "PATCH"
        assert variant.request.path.endswith("/pods/slim-x/ephemeralcontainers")
        added = variant.request.body["spec"]["ephemeralContainers"]
        assert [c["name"] for c in added] == [AUDIT_CONTAINER]
    privileged = variants[6].request.body["spec"]["ephemeralContainers"][0]
    assert privileged["securityContext"]["privileged"] is True


def test_host_namespace_variant_is_a_copy_pod_with_the_node_namespaces() -> None:
    *_, copy_variant, host = audit_variants(slim_pod(), rng=random.Random(3))
    assert copy_variant.request.method == host.request.method == "POST"
    assert host.request.path == "/api/v1/namespaces/default/pods"
    spec = host.request.body["spec"]
    assert spec["hostPID"] is spec["hostNetwork"] is spec["hostIPC"] is True
    assert "shareProcessNamespace" not in spec
    assert "hostPID" not in copy_variant.request.body["spec"]
    assert host.request.body["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "ephemera"


def test_audit_container_name_avoids_existing_names() -> None:
    pod = slim_pod()
    pod["spec"]["ephemeralContainers"].append({"name": AUDIT_CONTAINER, "image": "busybox"})
    first = audit_variants(pod, rng=random.Random(3))[0]
    assert first.request.body["spec"]["ephemeralContainers"][0]["name"] == AUDIT_CONTAINER + "-x"


def test_predicted_pods_match_pod_security_expectations_for_baseline() -> None:
    pod = slim_pod()
    del pod["spec"]["ephemeralContainers"]
    admitted = {v.name for v in audit_variants(pod, rng=random.Random(3)) if not evaluate(v.pod, "baseline")}
    assert admitted == {"profile legacy", "profile baseline", "profile restricted"}


def test_rows_from_answers() -> None:
    variant = audit_variants(slim_pod(), rng=random.Random(3))[1]
    assert audit_row(variant, 200, {"kind": "Pod"}).verdict == "admitted"
    refused = audit_row(variant, 403, {"kind": "Status", "message": 'pods "slim-x" is forbidden:  violates'})
    assert (refused.verdict, refused.status, refused.message) == ("refused", 403, 'pods "slim-x" is forbidden: violates')
    assert audit_row(variant, 422, {"message": "invalid"}).verdict == "refused"
    assert audit_row(variant, None, "connection refused").verdict == "error"
    table = format_table([audit_row(variant, 200, {}), refused])
    lines = table.splitlines()
    assert lines[0].split() == ["VARIANT", "VERDICT", "DETAIL"]
    assert "admitted" in lines[1] and "SYS_PTRACE" in lines[1]
    assert "refused" in lines[2] and "403: pods" in lines[2]


def test_admitted_is_not_started_where_run_as_non_root_meets_a_root_image() -> None:
    """Issue 12 item 6: the API server admits, the kubelet refuses (CreateContainerConfigError)."""
    from tui.debug.policy_audit import start_summary

    pod = slim_pod()
    pod["spec"]["securityContext"] = {"runAsNonRoot": True}
    variants = audit_variants(pod, rng=random.Random(3))
    assert all("runs as root and runAsNonRoot is set (CreateContainerConfigError)" in v.start_problem
               for v in variants)
    rows = [audit_row(v, 200, {}) for v in variants]
    assert start_summary(rows) == (
        "9 of 9 admitted by the API server; 0 would start (the kubelet refuses them: image 'busybox' runs as "
        "root and runAsNonRoot is set (CreateContainerConfigError))")
    assert "the kubelet would not start it: image 'busybox' runs as root" in format_table(rows[:1])
    nonroot = audit_variants(pod, rng=random.Random(3), image="cgr.dev/chainguard/busybox")
    mixed = [audit_row(v, 200, {}) for v in nonroot[:3]] + rows[3:6] + [audit_row(v, 403, {}) for v in variants[6:]]
    assert start_summary(mixed) == (
        "6 of 9 admitted by the API server; 3 would start (the kubelet refuses the others: image 'busybox' runs "
        "as root and runAsNonRoot is set (CreateContainerConfigError))")
    pod["spec"]["securityContext"]["runAsUser"] = 1000
    assert start_summary([audit_row(v, 200, {}) for v in audit_variants(pod, rng=random.Random(3))]) == \
        "9 of 9 admitted by the API server; all 9 would start"
    assert start_summary([audit_row(v, 403, {}) for v in variants]) == "0 of 9 admitted by the API server"
