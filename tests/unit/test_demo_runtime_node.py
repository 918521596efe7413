"""The simulated runtime's node: a hostPath volume is the node's filesystem, hostPID pods join the
node's PID namespace (its daemons and every pod's processes), an emptyDir is shared by a pod's
containers. What `kubectl debug node/NAME` relies on."""

from __future__ import annotations

import asyncio
from typing import Any

from helpers.demo_runtime import run, slim_pod, start
from tui.demo.node.runtime import ContainerRuntime

NODE = "demo-node-1"


def node_debug_pod(name: str = "node-debugger-demo-node-1-abcde") -> dict[str, Any]:
    """What kubectl debug node/demo-node-1 --image=busybox creates (profile legacy)."""
    return {
        "metadata": {"namespace": "default", "name": name, "uid": f"uid-{name}"},
        "spec": {
            "nodeName": NODE, "hostPID": True, "hostNetwork": True, "hostIPC": True,
            "containers": [{"name": "debugger", "image": "busybox", "stdin": True, "tty": True,
                            "volumeMounts": [{"name": "host-root", "mountPath": "/host"}]}],
            "volumes": [{"name": "host-root", "hostPath": {"path": "/"}}],
        },
        "status": {"hostIP": "10.0.0.11", "podIP": "10.0.0.11"},
    }


async def _node() -> tuple[ContainerRuntime, dict[str, Any], dict[str, Any]]:
    runtime = ContainerRuntime()
    app = slim_pod()
    app["spec"]["nodeName"] = NODE
    start(runtime, app)
    debug = node_debug_pod()
    start(runtime, debug)
    await asyncio.sleep(0)
    return runtime, app, debug


async def test_host_is_the_nodes_filesystem_and_writes_land_on_the_node() -> None:
    runtime, _, debug = await _node()
    code, sink = await run(runtime, debug, "debugger", ["sh", "-c", "cat /host/etc/hostname; ls /host/etc/kubernetes;"
                                                                    " echo mark > /host/tmp/mark; hostname"])
    assert code == 0, sink.err
    assert sink.out.splitlines() == [NODE, "kubelet.conf", "manifests", "pki", NODE]  # hostNetwork: the node's name
    assert runtime.node_filesystem(NODE).read("/tmp/mark") == "mark\n"
    code, sink = await run(runtime, debug, "debugger", ["ls", "/"])
    assert "host" in sink.out.split()
    code, sink = await run(runtime, debug, "debugger", ["ls", "/host/var/log/pods"])
    assert "default_slim-1_uid-slim-1" in sink.out.split()


async def test_host_pid_shows_the_nodes_daemons_and_other_pods_processes() -> None:
    runtime, _, debug = await _node()
    code, sink = await run(runtime, debug, "debugger", ["ps"])
    rows = {line.split(None, 3)[3]: line.split()[0] for line in sink.out.splitlines()[1:]}
    assert rows["/sbin/init"] == "1"
    assert any(command.startswith("/usr/bin/kubelet ") for command in rows)
    assert "python -m http.server 8080" in rows  # the slim pod's app, under a host PID
    assert any(command.startswith("/usr/bin/containerd-shim-runc-v2 -namespace k8s.io -id ") for command in rows)
    app_pid = rows["python -m http.server 8080"]
    assert app_pid != "1"
    code, sink = await run(runtime, debug, "debugger", ["cat", f"/proc/{app_pid}/root/etc/os-release"])
    assert code == 0 and "Distroless" in sink.out  # its root is the app container's
    code, sink = await run(runtime, debug, "debugger", ["cat", "/proc/1/root/etc/hostname"])
    assert sink.out == f"{NODE}\n"
    # the pod's own view is unchanged: its app is PID 1 there
    found = runtime.find("default", "slim-1", "app")
    assert found is not None and found.main is not None and found.main.pid == 1


async def test_a_host_pid_listing_is_stable_and_forgets_exited_processes() -> None:
    runtime, app, debug = await _node()
    first = (await run(runtime, debug, "debugger", ["pgrep", "-f", "http.server"]))[1].out
    again = (await run(runtime, debug, "debugger", ["pgrep", "-f", "http.server"]))[1].out
    assert first == again and first.strip()
    runtime.stop_pod(app)
    code, sink = await run(runtime, debug, "debugger", ["pgrep", "-f", "http.server"])
    assert (code, sink.out) == (1, "")


async def test_an_empty_dir_is_shared_by_the_pods_containers() -> None:
    runtime = ContainerRuntime()
    pod = {"metadata": {"namespace": "default", "name": "pair", "uid": "uid-pair"},
           "spec": {"containers": [
               {"name": "a", "image": "busybox", "command": ["sleep", "infinity"],
                "volumeMounts": [{"name": "shared", "mountPath": "/shared"}]},
               {"name": "b", "image": "busybox", "command": ["sleep", "infinity"],
                "volumeMounts": [{"name": "shared", "mountPath": "/data", "readOnly": True}]}],
               "volumes": [{"name": "shared", "emptyDir": {}}]}}
    start(runtime, pod)
    await asyncio.sleep(0)
    assert (await run(runtime, pod, "a", ["sh", "-c", "echo hi > /shared/x"]))[0] == 0
    code, sink = await run(runtime, pod, "b", ["cat", "/data/x"])
    assert (code, sink.out) == (0, "hi\n")
    # b mounts it readOnly
    code, sink = await run(runtime, pod, "b", ["sh", "-c", "echo no > /data/y; mkdir /data/d; rm /data/x; touch /data/z"])
    assert sink.err.splitlines() == ["sh: can't create /data/y: Read-only file system",
                                     "mkdir: can't create directory '/data/d': Read-only file system",
                                     "rm: can't remove '/data/x': Read-only file system",
                                     "touch: /data/z: Read-only file system"]
    code, sink = await run(runtime, pod, "b", ["tar", "cf", "-", "/etc/hostname"])
    code, sink = await run(runtime, pod, "b", ["tar", "xf", "-", "-C", "/data"], stdin=sink.channels[1])
    assert (code, sink.err) == (1, "tar: can't create 'etc/hostname': Read-only file system\n")
    assert (await run(runtime, pod, "a", ["ls", "/shared"]))[1].out == "x\n"


async def test_chroot_host_runs_commands_on_the_nodes_filesystem() -> None:
    runtime, _, debug = await _node()
    code, sink = await run(runtime, debug, "debugger", ["sh", "-c", "chroot /host cat /etc/hostname; "
                                                                    "chroot /host sh -c 'ls /var/lib/kubelet; pwd'"])
    assert (code, sink.out, sink.err) == (0, f"{NODE}\nconfig.yaml\npods\n/\n", "")
    code, sink = await run(runtime, debug, "debugger", ["chroot", "/host"], stdin=b"cat /etc/os-release\nexit 4\n")
    assert code == 4 and "Debian GNU/Linux 12" in sink.out
    code, sink = await run(runtime, debug, "debugger", ["chroot", "/nowhere"])
    assert (code, sink.err) == (1, "chroot: can't change root directory to '/nowhere': No such file or directory\n")
