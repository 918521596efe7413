"""What reaches the terminal: bytes written idle and in an update storm, and key-to-screen latency.

    python benchmarks/screen_bench.py [--pods 10000] [--idle-seconds 20] [--storm-rate 200]
                                      [--storm-seconds 10] [--presses 40]

Starts the demo cluster with N synthetic pods in its own process (benchmarks/bench_server.py), then
runs, side by side in one run and each in its own 200x50 pseudo-terminal:
  * the real TUI, `ephemera --kubeconfig F -A`, and
  * the peer, `kubectl get pods -A -w` on the same server (and `less -S` on kubectl's listing for
    the keys, as a pager a user would scroll a listing with).
Both terminals' output is read continuously (so nobody blocks on a full buffer) and counted; the
app's output is also fed to the project's VT engine (widgets/terminal/engine.py, avt), so key
latency is measured to what is on the emulated screen, not to the app's in-memory state.

Printed (figures and ratios, never asserted):
  * bytes per second written to the terminal while idle (every pod loaded, nothing changes but the
    demo's crash-looping scenario pods and the clock), and the app's CPU seconds over that window;
  * the same while the server changes RATE pods per second (faults.storm: each change a visible
    RESTARTS change);
  * key latency: from writing `j` to the terminal until the cursor row has moved down one line on
    the emulated screen (the app), or until the pager's top line has moved (less), p50 / p95 / max,
    idle and in the storm;
  * the load average (this machine is shared: read the ratios, not the absolute times).
"""

from __future__ import annotations

import argparse
import fcntl
import os
import shutil
import signal
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from browser_bench import (
    PYTHON,
    ephemera_command,
    load_average,
    percentile,
    read_json_line,
)

from widgets.terminal.engine import TerminalEngine

HERE = Path(__file__).resolve().parent
COLS, ROWS = 200, 50
TICKS = os.sysconf("SC_CLK_TCK")


def cpu_seconds(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return float("nan")
    return (int(fields[11]) + int(fields[12])) / TICKS


class PtyProcess:
    """A command in its own pseudo-terminal; every byte it writes is counted (and optionally fed to
    a VT engine, checked against a waiting predicate after each read)."""

    def __init__(self, argv: list[str], env: dict[str, str] | None = None, *, emulate: bool = False) -> None:
        master, slave = os.openpty()
        fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.master = master
        self.proc = subprocess.Popen(argv, stdin=slave, stdout=slave, stderr=slave, env=env,
                                     start_new_session=True, close_fds=True)
        os.close(slave)
        self.total = 0
        self.last_output = time.monotonic()
        self.engine = TerminalEngine(COLS, ROWS) if emulate else None
        self.lock = threading.Lock()
        self._waiting: tuple[Callable[[], bool], threading.Event] | None = None
        self.seen_at = 0.0
        threading.Thread(target=self._drain, daemon=True).start()

    def _drain(self) -> None:
        while True:
            try:
                data = os.read(self.master, 65536)
            except OSError:
                return
            if not data:
                return
            now = time.perf_counter()
            with self.lock:
                self.total += len(data)
                self.last_output = time.monotonic()
                if self.engine is not None:
                    self.engine.feed(data)
                waiting = self._waiting
                if waiting is not None and waiting[0]():
                    self.seen_at = now
                    self._waiting = None
                    waiting[1].set()

    def write_and_wait(self, data: bytes, predicate: Callable[[], bool], timeout: float = 5.0) -> float:
        """Seconds from writing `data` until `predicate` holds on what was read (nan: timed out)."""
        done = threading.Event()
        with self.lock:
            self._waiting = (predicate, done)
        started = time.perf_counter()
        os.write(self.master, data)
        if not done.wait(timeout):
            with self.lock:
                self._waiting = None
            return float("nan")
        return self.seen_at - started

    def wait_quiet(self, quiet: float, limit: float) -> None:
        """Until nothing was written for `quiet` seconds (at most `limit` seconds)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and time.monotonic() - self.last_output < quiet:
            time.sleep(0.05)

    def screen(self) -> list[str]:
        with self.lock:
            assert self.engine is not None
            return self.engine.screen_text()

    def stop(self, keys: bytes = b"q") -> None:
        try:
            os.write(self.master, keys)
            self.proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(5)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        try:
            os.close(self.master)
        except OSError:
            pass


def cursor_row(app: PtyProcess, header: int) -> int | None:
    """The screen row of the table's cursor (bold with a background, below the header), or None."""
    assert app.engine is not None
    engine = app.engine
    for row in range(header + 1, ROWS):
        segments = engine.line_segments(engine.screen_offset + row)
        for segment in segments[:3]:
            if segment.text.strip() and segment.style.bold and segment.style.bg is not None:
                return row
    return None


def header_row(app: PtyProcess) -> int:
    for index, line in enumerate(app.screen()):
        if "NAMESPACE" in line and "STATUS" in line:
            return index
    raise SystemExit("benchmark: no table header on the app's screen:\n" + "\n".join(app.screen()))


def app_key_latencies(app: PtyProcess, presses: int, gap: float) -> list[float]:
    """`j` presses from the top of the table; each timed until the cursor row is one lower on screen."""
    header = header_row(app)
    samples: list[float] = []
    app.write_and_wait(b"g", lambda: cursor_row(app, header) == header + 1)
    row = header + 1
    for _ in range(presses):
        if row >= ROWS - 8:  # stay clear of scrolling: back to the top, untimed
            app.write_and_wait(b"g", lambda: cursor_row(app, header) == header + 1)
            row = header + 1
            time.sleep(gap)
        target = row + 1
        elapsed = app.write_and_wait(b"j", lambda target=target: cursor_row(app, header) == target)  # type: ignore[misc]
        samples.append(elapsed * 1000)
        row = target if elapsed == elapsed else (cursor_row(app, header) or header + 1)
        time.sleep(gap)
    return samples


def less_key_latencies(pager: PtyProcess, lines: list[str], presses: int, gap: float, start: int = 0) -> list[float]:
    """`j` presses in `less -S`: each timed until the top line is the next line of the file
    (`start`: the line at the top now)."""
    samples: list[float] = []
    top = start
    for _ in range(presses):
        if top >= len(lines) - ROWS - 1:
            break
        expected = lines[top + 1][: COLS - 1].rstrip()

        def moved(expected: str = expected) -> bool:
            assert pager.engine is not None
            return pager.engine.screen_text()[0].rstrip().startswith(expected[:60])

        elapsed = pager.write_and_wait(b"j", moved)
        samples.append(elapsed * 1000)
        top += 1
        time.sleep(gap)
    return samples


def window(processes: dict[str, PtyProcess], seconds: float, cpu_of: dict[str, int]) -> dict[str, tuple[int, float]]:
    """Bytes each process wrote and CPU seconds it used over `seconds`."""
    before = {name: (p.total, cpu_seconds(cpu_of[name])) for name, p in processes.items()}
    time.sleep(seconds)
    return {name: (p.total - before[name][0], cpu_seconds(cpu_of[name]) - before[name][1])
            for name, p in processes.items()}


def summary(samples: list[float]) -> str:
    good = [s for s in samples if s == s]
    lost = len(samples) - len(good)
    text = f"{percentile(good, .5):.1f} / {percentile(good, .95):.1f} / {max(good, default=float('nan')):.1f} ms"
    return text + (f" ({lost} not seen in 5 s)" if lost else "")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--idle-seconds", type=float, default=20)
    parser.add_argument("--storm-rate", type=int, default=200)
    parser.add_argument("--storm-seconds", type=float, default=10)
    parser.add_argument("--presses", type=int, default=40, help="j presses idle and again in the storm")
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between presses")
    parser.add_argument("--app-tree", type=Path, default=None,
                        help="run the app from this source tree (e.g. a `git worktree` of an older commit)")
    args = parser.parse_args()
    kubectl = shutil.which("kubectl")
    less = shutil.which("less")
    if not kubectl:
        raise SystemExit("benchmark: kubectl is needed for the peer")
    loads = [load_average()]
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = str(Path(tmp) / "kubeconfig")
        server = subprocess.Popen(
            [PYTHON, str(HERE / "bench_server.py"), "--pods", str(args.pods), "--kubeconfig-out", kubeconfig],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        started: dict[str, PtyProcess] = {}
        try:
            assert server.stdout is not None and server.stdin is not None
            info = read_json_line(server.stdout, 180, "the demo server")
            print(f"demo cluster with {args.pods} extra pods at {info['url']}", flush=True)
            listing = subprocess.run([kubectl, "--kubeconfig", kubeconfig, "get", "pods", "-A"],
                                     capture_output=True, text=True, check=False).stdout.splitlines()
            listing_file = Path(tmp) / "pods.txt"
            listing_file.write_text("\n".join(listing) + "\n")
            env = dict(os.environ, TERM="xterm-256color", COLUMNS=str(COLS), LINES=str(ROWS),
                       EPHEMERA_BENCH_FIRST_ROWS=str(Path(tmp) / "first-rows"))
            env.pop("NO_COLOR", None)
            if args.app_tree is not None:
                env["PYTHONPATH"] = str(args.app_tree.resolve())
            started["app"] = PtyProcess([*ephemera_command(), "--kubeconfig", kubeconfig, "-A"], env, emulate=True)
            started["kubectl -w"] = PtyProcess([kubectl, "--kubeconfig", kubeconfig, "get", "pods", "-A", "-w"], env)
            if less:
                started["less"] = PtyProcess([less, "-S", str(listing_file)], env, emulate=True)
            # Every pod loaded: the app's header counts them all, kubectl printed them all.
            expected = f"{len(listing) - 1} pods"
            deadline = time.monotonic() + 300
            while time.monotonic() < deadline and not any(expected in line for line in started["app"].screen()[:4]):
                time.sleep(0.1)
            for process in started.values():
                process.wait_quiet(2.0, 120)
            pids = {name: p.proc.pid for name, p in started.items()}
            watched = {name: p for name, p in started.items() if name != "less"}
            idle = window(watched, args.idle_seconds, pids)
            loads.append(load_average())
            app = started["app"]
            idle_keys = app_key_latencies(app, args.presses, args.gap)
            less_keys = less_key_latencies(started["less"], listing, args.presses, args.gap) if less else []
            app.wait_quiet(1.0, 10)
            server.stdin.write(f"storm {args.storm_rate} {args.storm_seconds}\n")
            server.stdin.flush()
            time.sleep(min(1.0, args.storm_seconds / 4))  # the storm under way
            storm_window = max(1.0, args.storm_seconds / 2 - 1)
            storm = window(watched, storm_window, pids)
            storm_keys = app_key_latencies(app, max(1, min(args.presses, int((args.storm_seconds / 2 - 0.5) / (args.gap + 0.01)))), args.gap)
            read_json_line(server.stdout, args.storm_seconds + 120, "the demo server's storm")
            loads.append(load_average())
            screen = app.screen()
        finally:
            for name, process in started.items():
                process.stop(b"q" if name != "kubectl -w" else b"\x03")
            if server.poll() is None and server.stdin is not None:
                try:
                    server.stdin.write("quit\n")
                    server.stdin.flush()
                    server.wait(30)
                except (OSError, subprocess.TimeoutExpired):
                    server.kill()
                    server.wait()

    def rate(pair: tuple[int, float], seconds: float) -> float:
        return pair[0] / seconds

    def ratio(a: float, b: float) -> str:
        return f"{a / b:.1f}x" if b else "n/a (peer wrote nothing)"

    app_idle, kubectl_idle = rate(idle["app"], args.idle_seconds), rate(idle["kubectl -w"], args.idle_seconds)
    app_storm, kubectl_storm = rate(storm["app"], storm_window), rate(storm["kubectl -w"], storm_window)
    print()
    print(f"app from {args.app_tree or 'this tree'}; {args.pods} extra pods, {COLS}x{ROWS} terminals, {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}")
    print(f"load average (start / after idle / after storm): {' | '.join(loads)}")
    print(f"idle {args.idle_seconds:.0f} s: app {app_idle:,.0f} B/s (CPU {idle['app'][1]:.2f} s), "
          f"kubectl get -w {kubectl_idle:,.0f} B/s (CPU {idle['kubectl -w'][1]:.2f} s), "
          f"ratio {ratio(app_idle, kubectl_idle)}")
    print(f"storm {args.storm_rate}/s, {storm_window:.0f} s window: app {app_storm:,.0f} B/s "
          f"(CPU {storm['app'][1]:.2f} s), kubectl get -w {kubectl_storm:,.0f} B/s "
          f"(CPU {storm['kubectl -w'][1]:.2f} s), ratio {ratio(app_storm, kubectl_storm)}")
    print(f"key j to screen p50 / p95 / max: app idle {summary(idle_keys)}; app in storm {summary(storm_keys)}; "
          f"less -S idle {summary(less_keys)}")
    print("app screen at the end (first 3 lines):", *screen[:3], sep="\n  ")
    return 0


if __name__ == "__main__":
    sys.exit(main())
