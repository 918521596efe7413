"""busybox `top`: full screen on the alternate screen, colours, one refresh a second (`-d SECONDS`
changes the delay, `-n COUNT` stops after COUNT frames, `-b` prints plain frames), sized to the
terminal (a resize redraws the same frame), `q` or Ctrl+C quits. Without a tty it prints plain
frames. A frame depends only on its number, so `top -d 3600` shows frame 0 for an hour (snapshots)."""

from __future__ import annotations

import asyncio
import time

from tui.demo.container.stdio import Resize
from tui.demo.programs.applets import Ctx, split_flags, user_name

ENTER_ALT_SCREEN = "\x1b[?1049h\x1b[?25l"
LEAVE_ALT_SCREEN = "\x1b[?25h\x1b[?1049l"
HOME_CLEAR = "\x1b[H"
REVERSE = "\x1b[7m"
BOLD = "\x1b[1m"
GREEN = "\x1b[32m"
CYAN = "\x1b[36m"
YELLOW = "\x1b[33m"
RESET = "\x1b[0m"
HEADER = "  PID  PPID USER     STAT   VSZ %VSZ CPU %CPU COMMAND"
_VSZ = {"sh": 4428, "top": 4428, "ps": 4428, "python": 31520, "node": 1060328, "pause": 1020,
        "nginx": 11404}


def frame_lines(ctx: Ctx, tick: int, colour: bool) -> list[str]:
    cols, rows = ctx.io.cols, ctx.io.rows
    processes = ctx.container.pidns.sorted()
    busy = (tick % 3) + 1
    lines = [
        "Mem: 1709108K used, 6320304K free, 3312K shrd, 102400K buff, 1200000K cached",
        f"CPU:   {busy}% usr   1% sys   0% nic  {98 - busy}% idle   0% io   0% irq   0% sirq",
        f"Load average: 0.08 0.03 0.01 {1 + tick % 2}/{len(processes) + 117} {processes[-1].pid if processes else 1}",
    ]
    if colour:
        lines[1] = GREEN + lines[1] + RESET
    header = HEADER.ljust(cols)[:cols]
    lines.append(REVERSE + header + RESET if colour else HEADER)
    body_rows = max(0, rows - len(lines))
    for index, process in enumerate(processes[: body_rows if colour else len(processes)]):
        vsz = _VSZ.get(process.name, 2048)
        cpu = (tick + index) % 2 if process is ctx.process else 0
        row = (f"{process.pid:>5} {0 if process.pid == 1 else 1:>5} "
               f"{user_name(ctx.container, process.user)[:8]:<8} {'R' if process is ctx.process else 'S':<4}"
               f"{vsz:>6} {vsz * 100 // 8029412:>3}% {index % 2:>3} {cpu:>3}% {process.command}")
        row = row[:cols]
        if colour:
            tint = BOLD if process is ctx.process else (CYAN if process.container is ctx.container else YELLOW)
            row = tint + row + RESET
        lines.append(row)
    return lines


def _option(argv: list[str], letter: str) -> str | None:
    """The value of `-X VALUE` or `-XVALUE` (the last one given)."""
    value = None
    for index, arg in enumerate(argv):
        if arg == f"-{letter}" and index + 1 < len(argv):
            value = argv[index + 1]
        elif arg.startswith(f"-{letter}") and len(arg) > 2:
            value = arg[2:]
    return value


def _number(text: str | None) -> float | None:
    try:
        return float(text) if text is not None else None
    except ValueError:
        return None


async def top(ctx: Ctx) -> int:
    flags, _ = split_flags(ctx.argv[1:])
    count_value = _number(_option(ctx.argv[1:], "n"))
    count = int(count_value) if count_value is not None and count_value >= 1 else None
    delay_text = _option(ctx.argv[1:], "d")
    delay_value = _number(delay_text)
    if delay_text is not None and (delay_value is None or delay_value <= 0):
        await ctx.err(f"top: invalid number '{delay_text}'\n")
        return 1
    delay = delay_value or 1.0
    interactive = ctx.io.tty and ctx.stdout is ctx.io.stdout and "b" not in flags
    if not interactive:
        for tick in range(count or 1):
            if tick:
                await _wait(ctx, delay)
            await ctx.out("\n".join(frame_lines(ctx, tick, colour=False)) + "\n\n")
        return 0
    saved_interrupt, ctx.io.on_interrupt = ctx.io.on_interrupt, None  # raw mode: ^C is a key
    await ctx.out(ENTER_ALT_SCREEN)
    tick = 0
    try:
        while count is None or tick < count:
            lines = frame_lines(ctx, tick, colour=True)
            await ctx.out(HOME_CLEAR + "\x1b[K\n".join(lines) + "\x1b[J")
            deadline = time.monotonic() + delay
            resized = False
            while (remaining := deadline - time.monotonic()) > 0:
                try:
                    event = await ctx.stdin.read_event(timeout=remaining)
                except TimeoutError:
                    break
                if event is None or (isinstance(event, bytes) and (b"q" in event or b"\x03" in event)):
                    return 0
                if isinstance(event, Resize):
                    resized = True  # redraw the same frame at the new size
                    break
            if not resized:
                tick += 1
        return 0
    finally:
        ctx.io.on_interrupt = saved_interrupt
        await ctx.out(LEAVE_ALT_SCREEN)


async def _wait(ctx: Ctx, seconds: float) -> None:
    await asyncio.sleep(seconds)
