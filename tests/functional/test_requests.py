"""The one request path (tui/kube/requests.py) against the demo cluster: every refusal and every
transport failure is the one error type, ClusterError, with the server's message and a fix."""

from __future__ import annotations

import pytest

from tui.demo.cluster import DemoCluster
from tui.kube.connection import ClusterConnection
from tui.kube.errors import ClusterError, ErrorKind
from tui.kube.pod_reads import check_pod, fetch_logs, read_logs
from tui.kube.requests import JSON, get_json, open_response, send, watch_timeout


def test_a_404_is_the_one_error_with_the_servers_message(shared_conn: ClusterConnection) -> None:
    with pytest.raises(ClusterError) as err:
        get_json(shared_conn, "/api/v1/namespaces/default/pods/no-such-pod")
    assert err.value.kind == ErrorKind.NOT_FOUND and err.value.status == 404
    assert err.value.message == 'pods "no-such-pod" not found'
    assert "refresh and check the name" in err.value.hint
    assert err.value.context == "ephemera-demo" and err.value.server == shared_conn.server
    assert check_pod(shared_conn, "default", "no-such-pod").found is False


def test_a_422_comes_back_in_the_answer_and_describes_itself(shared_conn: ClusterConnection) -> None:
    bad_pod = {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "no-containers"}, "spec": {"containers": []}}
    answer = send(shared_conn, "POST", "/api/v1/namespaces/default/pods", body=bad_pod, content_type=JSON,
                  query={"dryRun": "All"})
    assert not answer.ok and answer.status == 422
    error = answer.error()
    assert isinstance(error, ClusterError) and error.kind == ErrorKind.INVALID and error.status == 422
    assert error.message == 'Pod "no-containers" is invalid: spec.containers: Required value'
    assert error.hint == "fix spec.containers (the message says what is wrong)"


def test_a_403_names_the_missing_permission_for_gets_and_streams(demo_cluster: DemoCluster,
                                                                 conn: ClusterConnection) -> None:
    demo_cluster.faults.deny("list", "pods", namespace="default")
    demo_cluster.faults.deny("watch", "pods", namespace="default")
    with pytest.raises(ClusterError) as listed:
        get_json(conn, "/api/v1/namespaces/default/pods")
    with pytest.raises(ClusterError) as watched:
        open_response(conn, "/api/v1/namespaces/default/pods", [("watch", "true")], timeout=watch_timeout(5))
    for err, verb in ((listed.value, "list"), (watched.value, "watch")):
        assert err.kind == ErrorKind.FORBIDDEN and err.status == 403
        assert f'cannot {verb} resource "pods"' in err.message
        assert f'verb "{verb}" on "pods" in namespace "default"' in err.hint
        assert f"kubectl auth can-i {verb} pods -n default" in err.hint


def test_logs_come_from_one_function_and_fail_as_the_one_error(shared_conn: ClusterConnection) -> None:
    with pytest.raises(ClusterError) as err:
        fetch_logs(shared_conn, "default", "no-such-pod", "app")
    assert err.value.status == 404 and err.value.message == 'pods "no-such-pod" not found'
    # the session pane's reader says the same in one line, never raising
    assert read_logs(shared_conn, "default", "no-such-pod", "app") == (b"", 'pods "no-such-pod" not found')


def test_an_unreachable_cluster_is_the_one_error_too(demo_cluster: DemoCluster, conn: ClusterConnection) -> None:
    demo_cluster.stop()
    with pytest.raises(ClusterError) as err:
        get_json(conn, "/api/v1/namespaces")
    assert err.value.kind == ErrorKind.UNREACHABLE and err.value.status is None
    assert err.value.message == f"cannot reach the API server at {conn.server} (context 'ephemera-demo'): connection refused"
