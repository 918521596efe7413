"""A durable debugger named `cp` targeting the distroless `app` container of the demo's slim pod:
what `ephemera cp` copies through (`/proc/1/root/...`)."""

from __future__ import annotations

from helpers import WAIT_SECONDS
from tui.debug import DebugRequest, Mode
from tui.demo.cluster import DemoCluster
from tui.kube import debug_runner
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection

NAMESPACE, POD = "default", "slim-79487d6484-h4rss"


def start_copy_debugger(cluster: DemoCluster) -> ClusterConnection:
    """Create it and wait until it runs; the connection to the cluster."""
    conn = KubeConfig.load(cluster.kubeconfig_path).connect()
    request = DebugRequest(namespace=NAMESPACE, pod=POD, mode=Mode.TARGET, target="app", container_name="cp",
                           durable=True)
    facts = debug_runner.gather_facts(conn, request, with_dry_run=False)
    assert facts.plan is not None, facts.plan_error
    execution = debug_runner.execute(conn, facts.plan)
    assert debug_runner.wait_for_container(conn, NAMESPACE, POD, execution.container, timeout=WAIT_SECONDS).running
    return conn
