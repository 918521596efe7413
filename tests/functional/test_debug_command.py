"""`ephemera debug` against the real demo cluster: every mode, --dry-run, confirmations, errors."""

from __future__ import annotations

import json
import threading
from typing import Any

import pytest

from tui.cli import main
from tui.demo.cluster import DemoCluster
from tui.kube.attach_session import AttachSession, SessionStatus
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection
from tui.kube.debug_runner import fetch_pod

SLIM = "slim-79487d6484-h4rss"
WEB = "web-5d9c7b8f4-m4k8p"


def squeezed(text: str) -> str:
    """The output on one line, runs of spaces as one: the pre-flight's columns and wrapped lines read as words."""
    return " ".join(text.split())


def debug(cluster: DemoCluster, *words: str) -> int:
    return main(["--kubeconfig", str(cluster.kubeconfig_path), "debug", *words])


def connect(cluster: DemoCluster) -> ClusterConnection:
    return KubeConfig.load(str(cluster.kubeconfig_path)).connect()


def ephemeral_names(cluster: DemoCluster, pod: str, namespace: str = "default") -> list[str]:
    obj = fetch_pod(connect(cluster), namespace, pod)
    return [c["name"] for c in obj["spec"].get("ephemeralContainers") or []]


def exec_output(conn: ClusterConnection, namespace: str, pod: str, container: str, command: list[str]) -> str:
    """Run `command` in a container (exec, no tty) and return its output."""
    chunks: list[bytes] = []
    done = threading.Event()

    def on_status(status: SessionStatus) -> None:
        if status.finished:
            done.set()

    session = AttachSession(conn, namespace, pod, container, kind="exec", command=command, tty=False,
                            stdin=False, on_output=chunks.append, on_status=on_status)
    session.start()
    assert done.wait(10), "exec did not finish"
    session.close()
    return b"".join(chunks).decode()


def created_name(output: str) -> tuple[str, str]:
    """(pod, container) from the `container X is running in pod NS/POD` line."""
    line = next(line for line in output.splitlines() if line.startswith("container ") and " is running in pod " in line)
    container = line.split()[1]
    pod = line.rsplit("/", 1)[1]
    return pod, container


# --------------------------------------------------------------------------- modes


def test_target_mode_sees_the_target_processes(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, SLIM, "--target=app", "--image=busybox", "--no-attach") == 0
    out, err = capsys.readouterr()
    pod, container = created_name(out)
    assert pod == SLIM and container.startswith("debugger-")
    assert f"kubectl attach -it {SLIM} -c {container} -n default" in out
    assert "ok server dry run admitted" in squeezed(out)
    assert 'Targeting container "app"' in err
    ps = exec_output(connect(demo_cluster), "default", SLIM, container, ["ps"])
    assert "http.server" in ps  # the target's python process
    assert "node" not in ps  # not the sidecar's


def test_shared_network_mode_sees_only_its_own_processes(demo_cluster: DemoCluster,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, SLIM, "--image=busybox", "-c", "netdbg", "--no-attach") == 0
    out, _ = capsys.readouterr()
    assert created_name(out) == (SLIM, "netdbg")
    ps = exec_output(connect(demo_cluster), "default", SLIM, "netdbg", ["ps"])
    assert "http.server" not in ps and "node" not in ps


def test_copy_mode_shares_processes_and_leaves_the_original(demo_cluster: DemoCluster,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    before = ephemeral_names(demo_cluster, SLIM)
    assert debug(demo_cluster, SLIM, "-it", "--image=busybox", "--copy-to=slim-copy", "-c", "dbg",
                 "--no-attach") == 0
    out, _ = capsys.readouterr()
    assert created_name(out) == ("slim-copy", "dbg")
    conn = connect(demo_cluster)
    copy = fetch_pod(conn, "default", "slim-copy")
    assert copy["metadata"]["labels"]["app.kubernetes.io/managed-by"] == "ephemera"
    assert copy["metadata"]["annotations"]["ephemera.dev/source-pod"] == f"default/{SLIM}"
    assert copy["spec"]["shareProcessNamespace"] is True
    assert not copy["metadata"].get("ownerReferences")
    ps = exec_output(conn, "default", "slim-copy", "dbg", ["ps"])
    assert "/pause" in ps and "http.server" in ps and "node" in ps
    assert ephemeral_names(demo_cluster, SLIM) == before


def test_kubectl_command_line_works_after_swapping_the_program_name(
        demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    words = ["pod/" + SLIM, "-n", "default", "-it", "--image=busybox:1.36", "--target=app",
             "--profile=general", "--env=MODE=debug", "--image-pull-policy=IfNotPresent",
             "--attach=false", "-c", "kdbg", "--", "sh"]
    assert debug(demo_cluster, *words) == 0
    obj = fetch_pod(connect(demo_cluster), "default", SLIM)
    container = next(c for c in obj["spec"]["ephemeralContainers"] if c["name"] == "kdbg")
    assert container["image"] == "busybox:1.36" and container["targetContainerName"] == "app"
    assert container["command"] == ["sh"] and container["env"] == [{"name": "MODE", "value": "debug"}]
    assert container["imagePullPolicy"] == "IfNotPresent" and container["stdin"] and container["tty"]


# --------------------------------------------------------------------------- --dry-run


def test_dry_run_prints_the_exact_requests_and_creates_nothing(shared_cluster: DemoCluster,
                                                              capsys: pytest.CaptureFixture[str]) -> None:
    before = ephemeral_names(shared_cluster, SLIM)
    assert debug(shared_cluster, SLIM, "--target=app", "-c", "dry", "--dry-run") == 0
    out, _ = capsys.readouterr()
    requests = json.loads(out)
    assert len(requests) == 1
    request = requests[0]
    assert set(request) == {"method", "path", "content_type", "body"}
    assert request["method"] == "PATCH"
    assert request["path"] == f"/api/v1/namespaces/default/pods/{SLIM}/ephemeralcontainers"
    assert request["content_type"] == "application/strategic-merge-patch+json"
    added = request["body"]["spec"]["ephemeralContainers"]
    assert [c["name"] for c in added] == ["dry"] and added[0]["targetContainerName"] == "app"
    assert ephemeral_names(shared_cluster, SLIM) == before


def test_dry_run_of_a_copy_with_replace(shared_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(shared_cluster, WEB, "--copy-to=web-x", "--replace", "--dry-run") == 0
    requests = json.loads(capsys.readouterr().out)
    assert [(r["method"], r["path"]) for r in requests] == [
        ("POST", "/api/v1/namespaces/default/pods"),
        ("DELETE", f"/api/v1/namespaces/default/pods/{WEB}"),
    ]
    assert requests[0]["body"]["metadata"]["name"] == "web-x"
    assert fetch_pod(connect(shared_cluster), "default", WEB)["metadata"]["name"] == WEB


def test_dry_run_works_without_access_reviews(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    demo_cluster.faults.deny("create", "selfsubjectaccessreviews")
    demo_cluster.faults.deny("get", "namespaces")
    assert debug(demo_cluster, SLIM, "--dry-run") == 0
    assert json.loads(capsys.readouterr().out)[0]["method"] == "PATCH"


# --------------------------------------------------------------------------- pre-flight denials


def refused(cluster: DemoCluster, capsys: pytest.CaptureFixture[str], pod: str, *words: str,
            namespace: str = "default") -> str:
    before = ephemeral_names(cluster, pod, namespace)
    assert debug(cluster, pod, "-n", namespace, "--no-attach", *words) == 1
    out, err = capsys.readouterr()
    assert "pre-flight failed" in err and "nothing was created" in err
    assert ephemeral_names(cluster, pod, namespace) == before
    return out


def test_rbac_denial(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    demo_cluster.faults.deny("patch", "pods", "ephemeralcontainers")
    out = refused(demo_cluster, capsys, SLIM)
    assert "FAIL RBAC you may not patch pods/ephemeralcontainers in namespace 'default'" in squeezed(out)
    assert "kubectl auth can-i patch pods/ephemeralcontainers -n default" in out
    assert "FAIL server dry run refused: 403:" in squeezed(out) and "cannot patch resource" in out


def test_pod_security_in_the_secure_namespace(shared_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    out = refused(shared_cluster, capsys, "vault-agent-0", "--profile=general", "--run-as-user=65532",
                  namespace="secure")
    assert "FAIL Pod Security namespace 'secure' enforces restricted:latest" in squeezed(out)
    assert "-> use --profile=restricted" in out
    assert 'FAIL server dry run refused: 403: pods "vault-agent-0" is forbidden: violates PodSecurity' in squeezed(out)


def test_restricted_profile_is_admitted_in_the_secure_namespace(shared_cluster: DemoCluster,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(shared_cluster, "vault-agent-0", "-n", "secure", "--profile=restricted", "--run-as-user=65532",
                 "--dry-run") == 0
    capsys.readouterr()
    from tui.debug.preflight import run_checks
    from tui.debug.request import DebugRequest, Profile, SecurityOverrides
    from tui.kube.debug_runner import gather_facts

    request = DebugRequest(namespace="secure", pod="vault-agent-0", profile=Profile.RESTRICTED,
                           overrides=SecurityOverrides(run_as_user=65532))
    checks = {c.name: c for c in run_checks(gather_facts(connect(shared_cluster), request))}
    assert checks["Pod Security"].verdict == "ok"
    assert checks["server dry run"].found.startswith("admitted")


def test_static_pod(shared_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    out = refused(shared_cluster, capsys, "kube-apiserver-demo-node-1", namespace="kube-system")
    assert "FAIL static pod" in squeezed(out) and "--copy-to" in out
    assert "static pods do not support ephemeral containers" in out


def test_windows_node(shared_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    out = refused(shared_cluster, capsys, "win-iis-6b7d8c9f5-q7rtz", "--target=iis")
    assert "FAIL Windows node demo-win-1 runs Windows, which cannot share process namespaces" in squeezed(out)


def test_run_as_non_root_pod_with_busybox(shared_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    out = refused(shared_cluster, capsys, "nonroot-app", "--image=busybox")
    assert "FAIL runAsNonRoot the pod sets runAsNonRoot and image 'busybox' likely runs as root" in squeezed(out)
    assert "--run-as-user=65532" in out


def test_run_as_user_override_starts_in_the_non_root_pod(demo_cluster: DemoCluster,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, "nonroot-app", "--run-as-user=65532", "--no-attach") == 0
    pod, _container = created_name(capsys.readouterr().out)
    assert pod == "nonroot-app"


def test_force_goes_on_and_reports_the_container_that_never_starts(
        demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, "nonroot-app", "--no-attach", "--force", "-c", "rootdbg") == 1
    _, err = capsys.readouterr()
    assert "Waiting: container rootdbg: CreateContainerConfigError: container has runAsNonRoot" in err
    assert "did not start" in err and "ephemeral containers cannot be removed" in err


def test_copy_whose_image_never_pulls_is_listed_for_cleanup(demo_cluster: DemoCluster,
                                                           capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, WEB, "--copy-to=web-broken", "--image=example.com/doesnotexist:1",
                 "--no-attach") == 1
    _, err = capsys.readouterr()
    assert "ErrImagePull" in err or "ImagePullBackOff" in err
    assert "its image cannot be pulled" in err and "Check the image name" in err
    assert "The copy default/web-broken keeps retrying" in err and "ephemera cleanup -n default" in err


# --------------------------------------------------------------------------- confirmation, errors, reuse


def test_privileged_needs_yes_without_a_terminal(demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    before = ephemeral_names(demo_cluster, SLIM)
    assert debug(demo_cluster, SLIM, "--privileged", "--no-attach") == 1
    _, err = capsys.readouterr()
    assert "refused: the debug container is privileged" in err and "--yes" in err
    assert ephemeral_names(demo_cluster, SLIM) == before
    assert debug(demo_cluster, SLIM, "--profile=sysadmin", "--no-attach", "--yes", "-c", "priv") == 0
    assert "priv" in ephemeral_names(demo_cluster, SLIM)


def test_replace_needs_confirmation_and_deletes_the_original(demo_cluster: DemoCluster,
                                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, WEB, "--copy-to=web-repl", "--replace", "--no-attach") == 1
    assert "will be deleted" in capsys.readouterr().err
    assert debug(demo_cluster, WEB, "--copy-to=web-repl", "--replace", "--no-attach", "--yes") == 0
    conn = connect(demo_cluster)
    assert fetch_pod(conn, "default", "web-repl")["metadata"]["name"] == "web-repl"
    from tui.kube.errors import ClusterError

    try:
        original: dict[str, Any] | None = fetch_pod(conn, "default", WEB)
    except ClusterError:
        original = None
    assert original is None or original["metadata"].get("deletionTimestamp")


def test_missing_pod_is_a_one_line_error(shared_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(shared_cluster, "nope", "--no-attach") == 1
    err = capsys.readouterr().err
    assert 'pods "nope" not found' in err
    assert len(err.strip().splitlines()) == 1


def test_validation_error_from_the_server_with_force(demo_cluster: DemoCluster,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, SLIM, "-c", "app", "--no-attach", "--force") == 1
    out, err = capsys.readouterr()
    assert "FAIL name the pod already has a container named 'app'" in squeezed(out)
    assert 'Duplicate value: "app"' in err


def test_invalid_options_exit_2(shared_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(shared_cluster, SLIM, "--same-node", "--no-attach") == 2
    assert "--same-node may only be used with --copy-to" in capsys.readouterr().err


def test_reuse_attaches_to_the_running_debugger_instead_of_adding_one(
        demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, SLIM, "--target=app", "-c", "first", "--no-attach") == 0
    capsys.readouterr()
    names = ephemeral_names(demo_cluster, SLIM)
    assert debug(demo_cluster, SLIM, "--target=app", "--reuse", "--no-attach") == 0
    out, _ = capsys.readouterr()
    assert created_name(out) == (SLIM, "first")
    assert ephemeral_names(demo_cluster, SLIM) == names


def test_without_a_terminal_attach_prints_how_to_attach(demo_cluster: DemoCluster,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, SLIM, "-c", "att") == 0
    out = capsys.readouterr().out
    assert "no terminal to attach in; attach with:" in out
    assert f"kubectl attach -it {SLIM} -c att -n default" in out


def test_pod_missing_from_the_namespace_names_both_and_how_to_look(shared_cluster: DemoCluster,
                                                                  capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(shared_cluster, SLIM, "-n", "staging", "--no-attach") == 1
    err = capsys.readouterr().err
    assert f'pods "{SLIM}" not found in namespace "staging"' in err
    assert "kubectl get pods -n staging" in err


def test_copy_whose_wait_fails_is_listed_for_cleanup(demo_cluster: DemoCluster,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    demo_cluster.faults.deny("list", "pods")  # the wait lists the one pod: refused after creation
    assert debug(demo_cluster, SLIM, "--copy-to=left", "--no-attach", "--force") == 1
    err = capsys.readouterr().err
    assert "created debugger-" in err and "but could not follow it" in err and "cannot list" in err
    assert "pod/left was created before the failure" in err and "ephemera cleanup -n default" in err
    assert fetch_pod(connect(demo_cluster), "default", "left")["metadata"]["name"] == "left"


def test_ephemeral_container_whose_wait_fails_is_said_to_stay(demo_cluster: DemoCluster,
                                                               capsys: pytest.CaptureFixture[str]) -> None:
    demo_cluster.faults.deny("list", "pods")
    assert debug(demo_cluster, SLIM, "-c", "stays", "--no-attach", "--force") == 1
    err = capsys.readouterr().err
    assert "created stays, but could not follow it" in err
    assert f"ephemeral containers cannot be removed: stays stays in pod default/{SLIM}" in err


def test_a_command_without_stdin_is_followed_not_attached_interactively(demo_cluster: DemoCluster,
                                                                       capsys: pytest.CaptureFixture[str]) -> None:
    assert debug(demo_cluster, SLIM, "-c", "job", "--attach=false", "--", "sleep", "100") == 0
    out = capsys.readouterr().out
    flags = f"--context ephemera-demo --kubeconfig {demo_cluster.kubeconfig_path}"
    assert f"kubectl attach {SLIM} -c job -n default {flags}    (its output; it has no stdin)" in out
    assert "attach -it" not in out


def test_kubectls_pod_spellings_a_node_and_another_kind(shared_cluster: DemoCluster,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    for spelling in (f"po/{SLIM}", f"pods/{SLIM}", f"pod/{SLIM}"):
        assert debug(shared_cluster, spelling, "--dry-run") == 0
        assert SLIM in json.loads(capsys.readouterr().out)[0]["path"]
    # a node is node debugging (test_debug_node_command.py): root on the node asks first
    assert debug(shared_cluster, "node/demo-node-1", "-it", "--image=busybox") == 1
    assert "pass --yes to confirm" in capsys.readouterr().err
    assert debug(shared_cluster, "deployment/slim", "-it", "--image=busybox") == 2
    assert "not a pod; name a pod as POD or pod/POD" in capsys.readouterr().err


def test_replace_whose_delete_is_refused_reports_the_copy_it_made(demo_cluster: DemoCluster,
                                                                   capsys: pytest.CaptureFixture[str]) -> None:
    demo_cluster.faults.deny("delete", "pods")
    assert debug(demo_cluster, SLIM, "--copy-to=kept", "--replace", "--yes", "--force", "--no-attach") == 1
    err = capsys.readouterr().err
    assert 'cannot delete resource "pods"' in err and "kubectl auth can-i delete pods -n default" in err
    assert "pod/kept was created before the failure" in err and "ephemera cleanup -n default" in err
    assert fetch_pod(connect(demo_cluster), "default", "kept")["metadata"]["labels"][
        "app.kubernetes.io/managed-by"] == "ephemera"
    assert fetch_pod(connect(demo_cluster), "default", SLIM)["metadata"]["name"] == SLIM  # still there


def test_a_cluster_without_the_subresource_says_ephemeral_containers_are_disabled(
        demo_cluster: DemoCluster, capsys: pytest.CaptureFixture[str]) -> None:
    # the subresource answers 404 naming no pod (dry run and real request): the feature gate is off
    demo_cluster.faults.fail_requests(404, count=2, path_contains="/ephemeralcontainers")
    assert debug(demo_cluster, SLIM, "--no-attach", "--force") == 1
    out, err = capsys.readouterr()
    assert "FAIL server dry run refused: 404: ephemeral containers are disabled for this cluster" in squeezed(out)
    assert "-> use --copy-to instead" in out
    assert "ephemera debug: ephemeral containers are disabled for this cluster" in err
    assert "use the copy mode (--copy-to) instead" in err
    assert ephemeral_names(demo_cluster, SLIM) == []
