"""The real kubectl v1.32 against the demo cluster: what a user types, and what they see.

Every call runs `kubectl --kubeconfig F` with stdin closed (or the given input) and a timeout, so a
hang fails the test instead of stalling the suite. Read-only tests share one cluster; tests that
change something get a fresh one. (`ephemera demo-cluster --kubeconfig-out F` from a non-editable
install followed by `kubectl get pods -A` is tested in test_cli.py, which CI runs on the wheel.)
"""

from __future__ import annotations

import json
import re
import subprocess
import threading
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import IO

import pytest

from helpers.demo_http import ephemeral_state, pod_json, wait_for
from tui.demo.cluster import DemoCluster

pytestmark = pytest.mark.kubectl

SLIM = "slim-79487d6484-h4rss"
CRASHLOOP = "payments-api-7c9d8f6b5-x2kqp"
SHARED_PID = "shared-pid-demo"
NOT_IN_PATH = 'exec: "sh": executable file not found in $PATH'


def kubectl_run(kubectl: str, cluster: DemoCluster, *args: str, stdin: str | None = None,
                timeout: float = 20, kubeconfig: Path | None = None) -> subprocess.CompletedProcess[str]:
    """One kubectl command as a user runs it; the caller checks the exit code."""
    return subprocess.run(kubectl_argv(kubectl, cluster, args, kubeconfig), capture_output=True, text=True,
                          timeout=timeout, input=stdin, stdin=None if stdin is not None else subprocess.DEVNULL)


def kubectl_argv(kubectl: str, cluster: DemoCluster, args: tuple[str, ...], kubeconfig: Path | None = None
                 ) -> list[str]:
    """kubectl with the cluster's kubeconfig and a discovery cache next to it (not in ~/.kube/cache)."""
    assert cluster.kubeconfig_path is not None
    cache = Path(cluster.kubeconfig_path).parent / "kubectl-cache"
    return [kubectl, "--kubeconfig", str(kubeconfig or cluster.kubeconfig_path), "--cache-dir", str(cache), *args]


def kubectl_ok(kubectl: str, cluster: DemoCluster, *args: str, stdin: str | None = None) -> str:
    result = kubectl_run(kubectl, cluster, *args, stdin=stdin)
    assert result.returncode == 0, f"kubectl {' '.join(args)} exited {result.returncode}: {result.stderr}"
    return result.stdout


def table(text: str) -> tuple[list[str], dict[str, list[str]]]:
    """kubectl's columns: the header words and each row's cells keyed by the row's NAME."""
    lines = [line for line in text.splitlines() if line.strip()]
    header = lines[0].split()
    name_column = header.index("NAME")
    return header, {cells[name_column]: cells for cells in (line.split() for line in lines[1:])}


class LineReader:
    """Collects a long-running kubectl's stdout lines on a thread, so the test can poll them."""

    def __init__(self, process: subprocess.Popen[str]) -> None:
        self.process = process
        self.lines: list[str] = []
        self._lock = threading.Lock()
        assert process.stdout is not None
        self._thread = threading.Thread(target=self._read, args=(process.stdout,), daemon=True)
        self._thread.start()

    def _read(self, stream: IO[str]) -> None:
        for line in stream:
            with self._lock:
                self.lines.append(line.rstrip("\n"))

    def matching(self, text: str) -> list[str]:
        with self._lock:
            return [line for line in self.lines if text in line]

    def wait_for(self, text: str, count: int = 1, timeout: float = 10) -> list[str]:
        return wait_for(lambda: len(self.matching(text)) >= count and self.matching(text), timeout=timeout,
                        what=f"{count}x {text!r} in kubectl's output (got {self.lines})")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait(timeout=30)
        self._thread.join(timeout=5)


def kubectl_background(kubectl: str, cluster: DemoCluster, *args: str) -> LineReader:
    process = subprocess.Popen(kubectl_argv(kubectl, cluster, args), text=True,
                               stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    return LineReader(process)


def add_debugger(kubectl: str, cluster: DemoCluster, pod: str, *extra: str) -> str:
    """`kubectl debug POD --image=busybox -it --attach=false -c debugger ...`, then wait until it runs."""
    out = kubectl_ok(kubectl, cluster, "debug", pod, "--image=busybox", "-it", "--attach=false",
                     "-c", "debugger", *extra)
    wait_for(lambda: "running" in ephemeral_state(cluster, "default", pod, "debugger"), what="debugger running")
    return out


def ps_rows(output: str) -> dict[str, str]:
    """busybox `ps` rows as PID -> COMMAND."""
    rows: dict[str, str] = {}
    for line in output.splitlines():
        parts = line.split(None, 3)
        if len(parts) == 4 and parts[0].isdigit():
            rows[parts[0]] = parts[3]
    return rows


# ---- get ---------------------------------------------------------------------------------------


def test_get_pods_all_namespaces_shows_the_usual_columns_and_statuses(shared_cluster: DemoCluster,
                                                                       kubectl: str) -> None:
    header, rows = table(kubectl_ok(kubectl, shared_cluster, "get", "pods", "-A"))
    assert header == ["NAMESPACE", "NAME", "READY", "STATUS", "RESTARTS", "AGE"]
    assert rows[SLIM][:4] == ["default", SLIM, "2/2", "Running"]
    crash = rows[CRASHLOOP]
    assert crash[2:4] == ["0/1", "CrashLoopBackOff"]
    # RESTARTS like "5 (5m ago)"; the shared cluster's crash loop keeps counting while the session runs
    assert int(crash[4]) >= 5 and crash[5].startswith("(") and crash[6] == "ago)"
    assert {cells[0] for cells in rows.values()} >= {"default", "kube-system", "secure", "staging", "monitoring"}
    assert rows[SHARED_PID][2:4] == ["2/2", "Running"]


def test_get_pods_wide_adds_ip_and_node(shared_cluster: DemoCluster, kubectl: str) -> None:
    header, rows = table(kubectl_ok(kubectl, shared_cluster, "get", "pods", "-o", "wide"))
    assert header == ["NAME", "READY", "STATUS", "RESTARTS", "AGE", "IP", "NODE", "NOMINATED", "NODE",
                      "READINESS", "GATES"]
    slim = rows[SLIM]
    assert slim[5].startswith("10.244.") and slim[6] == "demo-node-1" and slim[7:] == ["<none>", "<none>"]
    assert rows["win-iis-6b7d8c9f5-q7rtz"][6] == "demo-win-1"
    assert all(cells[0] != "kube-system" for cells in rows.values())  # the context's namespace only


def test_get_pods_json_is_a_list_of_full_pods(shared_cluster: DemoCluster, kubectl: str) -> None:
    listed = json.loads(kubectl_ok(kubectl, shared_cluster, "get", "pods", "-o", "json"))
    assert listed["kind"] == "List" and listed["apiVersion"] == "v1"
    pods = {item["metadata"]["name"]: item for item in listed["items"]}
    assert {item["kind"] for item in listed["items"]} == {"Pod"}
    assert pods[SLIM]["spec"]["containers"][0]["command"] == ["python", "-m", "http.server", "8080"]
    waiting = pods[CRASHLOOP]["status"]["containerStatuses"][0]["state"]["waiting"]
    assert waiting["reason"] == "CrashLoopBackOff"
    one = json.loads(kubectl_ok(kubectl, shared_cluster, "get", "pod", SLIM, "-o", "json"))
    assert one["kind"] == "Pod" and one["metadata"]["labels"]["app"] == "slim"


def test_get_pods_with_label_and_field_selectors(shared_cluster: DemoCluster, kubectl: str) -> None:
    _, rows = table(kubectl_ok(kubectl, shared_cluster, "get", "pods", "-l", "app=slim"))
    assert list(rows) == [SLIM]
    _, rows = table(kubectl_ok(kubectl, shared_cluster, "get", "pods", "-l", "tier=frontend,app!=slim"))
    assert sorted(rows) == ["web-5d9c7b8f4-m4k8p", "web-5d9c7b8f4-t9w2z"]
    _, running = table(kubectl_ok(kubectl, shared_cluster, "get", "pods", "-A",
                                  "--field-selector", "status.phase=Running"))
    assert SLIM in running and "vault-agent-0" in running
    assert CRASHLOOP in running  # a crash-looping pod's phase stays Running, as on a real cluster
    pending = kubectl_run(kubectl, shared_cluster, "get", "pods", "-A", "--field-selector", "status.phase=Pending")
    assert pending.returncode == 0 and pending.stdout == ""
    assert pending.stderr.strip() == "No resources found"
    _, named = table(kubectl_ok(kubectl, shared_cluster, "get", "pods", "-A",
                                "--field-selector", "metadata.namespace=staging"))
    assert sorted(named) == ["orders-6f8b9c7d5-2xq9l", "redis-0"]


def test_get_namespaces_and_nodes(shared_cluster: DemoCluster, kubectl: str) -> None:
    header, namespaces = table(kubectl_ok(kubectl, shared_cluster, "get", "ns", "--show-labels"))
    assert header == ["NAME", "STATUS", "AGE", "LABELS"]
    assert {"default", "kube-system", "secure", "staging", "monitoring"} <= set(namespaces)
    assert all(cells[1] == "Active" for cells in namespaces.values())
    assert "pod-security.kubernetes.io/enforce=restricted" in namespaces["secure"][3]
    header, nodes = table(kubectl_ok(kubectl, shared_cluster, "get", "nodes", "-o", "wide"))
    assert header[:5] == ["NAME", "STATUS", "ROLES", "AGE", "VERSION"]
    assert nodes["demo-node-1"][1:3] == ["Ready", "control-plane"]
    assert nodes["demo-win-1"][1] == "Ready"
    assert "Windows" in " ".join(nodes["demo-win-1"])


def test_unknown_pod_is_kubectls_usual_not_found(shared_cluster: DemoCluster, kubectl: str) -> None:
    result = kubectl_run(kubectl, shared_cluster, "get", "pod", "nope")
    assert result.returncode == 1
    assert result.stderr.strip() == 'Error from server (NotFound): pods "nope" not found'


# ---- debug, attach, describe -------------------------------------------------------------------


def test_debug_target_then_attach_ps_then_describe(demo_cluster: DemoCluster, kubectl: str) -> None:
    out = add_debugger(kubectl, demo_cluster, SLIM, "--target=app")
    assert 'Targeting container "app"' in out
    statuses = json.loads(kubectl_ok(kubectl, demo_cluster, "get", "pod", SLIM, "-o",
                                     "jsonpath={.status.ephemeralContainerStatuses}"))
    assert [(s["name"], list(s["state"])) for s in statuses] == [("debugger", ["running"])]

    attached = kubectl_run(kubectl, demo_cluster, "attach", "-i", SLIM, "-c", "debugger", stdin="ps\nexit\n")
    assert attached.returncode == 0, attached.stderr
    processes = ps_rows(attached.stdout)
    assert processes["1"] == "python -m http.server 8080"  # the target's process, as PID 1
    assert "sh" in processes.values() and "ps" in processes.values()
    assert not any("node" in command for command in processes.values())  # not the sidecar's
    wait_for(lambda: "terminated" in ephemeral_state(demo_cluster, "default", SLIM, "debugger"), what="exit")

    described = kubectl_ok(kubectl, demo_cluster, "describe", "pod", SLIM)
    assert "Status:           Running" in described
    containers = described.split("Containers:\n", 1)[1]
    assert containers.index("  app:") < containers.index("  sidecar:")
    ephemeral = described.split("Ephemeral Containers:\n", 1)[1].split("Conditions:", 1)[0]
    assert "  debugger:" in ephemeral and "Image:          busybox" in ephemeral
    assert "State:          Terminated" in ephemeral and "Exit Code:    0" in ephemeral


def test_describe_shows_a_running_ephemeral_container(demo_cluster: DemoCluster, kubectl: str) -> None:
    assert "Ephemeral Containers:" not in kubectl_ok(kubectl, demo_cluster, "describe", "pod", SLIM)
    add_debugger(kubectl, demo_cluster, SLIM)
    described = kubectl_ok(kubectl, demo_cluster, "describe", "pod", SLIM)
    ephemeral = described.split("Ephemeral Containers:\n", 1)[1].split("Conditions:", 1)[0]
    assert "  debugger:" in ephemeral and "State:          Running" in ephemeral


def test_debug_copy_with_shared_processes_then_attach_ps(demo_cluster: DemoCluster, kubectl: str) -> None:
    kubectl_ok(kubectl, demo_cluster, "debug", SLIM, "--image=busybox", "--copy-to=x", "--share-processes",
               "-c", "debugger", "-it", "--attach=false")
    assert kubectl_ok(kubectl, demo_cluster, "get", "pod", "x", "-o",
                      "jsonpath={.spec.shareProcessNamespace}") == "true"

    def copy_running() -> list[str] | None:
        _, rows = table(kubectl_ok(kubectl, demo_cluster, "get", "pod", "x"))
        return rows["x"] if rows["x"][1:3] == ["3/3", "Running"] else None

    wait_for(copy_running, what="the copy x Running 3/3")
    attached = kubectl_run(kubectl, demo_cluster, "attach", "-i", "x", "-c", "debugger", stdin="ps\nexit\n")
    assert attached.returncode == 0, attached.stderr
    processes = ps_rows(attached.stdout)
    assert processes["1"] == "/pause"
    commands = list(processes.values())
    assert "python -m http.server 8080" in commands
    assert any(command.startswith("/nodejs/bin/node") for command in commands)
    assert "sh" in commands
    original = pod_json(demo_cluster, "default", SLIM)
    assert original is not None and not original["spec"].get("ephemeralContainers")  # untouched


def test_a_copys_debug_shell_restarts_after_exit(demo_cluster: DemoCluster, kubectl: str) -> None:
    """In the copy the debugger is a regular container (restartPolicy Always): after `exit` the
    kubelet starts a fresh shell, RESTARTS counts it, and the last session is in `logs --previous`."""
    kubectl_ok(kubectl, demo_cluster, "debug", SLIM, "--image=busybox", "--copy-to=x", "-c", "debugger", "-it",
               "--attach=false")

    def debugger(field: str) -> str:
        return kubectl_ok(kubectl, demo_cluster, "get", "pod", "x", "-o",
                          f"jsonpath={{.status.containerStatuses[?(@.name=='debugger')].{field}}}")

    wait_for(lambda: "running" in debugger("state"), what="the copy's debugger running")
    kubectl_ok(kubectl, demo_cluster, "attach", "-i", "x", "-c", "debugger", stdin="echo first session\nexit 3\n")
    wait_for(lambda: debugger("restartCount") == "1" and "running" in debugger("state"), what="a restart")
    assert json.loads(debugger("lastState"))["terminated"]["exitCode"] == 3
    _, rows = table(kubectl_ok(kubectl, demo_cluster, "get", "pod", "x"))
    assert rows["x"][1:4] == ["3/3", "Running", "1"]
    assert "first session" in kubectl_ok(kubectl, demo_cluster, "logs", "x", "-c", "debugger", "--previous")
    again = kubectl_ok(kubectl, demo_cluster, "attach", "-i", "x", "-c", "debugger", stdin="echo second\nexit\n")
    assert "second" in again and "first session" not in again


# ---- logs --------------------------------------------------------------------------------------


def test_logs_of_the_app_show_its_access_log_and_follow_ends_when_the_pod_goes(demo_cluster: DemoCluster,
                                                                                kubectl: str) -> None:
    add_debugger(kubectl, demo_cluster, SLIM)
    fetched = kubectl_ok(kubectl, demo_cluster, "exec", SLIM, "-c", "debugger", "--", "wget", "-qO-",
                         "localhost:8080/")
    assert "Directory listing for /" in fetched
    logs = kubectl_ok(kubectl, demo_cluster, "logs", SLIM, "-c", "app")
    assert '"GET / HTTP/1.1" 200 -' in logs

    follow = kubectl_background(kubectl, demo_cluster, "logs", "-f", SLIM, "-c", "app")
    try:
        follow.wait_for('"GET / HTTP/1.1" 200')  # the history first
        kubectl_run(kubectl, demo_cluster, "exec", SLIM, "-c", "debugger", "--", "wget", "-qO-",
                    "localhost:8080/missing")
        follow.wait_for('"GET /missing HTTP/1.1" 404')  # then live lines
        demo_cluster.faults.delete_pod("default", SLIM)
        assert follow.process.wait(timeout=30) == 0
    finally:
        follow.stop()


def test_logs_previous_of_the_crashloop_pod(demo_cluster: DemoCluster, kubectl: str) -> None:
    previous = kubectl_ok(kubectl, demo_cluster, "logs", CRASHLOOP, "--previous")
    current = kubectl_ok(kubectl, demo_cluster, "logs", CRASHLOOP)
    assert "FATAL could not connect to the database" in previous
    restarts = int(kubectl_ok(kubectl, demo_cluster, "get", "pod", CRASHLOOP, "-o",
                              "jsonpath={.status.containerStatuses[0].restartCount}"))
    assert f"(attempt {restarts})" in previous and f"(attempt {restarts + 1})" in current
    none = kubectl_run(kubectl, demo_cluster, "logs", SLIM, "-c", "app", "--previous")
    assert none.returncode == 1
    assert f'previous terminated container "app" in pod "{SLIM}" not found' in none.stderr


def test_logs_without_container_defaults_to_the_first(shared_cluster: DemoCluster, kubectl: str) -> None:
    result = kubectl_run(kubectl, shared_cluster, "logs", SHARED_PID)
    assert result.returncode == 0, result.stderr
    assert 'Defaulted container "web" out of: web, worker' in result.stderr
    assert "start worker processes" in result.stdout  # nginx's start lines


def test_logs_tail_timestamps_since_and_limit_bytes(shared_cluster: DemoCluster, kubectl: str) -> None:
    every = kubectl_ok(kubectl, shared_cluster, "logs", SHARED_PID, "-c", "web").splitlines()
    assert len(every) == 3 and "start worker processes" in every[-1]
    stamped = kubectl_ok(kubectl, shared_cluster, "logs", SHARED_PID, "-c", "web", "--tail=2", "--timestamps")
    lines = stamped.splitlines()
    assert [line.split(" ", 1)[1] for line in lines] == every[-2:]
    assert all(re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", line.split(" ", 1)[0]) for line in lines)
    assert kubectl_ok(kubectl, shared_cluster, "logs", SHARED_PID, "-c", "web", "--limit-bytes=10") == \
        "\n".join(every)[:10]
    assert kubectl_ok(kubectl, shared_cluster, "logs", SHARED_PID, "-c", "web", "--since=1h").splitlines() == every
    after = datetime.now(UTC) + timedelta(minutes=1)  # nothing was written after this
    later = kubectl_ok(kubectl, shared_cluster, "logs", SHARED_PID, "-c", "web",
                       "--since-time=" + after.strftime("%Y-%m-%dT%H:%M:%SZ"))
    assert later == ""


# ---- exec ---------------------------------------------------------------------------------------


def test_exec_sh_in_a_distroless_container_fails_like_a_real_runtime(shared_cluster: DemoCluster,
                                                                      kubectl: str) -> None:
    result = kubectl_run(kubectl, shared_cluster, "exec", SLIM, "-c", "app", "--", "sh")
    assert result.returncode != 0
    assert NOT_IN_PATH in result.stderr
    assert result.stderr.startswith("error: Internal error occurred: error executing command in container")


def test_exec_ps_in_a_pod_with_a_shell(shared_cluster: DemoCluster, kubectl: str) -> None:
    processes = ps_rows(kubectl_ok(kubectl, shared_cluster, "exec", SHARED_PID, "-c", "worker", "--", "ps"))
    assert processes["1"] == "/pause"  # shareProcessNamespace: every container's processes
    commands = list(processes.values())
    assert any("nginx" in command for command in commands)
    assert "sleep 3600" in commands and "ps" in commands


def test_exec_reports_the_commands_exit_code(shared_cluster: DemoCluster, kubectl: str) -> None:
    result = kubectl_run(kubectl, shared_cluster, "exec", SHARED_PID, "-c", "worker", "--", "sh", "-c", "exit 3")
    assert result.returncode == 3
    assert result.stderr.strip() == "command terminated with exit code 3"
    piped = kubectl_run(kubectl, shared_cluster, "exec", "-i", SHARED_PID, "-c", "worker", "--", "sh",
                        stdin="echo hello from stdin\nhostname\n")
    assert piped.returncode == 0, piped.stderr
    assert piped.stdout.splitlines() == ["hello from stdin", SHARED_PID]


# ---- RBAC, watch, delete, auth ------------------------------------------------------------------


def test_auth_can_i_patch_ephemeral_containers(demo_cluster: DemoCluster, kubectl: str) -> None:
    can_i = ("auth", "can-i", "patch", "pods", "--subresource=ephemeralcontainers")
    allowed = kubectl_run(kubectl, demo_cluster, *can_i)
    assert (allowed.returncode, allowed.stdout.strip()) == (0, "yes"), allowed.stderr
    demo_cluster.faults.deny("patch", "pods", "ephemeralcontainers")
    denied = kubectl_run(kubectl, demo_cluster, *can_i)
    assert (denied.returncode, denied.stdout.strip()) == (1, "no"), denied.stderr
    assert kubectl_ok(kubectl, demo_cluster, "auth", "can-i", "patch", "pods").strip() == "yes"
    # kubectl reads `pods/ephemeralcontainers` as TYPE/NAME: a pod named "ephemeralcontainers",
    # so that spelling still says yes, exactly as against a real API server.
    assert kubectl_ok(kubectl, demo_cluster, "auth", "can-i", "patch", "pods/ephemeralcontainers").strip() == "yes"
    debug = kubectl_run(kubectl, demo_cluster, "debug", SLIM, "--image=busybox", "-c", "debugger")
    assert debug.returncode == 1
    assert 'cannot patch resource "pods/ephemeralcontainers"' in debug.stderr


def test_auth_can_i_list(shared_cluster: DemoCluster, kubectl: str) -> None:
    lines = kubectl_ok(kubectl, shared_cluster, "auth", "can-i", "--list").splitlines()
    assert lines[0].split() == ["Resources", "Non-Resource", "URLs", "Resource", "Names", "Verbs"]
    assert lines[1].split() == ["*.*", "[]", "[]", "[*]"]


def test_get_pods_watch_shows_a_deleted_pod(demo_cluster: DemoCluster, kubectl: str) -> None:
    watch = kubectl_background(kubectl, demo_cluster, "get", "pods", "-w")
    try:
        watch.wait_for("web-5d9c7b8f4-m4k8p")
        demo_cluster.faults.delete_pod("default", "web-5d9c7b8f4-m4k8p")
        watch.wait_for("web-5d9c7b8f4-m4k8p", count=2)
        demo_cluster.faults.crash_now("default", CRASHLOOP, "api")
        restarted = watch.wait_for(CRASHLOOP, count=2)
        assert restarted[-1].split()[3] == "6"  # RESTARTS went from 5 to 6
    finally:
        watch.stop()


def test_delete_pod(demo_cluster: DemoCluster, kubectl: str) -> None:
    watch = kubectl_background(kubectl, demo_cluster, "get", "pod", "web-5d9c7b8f4-m4k8p", "-w")
    try:
        watch.wait_for("web-5d9c7b8f4-m4k8p")
        result = kubectl_run(kubectl, demo_cluster, "delete", "pod", "web-5d9c7b8f4-m4k8p")
        assert result.returncode == 0, result.stderr
        assert result.stdout.strip() == 'pod "web-5d9c7b8f4-m4k8p" deleted'
        # graceful deletion as a real cluster shows it: Terminating, the containers stop, then gone
        rows = [line.split()[1:3] for line in watch.wait_for("web-5d9c7b8f4-m4k8p", count=4)]
        assert rows == [["1/1", "Running"], ["1/1", "Terminating"], ["0/1", "Terminating"], ["0/1", "Terminating"]]
    finally:
        watch.stop()
    gone = kubectl_run(kubectl, demo_cluster, "get", "pod", "web-5d9c7b8f4-m4k8p")
    assert gone.stderr.strip() == 'Error from server (NotFound): pods "web-5d9c7b8f4-m4k8p" not found'
    _, rows = table(kubectl_ok(kubectl, demo_cluster, "get", "pods"))
    assert "web-5d9c7b8f4-t9w2z" in rows and "web-5d9c7b8f4-m4k8p" not in rows


def test_label_annotate_patch_and_set_image(demo_cluster: DemoCluster, kubectl: str) -> None:
    pod = "web-5d9c7b8f4-t9w2z"
    assert kubectl_ok(kubectl, demo_cluster, "label", "pod", pod, "team=blue").strip() == f"pod/{pod} labeled"
    assert kubectl_ok(kubectl, demo_cluster, "annotate", "pod", pod, "note=hi").strip() == f"pod/{pod} annotated"
    _, rows = table(kubectl_ok(kubectl, demo_cluster, "get", "pods", "-l", "team=blue"))
    assert list(rows) == [pod]
    kubectl_ok(kubectl, demo_cluster, "label", "pod", pod, "team-")
    assert kubectl_ok(kubectl, demo_cluster, "get", "pod", pod, "-o", "jsonpath={.metadata.labels.team}"
                      "{.metadata.annotations.note}") == "hi"

    refused = kubectl_run(kubectl, demo_cluster, "patch", "pod", pod, "-p", '{"spec":{"hostNetwork":true}}')
    assert refused.returncode == 1
    assert refused.stderr.startswith(f'The Pod "{pod}" is invalid: spec: Forbidden: pod updates may not change '
                                     "fields other than `spec.containers[*].image`")
    stale = kubectl_run(kubectl, demo_cluster, "label", "pod", pod, "x=1", "--resource-version=1")
    assert stale.stderr.strip() == (f'Error from server (Conflict): Operation cannot be fulfilled on pods "{pod}": '
                                    "the object has been modified; please apply your changes to the latest "
                                    "version and try again")

    # a new image: the kubelet kills the container and starts it again with that image
    kubectl_ok(kubectl, demo_cluster, "set", "image", f"pod/{pod}", "nginx=nginx:1.28")

    def restarted() -> bool:
        status = json.loads(kubectl_ok(kubectl, demo_cluster, "get", "pod", pod, "-o",
                                       "jsonpath={.status.containerStatuses[0]}"))
        return status["restartCount"] == 1 and "running" in status["state"] and status["image"].endswith(":1.28")

    wait_for(restarted, what="the container restarted with the new image")
    assert "nginx/1.27.2" in kubectl_ok(kubectl, demo_cluster, "logs", pod, "--previous")


def test_wrong_token_is_unauthorized(shared_cluster: DemoCluster, kubectl: str, tmp_path: Path) -> None:
    assert shared_cluster.kubeconfig_path is not None
    text = Path(shared_cluster.kubeconfig_path).read_text()
    assert shared_cluster.token in text
    wrong = tmp_path / "wrong-token"
    wrong.write_text(text.replace(shared_cluster.token, "not-the-token"))
    result = kubectl_run(kubectl, shared_cluster, "get", "pods", kubeconfig=wrong)
    assert result.returncode == 1 and result.stdout == ""
    # kubectl's last line depends on its discovery cache: with the cache filled (another test ran
    # first) the list's 401 "(Unauthorized)"; with none, discovery's own 401 wording (as against a
    # real API server)
    assert result.stderr.splitlines()[-1] in (
        "error: You must be logged in to the server (Unauthorized)",
        "error: You must be logged in to the server (the server has asked for the client to provide credentials)",
    )
