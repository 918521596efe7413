"""`P`: the policy audit table against the demo cluster's Pod Security emulation."""

from __future__ import annotations

import pytest

from helpers.browser import wait_for
from helpers.debug_ui import app_for, pod_of, select
from tui.debug.policy_audit import audit_variants
from tui.demo.cluster import DemoCluster
from tui.pods.security import check_pod, namespace_policy
from tui.screens.policy_audit_screen import PolicyAuditScreen

pytestmark = pytest.mark.usefixtures("private_files")  # Ephemera's config.toml and audit log under tmp_path

STAGING = ("staging", "orders-6f8b9c7d5-2xq9l")


async def _audit(pilot, key):  # type: ignore[no-untyped-def]
    await select(pilot, key)
    await pilot.press("P")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, PolicyAuditScreen), what="audit screen")
    screen = pilot.app.screen
    await wait_for(pilot, lambda: not screen.running and screen.rows, timeout=30, what="audit rows")
    return screen


@pytest.mark.parametrize("key", [STAGING, ("secure", "vault-agent-0")])
async def test_audit_table_matches_admission(shared_cluster: DemoCluster, key: tuple[str, str]) -> None:
    app = app_for(shared_cluster)
    pod = pod_of(shared_cluster, *key)
    assert pod is not None
    labels = shared_cluster.run(lambda: shared_cluster.store.get("namespaces", "", key[0]))["metadata"]["labels"]
    policy = namespace_policy(labels)
    expected = {v.name: not check_pod(v.pod, policy) for v in audit_variants(pod)}
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _audit(pilot, key)
        assert {r.variant: r.verdict == "admitted" for r in screen.rows} == expected
        status = str(screen.query_one("#audit-status").render())
        admitted = sum(expected.values())
        assert f"{admitted} of {len(expected)} admitted by the API server" in status
        assert "nothing was created" in status
        lines = screen.text.splitlines()
        for row in screen.rows:  # one table row per variant, its verdict beside it
            line = next(line for line in lines if line.startswith(f"│ {row.variant} "))
            assert (" yes " in line) == (row.verdict == "admitted")
        flat = " ".join(part.strip(" │") for part in lines)
        assert f'violates PodSecurity "{policy}"' in " ".join(flat.split())
        await pilot.press("escape")
        await wait_for(pilot, lambda: not isinstance(app.screen, PolicyAuditScreen), what="closed")
    assert (pod_of(shared_cluster, *key) or {})["spec"].get("ephemeralContainers") == \
        pod["spec"].get("ephemeralContainers")  # dry runs only


async def test_audit_in_an_unrestricted_namespace_admits_everything(shared_cluster: DemoCluster) -> None:
    app = app_for(shared_cluster)
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await _audit(pilot, ("default", "slim-79487d6484-h4rss"))
        assert {r.verdict for r in screen.rows} == {"admitted"}
        assert len(screen.rows) == 9


async def test_admitted_is_not_started_in_a_run_as_non_root_pod(shared_cluster: DemoCluster) -> None:
    """Issue 12 item 6: every variant is admitted for nonroot-app, but busybox runs as root there and
    the kubelet refuses it (CreateContainerConfigError, as the demo's kubelet does): both are said."""
    app = app_for(shared_cluster)
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await _audit(pilot, ("default", "nonroot-app"))
        assert {r.verdict for r in screen.rows} == {"admitted"} and len(screen.rows) == 9
        status = " ".join(str(screen.query_one("#audit-status").render()).split())
        assert status.startswith("9 of 9 admitted by the API server; 0 would start (the kubelet refuses them: "
                                 "image 'busybox' runs as root and runAsNonRoot is set (CreateContainerConfigError))")
        assert "9 of 9 variants admitted" not in status
        lines = screen.text.splitlines()
        for row in screen.rows:
            line = next(line for line in lines if line.startswith(f"│ {row.variant} "))
            assert line.split("│")[2].strip() == "yes" and line.split("│")[3].strip() == "no", line
        flat = " ".join(" ".join(part.strip(" │") for part in lines).split())
        assert "the kubelet would not start it: image 'busybox' runs as root" in flat
