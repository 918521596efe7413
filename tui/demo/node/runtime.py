"""The simulated container runtime: starts containers' main processes with Linux PID-namespace
semantics, keeps their logs, and runs exec/attach sessions for `streaming.py`; the programs
themselves are `tui.demo.programs` (`shell.run_program`).

Everything runs on the demo server's event loop; nothing here blocks."""

from __future__ import annotations

import asyncio
import itertools
import logging
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from tui.demo.container import hostfs, images
from tui.demo.container.filesystem import Filesystem, normpath
from tui.demo.container.processes import (
    PAUSE_UID,
    Container,
    HostPidNamespace,
    Mount,
    PidNamespace,
    PodSandbox,
    Process,
)
from tui.demo.container.stdio import LogBuffer, ProcessIO, Sink
from tui.demo.programs.shell import run_program

log = logging.getLogger(__name__)

OnExit = Callable[[str, str, str, int], None]
"""on_exit(namespace, pod_name, container_name, exit_code) when a main process ends."""

CONTAINER_KINDS = ("containers", "initContainers", "ephemeralContainers")
START_FAILURE_EXIT_CODE = 128


class ExecError(Exception):
    """Exec could not start a process (the runtime's message, e.g. executable not found)."""


@dataclass
class StreamHandle:
    """An open attach/exec stream, registered so that faults can cut it."""

    namespace: str
    pod: str
    container: str
    abort: Callable[[], None]


@dataclass
class ExecSession:
    process: Process
    io: ProcessIO
    task: asyncio.Task[int]


@dataclass
class _Ids:
    ips: itertools.count[int] = field(default_factory=lambda: itertools.count(5))


def _meta(pod: dict[str, Any]) -> tuple[str, str, str]:
    meta = pod.get("metadata", {})
    return meta.get("namespace", "default"), meta.get("name", ""), meta.get("uid", "")


def container_spec(pod: dict[str, Any], name: str) -> tuple[str, dict[str, Any]] | None:
    """(kind, spec) of the named container among regular, init and ephemeral containers."""
    spec = pod.get("spec", {})
    for kind in CONTAINER_KINDS:
        for container in spec.get(kind) or []:
            if container.get("name") == name:
                return kind, container
    return None


def _env(pod: dict[str, Any], spec: dict[str, Any], image: images.ImageInfo, user: int) -> dict[str, str]:
    env = dict(image.env)
    env["HOSTNAME"] = pod.get("metadata", {}).get("name", "")
    env["HOME"] = "/root" if user == 0 else ("/home/nonroot" if user == images.NONROOT_UID else "/")
    env.update({
        "KUBERNETES_SERVICE_HOST": "10.96.0.1",
        "KUBERNETES_SERVICE_PORT": "443",
        "KUBERNETES_PORT": "tcp://10.96.0.1:443",
    })
    for var in spec.get("env") or []:
        if "name" in var:
            env[var["name"]] = str(var.get("value", ""))
    if spec.get("tty"):
        env.setdefault("TERM", "xterm")
    return env


def _user(pod: dict[str, Any], spec: dict[str, Any], image: images.ImageInfo) -> int:
    for context in (spec.get("securityContext") or {}, pod.get("spec", {}).get("securityContext") or {}):
        if isinstance(context.get("runAsUser"), int):
            return int(context["runAsUser"])
    return image.user


def main_argv(spec: dict[str, Any], image: images.ImageInfo) -> list[str]:
    """Container command line as the runtime builds it from command/args and the image."""
    command = [str(c) for c in spec.get("command") or []]
    args = [str(a) for a in spec.get("args") or []]
    if command:
        return command + args
    return list(image.entrypoint) + (args if args else list(image.cmd))


def _pod_log_dir(sandbox: PodSandbox, container: str) -> str:
    """The kubelet's log directory of a container on its node."""
    return f"/var/log/pods/{sandbox.namespace}_{sandbox.name}_{sandbox.uid}/{container}"


def _sandbox_processes(sandbox: PodSandbox, shim: Process) -> list[Process]:
    """A pod's processes as its node sees them: its containerd shim, then each PID namespace's."""
    found = [shim]
    namespaces: list[PidNamespace] = []
    if sandbox.shared_pidns is not None:
        namespaces.append(sandbox.shared_pidns)
    for container in sandbox.containers.values():
        if container.pidns not in namespaces and not isinstance(container.pidns, HostPidNamespace):
            namespaces.append(container.pidns)
    for namespace in namespaces:
        found.extend(namespace.sorted())
    return found


class ContainerRuntime:
    """All pod sandboxes and containers of the demo node."""

    def __init__(self, on_exit: OnExit | None = None) -> None:
        self.on_exit = on_exit
        self.sandboxes: dict[tuple[str, str], PodSandbox] = {}
        self.streams: list[StreamHandle] = []
        self._ids = _Ids()
        self.node_files: dict[str, Filesystem] = {}
        self.node_pids: dict[str, HostPidNamespace] = {}
        self._shims: dict[tuple[str, str], Process] = {}

    # -- the nodes -------------------------------------------------------------------------

    def node_filesystem(self, node: str, ip: str = "10.0.0.11") -> Filesystem:
        """The node's own filesystem (what a hostPath volume mounts), made on first use."""
        if node not in self.node_files:
            fs = self.node_files[node] = Filesystem(hostfs.node_tree(node, ip))
            for sandbox in self.sandboxes.values():
                if sandbox.node == node:
                    for name in sandbox.containers:
                        fs.mkdir(_pod_log_dir(sandbox, name))
        return self.node_files[node]

    def node_pid_namespace(self, node: str, ip: str = "10.0.0.11") -> HostPidNamespace:
        """The node's PID namespace (hostPID pods): its daemons and every pod's processes."""
        if node not in self.node_pids:
            def guests() -> list[Process]:
                found: list[Process] = []
                for key, sandbox in self.sandboxes.items():
                    if sandbox.node == node:
                        shim = self._shims.get(key)
                        if shim is None or shim.argv[-1] != sandbox.sandbox_id:
                            shim = self._shims[key] = Process(
                                0, 0, ["/usr/bin/containerd-shim-runc-v2", "-namespace", "k8s.io", "-id",
                                       sandbox.sandbox_id], None, root=self.node_filesystem(node, ip))
                        found.extend(_sandbox_processes(sandbox, shim))
                return found
            self.node_pids[node] = HostPidNamespace(hostfs.daemons(node, ip), self.node_filesystem(node, ip),
                                                    guests)
        return self.node_pids[node]

    def _mounts(self, pod: dict[str, Any], spec: dict[str, Any], sandbox: PodSandbox) -> dict[str, Mount]:
        """The container's hostPath and emptyDir volume mounts (other volume types are not simulated)."""
        volumes = {v.get("name"): v for v in pod.get("spec", {}).get("volumes") or [] if isinstance(v, dict)}
        mounts: dict[str, Mount] = {}
        for mount in spec.get("volumeMounts") or []:
            volume = volumes.get(mount.get("name")) or {}
            point = normpath(str(mount.get("mountPath") or "/"))
            read_only = bool(mount.get("readOnly"))
            sub = str(mount.get("subPath") or "")
            if "hostPath" in volume:
                node = sandbox.node or "demo-node-1"
                fs = self.node_filesystem(node, pod.get("status", {}).get("hostIP") or "10.0.0.11")
                path = normpath(sub, normpath(str(volume["hostPath"].get("path") or "/")))
                fs.mkdir(path)
                mounts[point] = Mount(fs, path, read_only)
            elif "emptyDir" in volume:
                fs = sandbox.volumes.setdefault(str(mount.get("name")), Filesystem({}))
                mounts[point] = Mount(fs, normpath(sub), read_only)
        return dict(sorted(mounts.items(), key=lambda item: -len(item[0])))

    # -- lifecycle -------------------------------------------------------------------------

    def _sandbox(self, pod: dict[str, Any]) -> PodSandbox:
        namespace, name, uid = _meta(pod)
        sandbox = self.sandboxes.get((namespace, name))
        if sandbox is not None and sandbox.uid != uid:
            self.stop_pod(pod)
            sandbox = None
        if sandbox is None:
            shared = None
            if pod.get("spec", {}).get("shareProcessNamespace"):
                shared = PidNamespace()
                shared.spawn(PAUSE_UID, ["/pause"], None)
            spec = pod.get("spec", {})
            ip = pod.get("status", {}).get("podIP") or f"10.244.0.{next(self._ids.ips) % 250 + 2}"
            sandbox = PodSandbox(namespace, name, uid, ip, shared, node=str(spec.get("nodeName") or ""),
                                 host_network=bool(spec.get("hostNetwork")))
            self.sandboxes[(namespace, name)] = sandbox
        return sandbox

    def start_container(self, pod: dict[str, Any], container: str) -> None:
        """Start (or restart) a container's main process; call on the server's event loop."""
        found = container_spec(pod, container)
        if found is None:
            raise KeyError(f"container {container} is not in pod {_meta(pod)[1]}")
        kind, spec = found
        sandbox = self._sandbox(pod)
        old = sandbox.containers.get(container)
        if old is not None:
            self._kill(old, notify=False)
        image = images.resolve(str(spec.get("image", ""))) or images.resolve("busybox")
        assert image is not None
        pidns: PidNamespace
        if pod.get("spec", {}).get("hostPID"):
            pidns = self.node_pid_namespace(sandbox.node or "demo-node-1",
                                            pod.get("status", {}).get("hostIP") or "10.0.0.11")
        elif sandbox.shared_pidns is not None:
            pidns = sandbox.shared_pidns
        elif spec.get("targetContainerName") in sandbox.containers:
            pidns = sandbox.containers[spec["targetContainerName"]].pidns
        else:
            pidns = PidNamespace()
        user = _user(pod, spec, image)
        state = Container(
            sandbox=sandbox, name=container, kind=kind, spec=spec, image=image,
            fs=Filesystem(image.files), pidns=pidns, user=user, env=_env(pod, spec, image, user),
            working_dir=normpath(str(spec.get("workingDir") or image.working_dir)),
            tty=bool(spec.get("tty")), stdin=bool(spec.get("stdin")),
            stdin_once=bool(spec.get("stdinOnce")), argv=main_argv(spec, image),
            mounts=self._mounts(pod, spec, sandbox),
        )
        for point in state.mounts:
            state.fs.mkdir(point)
        if sandbox.node in self.node_files:
            self.node_files[sandbox.node].mkdir(_pod_log_dir(sandbox, container))
        state.fs.write("/etc/hostname", sandbox.hostname + "\n")
        state.fs.write("/etc/hosts", f"127.0.0.1\tlocalhost\n{sandbox.ip}\t{sandbox.hostname}\n")
        state.fs.mkdir(state.working_dir)
        if old is not None:
            state.previous_logs = old.logs
        sandbox.containers[container] = state
        state.io = ProcessIO(state.tty, state.stdin, state.logs)
        if not state.argv or state.fs.which(state.argv[0], state.env.get("PATH", "")) is None:
            missing = state.argv[0] if state.argv else ""
            state.logs.append(
                f'exec: "{missing}": executable file not found in $PATH: unknown\n'.encode())
            state.task = asyncio.get_running_loop().create_task(self._fail_start(state))
            return
        state.main = pidns.spawn(user, state.argv, state)
        state.task = asyncio.get_running_loop().create_task(self._run_main(state))

    async def _fail_start(self, container: Container) -> None:
        self._finish(container, START_FAILURE_EXIT_CODE, notify=True)

    async def _run_main(self, container: Container) -> None:
        assert container.main is not None and container.io is not None
        try:
            code = await run_program(container, container.main, container.argv, container.io, is_main=True)
        except asyncio.CancelledError:
            self._finish(container, 137, notify=False)
            raise
        except Exception:  # a bug in a simulated program must not take the server down
            log.exception("simulated process crashed: %s", container.argv)
            code = 139
        self._finish(container, code, notify=True)

    def _finish(self, container: Container, code: int, notify: bool) -> None:
        if container.exit_code is not None:
            return
        container.exit_code = code
        if container.main is not None:
            container.pidns.reap(container.main)
        for task in list(container.exec_tasks):
            task.cancel()
        sandbox = container.sandbox
        for port, listener in list(sandbox.listeners.items()):
            if listener.container is container:
                del sandbox.listeners[port]
        if container.main is not None and container.main.pid == 1 and container.pidns is not sandbox.shared_pidns:
            # PID 1 of a namespace died: the kernel kills every other process in it.
            for other in sandbox.containers.values():
                if other is not container and other.pidns is container.pidns and other.exit_code is None:
                    self._kill(other, notify=True)
        container.logs.close()
        container.exited.set()
        if notify and self.on_exit is not None:
            namespace, pod, name = container.key
            try:
                self.on_exit(namespace, pod, name, code)
            except Exception:
                log.exception("on_exit callback failed")

    def _kill(self, container: Container, notify: bool) -> None:
        if container.task is not None and not container.task.done():
            container.task.cancel()
        self._finish(container, 137, notify=notify)

    def stop_pod(self, pod: dict[str, Any]) -> None:
        namespace, name, _ = _meta(pod)
        sandbox = self.sandboxes.pop((namespace, name), None)
        self._shims.pop((namespace, name), None)
        if sandbox is None:
            return
        for container in sandbox.containers.values():
            self._kill(container, notify=False)

    def stop_container(self, pod: dict[str, Any], container: str, exit_code: int = 137) -> None:
        found = self.find(*_meta(pod)[:2], container)
        if found is not None:
            if found.task is not None and not found.task.done():
                found.task.cancel()
            self._finish(found, exit_code, notify=False)

    # -- queries ---------------------------------------------------------------------------

    def find(self, namespace: str, pod: str, container: str) -> Container | None:
        sandbox = self.sandboxes.get((namespace, pod))
        return sandbox.containers.get(container) if sandbox is not None else None

    def _find_pod(self, pod: dict[str, Any], container: str) -> Container | None:
        namespace, name, _ = _meta(pod)
        return self.find(namespace, name, container)

    def logs(self, pod: dict[str, Any], container: str) -> bytes:
        found = self._find_pod(pod, container)
        return found.logs.content() if found is not None else b""

    def previous_logs(self, pod: dict[str, Any], container: str) -> bytes | None:
        """The output of the container's run before its last restart (None: never restarted)."""
        buffer = self.log_buffer(pod, container, previous=True)
        return buffer.content() if buffer is not None else None

    def log_buffer(self, pod: dict[str, Any], container: str, previous: bool = False) -> LogBuffer | None:
        """The container's current (or previous run's) LogBuffer, with write times."""
        found = self._find_pod(pod, container)
        if found is None:
            return None
        return found.previous_logs if previous else found.logs

    async def follow_logs(self, pod: dict[str, Any], container: str,
                          include_existing: bool = True) -> AsyncIterator[bytes]:
        found = self._find_pod(pod, container)
        if found is None:
            return
        async for chunk in found.logs.follow(include_existing):
            yield chunk

    # -- exec / attach ---------------------------------------------------------------------

    def exec(self, container: Container, argv: list[str], *, tty: bool, stdin: bool, sink: Sink,
             cols: int = 80, rows: int = 24) -> ExecSession:
        """Start `argv` in the container; raises ExecError as the OCI runtime would."""
        if not argv:
            raise ExecError("command must not be empty")
        if container.fs.which(argv[0], container.env.get("PATH", "")) is None:
            raise ExecError(f'exec: "{argv[0]}": executable file not found in $PATH: unknown')
        io = ProcessIO(tty, stdin, cols=cols, rows=rows)
        io.sinks.append(sink)
        process = container.pidns.spawn(container.user, argv, container)

        async def run() -> int:
            try:
                return await run_program(container, process, argv, io, is_main=False)
            finally:
                container.pidns.reap(process)

        task = asyncio.get_running_loop().create_task(run())
        container.exec_tasks.add(task)
        task.add_done_callback(container.exec_tasks.discard)
        return ExecSession(process, io, task)

    def attach(self, container: Container, sink: Sink) -> None:
        assert container.io is not None
        container.io.sinks.append(sink)
        container.attach_count += 1

    def detach(self, container: Container, sink: Sink, had_stdin: bool) -> None:
        if container.io is not None and sink in container.io.sinks:
            container.io.sinks.remove(sink)
        if had_stdin and container.stdin_once and container.io is not None:
            container.io.close_stdin()

    # -- faults ----------------------------------------------------------------------------

    def register_stream(self, handle: StreamHandle) -> None:
        self.streams.append(handle)

    def unregister_stream(self, handle: StreamHandle) -> None:
        if handle in self.streams:
            self.streams.remove(handle)

    def cut_streams(self, namespace: str | None = None, pod: str | None = None,
                    container: str | None = None) -> int:
        """Abort matching attach/exec sockets without a close frame; returns how many."""
        cut = 0
        for handle in list(self.streams):
            if ((namespace is None or handle.namespace == namespace)
                    and (pod is None or handle.pod == pod)
                    and (container is None or handle.container == container)):
                self.unregister_stream(handle)
                handle.abort()
                cut += 1
        return cut
