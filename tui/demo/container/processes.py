"""Simulated Linux processes, PID namespaces (a pod's, or the node's for `hostPID` pods),
containers with their volume mounts, and pod sandboxes."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass, field

from tui.demo.container.filesystem import Filesystem
from tui.demo.container.images import ImageInfo
from tui.demo.container.stdio import LogBuffer, ProcessIO

PAUSE_UID = 65535


@dataclass
class Process:
    pid: int
    user: int
    argv: list[str]
    container: Container | None
    """None for the sandbox's `/pause` and the node's own daemons."""
    started: float = field(default_factory=time.monotonic)
    root: Filesystem | None = None
    """The root of a process that is no container's (a node daemon: the node's filesystem)."""

    @property
    def command(self) -> str:
        return " ".join(self.argv)

    @property
    def name(self) -> str:
        """What `pgrep` matches: the executable's base name (comm)."""
        return self.argv[0].rsplit("/", 1)[-1] if self.argv else ""

    def filesystem(self) -> Filesystem | None:
        if self.root is not None:
            return self.root
        return self.container.fs if self.container is not None else None


class PidNamespace:
    """One PID namespace: PID 1 first, then numbers that grow like a busy system's."""

    def __init__(self) -> None:
        self.processes: dict[int, Process] = {}
        """The processes started in this namespace (`visible` adds what a node's namespace sees)."""
        self._last = 0

    def _next_pid(self) -> int:
        if self._last == 0:
            pid = 1
        elif self._last == 1 and self.processes.get(1) is not None and self.processes[1].container is None:
            pid = 7
        else:
            pid = self._last + 12
        self._last = pid
        return pid

    def spawn(self, user: int, argv: list[str], container: Container | None) -> Process:
        process = Process(self._next_pid(), user, list(argv), container)
        self.processes[process.pid] = process
        return process

    def reap(self, process: Process) -> None:
        if self.processes.get(process.pid) is process:
            del self.processes[process.pid]

    def visible(self) -> dict[int, Process]:
        """Every process a member of this namespace sees, by PID."""
        return self.processes

    def find(self, pid: int) -> Process | None:
        return self.visible().get(pid)

    def sorted(self) -> list[Process]:
        visible = self.visible()
        return [visible[pid] for pid in sorted(visible)]


class HostPidNamespace(PidNamespace):
    """The node's PID namespace, which `hostPID: true` pods join: the node's daemons, the
    processes of its hostPID containers, and every other container's processes under host PIDs
    (a container's PID 1 is some larger number here, `/proc/<pid>/root` still leads into it)."""

    def __init__(self, daemons: list[tuple[int, list[str]]], root: Filesystem,
                 guests: Callable[[], Iterable[Process]]) -> None:
        super().__init__()
        self._guests = guests
        self._host_pids: dict[int, tuple[Process, Process]] = {}
        """id(a container's process) -> (it, its copy under the host PID)"""
        for user, argv in daemons:
            daemon = self.spawn(user, argv, None)
            daemon.root = root

    def _next_pid(self) -> int:
        self._last = 1 if self._last == 0 else self._last + (170 if self._last < 100 else 7)
        return self._last

    def visible(self) -> dict[int, Process]:
        merged = dict(self.processes)
        seen: set[int] = set()
        for process in self._guests():
            seen.add(id(process))
            known = self._host_pids.get(id(process))
            if known is None or known[0] is not process:
                copy = Process(self._next_pid(), process.user, process.argv, process.container, process.started,
                               process.root)
                known = self._host_pids[id(process)] = (process, copy)
            known[1].argv = process.argv  # `exec` may have replaced its command line
            merged[known[1].pid] = known[1]
        for gone in set(self._host_pids) - seen:
            del self._host_pids[gone]
        return merged


HttpHandler = Callable[[str, str], Awaitable[tuple[int, str, bytes]]]
"""(method, path) -> (status code, reason, body)."""


@dataclass
class Listener:
    port: int
    container: Container
    handler: HttpHandler


@dataclass
class PodSandbox:
    """What the containers of one pod share: network (listeners, hostname), maybe PIDs, and
    its volumes (an emptyDir is one filesystem for all the pod's containers)."""

    namespace: str
    name: str
    uid: str
    ip: str
    shared_pidns: PidNamespace | None
    containers: dict[str, Container] = field(default_factory=dict)
    listeners: dict[int, Listener] = field(default_factory=dict)
    node: str = ""
    host_network: bool = False
    volumes: dict[str, Filesystem] = field(default_factory=dict)

    @property
    def hostname(self) -> str:
        return self.node if self.host_network and self.node else self.name

    @property
    def sandbox_id(self) -> str:
        """The container runtime's 64-hex-digit id of the sandbox (containerd shim, netns)."""
        return hashlib.sha256(f"sandbox/{self.uid}".encode()).hexdigest()


@dataclass(frozen=True)
class Mount:
    """A volume mounted in a container: `path` inside `fs` appears at the mount point."""

    fs: Filesystem
    path: str = "/"
    read_only: bool = False


@dataclass
class Container:
    sandbox: PodSandbox
    name: str
    kind: str
    """containers / initContainers / ephemeralContainers"""
    spec: dict
    image: ImageInfo
    fs: Filesystem
    pidns: PidNamespace
    user: int
    env: dict[str, str]
    working_dir: str
    tty: bool
    stdin: bool
    stdin_once: bool
    argv: list[str]
    mounts: dict[str, Mount] = field(default_factory=dict)
    """mount point -> volume (hostPath, emptyDir), longest mount point first"""
    logs: LogBuffer = field(default_factory=LogBuffer)
    previous_logs: LogBuffer | None = None
    """the last run's log after a restart (`kubectl logs --previous`); None before any restart"""
    io: ProcessIO | None = None
    main: Process | None = None
    task: asyncio.Task[None] | None = None
    exec_tasks: set[asyncio.Task[int]] = field(default_factory=set)
    exit_code: int | None = None
    exited: asyncio.Event = field(default_factory=asyncio.Event)
    attach_count: int = 0

    @property
    def running(self) -> bool:
        return self.main is not None and self.exit_code is None

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.sandbox.namespace, self.sandbox.name, self.name)
