"""Pod browser benchmark: the app against kubectl on the same demo cluster, in one run.

    python benchmarks/browser_bench.py [--pods 10000] [--storm-rate 2000] [--storm-seconds 10]

Starts the demo cluster with N synthetic pods in its own process (benchmarks/bench_server.py), then
measures, printing figures and ratios (never asserting on time):
  (a) process start -> first rows of all namespaces on screen, for `ephemera -A` in a real
      pseudo-terminal (the app writes the time to $EPHEMERA_BENCH_FIRST_ROWS), against the wall
      time of `kubectl get pods -A` on the same server (median of several runs each);
  (b) peak RSS (VmHWM) of the app holding every pod, next to kubectl's peak RSS;
  (c) an update storm (RATE pod changes per second for SECONDS) while keys are pressed in the
      headless app (benchmarks/storm_harness.py): key latency p50/p95 during the storm against
      the same app idle, and whether every row matches the server afterwards.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import os
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import termios
import threading
import time
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve().parent
PYTHON = sys.executable


def ephemera_command() -> list[str]:
    script = Path(PYTHON).parent / "ephemera"
    return [str(script)] if script.exists() else [PYTHON, "-m", "tui"]


def read_json_line(stream: IO[str], timeout: float, what: str) -> dict[str, Any]:
    """The next JSON line from a child's stdout (other lines are skipped)."""
    result: dict[str, Any] = {}

    def reader() -> None:
        for line in stream:
            line = line.strip()
            if line.startswith("{"):
                result.update(json.loads(line))
                return

    thread = threading.Thread(target=reader, daemon=True)
    thread.start()
    thread.join(timeout)
    if not result:
        raise SystemExit(f"benchmark: no answer from {what} within {timeout:.0f} s")
    if result.get("event") == "error":
        raise SystemExit(f"benchmark: {what} failed: {result.get('error')}")
    return result


def percentile(samples: list[float], fraction: float) -> float:
    if not samples:
        return float("nan")
    ordered = sorted(samples)
    index = min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))
    return ordered[index]


def load_average() -> str:
    try:
        return " ".join(Path("/proc/loadavg").read_text().split()[:3])
    except OSError:
        return "n/a"


def proc_kb(pid: int, field: str) -> int:
    try:
        with open(f"/proc/{pid}/status") as status:
            for line in status:
                if line.startswith(field + ":"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def time_kubectl(kubectl: str, kubeconfig: str, runs: int) -> tuple[list[float], int, int]:
    """Wall times of `kubectl get pods -A`, its peak RSS (KB) and the number of rows it printed."""
    times: list[float] = []
    peak_kb = 0
    rows = 0
    for _ in range(runs):
        started = time.perf_counter()
        proc = subprocess.Popen(
            [kubectl, "--kubeconfig", kubeconfig, "get", "pods", "-A"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
        )
        out = proc.stdout.read() if proc.stdout else b""
        _, status, usage = os.wait4(proc.pid, 0)
        times.append(time.perf_counter() - started)
        proc.returncode = os.waitstatus_to_exitcode(status)
        peak_kb = max(peak_kb, usage.ru_maxrss)
        rows = max(0, out.count(b"\n") - 1)
    return times, peak_kb, rows


def run_app_in_pty(kubeconfig: str, pods: int, settle: float) -> tuple[float, int]:
    """Start `ephemera -A` in a pty; seconds from spawn to first rows on screen, and VmHWM in KB."""
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 160, 0, 0))
    with tempfile.TemporaryDirectory() as tmp:
        marker = Path(tmp) / "first-rows"
        env = dict(os.environ, TERM="xterm-256color", EPHEMERA_BENCH_FIRST_ROWS=str(marker), COLUMNS="160", LINES="50")
        spawned = time.time()
        proc = subprocess.Popen(
            [*ephemera_command(), "--kubeconfig", kubeconfig, "-A"],
            stdin=slave, stdout=slave, stderr=slave, env=env, start_new_session=True, close_fds=True,
        )
        os.close(slave)
        stop = threading.Event()

        def drain() -> None:  # keep the terminal's buffer empty so the app never blocks writing
            while not stop.is_set():
                try:
                    if not os.read(master, 65536):
                        return
                except OSError:
                    return

        threading.Thread(target=drain, daemon=True).start()
        first_rows = float("nan")
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and proc.poll() is None:
            text = marker.read_text().strip() if marker.exists() else ""
            if text:
                first_rows = float(text) - spawned
                break
            time.sleep(0.005)
        # Let the rest of the pods arrive, then read the high-water mark while it still runs.
        last, stable_since = -1, time.monotonic()
        settle_deadline = time.monotonic() + 60
        while time.monotonic() < settle_deadline and proc.poll() is None:
            rss = proc_kb(proc.pid, "VmRSS")
            if rss != last:
                last, stable_since = rss, time.monotonic()
            elif time.monotonic() - stable_since > settle:
                break
            time.sleep(0.1)
        hwm = proc_kb(proc.pid, "VmHWM")
        try:
            os.write(master, b"q")
            proc.wait(5)
        except (OSError, subprocess.TimeoutExpired):
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
        stop.set()
        os.close(master)
        return first_rows, hwm


def run_storm(server: subprocess.Popen[str], kubeconfig: str, pods: int, rate: float, seconds: float) -> dict[str, Any]:
    harness = subprocess.Popen(
        [PYTHON, str(HERE / "storm_harness.py"), "--kubeconfig", kubeconfig, "--expected-rows", str(pods)],
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
    )
    assert harness.stdin and harness.stdout and server.stdin and server.stdout
    try:
        ready = read_json_line(harness.stdout, 180, "the storm harness")
        server.stdin.write(f"storm {rate} {seconds}\n")
        server.stdin.flush()
        harness.stdin.write("storm-started\n")
        harness.stdin.flush()
        storm = read_json_line(server.stdout, seconds + 120, "the demo server's storm")
        harness.stdin.write("storm-done\n")
        harness.stdin.flush()
        result = read_json_line(harness.stdout, 300, "the storm harness")
    finally:
        try:
            harness.wait(30)
        except subprocess.TimeoutExpired:
            harness.kill()
            harness.wait()
    return {"ready": ready, "storm": storm, "result": result}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--pods", type=int, default=10_000)
    parser.add_argument("--runs", type=int, default=3, help="runs of kubectl and of the app startup")
    parser.add_argument("--storm-rate", type=float, default=2000)
    parser.add_argument("--storm-seconds", type=float, default=10)
    parser.add_argument("--settle", type=float, default=1.5, help="seconds of stable RSS before reading the peak")
    parser.add_argument("--storm-only", action="store_true", help="skip kubectl and the startup runs (iterating)")
    args = parser.parse_args()

    kubectl = shutil.which("kubectl")
    with tempfile.TemporaryDirectory() as tmp:
        kubeconfig = str(Path(tmp) / "kubeconfig")
        started = time.perf_counter()
        server = subprocess.Popen(
            [PYTHON, str(HERE / "bench_server.py"), "--pods", str(args.pods), "--kubeconfig-out", kubeconfig],
            stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True,
        )
        try:
            assert server.stdout is not None and server.stdin is not None
            info = read_json_line(server.stdout, 120, "the demo server")
            print(f"demo cluster with {args.pods} extra pods at {info['url']} "
                  f"(ready in {time.perf_counter() - started:.1f} s)", flush=True)

            kubectl_times: list[float] = []
            kubectl_kb = kubectl_rows = 0
            if kubectl and not args.storm_only:
                time_kubectl(kubectl, kubeconfig, 1)  # warm the discovery cache, as a user's would be
                kubectl_times, kubectl_kb, kubectl_rows = time_kubectl(kubectl, kubeconfig, args.runs)
            app_times: list[float] = []
            app_kb = 0
            for _ in range(0 if args.storm_only else args.runs):
                first_rows, hwm = run_app_in_pty(kubeconfig, args.pods, args.settle)
                app_times.append(first_rows)
                app_kb = max(app_kb, hwm)
            storm = run_storm(server, kubeconfig, args.pods, args.storm_rate, args.storm_seconds)
            server.stdin.write("quit\n")
            server.stdin.flush()
            server.wait(30)
        finally:
            if server.poll() is None:
                server.kill()
                server.wait()

    report(args, kubectl_times, kubectl_kb, kubectl_rows, app_times, app_kb, storm)
    return 0


def report(args: argparse.Namespace, kubectl_times: list[float], kubectl_kb: int, kubectl_rows: int,
           app_times: list[float], app_kb: int, storm: dict[str, Any]) -> None:
    def ratio(a: float, b: float) -> str:
        return f"{a / b:.2f}" if b and a == a and b == b else "n/a"

    app_first = statistics.median(app_times) if app_times else float("nan")
    kubectl_wall = statistics.median(kubectl_times) if kubectl_times else float("nan")
    idle = storm["ready"].get("idle_ms", [])
    during = storm["result"].get("storm_ms", [])
    result = storm["result"]
    rows = [
        ("first rows, all namespaces (app, median)", f"{app_first:.2f} s", "target ratio <= 1.0"),
        ("kubectl get pods -A wall time (median)", f"{kubectl_wall:.2f} s", f"{kubectl_rows} rows"),
        ("ratio app / kubectl", ratio(app_first, kubectl_wall), ""),
        ("peak RSS of the app (VmHWM)", f"{app_kb / 1024:.0f} MB", "target <= 250 MB"),
        ("peak RSS of kubectl get pods -A", f"{kubectl_kb / 1024:.0f} MB", f"ratio {ratio(app_kb, kubectl_kb)}"),
        ("storm: pod changes sent", f"{storm['storm'].get('changes', '?')}",
         f"in {storm['storm'].get('elapsed', float('nan')):.1f} s (asked {args.storm_rate:.0f}/s for {args.storm_seconds:.0f} s)"),
        ("key to painted frame, idle p50 / p95", f"{percentile(idle, .5):.1f} / {percentile(idle, .95):.1f} ms", f"{len(idle)} presses"),
        ("key to painted frame, storm p50 / p95", f"{percentile(during, .5):.1f} / {percentile(during, .95):.1f} ms",
         f"{len(during)} presses; target p95 <= 100 ms"),
        ("storm p95 / idle p95", ratio(percentile(during, .95), percentile(idle, .95)), ""),
        ("rows matching the server after the storm",
         "all" if result.get("mismatches") == 0 else f"{result.get('mismatches')} differ",
         f"{result.get('rows')} rows, {result.get('server_pods')} server pods, "
         f"{result.get('row_checks', '?')} check(s)"),
        ("converged after the storm ended", f"{result.get('converge_seconds', float('nan')):.2f} s",
         f"watcher caught up after {result.get('watch_caught_up_seconds', float('nan')):.2f} s"),
        ("peak RSS of the headless app through the storm", f"{result.get('vmhwm_kb', 0) / 1024:.0f} MB", ""),
    ]
    width = max(len(r[0]) for r in rows)
    print()
    print(f"{'figure':<{width}}  {'value':>14}  note")
    print(f"{'-' * width}  {'-' * 14}  ----")
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>14}  {note}")
    print()
    gc_stats = result.get("gc") or {}
    print("GC pauses in the storm:", ", ".join(
        f"gen{gen} {s['count']}x total {s['total_ms']:.0f} ms max {s['max_ms']:.0f} ms" for gen, s in gc_stats.items()))
    print(f"event-loop stalls > 10 ms in the storm: {result.get('stall_count', '?')}, longest (ms):",
          ", ".join(f"{s:.0f}" for s in result.get("stalls_ms", [])[:10]))
    print(f"load average during the run: {load_average()}")
    print("app first-rows runs (s):", ", ".join(f"{t:.2f}" for t in app_times))
    print("kubectl runs (s):       ", ", ".join(f"{t:.2f}" for t in kubectl_times))


if __name__ == "__main__":
    sys.exit(main())
