"""Simulated Linux processes, PID namespaces, containers and pod sandboxes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
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
    """None for the sandbox's `/pause`."""
    started: float = field(default_factory=time.monotonic)

    @property
    def command(self) -> str:
        return " ".join(self.argv)

    @property
    def name(self) -> str:
        """What `pgrep` matches: the executable's base name (comm)."""
        return self.argv[0].rsplit("/", 1)[-1] if self.argv else ""

    def filesystem(self) -> Filesystem | None:
        return self.container.fs if self.container is not None else None


class PidNamespace:
    """One PID namespace: PID 1 first, then numbers that grow like a busy system's."""

    def __init__(self) -> None:
        self.processes: dict[int, Process] = {}
        self._last = 0

    def spawn(self, user: int, argv: list[str], container: Container | None) -> Process:
        if self._last == 0:
            pid = 1
        elif self._last == 1 and self.processes.get(1) is not None and self.processes[1].container is None:
            pid = 7
        else:
            pid = self._last + 12
        self._last = pid
        process = Process(pid, user, list(argv), container)
        self.processes[pid] = process
        return process

    def reap(self, process: Process) -> None:
        if self.processes.get(process.pid) is process:
            del self.processes[process.pid]

    def find(self, pid: int) -> Process | None:
        return self.processes.get(pid)

    def sorted(self) -> list[Process]:
        return [self.processes[pid] for pid in sorted(self.processes)]


HttpHandler = Callable[[str, str], Awaitable[tuple[int, str, bytes]]]
"""(method, path) -> (status code, reason, body)."""


@dataclass
class Listener:
    port: int
    container: Container
    handler: HttpHandler


@dataclass
class PodSandbox:
    """What the containers of one pod share: network (listeners, hostname) and maybe PIDs."""

    namespace: str
    name: str
    uid: str
    ip: str
    shared_pidns: PidNamespace | None
    containers: dict[str, Container] = field(default_factory=dict)
    listeners: dict[int, Listener] = field(default_factory=dict)

    @property
    def hostname(self) -> str:
        return self.name


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
