"""The pure parts of durable debuggers (`tui.debug.durable`, the planner's `durable`) and of copying
files through a debugger (`tui.debug.file_copy`, `ephemera cp`'s POD:PATH spelling)."""

from __future__ import annotations

from typing import Any

import pytest

from tui.commands.cp_run import RemoteSpec, parse_remote
from tui.debug import CopyOptions, DebugRequest, Mode, PlanError, plan
from tui.debug.durable import KEEPALIVE_COMMAND, durable_container_names, is_durable
from tui.debug.file_copy import (
    CopyPlanError,
    choose_debugger,
    parse_checksum,
    parse_probe,
    parse_remote_path,
    read_command,
)
from tui.debug.preflight import access_questions, reusable_container
from tui.debug.target_fs import MARKER_ENV

POD: dict[str, Any] = {"metadata": {"name": "slim", "namespace": "default"},
                       "spec": {"containers": [{"name": "app", "image": "distroless"}]}}


def _request(**kwargs: Any) -> DebugRequest:
    return DebugRequest(namespace="default", pod="slim", container_name="keeper", **kwargs)


def test_a_durable_plan_runs_the_keepalive_without_stdin_and_says_how_to_open_shells() -> None:
    planned = plan(_request(mode=Mode.TARGET, target="app", durable=True), POD)
    assert planned.durable and planned.shell_command is None
    container = planned.container
    assert container is not None and container["command"] == list(KEEPALIVE_COMMAND)
    assert "stdin" not in container and "tty" not in container and is_durable(container)
    assert planned.kubectl_command[-4:] == ["--", *KEEPALIVE_COMMAND] and "-it" not in planned.kubectl_command
    assert any("kubectl exec -it slim -n default -c keeper -- sh" in note for note in planned.kubectl_notes)


def test_kubectls_default_is_unchanged() -> None:
    planned = plan(_request(mode=Mode.TARGET, target="app"), POD)
    assert not planned.durable and "-it" in planned.kubectl_command
    assert planned.container is not None and not is_durable(planned.container)


def test_durable_with_the_target_filesystem_helper_execs_its_script_in_each_shell() -> None:
    planned = plan(_request(mode=Mode.TARGET, target="app", durable=True, target_fs=True), POD)
    assert planned.container is not None and planned.container["command"] == list(KEEPALIVE_COMMAND)
    assert planned.shell_command is not None and "/proc/1/root" in planned.shell_command[-1]
    copied = plan(_request(mode=Mode.COPY, durable=True, target_fs=True, copy=CopyOptions(name="c")), POD)
    app = next(c for c in copied.pod_copy["spec"]["containers"] if c["name"] == "app")  # type: ignore[index]
    assert {"name": MARKER_ENV, "value": "app"} in app["env"], "the shells find the target by its marker"
    assert durable_container_names(copied.pod_copy) == {"keeper"}


def test_a_durable_debugger_takes_no_command_and_warns_about_a_shellless_image() -> None:
    with pytest.raises(PlanError, match="leave the command empty"):
        plan(_request(durable=True, command=("sh",)), POD)
    planned = plan(_request(durable=True, image="gcr.io/distroless/base"), POD)
    assert any("without a shell" in warning for warning in planned.warnings)


def _with_debugger(container: dict[str, Any], state: str = "running") -> dict[str, Any]:
    pod = {**POD, "spec": {**POD["spec"], "ephemeralContainers": [container]},
           "status": {"ephemeralContainerStatuses": [{"name": container["name"], "state": {state: {}}}]}}
    return pod


def test_reuse_offers_a_durable_debugger_to_durable_requests_only() -> None:
    durable = _with_debugger({"name": "keeper", "image": "busybox", "targetContainerName": "app",
                              "command": list(KEEPALIVE_COMMAND)})
    assert reusable_container(durable, _request(mode=Mode.TARGET, target="app", durable=True)) == "keeper"
    assert reusable_container(durable, _request(mode=Mode.TARGET, target="app")) is None
    plain = _with_debugger({"name": "dbg", "image": "busybox", "targetContainerName": "app", "stdin": True})
    assert reusable_container(plain, _request(mode=Mode.TARGET, target="app", durable=True)) is None
    assert reusable_container(plain, _request(mode=Mode.TARGET, target="app")) == "dbg"
    subresources = {q.subresource for q in access_questions(_request(durable=True))}
    assert "exec" in subresources and "attach" not in subresources


def test_choose_debugger_finds_a_targeted_one_or_a_marked_copy() -> None:
    targeted = _with_debugger({"name": "dbg", "image": "busybox", "targetContainerName": "app"})
    found = choose_debugger(targeted, "app")
    assert (found.debugger, found.pid) == ("dbg", 1) and "/proc/1/root" in found.description
    with pytest.raises(CopyPlanError, match="no running debugger"):
        choose_debugger(_with_debugger({"name": "dbg", "image": "busybox", "targetContainerName": "app"},
                                       "waiting"), "app")
    with pytest.raises(CopyPlanError, match="no running debugger"):
        choose_debugger(_with_debugger({"name": "net", "image": "busybox"}), "app")  # network only
    copy = {"metadata": {"name": "c"}, "spec": {"shareProcessNamespace": True, "containers": [
        {"name": "app", "env": [{"name": MARKER_ENV, "value": "app"}]}, {"name": "dbg"}]},
        "status": {"containerStatuses": [{"name": "app", "state": {"running": {}}},
                                         {"name": "dbg", "state": {"running": {}}}]}}
    marked = choose_debugger(copy, "app")
    assert (marked.debugger, marked.marker) == ("dbg", "app") and f"{MARKER_ENV}=app" in marked.script()
    assert choose_debugger(copy, "app", pid=7).pid == 7


def test_paths_are_quoted_into_a_variable_never_code() -> None:
    assert parse_remote_path("../../etc/passwd") == "/etc/passwd"
    assert parse_remote_path("tmp//x/") == "/tmp/x"
    locator = choose_debugger(_with_debugger({"name": "dbg", "image": "busybox", "targetContainerName": "app"}),
                              "app")
    script = read_command(locator, "/tmp/$(reboot) 'x'")[-1]
    assert script.startswith("f='/tmp/$(reboot) '\"'\"'x'\"'\"''; ") and 'cat "$r$f"' in script


def test_probe_and_checksum_output() -> None:
    probe = parse_probe(b"tool:tar\ntype:file\nsize: 139\nroot:/proc/1/root\n")
    assert probe.tools == {"tar"} and probe.kind == "file" and probe.size == 139 and probe.root == "/proc/1/root"
    assert parse_checksum(b"a" * 64 + b"  /proc/1/root/x\n") == "a" * 64
    assert parse_checksum(b"sha256sum: can't open\n") == ""


def test_cp_arguments_are_kubectl_cps_spelling() -> None:
    assert parse_remote("web-1:/etc/x") == RemoteSpec(None, "web-1", "/etc/x")
    assert parse_remote("shop/web-1:/etc/x") == RemoteSpec("shop", "web-1", "/etc/x")
    assert parse_remote("./a:b") is None and parse_remote("/tmp/x") is None and parse_remote("local") is None


def test_the_overwrite_question_names_the_file_and_its_size() -> None:
    from tui.debug.file_copy import overwrite_question, size_text

    assert overwrite_question("/app/config.yaml", 1229, "app", "X") == \
        "overwrite /app/config.yaml (1.2 KB) in container app of pod X?"
    assert [size_text(n) for n in (None, 0, 1023, 1024, 5 << 20)] == \
        ["unknown size", "0 B", "1023 B", "1.0 KB", "5.0 MB"]


def test_a_targeted_debugger_in_a_pod_sharing_its_process_namespace_needs_the_pid() -> None:
    """shareProcessNamespace: PID 1 is the pod's pause process, not the target: /proc/1/root is the
    pause's root (a copy in wrote there and its sha256sum could not open the file). The target's
    PID must be given; with it the debugger is used."""
    shared = _with_debugger({"name": "dbg", "image": "busybox", "targetContainerName": "app"})
    shared["spec"] = {**shared["spec"], "shareProcessNamespace": True}
    with pytest.raises(CopyPlanError, match=r"pause process.*--pid"):
        choose_debugger(shared, "app")
    with pytest.raises(CopyPlanError, match="pause process"):
        choose_debugger(shared, "app", debugger="dbg")
    found = choose_debugger(shared, "app", pid=12)
    assert (found.debugger, found.pid) == ("dbg", 12)
