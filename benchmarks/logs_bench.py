"""The logs view at 100,000 lines against `less` on the same lines, measured in the same run.

    .venv/bin/python benchmarks/logs_bench.py [--lines 100000] [--keys 200]

One synthetic log (what `pods/log?timestamps=true` sends: an RFC 3339 stamp, a level, a message of
varying length, one line in 50 longer than the screen), then:

- the logs view's path (widgets/log_view.LogView in a headless 120x40 Textual app, the lines parsed
  as the screen parses them, tui.pods.log_text.parse_log): parse, hand over, first frame; then each
  key (PgDn, G, g, n...) timed from the key to a full frame drawn (the compositor renders every
  row of the screen); wrap and timestamps toggles (a reflow of every line);
- `less` on the same file in a pseudo-terminal of the same size (the peer a user pipes a log to):
  first screen, then each key until its expected line is on the terminal.

Printed figures only, nothing asserted. No cluster: the API server's share (the demo's, or a
real one's) is the same for both and not what this measures.
"""

from __future__ import annotations

import argparse
import asyncio
import fcntl
import os
import pty
import select
import shutil
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from textual.app import App, ComposeResult

from tui.pods.log_text import parse_log
from widgets.log_view import LogView

COLS, ROWS = 120, 40
NEEDLE_AT = 73_456
LEVELS = ("INFO ", "DEBUG", "WARN ", "ERROR")


def synthetic_log(lines: int) -> bytes:
    """`lines` lines as the API server sends them with timestamps=true (each numbered: seq=NNNNNN)."""
    start = datetime(2026, 12, 3, 7, 0, tzinfo=UTC)
    out = []
    for i in range(1, lines + 1):
        when = (start + timedelta(milliseconds=37 * i)).strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"
        words = " ".join(f"field{j}=value{(i * j) % 997}" for j in range(1 + i % 7))
        extra = " " + "x" * 180 if i % 50 == 0 else ""
        token = " unique-token-needle" if i == NEEDLE_AT else ""
        out.append(f"{when} {LEVELS[i % 4]} seq={i:06d} handler=/api/v1/items/{i % 1000} {words}{token}{extra}\n")
    return "".join(out).encode()


def stats(samples: list[float]) -> str:
    ms = sorted(s * 1000 for s in samples)
    p95 = ms[min(len(ms) - 1, int(len(ms) * 0.95))]
    return f"p50 {statistics.median(ms):.2f} ms, p95 {p95:.2f} ms, max {ms[-1]:.2f} ms (n={len(ms)})"


# ------------------------------------------------------------------------------ the logs view
class ViewApp(App[None]):
    def compose(self) -> ComposeResult:
        yield LogView(id="log")


async def view_benchmark(data: bytes, keys: int) -> dict[str, str]:
    results: dict[str, str] = {}
    app = ViewApp()
    async with app.run_test(size=(COLS, ROWS)) as pilot:
        view = app.query_one(LogView)
        view.focus()
        await pilot.pause()

        def frame() -> None:
            app.screen._compositor.render_full_update()  # every row of the screen drawn

        started = time.perf_counter()
        lines = parse_log(data, timestamps=True)
        parsed = time.perf_counter()
        view.set_lines(lines)
        handed = time.perf_counter()
        await pilot.pause()
        frame()
        shown = time.perf_counter()
        assert "seq=000001" in view.visible_text()[0]
        results["parse (bytes -> display lines, off the UI thread in the app)"] = f"{(parsed - started) * 1000:.0f} ms"
        results["hand over (set_lines)"] = f"{(handed - parsed) * 1000:.0f} ms"
        results["first frame after the lines arrive"] = f"{(shown - handed) * 1000:.0f} ms"

        async def timed(key: str, check: Callable[[], bool] | None = None) -> float:
            """The key through Textual (the pilot: the event loop's own overhead included) to a full frame."""
            t0 = time.perf_counter()
            await pilot.press(key)
            frame()
            elapsed = time.perf_counter() - t0
            if check is not None and not check():
                raise AssertionError(f"{key}: the view did not move as expected")
            return elapsed

        def direct(action: Callable[[], object], check: Callable[[], bool] | None = None) -> float:
            """The view's own work: the key's action, then a full frame (every row drawn)."""
            t0 = time.perf_counter()
            action()
            frame()
            elapsed = time.perf_counter() - t0
            if check is not None and not check():
                raise AssertionError(f"{action}: the view did not move as expected")
            return elapsed

        def last() -> bool:
            return view.bottom_line == len(lines) - 1

        samples = [direct(view.action_page_down) for _ in range(keys)]
        results[f"PgDn x{keys}: action + full frame"] = stats(samples)
        results["G (end): action + full frame"] = f"{direct(view.action_bottom, last) * 1000:.2f} ms"
        samples = [direct(view.action_page_up) for _ in range(keys)]
        results[f"PgUp x{keys} from the end: action + full frame"] = stats(samples)
        results["g (top): action + full frame"] = f"{direct(view.action_top, lambda: view.top_line == 0) * 1000:.2f} ms"
        samples = [await timed("pagedown") for _ in range(keys)]
        results[f"PgDn x{keys}: key through Textual's pilot + full frame"] = stats(samples)
        results["G: key through Textual's pilot + full frame"] = f"{await timed('G', last) * 1000:.2f} ms"
        results["search over every line (one match) + frame"] = \
            f"{direct(lambda: view.search('unique-token-needle')) * 1000:.1f} ms ({len(view.matches)} match)"
        results["search 'error' (smart case, 25% of lines) + frame"] = \
            f"{direct(lambda: view.search('error')) * 1000:.1f} ms ({len(view.matches)} matches)"
        samples = [direct(view.next_match) for _ in range(min(keys, 100))]
        results["n (next match): action + full frame"] = stats(samples)
        view.search("")
        results["t (timestamps on: widths of every line) + frame"] = \
            f"{direct(lambda: view.set_timestamps(True)) * 1000:.1f} ms"
        results["w (wrap on: rows of every line counted) + frame"] = \
            f"{direct(lambda: view.set_wrap(True)) * 1000:.1f} ms"
        samples = [direct(view.action_page_down) for _ in range(keys)]
        results[f"PgDn x{keys} wrapped: action + full frame"] = stats(samples)
        results["G wrapped: action + full frame"] = f"{direct(view.action_bottom, last) * 1000:.2f} ms"
        await pilot.pause()
    return results


# ------------------------------------------------------------------------------ less
class Terminal:
    """A program in a pseudo-terminal of COLS x ROWS; what it writes is collected."""

    def __init__(self, argv: list[str]) -> None:
        self.pid, self.fd = pty.fork()
        if self.pid == 0:  # the child
            os.environ["TERM"] = "xterm-256color"
            os.environ.pop("LESS", None)
            os.environ["LESSHISTFILE"] = "-"
            os.execvp(argv[0], argv)
        fcntl.ioctl(self.fd, termios.TIOCSWINSZ, struct.pack("HHHH", ROWS, COLS, 0, 0))
        self.output = bytearray()

    def send(self, data: bytes) -> None:
        self.output.clear()
        os.write(self.fd, data)

    def wait_for(self, needle: bytes, timeout: float = 30.0) -> None:
        deadline = time.perf_counter() + timeout
        while needle not in self.output:
            remaining = deadline - time.perf_counter()
            if remaining <= 0:
                raise TimeoutError(f"less never showed {needle!r}")
            ready, _, _ = select.select([self.fd], [], [], remaining)
            if ready:
                try:
                    self.output += os.read(self.fd, 65536)
                except OSError:
                    break

    def close(self) -> None:
        try:
            os.write(self.fd, b"q")
            os.waitpid(self.pid, 0)
        finally:
            os.close(self.fd)


def less_benchmark(path: Path, lines: int, keys: int) -> dict[str, str]:
    results: dict[str, str] = {}
    started = time.perf_counter()
    term = Terminal(["less", "-S", str(path)])  # -S: long lines cut, as the view's default
    try:
        term.wait_for(b"seq=000039")
        results["first screen (start to line 39 drawn)"] = f"{(time.perf_counter() - started) * 1000:.0f} ms"

        def timed(data: bytes, needle: bytes) -> float:
            t0 = time.perf_counter()
            term.send(data)
            term.wait_for(needle)
            return time.perf_counter() - t0

        page = ROWS - 1
        samples = [timed(b" ", b"seq=%06d" % (page * (k + 2))) for k in range(keys)]
        results[f"PgDn (space) x{keys} (key to the page's last line drawn)"] = stats(samples)
        results["G (end)"] = f"{timed(b'G', b'seq=%06d' % lines) * 1000:.2f} ms"
        samples = [timed(b"b", b"seq=%06d" % (lines - page * (k + 1) - page + 1)) for k in range(keys)]
        results[f"PgUp (b) x{keys} from the end"] = stats(samples)
        results["g (top)"] = f"{timed(b'g', b'seq=000001') * 1000:.2f} ms"
        found = timed(b"/unique-token-needle\r", b"seq=%06d" % NEEDLE_AT)
        results["search (one match)"] = f"{found * 1000:.1f} ms"
    finally:
        term.close()
    return results


# ------------------------------------------------------------------------------ from a cluster
def cluster_benchmark(lines: int, runs: int = 3) -> dict[str, str] | str:
    """The whole read from the demo cluster (a container that wrote `seq 1 LINES`): the view's read
    (`fetch_logs` + `parse_log`, timestamps on, as the view asks) against `kubectl logs --timestamps`
    into a pipe, medians of `runs`. The server runs in this process for both."""
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        return "skipped: kubectl is not on PATH"
    from tui.demo.cluster import DemoCluster  # benchmarks only: the demo cluster is not the view's
    from tui.kube.config import KubeConfig
    from tui.kube.pod_reads import fetch_logs

    results: dict[str, str] = {}
    with tempfile.TemporaryDirectory(prefix="ephemera-logs-bench-") as tmp, \
            DemoCluster(kubelet_delay=0.2) as cluster:
        kubeconfig = cluster.write_kubeconfig(Path(tmp) / "kubeconfig")
        cluster.faults.add_pod({
            "apiVersion": "v1", "kind": "Pod", "metadata": {"name": "bench-logs", "namespace": "default"},
            "spec": {"containers": [{"name": "app", "image": "busybox",
                                     "command": ["sh", "-c", f"seq 1 {lines}; sleep 36000"]}]}})
        kc = KubeConfig.load(kubeconfig=str(kubeconfig))
        conn = kc.connect()
        try:
            deadline = time.monotonic() + 120
            while True:
                try:
                    if fetch_logs(conn, "default", "bench-logs", "app", 1) == b"%d\n" % lines:
                        break
                except Exception:  # noqa: BLE001 - not started yet
                    pass
                if time.monotonic() > deadline:
                    return "skipped: the demo container never wrote its lines"
                time.sleep(0.2)
            command = [kubectl, "--kubeconfig", str(kubeconfig), "--cache-dir", str(Path(tmp) / "cache"),
                       "logs", "bench-logs", "-c", "app", "--timestamps"]
            subprocess.run(command, stdout=subprocess.DEVNULL, check=True)  # the discovery cache, warmed once
            ours, theirs, size = [], [], 0
            for _ in range(runs):
                t0 = time.perf_counter()
                data = fetch_logs(conn, "default", "bench-logs", "app", None, timestamps=True)
                parsed = parse_log(data, timestamps=True)
                ours.append(time.perf_counter() - t0)
                size = len(data)
                assert len(parsed) == lines
                t0 = time.perf_counter()
                with subprocess.Popen(command, stdout=subprocess.PIPE) as process:
                    assert process.stdout is not None
                    got = sum(chunk.count(b"\n") for chunk in iter(lambda: process.stdout.read(65536), b""))
                theirs.append(time.perf_counter() - t0)
                assert got == lines
            results[f"read {lines:,} lines ({size / 1e6:.1f} MB), median of {runs}"] = (
                f"view's read (fetch_logs + parse_log) {statistics.median(ours) * 1000:.0f} ms; "
                f"kubectl logs --timestamps | pipe {statistics.median(theirs) * 1000:.0f} ms")
        finally:
            conn.close()
            kc.close()
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--keys", type=int, default=200, help="page keys per direction")
    parser.add_argument("--no-cluster", action="store_true", help="skip the read from the demo cluster vs kubectl")
    args = parser.parse_args(argv)
    data = synthetic_log(args.lines)
    print(f"logs_bench {datetime.now(UTC):%Y-%m-%d %H:%M} UTC, {args.lines:,} lines ({len(data) / 1e6:.1f} MB), "
          f"{COLS}x{ROWS}, load {os.getloadavg()[0]:.2f}, Python {sys.version.split()[0]}")
    small = asyncio.run(view_benchmark(synthetic_log(ROWS * 4), min(args.keys, 3)))
    view = asyncio.run(view_benchmark(data, args.keys))
    with tempfile.TemporaryDirectory(prefix="ephemera-logs-bench-") as tmp:
        path = Path(tmp) / "log.txt"
        path.write_bytes(data)
        less = less_benchmark(path, args.lines, args.keys)
    print(f"\nlogs view (widgets/log_view.py), {args.lines:,} lines")
    for name, value in view.items():
        print(f"  {name:58} {value}")
    print(f"\nthe same view with {ROWS * 4} lines (the floor: Textual's key handling and a frame, no log to speak of)")
    for name, value in small.items():
        print(f"  {name:58} {value}")
    print(f"\nless -S, the same {args.lines:,} lines, same terminal size")
    for name, value in less.items():
        print(f"  {name:58} {value}")
    if not args.no_cluster:
        read = cluster_benchmark(args.lines)
        print("\nfrom the demo cluster (a container that wrote `seq 1 N`), the server in this process for both")
        for name, value in (read.items() if isinstance(read, dict) else [("", read)]):
            print(f"  {name} {value}".rstrip())
    print(f"\nload average at the end {os.getloadavg()[0]:.2f}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
