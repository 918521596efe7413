"""Standard streams of simulated processes: a terminal (tty) or plain pipes, fanned out to the
attached clients and to the container log, with back-pressure from slow clients."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass
from typing import Protocol

STDOUT = 1
STDERR = 2
LOG_LIMIT = 4 * 1024 * 1024


@dataclass(frozen=True)
class Resize:
    """A terminal size change (SIGWINCH), delivered in order with the input bytes."""

    cols: int
    rows: int


InputEvent = bytes | Resize | None  # None: end of input


class Sink(Protocol):
    """Where a process's output goes (an attach/exec WebSocket)."""

    async def send(self, channel: int, data: bytes) -> None: ...


class Output(Protocol):
    async def write(self, data: bytes) -> None: ...


class Input(Protocol):
    async def read_event(self, timeout: float | None = None) -> InputEvent:
        """The next input event; raises TimeoutError after `timeout` seconds without one."""
        ...


class LogBuffer:
    """A container's log: bounded history plus live followers."""

    def __init__(self, limit: int = LOG_LIMIT) -> None:
        self._chunks: list[bytes] = []
        self._times: list[float] = []  # when each chunk was written (epoch seconds)
        self._size = 0
        self._limit = limit
        self._followers: list[asyncio.Queue[bytes | None]] = []
        self.closed = False

    def append(self, data: bytes) -> None:
        if not data:
            return
        self._chunks.append(data)
        self._times.append(time.time())
        self._size += len(data)
        while self._size > self._limit and len(self._chunks) > 1:
            self._size -= len(self._chunks.pop(0))
            self._times.pop(0)
        for queue in self._followers:
            queue.put_nowait(data)

    def content(self) -> bytes:
        return b"".join(self._chunks)

    def timed_chunks(self) -> list[tuple[float, bytes]]:
        """The history as (time written, bytes) pairs, for `timestamps` / `sinceSeconds`."""
        return list(zip(self._times, self._chunks, strict=True))

    def close(self) -> None:
        self.closed = True
        for queue in self._followers:
            queue.put_nowait(None)

    async def follow(self, include_existing: bool = True) -> AsyncIterator[bytes]:
        queue: asyncio.Queue[bytes | None] = asyncio.Queue()
        if include_existing and self._chunks:
            queue.put_nowait(self.content())
        if self.closed:
            queue.put_nowait(None)
        self._followers.append(queue)
        try:
            while (chunk := await queue.get()) is not None:
                yield chunk
        finally:
            self._followers.remove(queue)


class ProcessIO:
    """stdin/stdout/stderr of one process: a tty (stderr merged, `\\n` -> `\\r\\n`) or pipes."""

    def __init__(self, tty: bool, stdin_open: bool, logs: LogBuffer | None = None,
                 cols: int = 80, rows: int = 24) -> None:
        self.tty = tty
        self.cols = cols
        self.rows = rows
        self.logs = logs
        self.sinks: list[Sink] = []
        self._events: asyncio.Queue[InputEvent] = asyncio.Queue()
        self._pushed_back: list[InputEvent] = []
        self._eof = False
        self.on_interrupt: Callable[[], object] | None = None  # its return value is ignored
        """Set by the shell while a command runs in the foreground: a tty's Ctrl+C sends SIGINT."""
        if not stdin_open:
            self._events.put_nowait(None)
        self.stdout = _Channel(self, STDOUT)
        self.stderr = _Channel(self, STDERR)
        self.stdin = _Stdin(self)

    async def write(self, channel: int, data: bytes) -> None:
        if not data:
            return
        if self.tty:
            channel = STDOUT
            data = data.replace(b"\n", b"\r\n")
        if self.logs is not None:
            self.logs.append(data)
        for sink in list(self.sinks):
            try:
                await sink.send(channel, data)
            except (ConnectionError, RuntimeError):
                if sink in self.sinks:
                    self.sinks.remove(sink)

    def feed(self, data: bytes) -> None:
        while self.tty and self.on_interrupt is not None and b"\x03" in data:
            before, _, data = data.partition(b"\x03")
            if before:
                self._events.put_nowait(before)
            interrupt, self.on_interrupt = self.on_interrupt, None
            interrupt()
        if data:
            self._events.put_nowait(data)

    def unread(self, data: bytes) -> None:
        """Give typed-ahead input back, to be read before anything newer."""
        if data:
            self._pushed_back.insert(0, data)

    def close_stdin(self) -> None:
        self._events.put_nowait(None)

    def resize(self, cols: int, rows: int) -> None:
        if cols > 0 and rows > 0 and (cols, rows) != (self.cols, self.rows):
            self.cols, self.rows = cols, rows
            self._events.put_nowait(Resize(cols, rows))

    async def read_event(self, timeout: float | None = None) -> InputEvent:
        if self._eof:
            return None
        if self._pushed_back:
            return self._pushed_back.pop(0)
        if timeout is None:
            event = await self._events.get()
        else:
            event = await asyncio.wait_for(self._events.get(), timeout)
        if event is None:
            self._eof = True
        return event


class _Channel:
    def __init__(self, io: ProcessIO, channel: int) -> None:
        self._io = io
        self._channel = channel

    async def write(self, data: bytes) -> None:
        await self._io.write(self._channel, data)


class _Stdin:
    def __init__(self, io: ProcessIO) -> None:
        self._io = io

    async def read_event(self, timeout: float | None = None) -> InputEvent:
        return await self._io.read_event(timeout)


class BufferOutput:
    """Captures output (pipes, `$(...)`, redirections)."""

    def __init__(self) -> None:
        self.parts: list[bytes] = []

    async def write(self, data: bytes) -> None:
        self.parts.append(data)

    def value(self) -> bytes:
        return b"".join(self.parts)


class NullOutput:
    async def write(self, data: bytes) -> None:
        return None


class BufferInput:
    """stdin from a finished pipe stage (or /dev/null when empty)."""

    def __init__(self, data: bytes = b"") -> None:
        self._data: bytes | None = data

    async def read_event(self, timeout: float | None = None) -> InputEvent:
        data, self._data = self._data, None
        return data or None
