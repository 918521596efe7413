"""Terminal pane benchmark: printed figures only.

In one run against the demo cluster, served from its own process (benchmarks/bench_server.py), so
the measured process does not pay for the simulated server, exactly as kubectl's process does not:

1. `seq 1 2000000` in a debug container's shell, through AttachSession into a TerminalView in a
   headless Textual app (the real pane path), and the same command through `kubectl attach` into a
   tmux pane (the peer; skipped with a reason when kubectl or tmux is absent): MB/s of both and the
   ratio; the pane's final screen must show exactly the last lines; scroll keys pressed during the
   flood must be answered within 100 ms.
2. Keystroke echo: median latency of a key typed into the pane until its echo is painted, minus the
   median echo latency of a bare AttachSession on the same cluster (the pane's added latency).
3. For reference, the engine + widget alone fed from a thread, without the cluster.

Run: `.venv/bin/python benchmarks/terminal_bench.py [--lines N]`
"""

from __future__ import annotations

import argparse
import asyncio
import datetime
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual import events
from textual.app import App, ComposeResult
from textual.strip import Strip

from tui.kube.attach_session import AttachSession, SessionStatus
from tui.kube.config import KubeConfig
from tui.kube.connection import ClusterConnection
from widgets.terminal.engine import TerminalEngine
from widgets.terminal.terminal_view import TerminalInput, TerminalResized, TerminalView

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))
sys.path.insert(0, str(HERE))
from browser_bench import load_average, read_json_line  # noqa: E402

from helpers.attach import NAMESPACE, POD, add_debug_container, wait_for  # noqa: E402

COLS, ROWS = 120, 40
PROMPT_MARK = "#"
TYPING_INTERVAL = 0.05  # keystrokes at 20 per second, a fast typist


async def async_wait_for(predicate: Callable[[], bool], timeout: float, what: str, step: float = 0.002) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        if time.monotonic() > deadline:
            raise TimeoutError(f"timed out waiting for {what}")
        await asyncio.sleep(step)


def expected_tail(lines: int, count: int) -> list[str]:
    return [str(n) for n in range(lines - count + 1, lines + 1)]


def screen_ends_with_numbers(screen: list[str], lines: int) -> bool:
    """The screen's last non-empty line is a prompt and the lines above it are the last numbers."""
    rows = list(screen)
    while rows and not rows[-1].strip():
        rows.pop()
    if len(rows) < 2 or not rows[-1].rstrip().endswith(PROMPT_MARK):
        return False
    return rows[-2].strip() == str(lines)


def final_screen_exact(screen: list[str], lines: int) -> bool:
    rows = [row.rstrip() for row in screen]
    while rows and not rows[-1]:
        rows.pop()
    numbers = rows[:-1]
    return numbers == expected_tail(lines, len(numbers)) and len(numbers) >= ROWS - 2


# -- the pane path -------------------------------------------------------------------------------
class BenchTerminal(TerminalView):
    expect: str | None = None
    seen_at: float | None = None

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        if self.expect is not None and self.seen_at is None and self.expect in strip.text:
            self.seen_at = time.perf_counter()
        return strip


class PaneApp(App[None]):
    def __init__(self, conn: ClusterConnection, container: str) -> None:
        super().__init__()
        self.conn = conn
        self.container = container
        self.session: AttachSession | None = None
        self.statuses: list[SessionStatus] = []
        self.key_answered: float | None = None

    def compose(self) -> ComposeResult:
        yield BenchTerminal(id="term")

    def on_mount(self) -> None:
        self.query_one(BenchTerminal).focus()

    def on_terminal_resized(self, message: TerminalResized) -> None:
        if self.session is None:
            term = self.query_one(BenchTerminal)
            self.session = AttachSession(self.conn, NAMESPACE, POD, self.container, on_output=term.feed,
                                         on_status=self.statuses.append, cols=message.cols, rows=message.rows)
            self.session.start()
        else:
            self.session.resize(message.cols, message.rows)

    def on_terminal_input(self, message: TerminalInput) -> None:
        if self.session is not None:
            self.session.write(message.data)


async def pane_benchmark(conn: ClusterConnection, container: str, lines: int, echo_samples: int) -> dict[str, Any]:
    app = PaneApp(conn, container)
    result: dict[str, Any] = {}
    async with app.run_test(size=(COLS + 1, ROWS)) as pilot:
        term = app.query_one(BenchTerminal)
        await async_wait_for(lambda: bool(app.statuses) and app.statuses[-1].state == "live", 10, "live")
        assert app.session is not None
        app.session.write(b"\r")
        await async_wait_for(lambda: any(r.rstrip().endswith(PROMPT_MARK) for r in term.screen_text()), 5, "prompt")

        # Keystroke echo through the pane: key event -> TerminalInput -> session -> shell -> widget paint.
        prompt_row = term.engine.cursor.row
        prompt = term.engine.line_text(term.engine.screen_offset + prompt_row)[: term.engine.cursor.col]
        latencies: list[float] = []
        typed = ""
        for _i in range(echo_samples):
            typed += "a"
            term.expect = prompt + typed
            term.seen_at = None
            start = time.perf_counter()
            term.post_message(events.Key("a", "a"))
            await async_wait_for(lambda: term.seen_at is not None, 5, "echo", step=0.0005)
            assert term.seen_at is not None
            latencies.append(term.seen_at - start)
            await asyncio.sleep(TYPING_INTERVAL)
        term.expect = None
        app.session.write(b"\x15")  # Ctrl+U: clear the typed line
        await async_wait_for(lambda: term.screen_text()[prompt_row] == prompt.rstrip(), 5, "line cleared")
        result["echo_pane_ms"] = statistics.median(latencies) * 1000

        # The flood.
        received_before = app.session.bytes_received
        skipped_before = term.engine.bytes_skipped
        cpu_start, ui_cpu_start = time.process_time(), time.thread_time()
        start = time.perf_counter()
        app.session.write(f"seq 1 {lines}\r".encode())
        key_latencies: list[float] = []
        next_key_at = start + 0.2
        def flood_done() -> bool:
            # Cheap enough to poll during the flood: only the cursor's line and the one above it.
            engine = term.engine
            row = engine.screen_offset + engine.cursor.row
            return (engine.line_text(row).rstrip().endswith(PROMPT_MARK)
                    and engine.line_text(row - 1).strip() == str(lines))

        while not flood_done():
            now = time.perf_counter()
            if now - start > 300:
                raise TimeoutError("the flood did not finish in 300 s")
            if now >= next_key_at and len(key_latencies) < 5:
                # A key during the flood: scrolling up must answer at once, scrolling back down too.
                pressed = time.perf_counter()
                term.post_message(events.Key("shift+pageup", None))
                await async_wait_for(lambda: not term.following, 2, "scroll key answered", step=0.0005)
                key_latencies.append(time.perf_counter() - pressed)
                term.scroll_lines(term.engine.line_count)
                next_key_at = time.perf_counter() + 0.2
            await asyncio.sleep(0.005)
        elapsed = time.perf_counter() - start
        result["process_cpu_s"] = time.process_time() - cpu_start
        result["ui_cpu_s"] = time.thread_time() - ui_cpu_start
        await pilot.pause()
        received = app.session.bytes_received - received_before
        result["flood_bytes"] = received
        result["skipped_bytes"] = term.engine.bytes_skipped - skipped_before
        result["flood_seconds"] = elapsed
        result["pane_mbps"] = received / elapsed / 1e6
        result["final_screen_exact"] = final_screen_exact(term.screen_text(), lines)
        rendered = [term.render_line(y).text.rstrip() for y in range(ROWS)]
        result["rendered_matches_engine"] = rendered == [r.rstrip() for r in term.screen_text()]
        result["key_during_flood_ms"] = [round(k * 1000, 1) for k in key_latencies]
        app.session.close()
    return result


def session_echo_benchmark(conn: ClusterConnection, container: str, samples: int) -> float:
    """Median echo latency of a bare AttachSession (no widget): the loopback baseline."""
    buffer = bytearray()
    lock = threading.Lock()
    arrived = threading.Event()
    statuses: list[SessionStatus] = []

    def output(data: bytes) -> None:
        with lock:
            buffer.extend(data)
        arrived.set()

    session = AttachSession(conn, NAMESPACE, POD, container, on_output=output, on_status=statuses.append,
                            cols=COLS, rows=ROWS)
    session.start()
    wait_for(lambda: bool(statuses) and statuses[-1].state == "live", 10, "live")
    session.write(b"\r")
    time.sleep(0.3)
    latencies: list[float] = []
    for _ in range(samples):
        with lock:
            buffer.clear()
        arrived.clear()
        start = time.perf_counter()
        session.write(b"b")
        while True:
            arrived.wait(5)
            with lock:
                if b"b" in buffer:
                    break
            arrived.clear()
        latencies.append(time.perf_counter() - start)
    session.write(b"\x15")
    session.close()
    return statistics.median(latencies) * 1000


# -- the peer: kubectl attach in tmux ------------------------------------------------------------
def tmux_benchmark(kubeconfig: Path, container: str, lines: int) -> dict[str, Any] | str:
    kubectl, tmux = shutil.which("kubectl"), shutil.which("tmux")
    if kubectl is None:
        return "kubectl is not on PATH"
    if tmux is None:
        return "tmux is not on PATH"
    socket_name = f"ephemera-bench-{time.monotonic_ns()}"
    base = [tmux, "-L", socket_name]
    command = f"{kubectl} --kubeconfig {kubeconfig} attach -it -n {NAMESPACE} {POD} -c {container}"
    subprocess.run([*base, "new-session", "-d", "-s", "bench", "-x", str(COLS), "-y", str(ROWS), command],
                   check=True)

    def screen() -> list[str]:
        out = subprocess.run([*base, "capture-pane", "-p", "-t", "bench"], capture_output=True, text=True)
        return out.stdout.splitlines()

    try:
        time.sleep(0.5)
        subprocess.run([*base, "send-keys", "-t", "bench", "Enter"], check=True)
        wait_for(lambda: any(r.rstrip().endswith(PROMPT_MARK) for r in screen()), 15, "kubectl attach prompt")
        start = time.perf_counter()
        subprocess.run([*base, "send-keys", "-t", "bench", f"seq 1 {lines}", "Enter"], check=True)
        deadline = start + 600
        while not screen_ends_with_numbers(screen(), lines):
            if time.perf_counter() > deadline:
                return "kubectl attach in tmux did not finish in 600 s"
            time.sleep(0.01)
        elapsed = time.perf_counter() - start
        return {"tmux_seconds": elapsed, "tmux_exact": final_screen_exact(screen(), lines)}
    finally:
        subprocess.run([*base, "kill-server"], capture_output=True)


# -- widget alone --------------------------------------------------------------------------------
async def widget_only_benchmark(lines: int) -> float:
    data = b"".join(b"%d\r\n" % i for i in range(1, lines + 1))

    class WidgetApp(App[None]):
        def compose(self) -> ComposeResult:
            yield TerminalView()

    app = WidgetApp()
    async with app.run_test(size=(COLS + 1, ROWS)) as pilot:
        term = app.query_one(TerminalView)
        await pilot.pause()
        start = time.perf_counter()

        def reader() -> None:
            for i in range(0, len(data), 32768):
                term.feed(data[i : i + 32768])

        thread = threading.Thread(target=reader)
        thread.start()
        await async_wait_for(lambda: term.bytes_fed >= len(data), 120, "widget feed")
        elapsed = time.perf_counter() - start
        thread.join()
    return len(data) / elapsed / 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=2_000_000)
    parser.add_argument("--echo-samples", type=int, default=30)
    args = parser.parse_args(argv)

    print(f"terminal benchmark: seq 1 {args.lines}, pane {COLS}x{ROWS}, "
          f"{datetime.datetime.now().isoformat(timespec='minutes')}, load average {load_average()}, "
          f"{os.cpu_count()} CPUs")
    widget_mbps = asyncio.run(widget_only_benchmark(args.lines))
    print(f"  engine + widget alone (no cluster):        {widget_mbps:7.1f} MB/s")
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = Path(tmp) / "config"
        server = subprocess.Popen(
            [sys.executable, str(HERE / "bench_server.py"), "--pods", "0", "--kubeconfig-out", str(kubeconfig)],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        assert server.stdin is not None and server.stdout is not None
        try:
            read_json_line(server.stdout, 60, "the demo server")
            conn = KubeConfig.load(str(kubeconfig)).connect()
            for name in ("bench-pane", "bench-parse", "bench-echo", "bench-tmux"):
                add_debug_container(conn, name)
            pane = asyncio.run(pane_benchmark(conn, "bench-pane", args.lines, args.echo_samples))
            # The same flood with every byte parsed (as for output the engine cannot skip: colours,
            # cursor movement, the alternate screen).
            skip_unseen = TerminalEngine.skip_unseen
            TerminalEngine.skip_unseen = lambda self, data: data  # type: ignore[method-assign]
            try:
                parsed_all = asyncio.run(pane_benchmark(conn, "bench-parse", args.lines, 1))
            finally:
                TerminalEngine.skip_unseen = skip_unseen  # type: ignore[method-assign]
            echo_raw = session_echo_benchmark(conn, "bench-echo", args.echo_samples)
            peer = tmux_benchmark(kubeconfig, "bench-tmux", args.lines)
            conn.close()
        finally:
            server.stdin.write("quit\n")
            server.stdin.close()
            try:
                server.wait(10)
            except subprocess.TimeoutExpired:
                server.kill()
    print(f"  load average after the run:                {load_average()}")

    mb = pane["flood_bytes"] / 1e6
    print(f"  pane (AttachSession -> TerminalView):       {pane['pane_mbps']:7.1f} MB/s "
          f"({mb:.1f} MB in {pane['flood_seconds']:.2f} s)")
    print(f"  of which never parsed (scrolled away unseen): {pane['skipped_bytes'] / 1e6:5.1f} MB")
    print(f"  pane, every byte parsed (no skipping):      {parsed_all['pane_mbps']:7.1f} MB/s "
          f"(exact last lines: {parsed_all['final_screen_exact']}, UI thread CPU {parsed_all['ui_cpu_s']:.2f} s, "
          f"keys {parsed_all['key_during_flood_ms']} ms)")
    print(f"  CPU time of the app during the flood:       {pane['process_cpu_s']:7.2f} s "
          f"(UI thread {pane['ui_cpu_s']:.2f} s)")
    if isinstance(peer, str):
        print(f"  kubectl attach in tmux:                     skipped ({peer})")
    else:
        peer_mbps = pane["flood_bytes"] / peer["tmux_seconds"] / 1e6
        print(f"  kubectl attach in tmux:                     {peer_mbps:7.1f} MB/s "
              f"({mb:.1f} MB in {peer['tmux_seconds']:.2f} s)")
        print(f"  ratio pane / kubectl+tmux:                  {pane['pane_mbps'] / peer_mbps:7.2f}x")
        print(f"  tmux final screen shows the last lines:     {peer['tmux_exact']}")
    print(f"  pane final screen shows exactly the last lines: {pane['final_screen_exact']} "
          f"(painted rows match: {pane['rendered_matches_engine']})")
    keys = pane["key_during_flood_ms"]
    print(f"  scroll key answered during the flood (ms):  {keys} (max {max(keys) if keys else 'n/a'})")
    added = pane["echo_pane_ms"] - echo_raw
    print(f"  keystroke echo, bare session (median):      {echo_raw:7.2f} ms")
    print(f"  keystroke echo, through the pane (median):  {pane['echo_pane_ms']:7.2f} ms")
    print(f"  added latency of the pane (median):         {added:7.2f} ms")
    ok = (pane["pane_mbps"] >= 10 and pane["final_screen_exact"] and added <= 10
          and all(k <= 100 for k in keys))
    print(f"  targets (>= 10 MB/s, exact last lines, key < 100 ms, echo added <= 10 ms): "
          f"{'met' if ok else 'NOT met'}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
