"""The simulated runtime's PID-namespace semantics, as the blog walkthrough shows them."""

from __future__ import annotations

import asyncio

from helpers.demo_runtime import run, slim_pod, start, wait_for
from tui.demo.container import images
from tui.demo.node.runtime import ContainerRuntime, ExecError

BUSYBOX_DEBUGGER = {"name": "debugger", "image": "busybox", "stdin": True, "tty": True}


def ps_rows(output: str) -> list[tuple[int, str, str]]:
    rows = []
    for line in output.splitlines()[1:]:
        pid, user, _time, command = line.split(None, 3)
        rows.append((int(pid), user, command))
    return rows


async def test_plain_ephemeral_container_sees_only_itself() -> None:
    runtime = ContainerRuntime()
    pod = slim_pod(debugger=dict(BUSYBOX_DEBUGGER))
    start(runtime, pod)
    code, sink = await run(runtime, pod, "debugger", ["ps", "auxf"])
    rows = ps_rows(sink.out)
    assert code == 0
    assert rows[0] == (1, "root", "sh")
    assert [r[2] for r in rows] == ["sh", "ps auxf"]


async def test_targeted_ephemeral_container_joins_the_target_namespace() -> None:
    runtime = ContainerRuntime()
    pod = slim_pod(debugger=dict(BUSYBOX_DEBUGGER, targetContainerName="app"))
    start(runtime, pod)
    _, sink = await run(runtime, pod, "debugger", ["ps"])
    rows = ps_rows(sink.out)
    assert rows[0] == (1, "root", "python -m http.server 8080")
    assert rows[1][2] == "sh" and rows[1][0] > 1
    assert not any("node" in r[2] for r in rows)


async def test_shared_process_namespace_has_pause_as_pid_1() -> None:
    runtime = ContainerRuntime()
    pod = slim_pod(share=True, debugger=dict(BUSYBOX_DEBUGGER))
    start(runtime, pod)
    _, sink = await run(runtime, pod, "debugger", ["ps", "-ef"])
    rows = ps_rows(sink.out)
    assert rows[0] == (1, "65535", "/pause")
    assert rows[1] == (7, "root", "python -m http.server 8080")
    assert rows[2] == (19, "root", '/nodejs/bin/node -e setTimeout(() => console.log("done"), 999999)')
    assert rows[3][2] == "sh"


async def test_proc_root_shows_the_other_containers_files() -> None:
    runtime = ContainerRuntime()
    pod = slim_pod(share=True, debugger=dict(BUSYBOX_DEBUGGER))
    start(runtime, pod)
    _, sink = await run(runtime, pod, "debugger", ["sh", "-c", "ls /proc/$(pgrep python)/root/usr/bin"])
    assert sink.out.split() == ["c_rehash", "catchsegv", "getconf", "getent", "iconv", "ldd", "locale",
                                "localedef", "openssl", "pldd", "python", "python3", "python3.9", "tzselect",
                                "zdump"]
    _, sink = await run(runtime, pod, "debugger", ["sh", "-c", "ls /proc/$(pgrep node)/root/nodejs"])
    assert sink.out.split() == ["CHANGELOG.md", "LICENSE", "README.md", "bin", "include", "share"]
    code, sink = await run(runtime, pod, "debugger", ["ls", "/proc/999/root"])
    assert code == 1 and sink.err == "ls: /proc/999/root: No such file or directory\n"


async def test_proc_root_of_an_invisible_pid_does_not_exist() -> None:
    runtime = ContainerRuntime()
    pod = slim_pod(debugger=dict(BUSYBOX_DEBUGGER))
    start(runtime, pod)
    code, sink = await run(runtime, pod, "debugger", ["cat", "/proc/7/root/etc/passwd"])
    assert code == 1 and "No such file or directory" in sink.err


async def test_nonroot_debugger_cannot_read_a_root_process_root() -> None:
    runtime = ContainerRuntime()
    pod = slim_pod(debugger={"name": "dbg", "image": "busybox", "targetContainerName": "app",
                             "securityContext": {"runAsUser": 1000}})
    start(runtime, pod)
    code, sink = await run(runtime, pod, "dbg", ["ls", "/proc/1/root/"])
    assert code == 1 and sink.err == "ls: /proc/1/root/: Permission denied\n"
    _, sink = await run(runtime, pod, "dbg", ["id"])
    assert sink.out == "uid=1000 gid=1000 groups=1000\n"


async def test_network_namespace_is_shared_by_the_pod() -> None:
    runtime = ContainerRuntime()
    pod = slim_pod(debugger=dict(BUSYBOX_DEBUGGER))
    start(runtime, pod)
    code, sink = await run(runtime, pod, "debugger", ["wget", "-O", "-", "localhost:8080"])
    assert code == 0
    assert sink.out.startswith('<!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN"')
    assert '<li><a href="usr/">usr/</a></li>' in sink.out
    assert sink.err.startswith("Connecting to localhost:8080 (127.0.0.1:8080)\nwriting to stdout\n")
    assert b'"GET / HTTP/1.1" 200 -' in runtime.logs(pod, "app")
    code, sink = await run(runtime, pod, "debugger", ["wget", "-qO-", "localhost:9999"])
    assert code == 1 and sink.err == "wget: can't connect to remote host (127.0.0.1): Connection refused\n"
    _, sink = await run(runtime, pod, "debugger", ["hostname"])
    assert sink.out == "slim-1\n"


async def test_distroless_has_no_shell() -> None:
    runtime = ContainerRuntime()
    pod = slim_pod()
    start(runtime, pod)
    await asyncio.sleep(0)
    app = runtime.find("default", "slim-1", "app")
    assert app is not None
    try:
        runtime.exec(app, ["sh"], tty=False, stdin=False, sink=None)  # type: ignore[arg-type]
    except ExecError as error:
        assert str(error) == 'exec: "sh": executable file not found in $PATH: unknown'
    else:
        raise AssertionError("exec of sh in a distroless image must fail")


async def test_exit_of_the_main_shell_ends_the_container() -> None:
    exits: list[tuple[str, str, str, int]] = []
    runtime = ContainerRuntime(on_exit=lambda *args: exits.append(args))
    pod = slim_pod(debugger=dict(BUSYBOX_DEBUGGER))
    start(runtime, pod)
    await asyncio.sleep(0)
    debugger = runtime.find("default", "slim-1", "debugger")
    assert debugger is not None and debugger.io is not None
    debugger.io.feed(b"echo bye\rexit 3\r")
    await wait_for(lambda: exits)
    assert exits == [("default", "slim-1", "debugger", 3)]
    logs = runtime.logs(pod, "debugger").decode()
    assert logs.startswith("# Ephemera demo cluster: simulated busybox shell (type help)\r\n/ # ")
    assert "bye\r\n" in logs


async def test_busybox_without_stdin_exits_at_once_and_missing_binary_fails_to_start() -> None:
    exits: list[tuple[str, str, str, int]] = []
    runtime = ContainerRuntime(on_exit=lambda *args: exits.append(args))
    pod = {"metadata": {"namespace": "n", "name": "p", "uid": "u"}, "spec": {"containers": [
        {"name": "bb", "image": "busybox"}, {"name": "bad", "image": "busybox", "command": ["nope"]},
        {"name": "worker", "image": "busybox:1.36", "command": ["sh", "-c", "while true; do sleep 3600; done"]},
        {"name": "api", "image": "ghcr.io/acme/payments-api:1.4.2"}]}}
    start(runtime, pod)
    await wait_for(lambda: len(exits) == 2)
    assert sorted(exits) == [("n", "p", "bad", 128), ("n", "p", "bb", 0)]
    worker = runtime.find("n", "p", "worker")
    assert worker is not None and worker.running
    runtime.stop_pod(pod)
    await asyncio.sleep(0)
    assert len(exits) == 2, "a deleted pod's containers are not reported as exits"


def test_image_catalogue() -> None:
    assert images.resolve("registry.example/doesnotexist:1") is None
    busybox = images.resolve("docker.io/library/busybox:1.36")
    assert busybox is not None and busybox.has_shell and busybox.user == 0 and "/bin/ps" in busybox.files
    distroless = images.resolve("gcr.io/distroless/python3-debian11:nonroot")
    assert distroless is not None and not distroless.has_shell and distroless.user == 65532
    assert "/usr/lib/python3.9/os.py" in distroless.files
    node = images.resolve("gcr.io/distroless/nodejs-debian11")
    assert node is not None and "/nodejs/bin/node" in node.files and not node.has_shell
    for name in ("nginx:1.27", "python:3.12", "node:22", "ubuntu", "alpine:3.20", "nicolaka/netshoot",
                 "ghcr.io/acme/tool:1"):
        info = images.resolve(name)
        assert info is not None and info.has_shell and info.user == 0, name
    assert images.resolve("ghcr.io/acme/nonroot-tool") is not None
    assert images.resolve("ghcr.io/acme/nonroot-tool").user == 65532  # type: ignore[union-attr]
    assert images.normalise("busybox") == "docker.io/library/busybox:latest"
